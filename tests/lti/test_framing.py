"""The LMS may frame the tool, and only the LMS: frame-ancestors and cookies follow the LTI flow."""

from tests.lti.conftest import launch


def ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


def test_ordinary_pages_may_not_be_framed(client, platform, learner_client):
    response = learner_client.get("/progress/")
    assert ancestors(response) == "frame-ancestors 'none'" and response["X-Frame-Options"] == "DENY"
    assert learner_client.cookies["sessionid"]["samesite"] in ("", "Lax")


def test_the_lti_pages_may_be_framed_by_registered_platforms_only(client, platform, simulator):
    response = client.get("/lti/jwks/")
    assert ancestors(response) == f"frame-ancestors 'self' {simulator.base} {simulator.issuer}"
    assert "X-Frame-Options" not in response


def test_a_launched_session_may_be_framed_by_its_platform_and_keeps_cross_site_cookies(client, platform, simulator):
    response = launch(client, simulator, target="review")
    assert response.cookies["sessionid"]["samesite"] == "None; Partitioned" and response.cookies["sessionid"]["secure"]
    page = client.get("/review/")
    assert ancestors(page) == f"frame-ancestors 'self' {simulator.base} {simulator.issuer}"
    assert "X-Frame-Options" not in page
    client.logout()
    assert ancestors(client.get("/")) == "frame-ancestors 'none'"


def test_a_new_platform_is_allowed_at_once(client, platform):
    platform.issuer = "https://moodle.example.edu"
    platform.auth_login_url = "https://moodle.example.edu/mod/lti/auth.php"
    platform.save()
    assert ancestors(client.get("/lti/jwks/")) == "frame-ancestors 'self' https://moodle.example.edu"


def test_the_admin_is_never_framed_even_in_a_launched_session(client, platform, simulator):
    platform.trust_instructors = True
    platform.save()
    launch(client, simulator, target="review", roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"])
    page = client.get("/admin/")
    assert page.status_code == 200
    assert ancestors(page) == "frame-ancestors 'none'" and page["X-Frame-Options"] == "DENY"


def test_an_ordinary_session_keeps_its_cookies_on_the_tools_other_pages(instructor_client, platform):
    response = instructor_client.get("/lti/deep-link/lti1p3-launch-gone/")
    assert response.status_code == 404
    for name, cookie in response.cookies.items():
        assert "None" not in cookie["samesite"], name
    assert ancestors(response) == "frame-ancestors 'none'"
