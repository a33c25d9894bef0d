"""What a learner sets once and every device they use should know."""

from django.conf import settings
from django.db import models


class Preferences(models.Model):
    """One row per learner who has set something; none until then."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="preferences"
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="The browser's time zone (an IANA name such as Europe/Berlin) when the learner last used the site: "
        "their days (streak, reviews due today) and times are counted in it on any device.",
    )

    class Meta:
        verbose_name_plural = "preferences"

    def __str__(self) -> str:
        return f"Preferences of {self.user}"
