"""What only a browser shows: accessibility (axe), layout at two widths, keyboard, htmx swaps, CSP."""

import re

from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, layout_problems, screenshot
from tests.conftest import PASSWORD
from tests.every_page import EXTRA_PATHS, STATIC_PAGES, section_paths
from tests.factories import UserFactory


def _log_in(page, username="learner"):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _axe_over(page, paths, label, failures):
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        for path in paths:
            page.goto(path)
            violations = layout_problems(page, size["width"])
            if violations:
                failures[f"{label} {size_name} {path}"] = violations
            name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
            screenshot(page, f"{size_name}-{label}-{name}")


def test_every_page_passes_axe_at_phone_and_desktop_widths(page):
    failures = {}
    public = [reverse(name) for name, audience in STATIC_PAGES if audience == "anyone"]
    _axe_over(page, public + EXTRA_PATHS + section_paths(), "visitor", failures)
    # An instructor sees every learner page and the instructors' page too.
    UserFactory(username="instructor", is_staff=True).groups.add(Group.objects.get(name="Instructors"))
    _log_in(page, "instructor")
    _axe_over(page, [reverse(name) for name, audience in STATIC_PAGES if audience != "anyone"], "member", failures)
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
    assert page.csp_errors == []


def test_the_calculator_answers_as_you_type(page):
    page.goto("/reference/calculator/")
    page.get_by_label("Serum calcium").fill("10")
    page.get_by_label("Serum phosphate").fill("8")
    result = page.locator("#calc-result")
    expect(result).to_contain_text("Ca × P = 80.0 mg²/dL²")
    expect(result).to_contain_text("Above the threshold")
    assert "calcium=10" in page.url  # the address can be shared or bookmarked
    page.get_by_label("mmol/L").check()
    expect(result).to_contain_text("beyond any serum calcium")
    page.get_by_label("Serum calcium").fill("2.4")
    page.get_by_label("Serum phosphate").fill("1.1")
    expect(result).to_contain_text("(2.64 mmol²/L²)")
    expect(page.get_by_label("Serum phosphate")).to_be_focused()
    screenshot(page, "calculator-live")
    assert page.csp_errors == []


def test_the_calculator_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/reference/calculator/")
    page.get_by_label("Serum calcium").fill("10")
    page.get_by_label("Serum phosphate").fill("8")
    page.get_by_role("button", name="Calculate").click()
    expect(page.locator("#calc-result")).to_contain_text("Ca × P = 80.0 mg²/dL²")
    context.close()


def test_the_skip_link_is_the_first_stop_for_the_keyboard(page):
    page.goto("/reference/overview/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_menu_opens_on_a_phone(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    reference = page.get_by_role("navigation", name="Main").get_by_role("link", name="Reference")
    expect(reference).to_be_hidden()
    page.get_by_role("button", name="Show the menu").click()
    expect(reference).to_be_visible()
    reference.click()
    expect(page).to_have_url(re.compile(r"/reference/$"))


def test_a_new_learner_signs_up_and_lands_logged_in(page):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.locator("#id_password1").fill("a-Long-enough-pass-42")
    page.get_by_label("Password confirmation").fill("different-pass-42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("didn’t match")).to_be_visible()
    page.locator("#id_password1").fill("a-Long-enough-pass-42")
    page.get_by_label("Password confirmation").fill("a-Long-enough-pass-42")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()


def test_search_shows_the_matching_passage(page):
    page.goto("/reference/overview/")
    page.get_by_label("Search the reference").fill("dialysis")
    page.get_by_label("Search the reference").press("Enter")
    expect(page.locator("mark").first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the reference")
