"""Assignment and Grade Services: a finished quiz or case from a graded link sends its score to the platform's
gradebook column, once, and again later if the platform was down."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from cases import services as case_services
from cases.models import Case, hypothesis_slugs
from lti.models import Passback
from lti.services import passback_send
from quizzes import services
from quizzes.models import Attempt
from tests.lti.conftest import INSTRUCTOR, launch

QUIZ = "quiz:topics=type;size=4;mode=tutor"


def answer_half(attempt: Attempt) -> None:
    """Right on the first two questions, wrong on the others (single-answer questions only)."""
    for i, slot in enumerate(attempt.slots.select_related("question").order_by("position")):
        question = slot.question
        choice = question.choices.filter(is_correct=i < 2).first()
        services.response_record(
            attempt=attempt, question=question, choice_ids=[choice.pk], value=None, certainty="sure"
        )


@pytest.fixture
def graded_quiz(client, platform, simulator, monkeypatch):
    # Single-answer questions only, so that half right is exactly half the marks.
    original = services.attempt_start

    def singles_only(**kwargs):
        from quizzes.models import Question

        ids = list(Question.objects.for_quizzes().filter(kind="single", topic="type").values_list("pk", flat=True))
        return original(**kwargs, question_ids=ids[: kwargs["size"]])

    monkeypatch.setattr(services, "attempt_start", singles_only)
    launch(client, simulator, sub="student-9", target=QUIZ, graded="quiz-7")
    return Attempt.objects.get(learner__lti_identities__subject="student-9")


def finish(client, attempt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/quizzes/attempts/{attempt.pk}/finish/")
    assert response.status_code in (200, 302)


def test_a_finished_quiz_sends_its_score_once(client, graded_quiz, simulator, django_capture_on_commit_callbacks):
    answer_half(graded_quiz)
    finish(client, graded_quiz, django_capture_on_commit_callbacks)
    [score] = simulator.scores
    assert score["lineitem"] == "/lineitems/quiz-7"
    body = score["body"]
    assert (body["scoreGiven"], body["scoreMaximum"], body["userId"]) == (50.0, 100, "student-9")
    assert (body["activityProgress"], body["gradingProgress"]) == ("Completed", "FullyGraded")
    assert simulator.token_requests and "score" in simulator.token_requests[0]["scope"]
    passback = Passback.objects.get()
    assert (passback.status, passback.score, passback.tries) == ("sent", Decimal("0.5"), 1)

    finish(client, graded_quiz, django_capture_on_commit_callbacks)  # a second click on Finish
    call_command("lti_scores")
    assert len(simulator.scores) == 1


def test_a_platform_that_is_down_gets_the_score_later(
    client, graded_quiz, simulator, django_capture_on_commit_callbacks, capsys
):
    simulator.fail_scores = 1
    answer_half(graded_quiz)
    finish(client, graded_quiz, django_capture_on_commit_callbacks)
    assert simulator.scores == []
    passback = Passback.objects.get()
    assert passback.status == "ready" and passback.tries == 1 and passback.last_error
    # The learner's finish stands whatever the platform said.
    assert Attempt.objects.get(pk=graded_quiz.pk).is_finished

    call_command("lti_scores")
    assert "1 sent, 0 failed" in capsys.readouterr().out
    assert len(simulator.scores) == 1 and Passback.objects.get().status == "sent"
    call_command("lti_scores")
    assert "No scores owed" in capsys.readouterr().out and len(simulator.scores) == 1


def test_launching_the_link_again_resumes_the_unfinished_quiz(client, graded_quiz, simulator):
    client.logout()
    response = launch(client, simulator, sub="student-9", target=QUIZ, graded="quiz-7")
    assert response["Location"] == f"/quizzes/attempts/{graded_quiz.pk}/"
    assert Attempt.objects.filter(learner=graded_quiz.learner).count() == 1


def test_an_ungraded_or_instructor_launch_owes_nothing(client, platform, simulator, django_capture_on_commit_callbacks):
    launch(client, simulator, sub="student-3", target=QUIZ)
    launch(client, simulator, sub="teacher-3", target=QUIZ, graded="q", roles=[INSTRUCTOR])
    assert not Passback.objects.exists()
    [attempt] = Attempt.objects.all()  # the instructor went to the course's cohort, not into a quiz
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_finish(attempt=attempt)
    assert simulator.scores == []


def test_a_completed_case_sends_its_reasoning_score(client, platform, simulator, django_capture_on_commit_callbacks):
    case = Case.objects.published().filter(stages__decision__gt="").distinct().first()
    launch(client, simulator, sub="student-5", target=f"case:{case.slug}", graded="case-1")
    passback = Passback.objects.get()
    learner = passback.user
    with django_capture_on_commit_callbacks(execute=True):
        progress = case_services.progress_start(learner=learner, case=case)
        stages = list(case.stages.all())
        for _ in stages:
            progress = case_services.stage_reveal(progress=progress)
            stage = stages[progress.revealed - 1]
            if stage.decision:
                others = [s for s in sorted(hypothesis_slugs()) if s != stage.expert_answer][:2]
                ranking = [stage.expert_answer] if stage.decision == "type" else [stage.expert_answer, *others]
                case_services.decision_commit(progress=progress, stage=stage, ranking=ranking, certainty="sure")
        progress = case_services.stage_reveal(progress=progress)
    progress.refresh_from_db()
    assert progress.completed is not None
    [score] = simulator.scores
    assert score["lineitem"] == "/lineitems/case-1" and score["body"]["scoreGiven"] == 100.0
    assert Passback.objects.get().progress == progress


def test_two_senders_at_once_post_the_score_once(client, graded_quiz, simulator, django_capture_on_commit_callbacks):
    simulator.fail_scores = 1  # the finish's own send fails, so the score stays owed
    answer_half(graded_quiz)
    finish(client, graded_quiz, django_capture_on_commit_callbacks)
    first, second = Passback.objects.get(), Passback.objects.get()  # two servers holding the same owed score
    assert passback_send(first) is True
    assert passback_send(second) is False
    assert len(simulator.scores) == 1


def test_a_score_carries_the_time_the_learner_finished(
    client, graded_quiz, simulator, django_capture_on_commit_callbacks
):
    simulator.fail_scores = 1
    answer_half(graded_quiz)
    finish(client, graded_quiz, django_capture_on_commit_callbacks)
    call_command("lti_scores")  # sent later, by the cron
    finished = Attempt.objects.get(pk=graded_quiz.pk).finished
    assert simulator.scores[0]["body"]["timestamp"] == finished.isoformat()


def test_a_score_the_platform_refuses_is_not_retried(
    client, graded_quiz, simulator, django_capture_on_commit_callbacks
):
    graded = Passback.objects.get()
    graded.lineitem = f"{simulator.base}/no-such-column"  # the column was deleted: the platform answers 404
    graded.save()
    answer_half(graded_quiz)
    finish(client, graded_quiz, django_capture_on_commit_callbacks)
    refused = Passback.objects.get()
    assert refused.status == "failed" and "404" in refused.last_error
    call_command("lti_scores")
    assert Passback.objects.get().tries == 1


def test_a_sending_score_left_by_a_stopped_server_is_sent_later(client, graded_quiz, simulator):
    from datetime import timedelta

    from django.utils import timezone

    answer_half(graded_quiz)
    Passback.objects.update(status="sending", claimed=timezone.now() - timedelta(minutes=6), score=Decimal("0.5"))
    call_command("lti_scores")
    assert len(simulator.scores) == 1 and Passback.objects.get().status == "sent"


def test_two_launches_of_a_case_link_wait_for_one_take(client, platform, simulator):
    case = Case.objects.published().first()
    launch(client, simulator, sub="student-5", target=f"case:{case.slug}", graded="case-1")
    client.logout()
    launch(client, simulator, sub="student-5", target=f"case:{case.slug}", graded="case-1")
    assert Passback.objects.count() == 1
