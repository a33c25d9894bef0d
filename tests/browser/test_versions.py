"""Question versions in a real browser: an instructor re-keys a question a learner has answered; the learner's
results and progress stay as they were, and a new answer is marked on the new key."""

import re

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Question, Response
from tests.browser.conftest import log_in, screenshot
from tests.factories import UserFactory


def _answer_first_option_marked(page, text):
    page.locator(".answer-form .option", has_text=text).locator("input").check()
    page.get_by_label("Sure", exact=True).check()
    page.get_by_role("button", name="Submit answer").click()


def test_a_new_key_changes_new_marks_only(page, browser, live_server):
    learner = UserFactory(username="student")
    teacher = UserFactory(username="teacher", is_staff=True)
    teacher.groups.add(Group.objects.get(name="Instructors"))
    question = Question.objects.for_quizzes().filter(kind="single", topic="management").first()
    key = question.choices.get(is_correct=True)
    other = question.choices.filter(is_correct=False).first()

    first = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    log_in(page, "student")
    page.goto(f"/quizzes/attempts/{first.pk}/1/")
    _answer_first_option_marked(page, key.text)
    expect(page.locator(".feedback-headline")).to_have_text("Correct")
    page.get_by_role("button", name="Finish and see results").click()
    expect(page.get_by_text("version 1")).to_be_visible()
    page.goto("/progress/")
    progress_before = page.locator("main").inner_text()

    teacher_context = browser.new_context(base_url=live_server.url)
    admin = teacher_context.new_page()
    log_in(admin, "teacher")
    admin.goto(f"/admin/quizzes/question/{question.pk}/change/")
    rows = admin.locator("tr.form-row.has_original")
    rows.filter(has=admin.locator(f"input[value='{key.pk}']")).locator("input[name$='-is_correct']").uncheck()
    rows.filter(has=admin.locator(f"input[value='{other.pk}']")).locator("input[name$='-is_correct']").check()
    admin.get_by_role("button", name="Save and continue editing").click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(admin.get_by_role("heading", name="Versions answered by learners")).to_be_visible()
    screenshot(admin, "admin-question-rekeyed")
    teacher_context.close()

    page.goto(f"/quizzes/attempts/{first.pk}/results/")
    expect(page.locator("h3", has_text=re.compile(r"Correct\s+· Sure"))).to_be_visible()
    expect(page.get_by_text("version 1")).to_be_visible()
    page.goto("/progress/")
    assert page.locator("main").inner_text() == progress_before

    second = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    page.goto(f"/quizzes/attempts/{second.pk}/1/")
    _answer_first_option_marked(page, key.text)
    expect(page.locator(".feedback-headline")).to_have_text("Incorrect")
    newest = Response.objects.get(attempt=second)
    assert (newest.score, newest.version.number) == (0, 2)
    assert Response.objects.get(attempt=first).score == 1
    assert page.csp_errors == []
