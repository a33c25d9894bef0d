"""Deep linking: an instructor adding the tool to a course chooses what the link opens, and the platform gets it back
as a signed content item, which then launches."""

import re
from html import unescape

from cases.models import Case
from lti.models import Identity
from quizzes.models import Attempt
from tests.lti.conftest import DEEP_LINKING, INSTRUCTOR, deep_linking_claims, launch
from tests.lti.simulator import LTI

DL_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"


def instructor_picks(client, simulator):
    response = launch(client, simulator, roles=[INSTRUCTOR], sub="teacher-1", **deep_linking_claims(simulator))
    assert response.status_code == 302 and response["Location"].startswith("/lti/deep-link/lti1p3-launch-")
    return response["Location"]


def returned_jwt(response) -> tuple[str, str]:
    html = response.content.decode()
    action = unescape(re.search(r'<form method="post" action="([^"]+)" data-auto-submit', html)[1])
    token = re.search(r'name="JWT" value="([^"]+)"', html)[1]
    return action, token


def test_an_instructor_adds_a_graded_quiz_and_the_platform_launches_it(client, platform, simulator):
    page = instructor_picks(client, simulator)
    assert client.get(page).status_code == 200
    response = client.post(
        page,
        {"title": "Type and distribution", "kind": "quiz", "topics": ["type", "distribution"], "size": "4",
         "mode": "tutor", "graded": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    action, token = returned_jwt(response)
    assert action == f"{simulator.base}/deep-link-return"
    assert simulator.base in response["Content-Security-Policy"].split("form-action")[1].split(";")[0]
    message = simulator.read_deep_link_response(token, client.get("/lti/jwks/").json())
    assert message[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert message[LTI + "deployment_id"] == simulator.deployment_id
    assert message["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    [item] = message[DL_ITEMS]
    assert item["type"] == "ltiResourceLink" and item["title"] == "Type and distribution"
    assert item["url"] == "http://testserver/lti/launch/"
    assert item["custom"] == {"target": "quiz:topics=type,distribution;size=4;mode=tutor"}
    assert item["lineItem"]["scoreMaximum"] == 100 and item["lineItem"]["label"] == "Type and distribution"

    # The platform now launches the link it was given, for a learner.
    client.logout()
    launched = launch(client, simulator, sub="student-1", target=item["custom"]["target"], graded="dl-1")
    attempt = Attempt.objects.get(learner__lti_identities__subject="student-1")
    assert launched["Location"] == f"/quizzes/attempts/{attempt.pk}/" and attempt.slots.count() == 4


def test_an_ungraded_case_link_has_no_gradebook_column(client, platform, simulator):
    case = Case.objects.published().first()
    page = instructor_picks(client, simulator)
    response = client.post(page, {"title": "A case", "kind": "case", "case": case.slug, "size": "10", "mode": "tutor"})
    [item] = simulator.read_deep_link_response(returned_jwt(response)[1], client.get("/lti/jwks/").json())[DL_ITEMS]
    assert item["custom"] == {"target": f"case:{case.slug}"} and "lineItem" not in item


def test_the_choice_is_used_once(client, platform, simulator):
    page = instructor_picks(client, simulator)
    client.post(page, {"title": "Review", "kind": "review", "size": "10", "mode": "tutor"})
    assert client.get(page).status_code == 404


def test_it_says_what_is_missing(client, platform, simulator):
    page = instructor_picks(client, simulator)
    response = client.post(page, {"title": "", "kind": "quiz", "size": "0", "mode": "tutor"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pick at least one topic" in html and "This field is required" in html and 'name="JWT"' not in html
    response = client.post(page, {"title": "x", "kind": "case", "size": "10", "mode": "tutor"})
    assert "Choose the case" in response.content.decode()


def test_a_learner_cannot_add_links(client, platform, simulator):
    response = launch(client, simulator, sub="student-1", **deep_linking_claims(simulator))
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session and not Identity.objects.exists()  # refused before signing in


def test_a_request_without_a_return_address_is_refused(client, platform, simulator):
    claims = deep_linking_claims(simulator)
    del claims[DEEP_LINKING]["deep_link_return_url"]
    response = launch(client, simulator, roles=[INSTRUCTOR], sub="teacher-1", **claims)
    assert response.status_code == 400 and "return the new link" in response.content.decode()


def test_another_instructors_choice_is_not_found(client, platform, simulator, instructor):
    page = instructor_picks(client, simulator)
    client.force_login(instructor)
    assert client.get(page).status_code == 404
    assert client.get("/lti/deep-link/lti1p3-launch-made-up/").status_code == 404


def test_the_choice_needs_an_instructor(client, platform, simulator, learner):
    page = instructor_picks(client, simulator)
    client.logout()
    assert client.get(page).status_code == 302
    client.force_login(learner)
    assert client.get(page).status_code == 403
