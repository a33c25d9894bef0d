"""A cohort in a real browser: the instructor makes it, a learner joins with its code, the instructor follows them."""

import re

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from quizzes.models import Question
from tests.browser.conftest import DESKTOP, PHONE, layout_problems, log_in, screenshot
from tests.factories import UserFactory
from tests.teach.conftest import answer


def _checked(page, name: str, failures: dict) -> None:
    """axe and sideways scroll at phone and desktop widths, in the page's current state."""
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        violations = layout_problems(page, size["width"])
        if violations:
            failures[f"{name} {size_name}"] = violations
        screenshot(page, f"cohort-{name}-{size_name}")
    page.set_viewport_size(DESKTOP)


def test_an_instructor_makes_a_cohort_a_learner_joins_and_the_instructor_follows_them(page):
    failures = {}
    UserFactory(username="teacher", is_staff=True).groups.add(Group.objects.get(name="Instructors"))
    pupil = UserFactory(username="pupil")
    answer(pupil, list(Question.objects.for_quizzes().filter(kind="single")[:3]), right=False)

    log_in(page, "teacher")
    page.goto("/teach/")
    _checked(page, "none-yet", failures)
    page.get_by_label("Name of the new cohort").fill("Dermatology block, spring")
    page.get_by_role("button", name="Make the cohort").click()
    expect(page.get_by_role("heading", name="Dermatology block, spring", exact=True)).to_be_visible()
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", page.locator("#cohort-heading + p").inner_text())[0]
    _checked(page, "made", failures)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "pupil")
    page.goto("/progress/")
    page.get_by_label("Join code").fill("nope")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("A join code has eight letters and digits")).to_be_visible()
    _checked(page, "join-refused", failures)
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_text("You joined Dermatology block, spring.")).to_be_visible()
    expect(page.get_by_text("You are in Dermatology block, spring.")).to_be_visible()
    _checked(page, "joined", failures)
    page.get_by_role("button", name="Log out").click()

    log_in(page, "teacher")
    page.goto("/teach/")
    page.get_by_role("link", name=re.compile("Dermatology block, spring")).click()
    expect(page.get_by_role("heading", name="Learners: Dermatology block, spring (1)")).to_be_visible()
    page.get_by_role("link", name="pupil", exact=True).click()
    expect(page.get_by_role("heading", name="pupil", level=1)).to_be_visible()
    expect(page.get_by_text("3 answers")).to_be_visible()
    _checked(page, "learner", failures)
    page.goto("/teach/items/")
    page.get_by_label("Answered from").fill("2020-01-01")
    page.get_by_label("to", exact=True).fill("2019-01-01")
    page.get_by_role("button", name="Show these dates").click()
    expect(page.get_by_text("The end comes before the start.")).to_be_visible()
    _checked(page, "items-bad-dates", failures)
    page.get_by_label("to", exact=True).fill("2099-01-01")
    page.get_by_role("button", name="Show these dates").click()
    expect(page.get_by_text("Calculated now for these dates")).to_be_visible()
    _checked(page, "items-dated", failures)
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
    assert page.csp_errors == []
