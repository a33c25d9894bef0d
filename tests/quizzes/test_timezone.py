"""Times in the learner's own time zone, from the browser's (a cookie the site's script sets)."""

from datetime import timedelta

import pytest
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
