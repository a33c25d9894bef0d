"""The feedback's "Read more" lands on the paragraph that teaches the question, as AMBOSS links do."""

import re

from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Question
from tests.browser.conftest import PHONE, axe_violations, log_in, screenshot


def test_read_more_opens_the_reference_at_the_heading_that_teaches_it(page, learner):
    question = Question.objects.select_related("section").get(slug="type-ssc-fingertip-nodules")
    heading = question.section.headings()[question.anchor]
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    log_in(page, learner.username)
    page.set_viewport_size(PHONE)
    page.goto(f"/quizzes/attempts/{attempt.pk}/1/")
    page.get_by_role("radio", name=question.choices.get(is_correct=True).text).check()
    page.get_by_role("button", name="Submit answer").click()
    link = page.get_by_role("link", name=f"{question.section.title}: {heading}")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(re.compile(f"/reference/{question.section.slug}/#{question.anchor}$"))
    target = page.locator(f"#{question.anchor}")
    expect(target).to_have_text(heading)
    expect(target).to_be_in_viewport()
    assert page.evaluate("getComputedStyle(document.querySelector(':target')).borderLeftStyle") == "solid"
    screenshot(page, "read-more-target")
    assert axe_violations(page) == []
