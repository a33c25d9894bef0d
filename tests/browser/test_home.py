"""A learner's home in a real browser: its links lead where they say, and it passes axe at a phone's width and a
desktop's, without scrolling sideways on the phone."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from cases import services as case_services
from cases.models import Case
from quizzes import services
from quizzes.models import Question, ReviewCard
from tests.browser.conftest import DESKTOP, axe_violations, log_in, screenshot
from tests.factories import UserFactory

PHONE_390 = {"width": 390, "height": 844}


def _busy_learner():
    """A learner with an open quiz (1 of 3 answered), two reviews due, a weak topic and a case under way."""
    learner = UserFactory(username="learner")
    bank = Question.objects.for_quizzes().filter(kind="single").order_by("pk")
    weak = list(bank.filter(topic="laboratory")[:3])
    done = services.attempt_start(learner=learner, topics=[], size=3, question_ids=[q.pk for q in weak])
    for question in weak:
        wrong = next(c for c in question.choices.all() if not c.is_correct)
        services.response_record(attempt=done, question=question, choice_ids=[wrong.pk], value=None, certainty="guess")
    services.attempt_finish(attempt=done)
    ReviewCard.objects.filter(learner=learner, question__in=weak[:2]).update(due=timezone.now() - timedelta(hours=1))
    open_questions = list(bank.filter(topic="type")[:3])
    attempt = services.attempt_start(learner=learner, topics=[], size=3, question_ids=[q.pk for q in open_questions])
    first = open_questions[0]
    right = next(c for c in first.choices.all() if c.is_correct)
    services.response_record(attempt=attempt, question=first, choice_ids=[right.pk], value=None, certainty="sure")
    case = Case.objects.published().in_teaching_order().first()
    progress = case_services.progress_start(learner=learner, case=case)
    case_services.stage_reveal(progress=progress, seen=0)
    return learner, attempt


def test_the_home_links_lead_to_the_quiz_and_the_reviews(page):
    _, attempt = _busy_learner()
    log_in(page, "learner")
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome back, learner")
    page.get_by_role("link", name="Continue your tutor quiz").click()
    expect(page).to_have_url(re.compile(rf"/quizzes/attempts/{attempt.pk}/2/$"))
    expect(page.get_by_role("button", name="Submit answer")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("link", name="Review 2 due questions").click()
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    assert page.csp_errors == []


def test_the_home_passes_axe_and_fits_a_phone(page):
    _busy_learner()
    UserFactory(username="newcomer")
    failures = {}
    for username in ("learner", "newcomer"):
        page.context.clear_cookies()
        log_in(page, username)
        for name, size in (("phone", PHONE_390), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            page.goto("/")
            violations = axe_violations(page)
            if violations:
                failures[f"{username} {name}"] = violations
            if name == "phone":
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, f"{username}: the home page scrolls sideways by {overflow}px at 390px"
            screenshot(page, f"{name}-home-{username}")
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
    assert page.csp_errors == []
