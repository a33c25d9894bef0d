"""`manage.py lti_platform add|show`: registering an LMS, and what its administrator needs."""

import pytest
from django.core.management import CommandError, call_command

from lti.models import Deployment, Platform

ADD = [
    "add",
    "--name", "University Moodle",
    "--issuer", "https://moodle.example.edu",
    "--client-id", "abc123",
    "--deployment-id", "1",
    "--auth-login-url", "https://moodle.example.edu/mod/lti/auth.php",
    "--auth-token-url", "https://moodle.example.edu/mod/lti/token.php",
    "--keyset-url", "https://moodle.example.edu/mod/lti/certs.php",
]  # fmt: skip


def test_add_registers_a_platform_and_its_deployment(db, capsys):
    call_command("lti_platform", *ADD)
    platform = Platform.objects.get()
    assert (platform.name, platform.client_id) == ("University Moodle", "abc123")
    assert list(Deployment.objects.values_list("deployment_id", flat=True)) == ["1"]
    assert "Registered University Moodle" in capsys.readouterr().out
    assert not platform.trust_instructors  # trusting a platform's instructors is said out loud

    call_command("lti_platform", *[*ADD[:-8], "--deployment-id", "2", *ADD[-6:]])
    assert Platform.objects.count() == 1 and Deployment.objects.count() == 2


def test_add_refuses_a_bad_url_with_one_clear_line(db):
    bad = [*ADD[:-1], "not a url"]
    with pytest.raises(CommandError, match="--keyset-url: Enter a valid URL"):
        call_command("lti_platform", *bad)
    assert not Platform.objects.exists()


def test_show_prints_what_the_lms_administrator_needs(db, capsys):
    call_command("lti_platform", *ADD)
    capsys.readouterr()
    call_command("lti_platform", "show", "--base-url", "https://calcinosis.example.edu/")
    out = capsys.readouterr().out
    assert "Login initiation URL (OIDC): https://calcinosis.example.edu/lti/login/" in out
    assert "https://calcinosis.example.edu/lti/launch/" in out and "https://calcinosis.example.edu/lti/jwks/" in out
    assert "-----BEGIN PUBLIC KEY-----" in out and "PRIVATE" not in out
    assert "University Moodle: https://moodle.example.edu, client id abc123, deployments 1; instructors teach" in out


def test_add_can_trust_the_platforms_instructors_and_name_its_frame_origins(db):
    call_command("lti_platform", *ADD, "--trust-instructors", "--frame-origins", "https://a.example  https://b.example")
    platform = Platform.objects.get()
    assert platform.trust_instructors
    assert platform.origins() == {"https://moodle.example.edu", "https://a.example", "https://b.example"}
