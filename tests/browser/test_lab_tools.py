"""The lab values panel and the Ca x P calculator inside a question, in a real browser: keyboard, focus, the htmx
fetches, accessibility with each dialog open, and the links that stand in for them without JavaScript."""

import pytest
from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Response
from tests.browser.conftest import DESKTOP, axe_violations, log_in, screenshot
from tests.factories import question_with_choices

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def question_url(learner):
    question = question_with_choices(slug="lab-tools-question")
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    return f"/quizzes/attempts/{attempt.pk}/1/"


def _open_question(page, url, size=None):
    log_in(page, "learner")  # at desktop width, where "Log out" is not folded into the menu
    if size:
        page.set_viewport_size(size)
    page.goto(url)
    page.wait_for_load_state("load")  # labs.js (deferred) has swapped the links for buttons


def _tab_to(page, locator, limit=100):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_lab_values_open_and_close_by_keyboard_alone(page, question_url):
    _open_question(page, question_url)
    button = page.get_by_role("button", name="Lab values", exact=True)
    _tab_to(page, button)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Lab values")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading", name="Lab values", exact=True)).to_be_focused()
    table = dialog.get_by_role("table")
    expect(table).to_contain_text("Parathyroid hormone (PTH), intact")
    expect(table).to_contain_text("15–65 pg/mL")
    expect(table).to_contain_text("54–107 µmol/L")
    expect(table).to_contain_text("2.20–2.60 mmol/L")  # Merck's printed limits, not 10.4 / 4.008
    expect(table).to_contain_text("12 to < 20 ng/mL")
    expect(table.locator("caption")).to_have_text(
        "Adult reference ranges; for 25-hydroxyvitamin D, IOM 2011 status cut-offs"
    )
    expect(table.locator("caption")).to_be_visible()
    expect(dialog).to_contain_text("Ranges vary between laboratories; use your laboratory’s.")
    expect(dialog).to_contain_text("a rule of thumb rather than a cut-off")
    expect(dialog).to_contain_text("Corrected calcium (mg/dL) = measured calcium + 0.8 × (4.0 − albumin in g/dL)")
    expect(dialog).to_contain_text("Merck Manual Professional Version")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    assert page.csp_errors == []


def test_the_calculator_answers_77_for_11_and_7(page, question_url):
    _open_question(page, question_url)
    button = page.get_by_role("button", name="Ca × P calculator")
    _tab_to(page, button)
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Calcium × phosphate calculator")
    expect(dialog.get_by_label("Serum calcium")).to_be_focused()
    page.keyboard.type("11")
    page.keyboard.press("Tab")
    page.keyboard.type("7")
    expect(dialog.get_by_label("mg/dL")).to_be_checked()
    dialog.get_by_role("button", name="Calculate").click()
    result = dialog.locator("#lab-calc-result")
    expect(result).to_contain_text("Ca × P = 77.0 mg²/dL²")
    expect(result).to_contain_text("Above the threshold of 70 mg²/dL²")
    expect(result).to_contain_text("the classic rule of thumb rather than a cut-off")
    expect(dialog).to_contain_text(
        "Correct a total calcium for albumin, or measure an ionized calcium, before judging it."
    )
    assert page.url.endswith(question_url)  # the question stays where it was
    dialog.get_by_role("button", name="Close the calculator").click()
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    assert page.csp_errors == []


