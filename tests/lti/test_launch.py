"""A launch from an LMS (LTI 1.3 core): the platform simulator signs the id_token, the test client is the browser."""

import time

import pytest
from django.contrib.auth import get_user_model

from calcinosis.authoring import is_instructor
from lti.models import Course, Identity
from quizzes.models import Attempt
from tests.factories import UserFactory
from tests.lti.conftest import AGS, INSTRUCTOR, launch, login
from tests.lti.simulator import LTI, SCORE_SCOPE

User = get_user_model()


def signed_in(client):
    return User.objects.get(pk=client.session["_auth_user_id"])


def test_it_signs_a_learner_in_and_puts_them_in_the_course_cohort(client, platform, simulator):
    response = launch(client, simulator, target="review", name="Ada Lovelace", email="ada@example.edu")
    assert response.status_code == 302 and response["Location"] == "/review/"
    user = signed_in(client)
    assert (user.first_name, user.last_name, user.email) == ("Ada", "Lovelace", "ada@example.edu")
    assert not user.has_usable_password() and not is_instructor(user)
    assert Identity.objects.get(platform=platform, subject="moodle-user-7").user == user
    course = Course.objects.get(platform=platform, context_id="course-1")
    assert list(course.cohort.learners.all()) == [user]
    assert course.memberships_url == simulator.memberships_url
    assert client.get("/review/").status_code == 200


def test_it_finds_the_same_account_on_the_next_launch(client, platform, simulator):
    launch(client, simulator, target="review")
    first = signed_in(client)
    client.logout()
    launch(client, simulator, target="review")
    assert signed_in(client) == first
    assert User.objects.filter(lti_identities__platform=platform).count() == 1


def test_it_never_matches_an_account_by_email(client, platform, simulator):
    existing = UserFactory(username="ada", email="ada@example.edu")
    launch(client, simulator, target="review", email="ada@example.edu", sub="someone-else")
    user = signed_in(client)
    assert user != existing and user.email == "ada@example.edu" and user.username != "ada"


def test_a_course_instructor_teaches_the_course_cohort_and_nothing_more(client, platform, simulator):
    """A platform not trusted with authoring (the default): anyone who can make a course there is an instructor of
    it, so they teach their course's cohort here, and never become staff."""
    response = launch(client, simulator, target="review", roles=[INSTRUCTOR], sub="teacher-1")
    course = Course.objects.get(context_id="course-1")
    assert response["Location"] == f"/teach/?cohort={course.cohort_id}"
    user = signed_in(client)
    assert not is_instructor(user) and not user.is_staff and not user.groups.exists()
    assert list(course.cohort.instructors.all()) == [user] and not course.cohort.learners.exists()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "For learners it opens their review queue" in html
    assert 'href="/teach/"' in html  # the navigation offers the dashboard
    assert "Item analysis" not in html and "Make the cohort" not in html and "Problems reported" not in html
    assert client.get("/admin/").status_code == 302
    assert client.get("/teach/items/").status_code == 403
    assert client.post("/teach/cohorts/", {"name": "Mine"}).status_code == 403


def test_a_trusted_platforms_instructor_becomes_an_instructor_here(client, platform, simulator):
    platform.trust_instructors = True
    platform.save()
    launch(client, simulator, target="review", roles=[INSTRUCTOR], sub="teacher-1")
    user = signed_in(client)
    assert is_instructor(user)
    assert client.get("/admin/").status_code == 200


def test_a_learner_of_a_trusted_platform_stays_a_learner(client, platform, simulator):
    platform.trust_instructors = True
    platform.save()
    launch(client, simulator, target="review")
    assert not signed_in(client).is_staff
    assert client.get("/teach/").status_code == 403


def test_it_opens_a_quiz_of_the_linked_topics(client, platform, simulator):
    response = launch(client, simulator, target="quiz:topics=type,distribution;size=5;mode=exam")
    attempt = Attempt.objects.get(learner=signed_in(client))
    assert response["Location"] == f"/quizzes/attempts/{attempt.pk}/"
    assert (attempt.topics, attempt.slots.count(), attempt.mode) == (["distribution", "type"], 5, "exam")


def test_it_opens_a_case(client, platform, simulator):
    from cases.models import Case

    case = Case.objects.published().first()
    response = launch(client, simulator, target=f"case:{case.slug}")
    assert response["Location"] == case.get_absolute_url()


@pytest.mark.parametrize(
    "target",
    ["", "case:no-such-case", "quiz:topics=astrology", "quiz:topics=type;size=0", "quiz:topics=type;mode=x", "x:y"],
)
def test_it_refuses_a_link_that_names_nothing_here_with_a_clear_page(client, platform, simulator, target):
    response = launch(client, simulator, target=target)
    assert response.status_code == 400
    assert "could not open" in response.content.decode()


