"""The content-quality loop in a real browser: a learner reports a problem, an instructor closes it with a note,
and the learner reads the outcome."""

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from quizzes.models import ProblemReport
from tests.browser.conftest import PHONE, axe_violations, log_in, screenshot
from tests.factories import UserFactory


def _log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_a_report_travels_from_learner_to_instructor_and_back(page):
    UserFactory(username="reporter")
    instructor = UserFactory(username="teacher", is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructors"))

    log_in(page, "reporter")
    page.goto("/quizzes/")
    page.get_by_label("Number of questions").fill("1")
    page.get_by_role("button", name="Start quiz").click()
    page.get_by_text("Report a problem").click()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Choose what is wrong.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("What is wrong?").select_option("unclear")
    page.get_by_label("Tell us more").fill("Two options seem to say the same thing.")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("your report was received")).to_be_visible()
    screenshot(page, "report-received")
    assert ProblemReport.objects.filter(reason="unclear", status="open").count() == 1
    _log_out(page)

    log_in(page, "teacher")
    page.goto("/teach/")
    assert axe_violations(page) == []
    report = page.locator("article", has_text="Two options seem to say the same thing.")
    report.get_by_label("Outcome").select_option("fixed")
    report.get_by_label("Note to the learner").fill("Option D reworded; thank you.")
    report.get_by_role("button", name="Close the report").click()
    expect(page.get_by_text("No open reports.")).to_be_visible()
    _log_out(page)

    log_in(page, "reporter")
    page.set_viewport_size(PHONE)
    page.goto("/progress/")
    outcome = page.locator("#reports-heading + ul")
    expect(outcome).to_contain_text("Option D reworded; thank you.")
    expect(outcome).to_contain_text("Fixed")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "report-outcome-phone")
    assert page.csp_errors == []
