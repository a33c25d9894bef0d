"""Times in the learner's own time zone, from the browser's (a cookie the site's script sets)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def timed_exam(learner, own_bank):
    exam = services.attempt_start(
        learner=learner, topics=[], size=2, mode="exam", time_limit_minutes=30, question_ids=[q.pk for q in own_bank]
    )
    deadline = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=1)
    exam.__class__.objects.filter(pk=exam.pk).update(deadline=deadline)
    return exam


def test_the_deadline_is_shown_in_the_browsers_time_zone(learner_client, timed_exam):
    learner_client.cookies["tz"] = "Asia/Kolkata"  # UTC+05:30, no summer time
    body = learner_client.get(f"/quizzes/attempts/{timed_exam.pk}/1/").content.decode()
    assert "submit by 17:30 IST" in body


@pytest.mark.parametrize("cookie", ["", "Not/AZone", "../../etc/passwd", "x" * 100, "Europe/Berlin'<script>"])
def test_without_a_valid_zone_times_stay_in_utc(learner_client, timed_exam, cookie):
    learner_client.cookies["tz"] = cookie
    body = learner_client.get(f"/quizzes/attempts/{timed_exam.pk}/1/").content.decode()
    assert "submit by 12:00 UTC" in body


# Remembered with the account (accounts.Preferences): another device shows the learner's time before its script runs.


def test_the_browsers_zone_is_remembered_with_the_account(client, learner, timed_exam):
    from django.test import Client

    from tests.conftest import PASSWORD

    client.force_login(learner)
    client.cookies["tz"] = "Asia/Kolkata"
    client.get("/")
    assert learner.preferences.time_zone == "Asia/Kolkata"

    phone = Client()  # a new device: no cookie yet
    assert phone.post("/accounts/login/", {"username": "learner", "password": PASSWORD}).status_code == 302
    body = phone.get(f"/quizzes/attempts/{timed_exam.pk}/1/").content.decode()
    assert "submit by 17:30 IST" in body


def test_the_account_is_written_only_when_the_zone_changes(learner_client, learner):
    learner_client.cookies["tz"] = "Europe/Berlin"
    learner_client.get("/reference/")
    learner.preferences.refresh_from_db()
    assert learner.preferences.time_zone == "Europe/Berlin"
    with CaptureQueriesContext(connection) as settled:  # from here on the zone costs no query
        learner_client.get("/healthz")
    del learner_client.cookies["tz"]
    with CaptureQueriesContext(connection) as without:
        learner_client.get("/healthz")
    assert len(settled) == len(without)
    learner_client.cookies["tz"] = "Europe/Berlin"
    learner_client.cookies["tz"] = "America/New_York"
    learner_client.get("/reference/")
    learner.preferences.refresh_from_db()
    assert learner.preferences.time_zone == "America/New_York"


def test_a_learners_days_are_their_own(learner):
    """Answers at 17:00 and 20:00 UTC fall on one day in UTC and on two in Kolkata (22:30, then 01:30)."""
    from quizzes import home
    from tests.factories import AttemptFactory, ResponseFactory

    attempt = AttemptFactory(learner=learner)
    yesterday = timezone.now().date() - timedelta(days=1)
    for hour in (17, 20):
        response = ResponseFactory(attempt=attempt)
        at = timezone.now().replace(hour=hour, minute=0, second=0, microsecond=0) - timedelta(days=1)
        response.__class__.objects.filter(pk=response.pk).update(answered_at=at)
    with timezone.override("UTC"):
        assert home.answers_per_day(learner, yesterday) == {yesterday: 2}
    with timezone.override("Asia/Kolkata"):
        today = yesterday + timedelta(days=1)
        assert home.answers_per_day(learner, today) == {yesterday: 1, today: 1}
        assert home.streak({yesterday, today}, today) == 2
