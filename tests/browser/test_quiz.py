"""The learner's journey through a quiz, in a real browser: the acceptance of the quiz module."""

import re

from playwright.sync_api import expect

from quizzes.models import Response, ReviewCard
from tests.browser.conftest import DESKTOP, PHONE, layout_problems, screenshot
from tests.every_page import quiz_pages


def _sign_up(page, username="quizzer"):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.locator("#id_password1").fill("a-Long-enough-pass-42")
    page.locator("#id_password2").fill("a-Long-enough-pass-42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _answer_current(page):
    """Answer whatever kind of question is showing, by keyboard where the page offers it."""
    if page.locator(".answer-form input[name=value]").count():
        page.locator(".answer-form input[name=value]").fill("42")
    else:
        page.wait_for_load_state("load")  # the page's script handles the keys once loaded
        page.keyboard.press("1")  # number keys choose an option
    page.get_by_label("Sure", exact=True).check()
    page.get_by_role("button", name="Submit answer").click()


def test_a_new_learner_takes_a_quiz_and_sees_progress_and_review(page):
    _sign_up(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quizzes").click()
    page.get_by_label("Number of questions").fill("6")
    page.get_by_role("button", name="Start quiz").click()
    for number in range(1, 7):
        expect(page.get_by_role("heading", name=f"Question {number} of 6")).to_be_visible()
        url = page.url
        _answer_current(page)
        feedback = page.locator(".feedback-headline")
        expect(feedback).to_contain_text(re.compile("Correct|Incorrect|Partly correct"))
        assert page.url == url  # swapped in place, no page load
        expect(feedback).to_be_focused()
        expect(page.locator(f"#question-card-{number}")).to_contain_text("Teaching point")
        expect(page.locator("#quiz-status")).to_have_text(re.compile("Correct|Incorrect|Partly correct"))
        if number == 1:
            screenshot(page, "quiz-feedback")
        if number < 6:
            page.get_by_role("link", name="Next question").click()
    page.get_by_role("button", name="Finish and see results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    screenshot(page, "quiz-results")
    assert Response.objects.count() == 6
    page.get_by_role("link", name="See your progress").click()
    expect(page.get_by_text("6 answered")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("^Review")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    assert ReviewCard.objects.count() == 6
    assert page.csp_errors == []


def test_a_double_click_records_one_answer(page):
    _sign_up(page, "doubleclicker")
    page.goto("/quizzes/")
    page.get_by_role("button", name="Start quiz").click()
    _answer_current_without_submit = page.locator(".answer-form input[name=value]").count() == 0
    if _answer_current_without_submit:
        page.wait_for_load_state("load")
        page.keyboard.press("1")
    else:
        page.locator(".answer-form input[name=value]").fill("42")
    page.get_by_role("button", name="Submit answer").dblclick()
    expect(page.locator(".feedback-headline")).to_be_visible()
    assert Response.objects.count() == 1


def test_the_body_map_answers_by_click_and_by_keyboard(page, django_user_model):
    _sign_up(page, "mapper")
    learner = django_user_model.objects.get(username="mapper")
    paths = quiz_pages(learner)
    for path in paths[2:]:
        page.goto(path)
        if page.locator(".bodymap").count() and page.locator(".answer-form").count():
            break
    figure_region = page.locator(".answer-form .region").first
    figure_region.click()
    first_box = page.locator(".answer-form input[name=choice]").first
    expect(first_box).to_be_checked()
    second_box = page.locator(".answer-form input[name=choice]").nth(1)
    second_box.focus()
    page.keyboard.press("Space")
    expect(second_box).to_be_checked()
    screenshot(page, "bodymap-question")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.locator(".feedback-headline")).to_be_visible()
    screenshot(page, "bodymap-feedback")


def test_quiz_pages_pass_axe_at_both_widths(page, django_user_model):
    _sign_up(page, "axer")
    learner = django_user_model.objects.get(username="axer")
    failures = {}
    for path in quiz_pages(learner) + ["/quizzes/", "/progress/", "/review/"]:
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(size)
            page.goto(path)
            violations = layout_problems(page, size["width"])
            if violations:
                failures[f"{name} {path}"] = violations
            screenshot(page, f"{name}-{path.strip('/').replace('/', '-')}")
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
    assert page.csp_errors == []


def test_a_missing_answer_is_explained_where_focus_lands(page):
    _sign_up(page, "hasty")
    page.goto("/quizzes/")
    page.get_by_label("Number of questions").fill("3")
    page.get_by_role("button", name="Start quiz").click()
    page.get_by_role("button", name="Submit answer").click()
    alert = page.locator("#question-card-1 [role=alert]")
    expect(alert).to_contain_text(re.compile("Choose|Enter a number"))
    expect(alert).to_be_focused()
    page.get_by_role("button", name="Flag this question").click()
    expect(page.get_by_role("button", name="Flagged for later")).to_be_focused()
    assert Response.objects.count() == 0
