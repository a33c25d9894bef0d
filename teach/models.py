"""What the instructors' pages keep: their cohorts, and the item analysis as last calculated."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class ItemAnalysisQuerySet(models.QuerySet):
    def latest_calculated(self) -> "ItemAnalysis | None":
        return self.order_by("-calculated").first()


class ItemAnalysis(models.Model):
    """The quiz bank's item analysis as calculated at one moment, kept so that its page opens at once.

    Calculating it reads every answer (about a second for 200,000 of them), so it is stored with its time, shown as
    "calculated N minutes ago", and calculated anew when older than MAX_AGE or when an instructor asks (as Moodle
    keeps its quiz statistics). `manage.py item_analysis` run from cron keeps it fresh, so no page waits for it.
    """

    MAX_AGE = timedelta(hours=1)

    calculated = models.DateTimeField(default=timezone.now)
    rows = models.JSONField(help_text="One per question version (teach.selectors.item_rows), as the page lists them.")
    items = models.PositiveIntegerField(default=0, help_text="Quiz-bank items with answers, for the dashboard.")
    concerns = models.PositiveIntegerField(default=0, help_text="Of those, items worth a look, for the dashboard.")

    objects = ItemAnalysisQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "item analyses"

    def __str__(self) -> str:
        return f"Item analysis of {self.calculated:%Y-%m-%d %H:%M}"

    @property
    def max_age_minutes(self) -> int:
        return int(self.MAX_AGE.total_seconds() // 60)

    def is_stale(self, now=None) -> bool:
        return (now or timezone.now()) - self.calculated > self.MAX_AGE


def new_join_code() -> str:
    """Eight letters and digits a learner can type from a slide (no 0/O or 1/I/L to misread), shown as ABCD-2345."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(8))


JOIN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class CohortQuerySet(models.QuerySet):
    def taught_by(self, user) -> "CohortQuerySet":
        """The cohorts an instructor may see: their own; a superuser, who runs the site, sees every cohort."""
        return self if user.is_superuser else self.filter(instructors=user)


class Cohort(models.Model):
    """A group of learners an instructor follows, e.g. "Dermatology block, spring 2027".

    Learners join with the code the instructor shares, or are added by the instructor; a learner may be in several.
    An instructor sees the learners of their own cohorts only."""

    name = models.CharField(max_length=120)
    instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="cohorts_taught", help_text="Who sees this cohort's learners."
    )
    learners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cohorts", blank=True)
    join_code = models.CharField(
        max_length=8, unique=True, default=new_join_code, help_text="Learners type it on their progress page to join."
    )
    is_open = models.BooleanField(
        "open to join", default=True, help_text="Whether the join code still works; added learners stay either way."
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def join_code_display(self) -> str:
        return f"{self.join_code[:4]}-{self.join_code[4:]}"


def normalise_join_code(text: str) -> str:
    """What a learner typed as a join code, as stored: case, spaces and hyphens do not matter."""
    return "".join(c for c in text.upper() if c.isalnum())