def test_l_and_c_open_the_dialogs_and_can_be_switched_off(page, question_url):
    _open_question(page, question_url)
    page.locator("body").press("l")
    labs = page.get_by_role("dialog", name="Lab values")
    expect(labs).to_be_visible()
    page.keyboard.press("c")  # keys inside a dialog do not open another
    expect(page.get_by_role("dialog", name="Calcium × phosphate calculator")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(labs).to_be_hidden()  # closed, and focus back on its button, before the next key
    expect(page.locator("dialog[open]")).to_have_count(0)  # the keys wait for every dialog to be closed
    page.wait_for_load_state("networkidle")  # the lab table fetched on opening has arrived and settled
    page.locator("body").press("c")
    calc = page.get_by_role("dialog", name="Calcium × phosphate calculator")
    expect(calc).to_be_visible()
    calc.get_by_label("Single-key shortcuts (L, C and the quiz keys)").uncheck()
    page.keyboard.press("Escape")
    page.locator("body").press("l")
    expect(labs).to_be_hidden()
    page.reload()
    page.wait_for_load_state("load")
    page.locator("body").press("l")
    expect(labs).to_be_hidden()  # the choice is remembered


def test_number_keys_in_the_calculator_do_not_answer_the_question_behind_it(page, question_url):
    _open_question(page, question_url)
    page.get_by_role("button", name="Ca × P calculator").click()
    dialog = page.get_by_role("dialog", name="Calcium × phosphate calculator")
    dialog.get_by_label("mmol/L").focus()
    page.keyboard.press("1")
    assert page.locator('.answer-form input[name="choice"]:checked').count() == 0
    page.keyboard.press("Escape")
    assert Response.objects.count() == 0


@pytest.mark.parametrize("size_name, size", [("390", PHONE_390), ("1280", DESKTOP)])
def test_axe_finds_nothing_with_either_dialog_open(page, question_url, size_name, size):
    _open_question(page, question_url, size)
    assert _no_sideways_scroll(page)
    failures = {}
    page.get_by_role("button", name="Lab values", exact=True).click()
    dialog = page.get_by_role("dialog", name="Lab values")
    expect(dialog.get_by_role("table")).to_be_visible()
    failures["lab values"] = axe_violations(page)
    assert _no_sideways_scroll(page)
    assert dialog.evaluate("d => d.scrollWidth <= d.clientWidth"), "the table scrolls sideways inside the dialog"
    screenshot(page, f"lab-tools-values-{size_name}")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Ca × P calculator").click()
    dialog = page.get_by_role("dialog", name="Calcium × phosphate calculator")
    dialog.get_by_label("Serum calcium").fill("11")
    dialog.get_by_label("Serum phosphate").fill("7")
    dialog.get_by_role("button", name="Calculate").click()
    expect(dialog.locator("#lab-calc-result")).to_contain_text("Ca × P = 77.0")
    failures["calculator"] = axe_violations(page)
    assert _no_sideways_scroll(page)
    assert dialog.evaluate("d => d.scrollWidth <= d.clientWidth")
    screenshot(page, f"lab-tools-calculator-{size_name}")
    assert {k: v for k, v in failures.items() if v} == {}
    assert page.csp_errors == []


def test_without_javascript_the_buttons_are_links_to_the_reference(browser, live_server, question_url):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    _open_question(page, question_url)
    page.get_by_role("link", name="Lab values", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lab values")
    expect(page.get_by_role("table")).to_contain_text("25-hydroxyvitamin D")
    page.go_back()
    page.get_by_role("link", name="Ca × P calculator").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calcium × phosphate calculator")
    context.close()


def test_the_lab_values_page_passes_axe_and_fits_a_phone(page):
    failures = {}
    for size_name, size in (("390", PHONE_390), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.goto("/reference/labs/")
        expect(page.get_by_role("table")).to_contain_text("Albumin")
        failures[size_name] = axe_violations(page)
        assert _no_sideways_scroll(page), size_name
        screenshot(page, f"lab-values-page-{size_name}")
    assert {k: v for k, v in failures.items() if v} == {}
    assert page.csp_errors == []


def test_the_calculator_page_passes_axe_and_fits_a_phone(page):
    failures = {}
    for size_name, size in (("390", PHONE_390), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        page.goto("/reference/calculator/?calcium=10&phosphate=8&unit=mg%2FdL")
        expect(page.locator("#calc-result")).to_contain_text("the classic rule of thumb rather than a cut-off")
        expect(page.locator(".lead")).to_contain_text("a rule of thumb rather than a cut-off")
        failures[size_name] = axe_violations(page)
        assert _no_sideways_scroll(page), size_name
        screenshot(page, f"calculator-page-{size_name}")
    assert {k: v for k, v in failures.items() if v} == {}
    assert page.csp_errors == []
