"""What the instructors' pages keep: the item analysis as last calculated."""

from datetime import timedelta

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
