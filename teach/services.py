"""Writes of the instructors' pages: cohorts and their learners, and the stored item analysis."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from teach import selectors
from teach.models import Cohort, ItemAnalysis, new_join_code

# Cohorts


@transaction.atomic
def cohort_create(*, instructor, name: str) -> Cohort:
    cohort = Cohort.objects.create(name=name.strip())
    cohort.instructors.add(instructor)
    return cohort


@dataclass
class Added:
    added: list[str] = field(default_factory=list)  # usernames now in the cohort
    already: list[str] = field(default_factory=list)  # already there
    unknown: list[str] = field(default_factory=list)  # what matched no learner's username or email


@transaction.atomic
def cohort_learners_add(*, cohort: Cohort, names: list[str]) -> Added:
    """Add learners by username (exactly) or email (in any case): three queries, however many names. Instructors
    and staff are not learners and match nothing; an email two accounts share adds both."""
    lowered = {name.lower() for name in names}
    found = list(
        selectors.learners()
        .annotate(email_lower=Lower("email"))
        .filter(Q(username__in=names) | Q(email_lower__in=lowered))
        .order_by("username")
        .only("pk", "username", "email")
    )
    present = set(cohort.learners.filter(pk__in=[u.pk for u in found]).values_list("pk", flat=True))
    fresh = [user for user in found if user.pk not in present]
    cohort.learners.add(*fresh)
    matched = {user.username for user in found} | {user.email.lower() for user in found if user.email}
    return Added(
        added=[user.username for user in fresh],
        already=[user.username for user in found if user.pk in present],
        unknown=[name for name in names if name not in matched and name.lower() not in matched],
    )


def cohort_learner_remove(*, cohort: Cohort, learner) -> None:
    """The learner leaves the cohort; what they did stays theirs, and in any other cohort they are in."""
    cohort.learners.remove(learner)


def cohort_join_code_renew(*, cohort: Cohort) -> Cohort:
    """A new join code: the old one stops working (for a code shared too widely). Learners already in stay."""
    for _ in range(5):
        try:
            with transaction.atomic():
                cohort.join_code = new_join_code()
                cohort.save(update_fields=["join_code"])
            return cohort
        except IntegrityError:  # the same eight characters drawn again: about one chance in 10**11
            continue
    raise RuntimeError("Could not draw an unused join code.")


def cohort_open_set(*, cohort: Cohort, is_open: bool) -> Cohort:
    cohort.is_open = is_open
    cohort.save(update_fields=["is_open"])
    return cohort


class JoinRefused(Exception):
    pass


# Wrong codes a learner may type in an hour before being asked to wait: a code has 31**8 values, and this keeps a
# script from walking them.
JOIN_TRIES_PER_HOUR = 20


def cohort_join(*, learner, code: str) -> tuple[Cohort, bool]:
    """A learner joins the cohort whose code this is: (cohort, whether they were new to it). Refused with a message
    when no open cohort has the code, when the account is an instructor's, or after too many wrong codes."""
    tries_key = f"teach:join-tries:{learner.pk}"
    if cache.get(tries_key, 0) >= JOIN_TRIES_PER_HOUR:
        raise JoinRefused("Too many codes that did not work: wait an hour, or ask your instructor for the code.")
    if not selectors.learners().filter(pk=learner.pk).exists():
        raise JoinRefused("Instructor and staff accounts are not learners, so they cannot join a class.")
    cohort = Cohort.objects.filter(join_code=code).first()
    if cohort is None:
        cache.add(tries_key, 0, timeout=3600)
        cache.incr(tries_key)
        raise JoinRefused("No class has that code. Check it with your instructor.")
    if cohort.learners.filter(pk=learner.pk).exists():
        return cohort, False
    if not cohort.is_open:
        raise JoinRefused("That class is not taking new learners. Ask your instructor.")
    cohort.learners.add(learner)
    return cohort, True


def cohort_leave(*, cohort: Cohort, learner) -> None:
    """The learner leaves a cohort: its instructors no longer see them. What they did stays theirs."""
    cohort.learners.remove(learner)


# Item analysis


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
