"""Register an LMS with this tool, and print what the LMS's administrator needs to register the tool."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from lti.keys import current_key, public_jwk
from lti.models import Deployment, Platform

FIELDS = ["name", "issuer", "client_id", "auth_login_url", "auth_token_url", "keyset_url"]


class Command(BaseCommand):
    help = "Register an LMS (add) or print the tool's URLs and public key for the LMS's administrator (show)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,show}")
        add = actions.add_parser("add", help="Register a platform, or add a deployment id to one already registered.")
        add.add_argument("--name", required=True)
        add.add_argument("--issuer", required=True, help="The platform's issuer (iss), e.g. https://moodle.example.edu")
        add.add_argument("--client-id", required=True, help="The client id the platform gave this tool.")
        add.add_argument("--deployment-id", required=True, help="The deployment id the platform gave this tool.")
        add.add_argument("--auth-login-url", required=True, help="The platform's OIDC authorisation URL.")
        add.add_argument("--auth-token-url", required=True, help="The platform's OAuth2 access token URL.")
        add.add_argument("--keyset-url", required=True, help="The platform's public keyset (JWKS) URL.")
        add.add_argument(
            "--trust-instructors",
            action="store_true",
            help="Course instructors on this platform become instructors of this site (authoring, the admin). "
            "Without it they teach their own course's cohort only: right where anyone may make a course.",
        )
        add.add_argument(
            "--frame-origins",
            default="",
            help="Where the platform's course pages are served from, space-separated, when not the issuer's origin "
            "(Canvas: https://school.instructure.com).",
        )
        show = actions.add_parser("show", help="What to give the LMS: the tool's URLs and its public key.")
        show.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="Where this site is served, e.g. https://calcinosis.example.edu (default: the laptop's address).",
        )

    def handle(self, *args, action: str, **options):
        if action == "add":
            self._add(options)
        else:
            self._show(options["base_url"].rstrip("/"))

    @transaction.atomic
    def _add(self, options) -> None:
        values = {field: options[field].strip() for field in FIELDS}
        platform = Platform.objects.filter(issuer=values["issuer"], client_id=values["client_id"]).first()
        created = platform is None
        platform = platform or Platform()
        for field, value in values.items():
            setattr(platform, field, value)
        platform.trust_instructors = options["trust_instructors"]
        platform.frame_origins = " ".join(options["frame_origins"].split())
        try:
            platform.full_clean(validate_unique=False)
        except ValidationError as error:
            problems = "; ".join(f"--{f.replace('_', '-')}: {' '.join(m)}" for f, m in error.message_dict.items())
            raise CommandError(f"The platform was not registered: {problems}") from None
        platform.save()
        deployment = options["deployment_id"].strip()
        if not deployment:
            raise CommandError("--deployment-id must not be empty.")
        Deployment.objects.get_or_create(platform=platform, deployment_id=deployment)
        verb = "Registered" if created else "Updated"
        self.stdout.write(
            f"{verb} {platform.name} ({platform.issuer}, client id {platform.client_id}), deployment "
            f"{deployment}. Run `manage.py lti_platform show` for what to give its administrator."
        )

    def _show(self, base: str) -> None:
        key = current_key()
        urls = {
            "Login initiation URL (OIDC)": reverse("lti:login"),
            "Launch URL (redirection URI; also for deep linking)": reverse("lti:launch"),
            "Public keyset URL (JWKS)": reverse("lti:jwks"),
        }
        lines = ["Give the LMS's administrator these when they add the tool (LTI 1.3):", ""]
        lines += [f"{label}: {base}{path}" for label, path in urls.items()]
        lines += [
            "Services: Assignment and Grade Services (scores), Names and Role Provisioning (roster), Deep Linking.",
            "Custom parameter of a link (set by deep linking): target=case:<slug> | quiz:topics=a,b;size=10;mode=tutor"
            " | review",
            "",
            f"Public key (kid {key.kid}):",
            key.public_pem.strip(),
            "",
            "As a JWK:",
            json.dumps(public_jwk(key), indent=2),
            "",
        ]
        platforms = list(Platform.objects.prefetch_related("deployments").order_by("name"))
        lines.append("Registered platforms:" if platforms else "No platform registered yet: `lti_platform add ...`.")
        for platform in platforms:
            deployments = ", ".join(d.deployment_id for d in platform.deployments.all()) or "none"
            trust = "instructors trusted" if platform.trust_instructors else "instructors teach their course only"
            lines.append(
                f"- {platform.name}: {platform.issuer}, client id {platform.client_id}, deployments {deployments}; "
                f"{trust}"
            )
        self.stdout.write("\n".join(lines))
