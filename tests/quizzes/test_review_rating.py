"""Review as in Anki, on FSRS: the app proposes a rating, shows what each rating would do, and the learner may choose
another; learning steps that keep the queue sane; a forecast of the week."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes import schedule, scoring, selectors, services
from quizzes.models import ReviewCard
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _answer(learner, question, *, right=True, certainty="unsure", now=None):
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    choice = question.choices.filter(is_correct=right).first()
    recorded = services.response_record(
        attempt=attempt, question=question, choice_ids=[choice.pk], value=None, certainty=certainty, now=now
    )
    return attempt, recorded.response


@pytest.mark.parametrize(
    "rating, interval",
    [(scoring.AGAIN, "10 min"), (scoring.HARD, "15 min"), (scoring.GOOD, "2 days"), (scoring.EASY, "8 days")],
)
def test_a_first_answer_comes_back_after_one_short_learning_step_at_most(rating, interval):
    """The tuned schedule: wrong in 10 minutes, a right guess in 15, right and unsure in 2 days, sure in 8."""
    from fsrs import Card, Rating

    now = timezone.now()
    card, _ = schedule.SCHEDULER.review_card(Card(), Rating(rating), review_datetime=now)
    assert scoring.interval_text(card.due - now) == interval


def test_a_quiz_answered_right_but_unsure_does_not_flood_the_queue_the_same_day(learner, own_bank):
    for question in own_bank:
        _answer(learner, question, right=True, certainty="unsure")
    soon = timezone.now() + timedelta(hours=12)
    assert ReviewCard.objects.filter(learner=learner, due__lte=soon).count() == 0  # fsrs' default steps: all 5


def test_the_answer_page_shows_the_proposed_rating_and_every_buttons_interval(learner, learner_client, own_bank):
    attempt, _ = _answer(learner, own_bank[0], right=True, certainty="unsure")
    body = learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/").content.decode()
    assert "Rated <strong>Good</strong> from your mark and how sure you were" in body
    assert "it comes back in 2 days (" in body
    for name, interval in [("Again", "10 min"), ("Hard", "15 min"), ("Good", "2 days"), ("Easy", "8 days")]:
        assert f'{name} <span class="rating-interval">· {interval}</span>' in body
    assert 'value="3" class="btn btn-sm btn-primary" aria-pressed="true"' in body


def test_choosing_another_rating_reschedules_from_the_state_before(learner, learner_client, own_bank):
    attempt, response = _answer(learner, own_bank[0], right=True, certainty="unsure")
    card = ReviewCard.objects.get()
    reply = learner_client.post(f"/review/answers/{response.pk}/rate/", {"rating": "1"}, HTTP_HX_REQUEST="true")
    assert reply.status_code == 200
    assert "You rated it <strong>Again</strong> (proposed: Good)" in reply.content.decode()
    rerated = ReviewCard.objects.get()
    assert rerated.last_rating == 1 and rerated.reviews == card.reviews  # one review, rated otherwise
    assert abs((rerated.due - response.answered_at) - timedelta(minutes=10)) < timedelta(seconds=1)
    learner_client.post(f"/review/answers/{response.pk}/rate/", {"rating": "4"})
    easy = ReviewCard.objects.get()
    assert (easy.due - response.answered_at).days == 8  # again from the state before, not from "Again"


def test_a_second_review_keeps_the_first_state_for_its_own_rerating(learner, own_bank):
    question = own_bank[0]
    _answer(learner, question, right=True, certainty="unsure")
    first = ReviewCard.objects.get()
    _, second = _answer(learner, question, right=True, certainty="unsure", now=first.due)
    card = ReviewCard.objects.get()
    assert card.previous_state == first.state and card.last_response_id == second.pk
    choice = selectors.review_choice(learner, second)
    assert [o["name"] for o in choice["options"]] == ["Again", "Hard", "Good", "Easy"]
    assert choice["options"][2]["chosen"]


def test_only_the_latest_review_can_be_rated_again(learner, learner_client, own_bank):
    question = own_bank[0]
    _, first = _answer(learner, question)
    _answer(learner, question, now=timezone.now() + timedelta(days=3))
    reply = learner_client.post(f"/review/answers/{first.pk}/rate/", {"rating": "1"})
    assert reply.status_code == 409 and "no longer your latest review" in reply.content.decode()


@pytest.mark.parametrize("rating", ["0", "5", "good", ""])
def test_a_rating_that_is_not_one_of_the_four_is_a_400(learner, learner_client, own_bank, rating):
    _, response = _answer(learner, own_bank[0])
    assert learner_client.post(f"/review/answers/{response.pk}/rate/", {"rating": rating}).status_code == 400


def test_another_learners_answer_cannot_be_rated(learner, own_bank):
    _, response = _answer(learner, own_bank[0])
    other = Client()
    other.force_login(UserFactory())
    assert other.post(f"/review/answers/{response.pk}/rate/", {"rating": "1"}).status_code == 404


def test_the_review_page_forecasts_the_week(learner, learner_client, own_bank):
    now = timezone.now()
    for i, question in enumerate(own_bank[:3]):
        _answer(learner, question)
        ReviewCard.objects.filter(question=question).update(due=now + timedelta(days=i))  # today, +1, +2
    ReviewCard.objects.filter(question=own_bank[0]).update(due=now - timedelta(days=2))  # overdue: counted today
    forecast = selectors.review_forecast(learner, now=now)
    assert [d["n"] for d in forecast] == [1, 1, 1, 0, 0, 0, 0] and forecast[0]["label"] == "Today"
    body = learner_client.get("/review/").content.decode()
    assert "Due in the next 7 days" in body and "<td>Today</td><td>1</td>" in body


def test_the_forecast_counts_the_learners_own_days(learner, own_bank):
    from zoneinfo import ZoneInfo

    _answer(learner, own_bank[0])
    tokyo = ZoneInfo("Asia/Tokyo")
    evening_utc = timezone.now().replace(hour=20, minute=0, second=0, microsecond=0)  # 05:00 next day in Tokyo
    ReviewCard.objects.filter(learner=learner).update(due=evening_utc + timedelta(hours=1))  # 06:00 in Tokyo
    with timezone.override(tokyo):
        forecast = selectors.review_forecast(learner, now=evening_utc)
    assert forecast[0]["n"] == 1  # due later today, Tokyo time
