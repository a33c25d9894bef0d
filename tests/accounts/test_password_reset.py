"""A forgotten password, reset through a link sent by email; the reset also lifts a lock-out."""

import re

import pytest
from django.core import mail

from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW = "a-Fresh-password-2026"


def _link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)


def test_the_login_page_offers_a_reset(client):
    assert 'href="/accounts/password/reset/">Reset it by email</a>' in client.get("/accounts/login/").content.decode()


def test_a_reset_link_goes_to_the_accounts_address_and_sets_a_new_password(client):
    user = UserFactory(username="forgetful", email="forgetful@example.org")
    response = client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["forgetful@example.org"] and "forgetful" in message.body
    form_page = client.get(_link(message), follow=True)
    assert "Set a new password" in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Your new password is in place" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get(_link(message), follow=True).content.decode().count("does not work any more") == 1


def test_an_unknown_address_looks_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/" and mail.outbox == []


def test_a_reset_lifts_a_lock_out(client):
    UserFactory(username="locked", email="locked@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "locked", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "locked", "password": PASSWORD})
    assert locked.status_code == 429 and "reset your password by email" in locked.content.decode()
    client.post("/accounts/password/reset/", {"email": "locked@example.org"})
    form_page = client.get(_link(mail.outbox[0]), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    response = client.post("/accounts/login/", {"username": "locked", "password": NEW})
    assert response.status_code == 302  # logged in: the lock went with the reset


def test_a_forged_link_is_refused_with_a_way_forward(client):
    body = client.get("/accounts/password/reset/MQ/not-a-token/").content.decode()
    assert "This link does not work any more" in body and 'href="/accounts/password/reset/"' in body
