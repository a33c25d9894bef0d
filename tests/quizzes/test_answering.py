"""Taking a quiz: answering records once, scores, explains, and refuses what it must."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from quizzes import services, versions
from quizzes.models import Attempt, Response, ReviewCard
from tests.factories import ChoiceFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def _url(attempt, position=1, action=""):
    return f"/quizzes/attempts/{attempt.pk}/{position}/{action}"


def _options(attempt, position=1):
    question = attempt.slots.get(position=position).question
    options = list(question.choices.order_by("order"))
    return question, [o for o in options if o.is_correct], [o for o in options if not o.is_correct]


def test_the_question_page_needs_an_account(client, attempt):
    response = client.get(_url(attempt))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_question_page_shows_the_stem_and_options(learner_client, attempt):
    question, right, wrong = _options(attempt)
    body = learner_client.get(_url(attempt)).content.decode()
    assert question.stem in body
    assert all(o.text in body for o in right + wrong)
    assert "How sure are you?" in body


def test_another_learners_attempt_is_404(client, other_learner, attempt):
    client.force_login(other_learner)
    _, right, _ = _options(attempt)
    assert client.get(_url(attempt)).status_code == 404
    assert client.post(_url(attempt, action="answer/"), {"choice": right[0].pk, "certainty": "sure"}).status_code == 404
    assert not Response.objects.exists()


def test_a_position_beyond_the_quiz_is_404(learner_client, attempt):
    assert learner_client.get(_url(attempt, 99)).status_code == 404


def test_answer_rejects_get(learner_client, attempt):
    assert learner_client.get(_url(attempt, action="answer/")).status_code == 405


def test_a_right_answer_by_htmx_swaps_in_feedback(learner_client, attempt):
    question, right, wrong = _options(attempt)
    response = learner_client.post(
        _url(attempt, action="answer/"), {"choice": right[0].pk, "certainty": "sure"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1" not in body  # a fragment, not the page
    assert "Correct" in body and "Teaching point" in body
    # One learner so far: no percentages yet, and the page says when they come.
    assert "% of answers" not in body and "shows once 10 have answered this version (1 so far)" in body
    assert 'data-hx-swap-oob="innerHTML:#quiz-status"' in body
    stored = Response.objects.get()
    assert stored.is_correct and stored.score == 1 and stored.certainty == "sure"


def test_a_plain_post_redirects_to_the_same_feedback(learner_client, attempt):
    _, _, wrong = _options(attempt)
    response = learner_client.post(_url(attempt, action="answer/"), {"choice": wrong[0].pk, "certainty": "guess"})
    assert response.status_code == 302 and response.url == _url(attempt)
    body = learner_client.get(response.url).content.decode()
    assert "Incorrect" in body and "Next question" in body


def test_a_second_submit_changes_nothing(learner_client, attempt):
    _, right, wrong = _options(attempt)
    learner_client.post(_url(attempt, action="answer/"), {"choice": wrong[0].pk, "certainty": "sure"})
    again = learner_client.post(_url(attempt, action="answer/"), {"choice": right[0].pk, "certainty": "sure"})
    assert again.status_code == 302
    stored = Response.objects.get()
    assert not stored.is_correct
    assert list(stored.choices.all()) == [wrong[0]]
    assert ReviewCard.objects.get().reviews == 1


def test_the_database_refuses_two_responses_to_one_question(attempt):
    question = attempt.slots.first().question
    version = versions.version_for(question, question.choices.all())
    Response.objects.create(attempt=attempt, question=question, version=version)
    with pytest.raises(IntegrityError):
        Response.objects.create(attempt=attempt, question=question, version=version)


def test_an_option_of_another_question_is_400(learner_client, attempt):
    stranger = ChoiceFactory(is_correct=True)
    response = learner_client.post(_url(attempt, action="answer/"), {"choice": stranger.pk, "certainty": "sure"})
    assert response.status_code == 400
    assert "does not belong to this question" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"certainty": "sure"}, "Choose an answer first."),
        ({"choice": "abc", "certainty": "sure"}, "does not belong to this question"),
        ({"choice": "1", "certainty": "cocky"}, "Say how sure you are"),
    ],
)
def test_bad_answers_get_a_clear_400(learner_client, attempt, data, message):
    _, right, _ = _options(attempt)
    if data.get("choice") == "1":
        data = {**data, "choice": right[0].pk}
    response = learner_client.post(_url(attempt, action="answer/"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Response.objects.exists()


def test_a_finished_attempt_refuses_new_answers(learner_client, attempt):
    services.attempt_finish(attempt=attempt)
    _, right, _ = _options(attempt)
    response = learner_client.post(_url(attempt, action="answer/"), {"choice": right[0].pk, "certainty": "sure"})
    assert response.status_code == 409
    assert "finished" in response.content.decode()
    assert not Response.objects.exists()


def test_a_question_outside_the_attempt_is_refused(learner, attempt):
    outsider = QuestionFactory()
    with pytest.raises(services.QuizError):
        services.response_record(attempt=attempt, question=outsider, choice_ids=[], value=None, certainty="sure")


def test_an_exam_hides_feedback_until_the_end(learner_client, learner, own_bank):
    exam = services.attempt_start(
        learner=learner, topics=[], size=5, mode="exam", question_ids=[q.pk for q in own_bank]
    )
    _, right, _ = _options(exam)
    answer = {"choice": right[0].pk, "certainty": "sure", "go": "next"}
    response = learner_client.post(_url(exam, action="answer/"), answer)
    assert response.status_code == 302 and response.url == _url(exam, 2)  # saved, and on to the next question
    body = learner_client.get(_url(exam)).content.decode()
    assert "Your saved answer is selected below" in body and "Teaching point" not in body
    assert f'value="{right[0].pk}" id="choice-{right[0].pk}" checked' in body
    learner_client.post(f"/quizzes/attempts/{exam.pk}/finish/")
    results = learner_client.get(f"/quizzes/attempts/{exam.pk}/results/").content.decode()
    assert "Teaching point" in results and "Not answered" in results


def test_an_exam_past_its_time_limit_is_finished_and_refuses_answers(learner_client, learner, own_bank):
    exam = services.attempt_start(
        learner=learner, topics=[], size=5, mode="exam", time_limit_minutes=10, question_ids=[q.pk for q in own_bank]
    )
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    _, right, _ = _options(exam)
    response = learner_client.post(_url(exam, action="answer/"), {"choice": right[0].pk, "certainty": "sure"})
    assert response.status_code == 302 and response.url == f"/quizzes/attempts/{exam.pk}/results/"
    assert "Time is up: your exam was submitted" in learner_client.get(response.url).content.decode()
    exam.refresh_from_db()
    assert exam.is_finished
    page = learner_client.get(_url(exam)).content.decode()
    assert "This quiz is finished" in page and 'name="choice"' not in page


def test_a_badly_typed_answer_after_the_deadline_still_says_time_is_up(learner_client, learner, own_bank):
    exam = services.attempt_start(
        learner=learner, topics=[], size=5, mode="exam", time_limit_minutes=10, question_ids=[q.pk for q in own_bank]
    )
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = learner_client.post(_url(exam, action="answer/"), {"choice": "1", "certainty": "not-a-certainty"})
    assert response.status_code == 409 and "This quiz is finished" in response.content.decode()
    exam.refresh_from_db()
    assert exam.is_finished


def test_the_service_finishes_an_overdue_exam_at_its_deadline_and_records_nothing(learner, own_bank):
    exam = services.attempt_start(
        learner=learner, topics=[], size=5, mode="exam", time_limit_minutes=10, question_ids=[q.pk for q in own_bank]
    )
    deadline = timezone.now() - timedelta(minutes=1)
    Attempt.objects.filter(pk=exam.pk).update(deadline=deadline)
    _, right, _ = _options(exam)
    question = right[0].question
    recorded = services.response_record(
        attempt=exam, question=question, choice_ids=[right[0].pk], value=None, certainty="sure"
    )
    assert recorded.time_up and recorded.response is None and not recorded.created
    exam.refresh_from_db()
    assert exam.finished == deadline and not exam.responses.exists()


def test_the_service_returns_the_stored_answer_for_a_repeat(learner, attempt):
    _, right, wrong = _options(attempt)
    question = right[0].question
    first = services.response_record(
        attempt=attempt, question=question, choice_ids=[right[0].pk], value=None, certainty="sure"
    )
    again = services.response_record(
        attempt=attempt, question=question, choice_ids=[wrong[0].pk], value=None, certainty="guess"
    )
    assert first.created and first.chosen == {right[0].pk}
    assert not again.created and again.response.pk == first.response.pk and again.response.is_correct


@pytest.mark.parametrize(
    ("data", "message"),
    [({}, "Choose an answer first."), ({"choice": "abc"}, "That option does not belong to this question.")],
)
def test_a_refused_answer_shows_the_message_beside_the_options(learner_client, attempt, data, message):
    response = learner_client.post(_url(attempt, action="answer/"), {"certainty": "sure", **data})
    assert response.status_code == 400
    assert f'<div class="text-danger small mb-2" id="choice-errors-1">{message}</div>' in response.content.decode()


def test_resume_goes_to_the_first_unanswered_question(learner_client, attempt):
    _, right, _ = _options(attempt)
    learner_client.post(_url(attempt, action="answer/"), {"choice": right[0].pk, "certainty": "sure"})
    response = learner_client.get(f"/quizzes/attempts/{attempt.pk}/")
    assert response.url == _url(attempt, 2)


def test_results_show_score_and_topics(learner_client, attempt):
    _, right, _ = _options(attempt)
    learner_client.post(_url(attempt, action="answer/"), {"choice": right[0].pk, "certainty": "sure"})
    assert learner_client.get(f"/quizzes/attempts/{attempt.pk}/results/").status_code == 302  # not finished yet
    learner_client.post(f"/quizzes/attempts/{attempt.pk}/finish/")
    body = learner_client.get(f"/quizzes/attempts/{attempt.pk}/results/").content.decode()
    assert "20%" in body and "1 of 5 marks" in body and "Management" in body


def test_finish_rejects_get_and_foreign_attempts(client, other_learner, attempt):
    client.force_login(other_learner)
    assert client.get(f"/quizzes/attempts/{attempt.pk}/finish/").status_code == 405
    assert client.post(f"/quizzes/attempts/{attempt.pk}/finish/").status_code == 404
    attempt.refresh_from_db()
    assert not attempt.is_finished


def test_the_question_page_costs_a_constant_number_of_queries(learner_client, attempt):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, right, _ = _options(attempt)
    learner_client.get(_url(attempt, 2))
    with CaptureQueriesContext(connection) as unanswered:
        learner_client.get(_url(attempt, 2))
    learner_client.post(_url(attempt, action="answer/"), {"choice": right[0].pk, "certainty": "sure"})
    with CaptureQueriesContext(connection) as answered:
        assert learner_client.get(_url(attempt)).status_code == 200
    assert len(unanswered) == 8, [q["sql"][:70] for q in unanswered]
    assert len(answered) == 12, [q["sql"][:70] for q in answered]


def test_an_htmx_answer_is_recorded_and_rendered_in_a_pinned_number_of_queries(learner_client, attempt):
    """One path: the service records, scores and schedules; the fragment is drawn from what it returned (the
    issue that asked for this measured 30 statements before; the first answer to a question also cuts its version)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, right, _ = _options(attempt)
    learner_client.get(_url(attempt))
    with CaptureQueriesContext(connection) as answering:
        response = learner_client.post(
            _url(attempt, action="answer/"), {"choice": right[0].pk, "certainty": "sure"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200 and "Correct" in response.content.decode()
    assert len(answering) == 25, "\n".join(q["sql"][:150] for q in answering)


def test_an_exam_keeps_its_marks_until_it_is_finished(learner_client, learner, own_bank):
    exam = services.attempt_start(
        learner=learner, topics=[], size=5, mode="exam", question_ids=[q.pk for q in own_bank]
    )
    _, _, wrong = _options(exam)
    learner_client.post(_url(exam, action="answer/"), {"choice": wrong[0].pk, "certainty": "sure"})
    assert not ReviewCard.objects.exists()  # no tell-tale review date
    progress = learner_client.get("/progress/").content.decode()
    assert "0 answered" in progress
    learner_client.post(f"/quizzes/attempts/{exam.pk}/finish/")
    assert ReviewCard.objects.get().last_rating == 1
    assert "1 answered" in learner_client.get("/progress/").content.decode()
    learner_client.post(f"/quizzes/attempts/{exam.pk}/finish/")
    assert ReviewCard.objects.get().reviews == 1  # finishing twice schedules once
