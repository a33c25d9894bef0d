"""Case questions answered inside the case page, with the story in view, then the case finished and taken again."""

import re

from playwright.sync_api import expect

from cases.models import Case, CaseProgress
from quizzes.models import Response
from tests.browser.conftest import DESKTOP, axe_violations, commit_decision, log_in, screenshot
from tests.factories import UserFactory

PHONE_390 = {"width": 390, "height": 844}


def _step(page) -> None:
    """One step on: commit at an open decision, else reveal the next stage (or start)."""
    if page.locator(".decision-form").count():
        commit_decision(page)
        return
    shown = page.locator(".case-stage").count()
    page.get_by_role("button", name=re.compile("^(Start: r|R)eveal the")).click()
    expect(page.locator(".case-stage")).to_have_count(shown + 1)


def _answer_inline(page) -> None:
    """Answer the first question waiting on the page, in place, and wait for its feedback to be swapped in."""
    answered = page.locator(".feedback-headline").count()
    form = page.locator(".case-answer-form").first
    if form.locator("input[name=value]").count():
        form.locator("input[name=value]").fill("70")
    else:
        form.locator("input[name=choice]").first.check()
    form.get_by_label("Sure", exact=True).check()
    form.get_by_role("button", name="Submit answer").click()
    expect(page.locator(".feedback-headline")).to_have_count(answered + 1)


def _no_shared_ids(page) -> None:
    ids = page.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)")
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_learner_answers_case_questions_in_place_finishes_and_retakes(page):
    UserFactory(username="learner")
    log_in(page, "learner")
    # A case with a stage asking two questions, so two cards are answered on the same page one after the other.
    case = next(
        c
        for c in Case.objects.published().in_teaching_order()
        if any(s.questions.filter(is_published=True, kind="single").count() >= 2 for s in c.stages.all())
    )
    page.goto(case.get_absolute_url())
    url = page.url
    presentation = page.get_by_role("heading", name=re.compile("The patient"))
    while page.locator(".case-answer-form").count() < 2:
        _step(page)
    assert axe_violations(page) == []
    screenshot(page, "case-inline-open")

    _answer_inline(page)
    headline = page.locator(".feedback-headline").first
    expect(headline).to_contain_text(re.compile("Correct|Incorrect|Partly correct"))
    expect(headline).to_be_focused()
    expect(page.locator("#quiz-status")).to_contain_text(re.compile("Correct|Incorrect|Partly correct"))
    expect(presentation).to_be_visible()  # still on the case page, the story above the question
    assert page.url == url and Response.objects.count() == 1
    _answer_inline(page)  # the next card on the same page
    assert Response.objects.count() == 2
    _no_shared_ids(page)
    assert axe_violations(page) == []
    screenshot(page, "case-inline-answered")

    page.set_viewport_size(PHONE_390)
    _no_sideways_scroll(page)
    assert axe_violations(page) == []
    page.set_viewport_size(DESKTOP)

    while not page.locator("#debrief-heading").count():
        if page.locator(".case-answer-form").count():
            _answer_inline(page)
        else:
            _step(page)
    expect(page.get_by_role("link", name=re.compile("^(Next case|Continue): "))).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "case-inline-debrief")
    answers = Response.objects.count()

    page.get_by_role("button", name="Retake this case").click()
    expect(page.locator(".case-stage")).to_have_count(1)
    expect(page.locator("#debrief-heading")).to_have_count(0)
    assert page.url == url
    old, new = CaseProgress.objects.order_by("number")
    assert old.completed is not None and (new.number, new.revealed, new.completed) == (2, 1, None)
    assert Response.objects.count() == answers  # the first take's answers are kept
    page.set_viewport_size(PHONE_390)
    while not page.locator(".case-answer-form").count():
        _step(page)
    _no_sideways_scroll(page)
    assert axe_violations(page) == []
    screenshot(page, "case-inline-retake-phone")
    _answer_inline(page)
    _no_sideways_scroll(page)
    assert axe_violations(page) == []
    assert Response.objects.filter(attempt=new.attempt).count() == 1
    assert page.csp_errors == []


def test_a_body_map_question_is_answered_on_the_figure_in_place(page):
    UserFactory(username="learner")
    log_in(page, "learner")
    case = Case.objects.published().filter(questions__kind="bodymap").order_by("pk").first()
    page.goto(case.get_absolute_url())
    while not page.locator(".case-answer-form .bodymap-figure").count():
        if page.locator(".case-answer-form").count():
            _answer_inline(page)
        else:
            _step(page)
    form = page.locator(".case-answer-form").filter(has=page.locator(".bodymap-figure"))
    region = form.locator(".region[data-choice]").first
    region.click(force=True)  # a click on the figure ticks the region's box and colours it
    expect(region).to_have_class(re.compile("is-chosen"))
    assert form.locator("input[name=choice]:checked").count() == 1
    form.get_by_role("button", name="Submit answer").click()
    expect(page.locator(".question-card .bodymap-figure")).to_be_visible()  # the feedback's figure, swapped in
    _no_shared_ids(page)
    assert page.csp_errors == []


def test_without_javascript_a_case_question_is_still_answered(browser, live_server):
    UserFactory(username="learner")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "learner")
    case = Case.objects.published().filter(questions__kind="single").order_by("pk").first()
    page.goto(case.get_absolute_url())
    while not page.locator(".case-answer-form").count():
        if page.locator(".decision-form").count():
            commit_decision(page)
        else:
            page.get_by_role("button", name=re.compile("^(Start: r|R)eveal the")).click()
    form = page.locator(".case-answer-form").first
    if form.locator("input[name=value]").count():
        form.locator("input[name=value]").fill("70")
    else:
        form.locator("input[name=choice]").first.check()
    form.get_by_role("button", name="Submit answer").click()
    expect(page.locator(".feedback-headline")).to_be_visible()  # the question page, with its feedback
    assert Response.objects.count() == 1
    page.get_by_role("link", name="Back to the case").click()
    expect(page.get_by_text(re.compile("^Answered:")).first).to_be_visible()
    context.close()
