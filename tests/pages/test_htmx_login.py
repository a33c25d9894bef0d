"""An htmx request after the session expired sends the whole page to the login, and back afterwards."""

import pytest

pytestmark = pytest.mark.django_db

ANSWER = "/quizzes/attempts/1/1/answer/"


def test_an_htmx_post_without_a_session_redirects_the_page_to_the_login_and_back(client):
    response = client.post(
        ANSWER,
        {"choice": 1, "certainty": "sure"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/quizzes/attempts/1/1/",
    )
    assert response.status_code == 200  # htmx acts on HX-Redirect only in a 2xx answer
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fquizzes%2Fattempts%2F1%2F1%2F"
    assert b"<form" not in response.content  # no login form to swap into the card


def test_a_page_of_another_site_is_never_the_way_back(client):
    response = client.post(ANSWER, {}, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://elsewhere.example/phish/")
    assert response["HX-Redirect"] == "/accounts/login/?next=%2F"


def test_a_plain_request_is_redirected_as_before(client):
    response = client.post(ANSWER, {})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
