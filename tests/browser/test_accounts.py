"""A learner finds their data on the progress page and deletes their account with the keyboard alone."""

from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, log_in, screenshot
from tests.conftest import PASSWORD
from tests.factories import UserFactory


def test_a_learner_deletes_their_account_with_the_keyboard(page):
    UserFactory(username="leaving")
    log_in(page, "leaving")
    page.goto("/progress/")
    card = page.get_by_role("region", name="Your data")
    expect(card.get_by_role("link", name="Download your data (JSON)")).to_have_attribute("href", "/accounts/data.json")
    card.get_by_role("link", name="Delete your account").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    page.get_by_label("Your password").focus()
    page.keyboard.type("not it")
    page.keyboard.press("Enter")
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "account-delete-wrong-password")
    page.get_by_label("Your password").fill("")
    page.get_by_label("Your password").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Delete my account")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your account and everything you did with it have been deleted.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()
    assert not User.objects.filter(username="leaving").exists()
    assert page.csp_errors == []
