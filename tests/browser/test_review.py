"""A review session by keyboard, with the proposed rating overridden and each rating's interval in view."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Question, ReviewCard
from tests.browser.conftest import PHONE, axe_violations, log_in, screenshot


def _due_cards(learner, n=2):
    questions = list(Question.objects.for_quizzes().filter(kind="single")[:n])
    for question in questions:
        attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
        wrong = question.choices.filter(is_correct=False).first()
        services.response_record(
            attempt=attempt, question=question, choice_ids=[wrong.pk], value=None, certainty="guess"
        )
        services.attempt_finish(attempt=attempt)
    ReviewCard.objects.filter(learner=learner).update(due=timezone.now() - timedelta(hours=1))
    return questions


def test_a_review_session_by_keyboard_with_a_rating_overridden(page, learner):
    _due_cards(learner)
    log_in(page, learner.username)
    page.goto("/review/")
    expect(page.get_by_text("2 questions due now.")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Review now")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Question 1 of 2")).to_be_visible()
    page.wait_for_load_state("load")
    page.keyboard.press("1")
    page.keyboard.press("u")  # unsure
    page.keyboard.press("Enter")
    rating = page.get_by_role("region", name="When this question comes back for review")
    expect(rating).to_be_visible()
    for name in ("Again", "Hard", "Good", "Easy"):  # each with the interval it would give (a second review here)
        button = rating.get_by_role("button", name=re.compile(f"^{name} · "))
        expect(button).to_have_text(re.compile(rf"^{name} · [\d.]+ (min|h|days?|months|years)$"))
    proposed = rating.locator("[aria-pressed=true]")
    expect(proposed).to_have_count(1)
    other = (
        rating.get_by_role("button", name=re.compile("^Easy · "))
        if "Easy" not in proposed.inner_text()
        else (rating.get_by_role("button", name=re.compile("^Hard · ")))
    )
    chosen = other.inner_text().split(" ·")[0]
    other.focus()
    page.keyboard.press("Enter")
    expect(rating.get_by_text(re.compile(f"You rated it {chosen}"))).to_be_visible()
    expect(rating.get_by_role("button", name=re.compile(f"^{chosen} · "))).to_have_attribute("aria-pressed", "true")
    card = ReviewCard.objects.get(learner=learner, last_rating={"Easy": 4, "Hard": 2}[chosen])
    assert card.due > timezone.now()
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "review-rating-phone")
    page.keyboard.press("n")  # next question
    expect(page.get_by_role("heading", name="Question 2 of 2")).to_be_visible()
    page.wait_for_load_state("load")
    page.keyboard.press("2")
    page.keyboard.press("s")
    page.keyboard.press("Enter")
    expect(page.locator(".feedback-headline")).to_be_visible()
    page.keyboard.press("n")  # the last question's next step: finish
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    assert page.csp_errors == []
