"""LTI 1.3 in a real browser: the LMS (the platform simulator, on another site) frames the tool, the learner arrives
signed in, takes the linked quiz inside the frame, and the score reaches the LMS gradebook; the same link opened in
a new window works too; an instructor adds a link by deep linking."""

import pytest
from playwright.sync_api import expect

from lti.models import Passback
from tests.browser.conftest import DESKTOP, PHONE, layout_problems, screenshot
from tests.lti.simulator import INSTRUCTOR, LTI, SCORE_SCOPE, PlatformSimulator

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


@pytest.fixture
def lms(live_server, page):
    simulator = PlatformSimulator()
    simulator.register()
    simulator.tool_jwks = page.request.get(f"{live_server.url}/lti/jwks/").json()
    simulator.login_url = (
        f"{live_server.url}/lti/login/?iss={simulator.issuer}&login_hint=u&client_id={simulator.client_id}"
        f"&target_link_uri={live_server.url}/lti/launch/"
    )
    yield simulator
    simulator.close()


def learner_launch(lms, target: str) -> None:
    lms.next_launch = {
        "sub": "student-42",
        "name": "Grace Hopper",
        LTI + "custom": {"target": target},
        LTI + "context": {"id": "course-1", "title": "Dermatology block"},
        AGS: {"scope": [SCORE_SCOPE], "lineitem": lms.lineitem_url("quiz-1")},
    }


def test_a_learner_takes_a_graded_quiz_inside_the_lms_frame(page, lms):
    learner_launch(lms, "quiz:topics=type;size=1;mode=tutor")
    lms.course_frame = lms.login_url
    page.goto(f"{lms.base}/course")
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Question 1 of 1")).to_be_visible()
    if frame.locator("input[name=value]").count():
        frame.locator("input[name=value]").fill("1")
    else:
        frame.locator("input[name=choice]").first.check()
    frame.get_by_label("Sure", exact=True).check()
    frame.get_by_role("button", name="Submit answer").click()
    expect(frame.locator(".feedback-headline")).to_be_visible()
    frame.get_by_role("button", name="Finish and see results").click()
    expect(frame.get_by_role("heading", level=1)).to_have_text("Results")
    screenshot(page, "lti-results-in-frame")
    assert [s["body"]["userId"] for s in lms.scores] == ["student-42"]
    assert Passback.objects.get().status == "sent"
    inner = page.frames[1]
    assert inner.evaluate("() => axe.run(document).then(r => r.violations.map(v => v.id))") == []
    assert page.csp_errors == []


def test_the_same_link_opens_in_a_new_window(page, lms):
    learner_launch(lms, "review")
    page.goto(lms.login_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review")
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        assert layout_problems(page, size["width"]) == []
    page.goto(f"{page.url.split('/review/')[0]}/lti/login/?iss=https://nowhere.example&login_hint=x")
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("heading", level=1)).to_have_text("The course link could not open")
    assert layout_problems(page, PHONE["width"]) == []
    screenshot(page, "lti-refused-phone")


def test_an_instructor_adds_a_link_by_deep_linking(page, lms):
    lms.next_launch = {
        "sub": "teacher-1",
        "message_type": "LtiDeepLinkingRequest",
        LTI + "roles": [INSTRUCTOR],
        LTI + "context": {"id": "course-1", "title": "Dermatology block"},
        DEEP_LINKING: {
            "deep_link_return_url": f"{lms.base}/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
        },
    }
    lms.course_frame = lms.login_url
    page.goto(f"{lms.base}/course")
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Add a link to your course")).to_be_visible()
    screenshot(page, "lti-deep-link-in-frame")
    assert page.frames[1].evaluate("() => axe.run(document).then(r => r.violations.map(v => v.id))") == []
    frame.get_by_label("Title").fill("Distribution drill")
    frame.get_by_label("Questions in the quiz").fill("5")
    frame.get_by_role("button", name="Add the link").click()
    expect(frame.get_by_role("heading", name="Link added")).to_be_visible()
    [token] = lms.deep_link_returns
    [item] = lms.read_deep_link_response(token, lms.tool_jwks)[
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
    ]
    assert item["title"] == "Distribution drill" and item["custom"]["target"].endswith("size=5;mode=tutor")
    assert page.csp_errors == []