def test_it_refuses_a_token_signed_by_another_key(client, platform, simulator):
    from tests.lti.simulator import _key_pair

    other_key, _ = _key_pair()
    step = login(client, simulator)
    now = int(time.time())
    body = {
        "iss": simulator.issuer,
        "aud": simulator.client_id,
        "sub": "mallory",
        "iat": now,
        "exp": now + 300,
        "nonce": step.nonce,
        LTI + "deployment_id": simulator.deployment_id,
        LTI + "message_type": "LtiResourceLinkRequest",
        LTI + "version": "1.3.0",
        LTI + "roles": [INSTRUCTOR],
        LTI + "resource_link": {"id": "x"},
    }
    response = client.post("/lti/launch/", {"id_token": simulator.sign(body, key=other_key), "state": step.state})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session and not Identity.objects.exists()


def test_it_refuses_the_same_id_token_twice(client, platform, simulator):
    step = login(client, simulator)
    token = simulator.id_token(nonce=step.nonce, sub="u1", **{LTI + "custom": {"target": "review"}})
    assert client.post("/lti/launch/", {"id_token": token, "state": step.state}).status_code == 302
    again = client.post("/lti/launch/", {"id_token": token, "state": step.state})
    assert again.status_code == 400


def test_it_refuses_a_launch_without_the_login_state(client, platform, simulator):
    step = login(client, simulator)
    token = simulator.id_token(nonce=step.nonce, sub="u1")
    client.cookies.clear()
    assert client.post("/lti/launch/", {"id_token": token, "state": step.state}).status_code == 400


def test_it_refuses_an_unregistered_deployment(client, platform, simulator):
    response = launch(client, simulator, target="review", **{LTI + "deployment_id": "somewhere-else"})
    assert response.status_code == 400 and "_auth_user_id" not in client.session


def test_it_refuses_an_expired_token(client, platform, simulator):
    response = launch(client, simulator, target="review", exp=int(time.time()) - 60)
    assert response.status_code == 400


def test_it_refuses_a_closed_account(client, platform, simulator):
    launch(client, simulator, target="review")
    user = signed_in(client)
    user.is_active = False
    user.save()
    client.logout()
    assert launch(client, simulator, target="review").status_code == 403


def test_login_refuses_an_unknown_platform(client, platform):
    response = client.get("/lti/login/", {"iss": "https://elsewhere.example", "login_hint": "x"})
    assert response.status_code == 400 and "could not be used" in response.content.decode()


def test_login_refuses_a_request_without_a_login_hint(client, platform, simulator):
    assert client.get("/lti/login/", {"iss": simulator.issuer}).status_code == 400


def test_launch_rejects_get(client, platform):
    assert client.get("/lti/launch/").status_code == 405


def test_launch_refuses_garbage(client, platform, simulator):
    step = login(client, simulator)
    assert client.post("/lti/launch/", {"id_token": "not.a.jwt", "state": step.state}).status_code == 400
    assert client.post("/lti/launch/", {}).status_code == 400


def test_jwks_publishes_the_tool_key_that_signs(client, platform):
    keys = client.get("/lti/jwks/").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and "d" not in keys[0]
    assert client.post("/lti/jwks/").status_code == 405


def test_the_launch_cookies_work_across_sites(client, platform, simulator):
    response = client.get("/lti/login/", {"iss": simulator.issuer, "login_hint": "h", "client_id": simulator.client_id})
    state_cookies = [c for name, c in response.cookies.items() if name.startswith("lti1p3-state")]
    assert state_cookies and all(c["samesite"] == "None; Partitioned" and c["secure"] for c in state_cookies)
    session = response.cookies["sessionid"]
    assert session["samesite"] == "None; Partitioned" and session["secure"]


def test_a_platform_that_sends_no_name_gets_an_account_named_for_its_user_id(client, platform, simulator):
    launch(client, simulator, target="review", sub="8f3a-77")
    assert signed_in(client).username == "8f3a.77"


@pytest.mark.parametrize("body", ["[1]", '"x"', "5", "null"])
def test_it_refuses_a_token_whose_body_is_not_an_object(client, platform, simulator, body):
    import base64

    step = login(client, simulator)
    good = simulator.id_token(nonce=step.nonce, sub="u1").split(".")
    forged = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    response = client.post("/lti/launch/", {"id_token": f"{good[0]}.{forged}.{good[2]}", "state": step.state})
    assert response.status_code == 400


def test_it_refuses_a_line_item_that_is_no_web_address(client, platform, simulator):
    ags = {"scope": [SCORE_SCOPE], "lineitem": "file:///etc/passwd"}
    response = launch(client, simulator, target="quiz:topics=type;size=2", **{AGS: ags})
    assert response.status_code == 400 and "_auth_user_id" not in client.session
    ags["lineitem"] = "https://lms.example.test/" + "x" * 600
    assert launch(client, simulator, target="quiz:topics=type;size=2", **{AGS: ags}).status_code == 400


def test_the_learners_data_download_names_their_lms_account_and_scores(client, platform, simulator):
    launch(client, simulator, target="quiz:topics=type;size=2", graded="q-9")
    data = client.get("/accounts/data.json").json()
    assert [(a["platform"], a["user_id"]) for a in data["lms_accounts"]] == [("Test Moodle", "moodle-user-7")]
    [score] = data["lms_scores"]
    assert score["status"] == "waiting" and score["gradebook_column"].endswith("/lineitems/q-9")
    assert data["classes"][0]["class"].startswith("Dermatology block")
