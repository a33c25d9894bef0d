"""Exam mode in a real browser, by keyboard: a navigator, answers changed before submitting, a summary to confirm,
and a countdown that hands the exam in at zero."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from quizzes.models import Attempt, Response
from tests.browser.conftest import PHONE, axe_violations, log_in, screenshot


def _start_exam(page, size=4, minutes=30):
    page.goto("/quizzes/")
    page.get_by_label("Number of questions").fill(str(size))
    page.get_by_label("Exam: feedback at the end").check()
    page.get_by_label("Time limit in minutes (exam mode, optional)").fill(str(minutes))
    page.get_by_role("button", name="Start quiz").click()
    expect(page.get_by_role("heading", name=f"Question 1 of {size}")).to_be_visible()
    page.wait_for_load_state("load")  # the page's script handles the keys once loaded


def _choose_by_key(page, key: str):
    if page.locator(".answer-form input[name=value]").count():
        page.locator(".answer-form input[name=value]").fill(key)
        page.locator(".answer-form input[name=value]").press("Enter")  # Enter in the number box submits: save and next
    else:
        page.keyboard.press(key)
        page.keyboard.press("s")  # sure
        page.keyboard.press("Enter")  # the option has focus: Enter saves and goes on


def test_an_exam_by_keyboard_back_and_forth_with_a_changed_answer_and_a_confirmed_submit(page, learner):
    log_in(page, learner.username)
    _start_exam(page)
    _choose_by_key(page, "1")
    expect(page.get_by_role("heading", name="Question 2 of 4")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Answer to question 1 saved.")).to_be_visible()
    page.get_by_role("button", name="Mark for review").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Marked for review")).to_be_visible()
    marked = re.compile(r"Question\s*2\s*, not answered, marked for review")
    expect(page.get_by_role("navigation", name="Questions").get_by_role("link", name=marked)).to_be_visible()
    page.keyboard.press("p")  # back to question 1
    expect(page.get_by_role("heading", name="Question 1 of 4")).to_be_visible()
    expect(page.locator("[id^=saved-answer-]")).to_be_visible()
    attempt = Attempt.objects.get(learner=learner)
    first = Response.objects.get(attempt=attempt)
    before = (first.value, sorted(first.choices.values_list("pk", flat=True)))
    page.wait_for_load_state("load")
    _choose_by_key(page, "2")  # another option (or number): the answer changes
    expect(page.get_by_role("heading", name="Question 2 of 4")).to_be_visible()
    expect(page.get_by_text("Answer to question 1 changed.")).to_be_visible()
    first.refresh_from_db()
    assert (first.value, sorted(first.choices.values_list("pk", flat=True))) != before
    assert Response.objects.filter(attempt=attempt).count() == 1  # changed, not added
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_hidden()
    page.get_by_role("link", name="Submit the exam…").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Submit the exam?")).to_be_visible()
    expect(page.get_by_text("You answered 1 of 4 questions.")).to_be_visible()
    expect(page.get_by_text("3 not answered")).to_be_visible()
    expect(page.get_by_text("1 marked for review")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "exam-submit-summary")
    page.get_by_role("button", name="Submit the exam").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    assert Attempt.objects.get(pk=attempt.pk).is_finished
    assert page.csp_errors == []


def test_the_countdown_runs_warns_and_hands_the_exam_in_at_zero(page, learner):
    log_in(page, learner.username)
    page.set_viewport_size(PHONE)  # after logging in: on a phone the navigation (and its Log out) is folded away
    _start_exam(page, size=3, minutes=10)
    clock = page.locator(".countdown-clock")
    expect(clock).to_have_text(re.compile(r"^(10:00|9:5\d)$"))
    expect(page.locator("[data-countdown-text]")).to_contain_text("(your time)")
    attempt = Attempt.objects.get(learner=learner)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=4))
    page.reload()
    expect(page.locator(".countdown")).to_have_class(re.compile("is-urgent"))  # under a minute: the urgent look
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "exam-countdown-phone")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results", timeout=15_000)
    expect(page.get_by_text("Time is up: your exam was submitted")).to_be_visible()
    assert Attempt.objects.get(pk=attempt.pk).is_finished


def test_n_saves_a_changed_answer_and_skips_an_untouched_question(page, learner):
    log_in(page, learner.username)
    _start_exam(page, size=3)
    page.keyboard.press("n")  # nothing chosen: just on to the next question, nothing refused
    expect(page.get_by_role("heading", name="Question 2 of 3")).to_be_visible()
    expect(page.locator(".alert-danger")).to_have_count(0)
    page.wait_for_load_state("load")
    if page.locator(".answer-form input[name=value]").count():
        page.locator(".answer-form input[name=value]").fill("5")
        page.locator("body").click()
    else:
        page.keyboard.press("1")
        page.keyboard.press("s")
    page.keyboard.press("n")  # a choice made: N saves it on the way
    expect(page.get_by_role("heading", name="Question 3 of 3")).to_be_visible()
    expect(page.get_by_text("Answer to question 2 saved.")).to_be_visible()
    assert Response.objects.filter(attempt__learner=learner).count() == 1
