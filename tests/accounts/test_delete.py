"""A learner deletes their account and everything that is only theirs, after giving their password."""

import csv
import io

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import User

from cases.models import CaseProgress, Commitment
from quizzes.models import Attempt, Flag, Note, ProblemReport, Question, Response, ReviewCard
from tests.accounts.conftest import make_history
from tests.conftest import PASSWORD
from tests.teach.conftest import enrol

URL = "/accounts/delete/"


def test_it_needs_an_account(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.post(URL, {"password": PASSWORD}).status_code == 302


def test_it_rejects_put(learner_client):
    assert learner_client.put(URL).status_code == 405


def test_it_asks_for_the_password_first(learner_client):
    body = learner_client.get(URL).content.decode()
    assert 'name="password"' in body and 'type="password"' in body
    assert 'action="/accounts/delete/"' in body and 'href="/accounts/data.json"' in body


def test_a_wrong_password_is_a_form_error_and_deletes_nothing(learner_client, history):
    response = learner_client.post(URL, {"password": "not my password"})
    assert response.status_code == 400
    assert "That is not your password" in response.content.decode()
    assert User.objects.filter(username="learner").exists()
    assert Response.objects.filter(attempt__learner=history).count() == 3


def test_an_empty_form_is_a_form_error(learner_client):
    response = learner_client.post(URL, {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert User.objects.filter(username="learner").exists()


def test_another_learners_password_does_not_delete_either_account(learner_client, learner, other_learner):
    other_learner.set_password("the other one's password 7")
    other_learner.save()
    response = learner_client.post(URL, {"password": "the other one's password 7"})
    assert response.status_code == 400
    assert User.objects.filter(pk__in=[learner.pk, other_learner.pk]).count() == 2


def test_it_deletes_the_account_and_all_that_is_only_theirs(learner_client, history, other_learner):
    make_history(other_learner, 2, tag="-other")
    response = learner_client.post(URL, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "Your account and everything you did with it have been deleted." in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert not User.objects.filter(username="learner").exists()
    for model, owner in [
        (Attempt, "learner"),
        (Response, "attempt__learner"),
        (Flag, "learner"),
        (Note, "learner"),
        (ReviewCard, "learner"),
        (CaseProgress, "learner"),
        (Commitment, "progress__learner"),
        (ProblemReport, "reporter"),
    ]:
        assert not model.objects.filter(**{f"{owner}__username": "learner"}).exists(), model.__name__
        assert model.objects.filter(**{owner: other_learner}).exists(), model.__name__
    # The questions they answered stay in the bank; only their answers went.
    assert Question.objects.filter(slug__in=["hist-0", "hist-1", "hist-2"]).count() == 3


def test_the_deleted_learner_leaves_the_cohort_reports(
    learner_client, learner, history, other_learner, client, instructor
):
    make_history(other_learner, 2, tag="-other")
    enrol(learner, other_learner)
    learner_client.post(URL, {"password": PASSWORD})
    client.force_login(instructor)
    grades = csv.DictReader(io.StringIO(client.get("/teach/grades.csv").content.decode()))
    assert {row["username"] for row in grades} == {"other"}
    assert "Learners: All your cohorts (1)" in client.get("/teach/").content.decode()


@pytest.mark.django_db
def test_the_session_is_gone_after_deletion(learner_client):
    learner_client.post(URL, {"password": PASSWORD})
    assert learner_client.get("/progress/").status_code == 302


def test_it_also_deletes_the_login_records_kept_under_the_username(learner_client, other_learner):
    """django-axes keeps records of logins (username, address, browser): the account's go with it."""
    for username in ("learner", "other"):
        fields = {"username": username, "ip_address": "203.0.113.7", "user_agent": "Firefox"}
        AccessAttempt.objects.create(**fields, failures_since_start=1, get_data="", post_data="")
        AccessLog.objects.create(**fields)
        AccessFailureLog.objects.create(**fields)
    learner_client.post(URL, {"password": PASSWORD})
    assert not User.objects.filter(username="learner").exists()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert not model.objects.filter(username="learner").exists(), model.__name__
        assert model.objects.filter(username="other").exists(), model.__name__
