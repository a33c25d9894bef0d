"""Playwright driving the system Chromium (Debian's package); never a downloaded browser."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, load_starter_content

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def starter_content(transactional_db):
    """The live server's tests run in real transactions, so each test's data is flushed after it; load the
    starter content again (idempotent) instead of relying on a serialized copy of the database."""
    load_starter_content()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (Debian package 'chromium')")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    # Injected through the DevTools protocol, so the site's strict CSP needs no exception for it.
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda message: (
            page.csp_errors.append(f"{message.text} at {message.location}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return page


def axe_violations(page) -> list[dict]:
    """The page's WCAG 2.2 AA violations once it has settled.

    Bootstrap fades a button's colours over 0.15 s when the pointer rests on it or it takes focus; a check
    run mid-fade reads a blend of the two colours and fails contrast on a button that passes in both.
    """
    page.evaluate(
        """() => Promise.all(document.getAnimations()
             .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
             .map(a => a.finished.catch(() => null)))"""
    )
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def layout_problems(page, width: int) -> list[dict]:
    """axe's WCAG 2.2 AA violations and, when the page scrolls sideways at this width, that too."""
    violations = axe_violations(page)
    wide = page.evaluate("document.documentElement.scrollWidth")
    if wide > width:  # nothing scrolls sideways on a phone (or anywhere)
        violations = [*violations, {"id": "sideways-scroll", "scrollWidth": wide}]
    return violations


def log_in(page, username: str) -> None:
    """Log in through the form, as a person would (the personas share tests.conftest.PASSWORD)."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def commit_decision(page) -> None:
    """Commit at the open decision point of a case page, as a learner would: the first options, sure."""
    form = page.locator(".decision-form")
    if form.locator("select").count():
        options = form.locator("select").first.locator("option")
        values = [options.nth(i).get_attribute("value") for i in range(1, 4)]
        for select, value in zip(("Most likely", "Second", "Third"), values, strict=True):
            form.get_by_label(select).select_option(value)
    else:
        form.locator("input[name=first]").first.check()
    form.get_by_label("Sure", exact=True).check()
    form.get_by_role("button", name="Commit").click()
    expect(page.locator(".decision-form")).to_have_count(0)  # swapped for the committed stage
