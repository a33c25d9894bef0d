"""Signing up, logging in and out, changing the password."""

from django.contrib.auth.models import User

from tests.conftest import PASSWORD

GOOD = {
    "username": "newlearner",
    "email": "",
    "password1": "a-Long-enough-pass-42",
    "password2": "a-Long-enough-pass-42",
}


def test_signup_page_shows_the_form(client, db):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert b'name="password1"' in response.content


def test_a_new_learner_lands_logged_in(client, db):
    response = client.post("/accounts/signup/", GOOD, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"].username == "newlearner"
    assert not response.context["user"].is_staff


def test_signup_explains_mismatched_passwords(client, db):
    response = client.post("/accounts/signup/", {**GOOD, "password2": "something-else-77"})
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not User.objects.filter(username="newlearner").exists()


def test_signup_refuses_a_taken_username(client, learner):
    response = client.post("/accounts/signup/", {**GOOD, "username": learner.username})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_signup_with_nothing_filled_in_is_a_form_error(client, db):
    response = client.post("/accounts/signup/", {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_signup_refuses_a_bad_email(client, db):
    response = client.post("/accounts/signup/", {**GOOD, "email": "not an email"})
    assert response.status_code == 200
    assert "valid email" in response.content.decode()


def test_signup_rejects_put(client, db):
    assert client.put("/accounts/signup/").status_code == 405


def test_a_logged_in_learner_is_sent_home_from_signup(learner_client):
    assert learner_client.get("/accounts/signup/").status_code == 302


def test_login_with_the_right_password(client, learner):
    response = client.post("/accounts/login/", {"username": "learner", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == learner


def test_login_with_a_wrong_password_says_so(client, learner):
    response = client.post("/accounts/login/", {"username": "learner", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_login_with_an_empty_form_is_a_form_error(client, db):
    response = client.post("/accounts/login/", {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_repeated_wrong_passwords_lock_the_account_out(client, learner):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "learner", "password": "nope"})
    response = client.post("/accounts/login/", {"username": "learner", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_logout_refuses_get(learner_client):
    assert learner_client.get("/accounts/logout/").status_code == 405


def test_logout_by_post(learner_client):
    response = learner_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert not learner_client.get("/").context["user"].is_authenticated


def test_password_change_needs_an_account(client, db):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_password_change(learner_client, learner):
    new = "another-Long-pass-99"
    response = learner_client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(new)


def test_password_change_with_a_wrong_old_password(learner_client):
    response = learner_client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": "x-Long-pass-1", "new_password2": "x-Long-pass-1"},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
