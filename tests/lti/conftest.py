from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.lti.simulator import INSTRUCTOR, LTI, NRPS_SCOPE, SCORE_SCOPE, PlatformSimulator

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


@pytest.fixture(scope="session")
def simulator():
    sim = PlatformSimulator()
    yield sim
    sim.close()


@pytest.fixture
def platform(db, simulator, client):
    simulator.scores.clear()
    simulator.token_requests.clear()
    simulator.fail_scores = 0
    simulator.members = []
    registered = simulator.register()
    simulator.tool_jwks = client.get("/lti/jwks/").json()
    return registered


@dataclass
class Login:
    state: str
    nonce: str
    redirect_uri: str


def login(client, simulator, **extra) -> Login:
    """Step 1, as the browser does it: the platform sends it to /lti/login/, which sends it back to the platform."""
    params = {
        "iss": simulator.issuer,
        "login_hint": "hint-1",
        "target_link_uri": "http://testserver/lti/launch/",
        "client_id": simulator.client_id,
        "lti_deployment_id": simulator.deployment_id,
        **extra,
    }
    response = client.get("/lti/login/", params)
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == simulator.auth_login_url
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["client_id"] == simulator.client_id and query["response_mode"] == "form_post"
    return Login(state=query["state"], nonce=query["nonce"], redirect_uri=query["redirect_uri"])


def launch(client, simulator, *, sub="moodle-user-7", roles=None, target="", graded=False, context=True, **claims):
    """A whole launch (login, then the signed id_token posted to the tool); the tool's response to the post."""
    step = login(client, simulator)
    body = {LTI + "roles": roles or ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]}
    if context:
        body[LTI + "context"] = {"id": "course-1", "label": "DERM101", "title": "Dermatology block"}
        body[NRPS] = {"context_memberships_url": simulator.memberships_url, "service_versions": ["2.0"]}
    if target:
        body[LTI + "custom"] = {"target": target}
    if graded:
        body[AGS] = {"scope": [SCORE_SCOPE], "lineitem": simulator.lineitem_url(graded if graded is not True else "q")}
    body.update(claims)
    token = simulator.id_token(nonce=step.nonce, sub=sub, **body)
    return client.post("/lti/launch/", {"id_token": token, "state": step.state})


def deep_linking_claims(simulator) -> dict:
    return {
        "message_type": "LtiDeepLinkingRequest",
        DEEP_LINKING: {
            "deep_link_return_url": f"{simulator.base}/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "data": "opaque-platform-data",
        },
    }


__all__ = ["INSTRUCTOR", "NRPS_SCOPE", "launch", "login", "deep_linking_claims"]
