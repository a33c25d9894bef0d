"""Stepwise disclosure: stages come one at a time, decisions must be committed first, and it all resumes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import CaseProgress, Commitment
from quizzes.models import Response
from tests.cases.conftest import reveal, start

pytestmark = pytest.mark.django_db

DIFFERENTIAL = {"first": "dystrophic", "second": "osteoma-cutis", "third": "xanthomas", "certainty": "sure"}


def test_cases_need_an_account(client, case):
    for path in ("/cases/", case.get_absolute_url()):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={path}"


def test_the_list_shows_difficulty_topics_and_status(learner_client, case):
    body = learner_client.get("/cases/").content.decode()
    assert case.title in body and "Intermediate" in body and "Not started" in body
    assert "Diagnostic reasoning" in body and "Distribution" in body


def test_the_list_runs_from_introductory_to_advanced(learner_client):
    from tests.factories import CaseFactory

    for level, title in [("advanced", "A hard one"), ("introductory", "Z first steps"), ("intermediate", "M middle")]:
        CaseFactory(difficulty=level, title=title)
    body = learner_client.get("/cases/").content.decode()
    assert body.index("Z first steps") < body.index("M middle") < body.index("A hard one")


def test_a_case_opens_on_the_presentation_only(learner_client, case):
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert "<strong>tight skin</strong>" in body and "Start: reveal the history" in body
    assert "Raynaud" not in body


def test_starting_reveals_the_first_stage_in_the_same_click(learner_client, case):
    response = start(learner_client, case, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "<h1" not in body
    assert "Raynaud" in body and "Rank your top three." in body
    assert "Firm nodules" not in body


def test_a_decision_blocks_the_next_stage_until_committed(learner_client, case):
    start(learner_client, case)
    reveal(learner_client, case)
    blocked = reveal(learner_client, case)
    assert blocked.status_code == 409
    assert "Commit to your hypothesis" in blocked.content.decode()
    assert "Firm nodules" not in blocked.content.decode()
    assert CaseProgress.objects.get().revealed == 1


def test_a_later_stage_cannot_be_reached_by_url(learner_client, case):
    start(learner_client, case)
    reveal(learner_client, case)
    lab = case.stages.get(order=3)
    response = learner_client.post(f"/cases/{case.slug}/stages/{lab.pk}/commit/", {"first": "dystrophic"})
    assert response.status_code == 400
    assert "SECRET-LAB-FINDING" not in response.content.decode()
    assert not Commitment.objects.exists()
    for _ in range(5):
        reveal(learner_client, case)
    assert "SECRET-LAB-FINDING" not in learner_client.get(case.get_absolute_url()).content.decode()


def test_the_whole_case_with_debrief(learner_client, case):
    start(learner_client, case)
    history, _, lab = case.stages.all()
    reveal(learner_client, case)
    learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", DIFFERENTIAL)
    reveal(learner_client, case)
    reveal(learner_client, case)
    learner_client.post(f"/cases/{case.slug}/stages/{lab.pk}/commit/", {"first": "metastatic", "certainty": "sure"})
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert "Debrief" in body and "reasoning score: <strong>50%</strong>" in body
    assert "ended on a different conclusion" in body
    assert "Normal labs." in body  # the expert's reasoning beside the learner's path
    assert "Completed" in learner_client.get("/cases/").content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"first": "dystrophic", "second": "dystrophic", "third": "milia", "certainty": "sure"}, "three different"),
        ({"first": "dystrophic", "second": "milia", "certainty": "sure"}, "Choose your second"[:11]),
        ({"first": "gout", "second": "milia", "third": "xanthomas", "certainty": "sure"}, "Select a valid choice"),
        ({**DIFFERENTIAL, "certainty": "cocky"}, "Say how sure you are"),
    ],
)
def test_a_bad_commitment_is_a_400_and_records_nothing(learner_client, case, data, message):
    start(learner_client, case)
    history = case.stages.get(order=1)
    reveal(learner_client, case)
    response = learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Commitment.objects.exists()


def test_a_second_commit_keeps_the_first(learner_client, case):
    start(learner_client, case)
    history = case.stages.get(order=1)
    reveal(learner_client, case)
    learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", DIFFERENTIAL)
    learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", {**DIFFERENTIAL, "first": "milia"})
    assert Commitment.objects.get().ranking == ["dystrophic", "osteoma-cutis", "xanthomas"]


def test_leaving_and_coming_back_resumes(learner_client, case):
    start(learner_client, case)
    history = case.stages.get(order=1)
    reveal(learner_client, case)
    learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", DIFFERENTIAL)
    reveal(learner_client, case)
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert "Firm nodules" in body and "You committed to:" in body and "Reveal the laboratory" in body
    assert "In progress: 2 of 3" in learner_client.get("/cases/").content.decode()


def test_another_learners_progress_is_not_reachable(client, learner, other_learner, case):
    progress = services.progress_start(learner=learner, case=case)
    services.stage_reveal(progress=progress)
    client.force_login(other_learner)
    body = client.get(case.get_absolute_url()).content.decode()
    assert "Raynaud" not in body  # the other learner starts from the presentation
    assert client.get(f"/quizzes/attempts/{progress.attempt_id}/1/").status_code == 404


def test_case_questions_count_in_progress_and_review(learner_client, learner, case):
    progress = services.progress_start(learner=learner, case=case)
    reveal(learner_client, case)
    learner_client.post(f"/cases/{case.slug}/stages/{case.stages.get(order=1).pk}/commit/", DIFFERENTIAL)
    reveal(learner_client, case)
    question = case.questions.get()
    right = question.choices.get(is_correct=True)
    url = f"/quizzes/attempts/{progress.attempt_id}/1/answer/"
    learner_client.post(url, {"choice": right.pk, "certainty": "sure"})
    assert Response.objects.get().is_correct
    assert "1 answered" in learner_client.get("/progress/").content.decode()
    page = learner_client.get(f"/quizzes/attempts/{progress.attempt_id}/1/").content.decode()
    assert "Back to the case" in page


def test_case_questions_stay_out_of_built_quizzes(learner, case):
    from quizzes.models import Question

    assert not Question.objects.for_quizzes().filter(case=case).exists()


def test_unpublished_cases_are_hidden_from_learners_but_previewed_by_instructors(
    learner_client, client, instructor, case
):
    case.is_published = False
    case.save()
    assert learner_client.get(case.get_absolute_url()).status_code == 404
    assert case.title not in learner_client.get("/cases/").content.decode()
    client.force_login(instructor)
    assert "Draft: only instructors" in client.get(case.get_absolute_url()).content.decode()


def test_reveal_and_commit_reject_get(learner_client, case):
    assert learner_client.get(f"/cases/{case.slug}/reveal/").status_code == 405
    assert learner_client.get(f"/cases/{case.slug}/stages/1/commit/").status_code == 405


def test_the_case_page_costs_a_constant_number_of_queries(learner_client, case):
    def page_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert learner_client.get(case.get_absolute_url()).status_code == 200
        return [q["sql"][:60] for q in queries]  # read now: the next request clears the connection's log

    history = case.stages.get(order=1)
    start(learner_client, case)
    reveal(learner_client, case)
    learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", DIFFERENTIAL)
    reveal(learner_client, case)
    early = page_queries()
    reveal(learner_client, case)
    late = page_queries()
    assert len(early) == len(late), (early, late)


def test_a_cases_questions_are_not_listed_as_an_unfinished_quiz(learner_client, learner, case):
    services.progress_start(learner=learner, case=case)
    assert "No unfinished quizzes" in learner_client.get("/quizzes/").content.decode()
    assert "No quizzes yet" in learner_client.get("/progress/").content.decode()


def test_a_case_question_cannot_be_opened_by_url_before_its_stage(learner_client, learner, case):
    progress = services.progress_start(learner=learner, case=case)
    question = case.questions.get()
    right = question.choices.get(is_correct=True)
    url = f"/quizzes/attempts/{progress.attempt_id}/1/"
    assert learner_client.get(url).status_code == 404
    assert learner_client.post(url + "answer/", {"choice": right.pk, "certainty": "sure"}).status_code == 404
    assert not Response.objects.exists()
    for path in ("", "results/"):
        response = learner_client.get(f"/quizzes/attempts/{progress.attempt_id}/{path}")
        assert response.status_code == 302 and response.url == case.get_absolute_url()
    learner_client.post(f"/quizzes/attempts/{progress.attempt_id}/finish/")
    progress.attempt.refresh_from_db()
    assert not progress.attempt.is_finished
    history = case.stages.get(order=1)
    reveal(learner_client, case)
    learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", DIFFERENTIAL)
    assert learner_client.get(url).status_code == 404  # its stage (the examination) is not shown yet
    reveal(learner_client, case)
    assert learner_client.get(url).status_code == 200


def test_a_double_click_on_reveal_shows_one_stage(learner_client, case):
    start(learner_client, case)
    reveal(learner_client, case)
    history = case.stages.get(order=1)
    learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", DIFFERENTIAL)
    learner_client.post(f"/cases/{case.slug}/reveal/", {"seen": 1})
    learner_client.post(f"/cases/{case.slug}/reveal/", {"seen": 1})  # the second click of a double click
    assert CaseProgress.objects.get().revealed == 2


def test_a_reveal_without_the_page_state_is_a_400(learner_client, case):
    start(learner_client, case)
    assert learner_client.post(f"/cases/{case.slug}/reveal/").status_code == 400
    assert learner_client.post(f"/cases/{case.slug}/reveal/", {"seen": "x"}).status_code == 400


def test_the_debrief_names_the_diagnosis_only_when_the_author_gave_one(learner_client, learner, case):
    from calcinosis.models import CalcinosisType
    from tests.every_page import finish_case

    finish_case(learner, case)
    assert "Diagnosis:" not in learner_client.get(case.get_absolute_url()).content.decode()
    case.diagnosis_type = CalcinosisType.objects.get(slug="dystrophic")
    case.save()
    assert "<strong>Diagnosis:</strong> Dystrophic." in learner_client.get(case.get_absolute_url()).content.decode()
