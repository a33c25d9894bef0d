"""Starting a case is a POST: it makes the learner's place in the case (and its questions' attempt) once."""

import pytest
from django.test import Client

from cases.models import CaseProgress
from quizzes.models import Attempt, ProblemReport
from tests.cases.conftest import start

pytestmark = pytest.mark.django_db


def _url(case) -> str:
    return f"/cases/{case.slug}/start/"


def test_it_starts_the_case_and_returns_to_it(learner_client, learner, case):
    response = start(learner_client, case)
    assert response.status_code == 302 and response.url == f"{case.get_absolute_url()}#stage-1"
    progress = CaseProgress.objects.get()
    assert (progress.learner, progress.case, progress.revealed) == (learner, case, 1)  # one click: start and reveal
    assert progress.attempt.mode == Attempt.Mode.CASE
    assert list(progress.attempt.slots.values_list("question__slug", flat=True)) == ["test-case-question"]


def test_it_starts_the_case_once_however_often_it_is_sent(learner_client, case):
    start(learner_client, case)
    again = start(learner_client, case)  # a double submit, or a second tab
    assert again.status_code == 302 and again.url == f"{case.get_absolute_url()}#stage-1"
    assert CaseProgress.objects.count() == 1 and Attempt.objects.count() == 1
    assert CaseProgress.objects.get().revealed == 1  # starting again does not start over


def test_it_swaps_in_the_first_stage_for_htmx(learner_client, case):
    response = start(learner_client, case, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<h1" not in body
    assert 'id="case-stages"' in body and "Start: reveal" not in body
    assert 'id="stage-1"' in body and "Raynaud" in body


def test_it_rejects_get(learner_client, case):
    assert learner_client.get(_url(case)).status_code == 405
    assert not CaseProgress.objects.exists()


def test_it_sends_anonymous_visitors_to_log_in(client, case):
    response = start(client, case)
    assert response.status_code == 302 and response.url == f"/accounts/login/?next={_url(case)}"
    assert not CaseProgress.objects.exists()


def test_it_needs_the_csrf_token(learner, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert start(client, case).status_code == 403
    assert not CaseProgress.objects.exists()


def test_it_hides_a_draft_from_learners_but_lets_an_instructor_try_it(learner_client, client, instructor, case):
    case.is_published = False
    case.save()
    assert start(learner_client, case).status_code == 404
    client.force_login(instructor)
    assert start(client, case).status_code == 302
    assert CaseProgress.objects.get().learner == instructor


def test_another_learners_start_is_not_mine(client, learner, other_learner, case):
    client.force_login(other_learner)
    start(client, case)
    client.force_login(learner)
    assert "Start: reveal the history" in client.get(case.get_absolute_url()).content.decode()
    assert CaseProgress.objects.get().learner == other_learner


# Before the start there is nothing to reveal, commit to or report on: a clear 404, never a 500 or a new record.


def test_reveal_before_the_start_is_a_404(learner_client, case):
    for extra in ({}, {"headers": {"HX-Request": "true"}}):
        response = learner_client.post(f"/cases/{case.slug}/reveal/", {"seen": 0}, **extra)
        assert response.status_code == 404
    assert not CaseProgress.objects.exists() and not Attempt.objects.exists()


def test_commit_before_the_start_is_a_404(learner_client, case):
    history = case.stages.get(order=1)
    data = {"first": "dystrophic", "second": "milia", "third": "xanthomas", "certainty": "sure"}
    assert learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", data).status_code == 404
    assert not CaseProgress.objects.exists()


def test_a_stage_report_before_the_start_is_a_404(learner_client, case):
    history = case.stages.get(order=1)
    response = learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/report/", {"reason": "fact"})
    assert response.status_code == 404
    assert not ProblemReport.objects.exists() and not CaseProgress.objects.exists()
