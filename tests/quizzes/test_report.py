"""Report a problem: a learner reports a question they met, an instructor closes it, the learner sees the outcome."""

import pytest
from django.test import Client

from quizzes.models import ProblemReport
from tests.factories import question_with_choices

pytestmark = pytest.mark.django_db

REPORT = {"reason": "key", "comment": "Option B is also right: the source says so."}


def _url(question) -> str:
    return f"/quizzes/questions/{question.pk}/report/"


def test_it_rejects_get(learner_client, attempt):
    assert learner_client.get(_url(attempt.questions.first())).status_code == 405


def test_it_sends_anonymous_visitors_to_log_in(client, attempt):
    response = client.post(_url(attempt.questions.first()), REPORT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not ProblemReport.objects.exists()


def test_it_hides_a_question_the_learner_has_not_met(learner_client, attempt):
    unseen = question_with_choices(slug="never-drawn")
    assert learner_client.post(_url(unseen), REPORT).status_code == 404
    assert not ProblemReport.objects.exists()


BAD = [{}, {"reason": "key"}, {"reason": "key", "comment": "   "}, {**REPORT, "reason": "x"}]


@pytest.mark.parametrize("data", BAD)
def test_it_refuses_a_report_without_a_reason_or_a_comment(learner_client, attempt, data):
    response = learner_client.post(_url(attempt.questions.first()), data, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not ProblemReport.objects.exists()


def test_it_files_the_report_and_says_it_was_received(learner_client, learner, attempt):
    question = attempt.questions.first()
    response = learner_client.post(_url(question), REPORT, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "your report was received" in response.content.decode()
    report = ProblemReport.objects.get()
    assert (report.reporter, report.target, report.reason, report.status) == (learner, question, "key", "open")


def test_a_second_identical_submit_files_one_report(learner_client, attempt):
    question = attempt.questions.first()
    learner_client.post(_url(question), REPORT)
    learner_client.post(_url(question), REPORT)
    assert ProblemReport.objects.count() == 1


def test_without_javascript_it_returns_to_the_question(learner_client, attempt):
    page = f"/quizzes/attempts/{attempt.pk}/1/"
    response = learner_client.post(_url(attempt.questions.first()), {**REPORT, "next": page})
    assert response.status_code == 302 and response["Location"] == page


def test_the_question_page_offers_the_report_form(learner_client, attempt):
    body = learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/").content.decode()
    assert "Report a problem" in body and _url(attempt.questions.first()) in body


# the instructor's side


def _filed(learner_client, attempt) -> ProblemReport:
    learner_client.post(_url(attempt.questions.first()), REPORT)
    return ProblemReport.objects.get()


def test_instructors_see_open_reports_on_teach(learner_client, attempt, client, instructor):
    report = _filed(learner_client, attempt)
    client.force_login(instructor)
    body = client.get("/teach/").content.decode()
    assert report.comment in body and f"/teach/reports/{report.pk}/resolve/" in body


def test_learners_cannot_close_a_report(learner_client, attempt):
    report = _filed(learner_client, attempt)
    response = learner_client.post(f"/teach/reports/{report.pk}/resolve/", {"status": "fixed", "resolution": "x"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.is_open


def test_closing_needs_an_outcome_and_a_note(learner_client, attempt, client, instructor):
    report = _filed(learner_client, attempt)
    client.force_login(instructor)
    url = f"/teach/reports/{report.pk}/resolve/"
    assert client.get(url).status_code == 405
    assert client.post(url, {"status": "open", "resolution": "Still looking"}).status_code == 400
    assert client.post(url, {"status": "fixed"}).status_code == 400
    assert client.post("/teach/reports/999999/resolve/", {"status": "fixed", "resolution": "x"}).status_code == 404
    report.refresh_from_db()
    assert report.is_open


def test_the_reporter_sees_the_outcome_on_their_progress_page(learner_client, learner, attempt, instructor):
    report = _filed(learner_client, attempt)
    teacher = Client()
    teacher.force_login(instructor)
    teacher.post(f"/teach/reports/{report.pk}/resolve/", {"status": "fixed", "resolution": "Key corrected, thanks."})
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == ("fixed", instructor)
    body = learner_client.get("/progress/").content.decode()
    assert "Key corrected, thanks." in body and "Fixed" in body


def test_another_learner_does_not_see_my_reports(learner_client, attempt, other_learner):
    _filed(learner_client, attempt)
    other = Client()
    other.force_login(other_learner)
    assert REPORT["comment"] not in other.get("/progress/").content.decode()
