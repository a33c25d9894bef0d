"""Writes of the instructors' pages: the stored item analysis."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from teach import selectors
from teach.models import ItemAnalysis


@transaction.atomic
def item_analysis_calculate(*, now: datetime | None = None) -> ItemAnalysis:
    """Calculate the item analysis from every answer now and keep it in place of the older ones."""
    rows = selectors.item_rows()
    analysis = ItemAnalysis.objects.create(
        calculated=now or timezone.now(),
        rows=rows,
        items=sum(row["version"] is not None for row in rows),
        concerns=sum(row["concern"] is not None for row in rows),
    )
    ItemAnalysis.objects.filter(calculated__lt=analysis.calculated).delete()
    return analysis


def item_analysis_current(*, now: datetime | None = None) -> ItemAnalysis:
    """The stored item analysis, calculated anew first if there is none yet or it is older than its MAX_AGE."""
    analysis = ItemAnalysis.objects.latest_calculated()
    if analysis is None or analysis.is_stale(now):
        analysis = item_analysis_calculate(now=now)
    return analysis
