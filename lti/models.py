"""What LTI 1.3 needs kept: the platforms (LMSs) registered with this tool, the tool's own key, who each platform's
users are here, which cohort each course fills, and the scores owed to a platform's gradebook."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone

ORIGINS_CACHE_KEY = "lti:platform-origins"


class Platform(models.Model):
    """An LMS registered with this tool: what its administrator gave us when they added the tool (LTI 1.3 core §3).

    One issuer may register the tool more than once (two Moodle courses, two client ids), so a platform is the
    issuer and client id together."""

    name = models.CharField(max_length=120, help_text="For people, e.g. “University Moodle”.")
    issuer = models.URLField(max_length=255, help_text="The platform's issuer (iss), e.g. https://moodle.example.edu")
    client_id = models.CharField(max_length=255, help_text="The client id the platform gave this tool.")
    auth_login_url = models.URLField(max_length=500, help_text="The platform's OIDC authorisation endpoint.")
    auth_token_url = models.URLField(max_length=500, help_text="The platform's OAuth2 token endpoint (grades, roster).")
    keyset_url = models.URLField(max_length=500, help_text="The platform's public keys (JWKS), to check its launches.")
    auth_audience = models.CharField(
        max_length=500, blank=True, help_text="Only if the platform asks for one: the audience of token requests."
    )
    frame_origins = models.CharField(
        max_length=500,
        blank=True,
        help_text="Where the platform's course pages are served from, space-separated, when that is not the issuer's "
        "origin (Canvas: https://school.instructure.com): these may frame the tool.",
    )
    trust_instructors = models.BooleanField(
        default=False,
        help_text="Course instructors on this platform become instructors of this site: the Instructors group, the "
        "admin, authoring questions and cases. Leave it off where anyone may make a course (a public Canvas, a "
        "sandbox): they then teach their own course's cohort only.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="one_platform_per_client")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(ORIGINS_CACHE_KEY)  # the origins allowed to frame the tool (lti.middleware) change with it

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(ORIGINS_CACHE_KEY)
        return result

    def origins(self) -> set[str]:
        """Where the platform's pages are served from, the origins allowed to frame this tool (frame-ancestors)."""
        found = set()
        for url in (self.issuer, self.auth_login_url, *self.frame_origins.split()):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.netloc:
                found.add(f"{parts.scheme}://{parts.netloc}")
        return found


class Deployment(models.Model):
    """One placement of the tool on a platform (deployment_id): a launch from an unknown deployment is refused."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "deployment_id"], name="one_deployment_id")]

    def __str__(self) -> str:
        return self.deployment_id


class ToolKey(models.Model):
    """The tool's RSA key pair: its public half is published at /lti/jwks/ and given to platforms; the private half
    signs deep-linking answers and token requests. Made on first need (lti.keys.current_key)."""

    kid = models.CharField(max_length=100, unique=True)
    private_pem = models.TextField()
    public_pem = models.TextField()
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.kid


class Identity(models.Model):
    """A platform user (its `sub`) linked to an account here. Accounts are found by this link only, never by email:
    an email a platform sends is not proof that the person owns the account with that email here."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "identities"
        constraints = [models.UniqueConstraint(fields=["platform", "subject"], name="one_account_per_platform_user")]

    def __str__(self) -> str:
        return f"{self.platform}: {self.subject}"


class Course(models.Model):
    """A course (LTI context) on a platform, and the cohort its learners are put in here."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="courses")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=255, blank=True)
    cohort = models.OneToOneField("teach.Cohort", on_delete=models.CASCADE, related_name="lti_course")
    memberships_url = models.URLField(
        max_length=500, blank=True, help_text="The roster service (NRPS) the last launch named, for a roster sync."
    )
    roster_synced = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "context_id"], name="one_cohort_per_course")]

    def __str__(self) -> str:
        return self.title or self.context_id


class PassbackQuerySet(models.QuerySet):
    def owed(self, now=None) -> "PassbackQuerySet":
        """Scores ready to send, and those a server began sending so long ago that it must have stopped."""
        stale = (now or timezone.now()) - Passback.SENDING_TIMEOUT
        return self.filter(
            models.Q(status=Passback.Status.READY) | models.Q(status=Passback.Status.SENDING, claimed__lt=stale)
        )


class Passback(models.Model):
    """A score owed to a platform's gradebook column (line item) for one attempt at a graded link: a quiz attempt or
    a case take. Made at the launch; filled in and sent when the attempt finishes. Sent once: a server claims it
    (ready -> sending) before posting, so no two post it; a send that fails for want of the platform goes back to
    ready for `manage.py lti_scores` to retry; one the platform refuses (4xx), or that failed MAX_TRIES times, is
    failed, for a person to look at."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the learner to finish"
        READY = "ready", "Ready to send"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Refused by the platform"

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=255, help_text="The learner's user id on the platform.")
    lineitem = models.URLField(max_length=500)
    scopes = models.JSONField(default=list, help_text="The AGS scopes the launch granted.")
    attempt = models.ForeignKey("quizzes.Attempt", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    progress = models.ForeignKey(
        "cases.CaseProgress",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The take of the case this score is for, set when it is completed.",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.WAITING)
    score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True, help_text="0 to 1.")
    finished = models.DateTimeField(null=True, blank=True, help_text="When the learner finished: the score's time.")
    claimed = models.DateTimeField(null=True, blank=True, help_text="When a server last began sending it.")
    tries = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    sent = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    SENDING_TIMEOUT = timedelta(minutes=5)  # far longer than a send takes (two calls of at most TIMEOUT each)
    MAX_TRIES = 20  # about three hours of a ten-minute cron: then the score waits for a person (admin action)

    objects = PassbackQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lineitem", "attempt"], name="one_passback_per_attempt"),
            models.UniqueConstraint(fields=["lineitem", "progress"], name="one_passback_per_case_take"),
            # Two launches of one case link at once wait for the same take, not for two.
            models.UniqueConstraint(
                fields=["user", "lineitem", "case"],
                condition=models.Q(status="waiting", progress__isnull=True),
                name="one_waiting_passback_per_case_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lineitem} ({self.get_status_display()})"
