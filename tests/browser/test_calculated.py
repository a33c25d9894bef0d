"""A calculated question in the browser: each attempt draws its own values, the learner works the answer out (a
European comma accepted) and the feedback shows the working."""

import re

from playwright.sync_api import expect

from quizzes import services
from quizzes.models import AttemptQuestion, Question
from tests.browser.conftest import PHONE, axe_violations, log_in, screenshot


def test_a_calculated_question_draws_new_values_in_a_second_attempt(page, learner):
    question = Question.objects.get(slug="laboratory-calculated-product-dialysis-mg")
    seen = []
    log_in(page, learner.username)
    for attempt_number in (1, 2):
        attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
        if attempt_number == 2:  # the draw is random: make sure the second differs, as it does 1,024 times in 1,025
            first = seen[0]
            values = AttemptQuestion.objects.get(attempt=attempt).values
            while (values["calcium"], values["phosphate"]) == first:
                attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
                values = AttemptQuestion.objects.get(attempt=attempt).values
        page.goto(f"/quizzes/attempts/{attempt.pk}/1/")
        stem = page.locator(".stem").inner_text()
        calcium, phosphate = re.search(
            r"calcium is ([\d.]+) mg/dL and serum phosphate is ([\d.]+) mg/dL", stem
        ).groups()
        seen.append((calcium, phosphate))
        product = float(calcium) * float(phosphate)
        page.get_by_label(re.compile("Your answer")).fill(f"{product:.2f}".replace(".", ","))
        page.get_by_label("Sure", exact=True).check()
        page.get_by_role("button", name="Submit answer").click()
        expect(page.locator(".feedback-headline")).to_contain_text("Correct")
        expect(page.get_by_text(f"{calcium} × {phosphate} = {product:.2f}")).to_be_visible()
    assert seen[0] != seen[1]
    page.set_viewport_size(PHONE)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "calculated-feedback-phone")
    assert page.csp_errors == []
