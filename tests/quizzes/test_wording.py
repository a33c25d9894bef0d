"""How times are said to a learner: never "0 minutes"."""

from datetime import timedelta

from django.utils import timezone

from quizzes.templatetags.quiz_tags import from_now


def test_the_last_seconds_are_less_than_a_minute_not_zero_minutes():
    now = timezone.now()
    assert from_now(now + timedelta(seconds=20)) == "in less than a minute"
    assert from_now(now - timedelta(seconds=5)) == "less than a minute ago"


def test_longer_spans_read_as_django_says_them():
    now = timezone.now()
    assert from_now(now + timedelta(days=3, minutes=1)) == "in 3\xa0days"
    assert from_now(now - timedelta(hours=2, seconds=5)) == "2\xa0hours ago"
    assert from_now(None) == ""
