"""Writes of the instructors' pages: cohorts and their learners, and the stored item analysis."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from teach import selectors
from teach.models import Cohort, ItemAnalysis, new_join_code

# Cohorts


def cohort_create(*, instructor, name: str) -> Cohort:
    cohort = Cohort.objects.create(name=name.strip())
    cohort.instructors.add(instructor)
    return cohort


@dataclass
class Added:
    added: list[str] = field(default_factory=list)  # usernames now in the cohort
    already: list[str] = field(default_factory=list)  # already there
    unknown: list[str] = field(default_factory=list)  # what matched no learner's username or email


def cohort_learners_add(*, cohort: Cohort, names: list[str]) -> Added:
    """Add learners by username or email (either exactly, the email in any case). Instructors and staff are not
    learners and match nothing; an email two accounts share adds both, as both are that person's."""
    result = Added()
    present = set(cohort.learners.values_list("pk", flat=True))
    for name in names:
        found = list(selectors.learners().filter(Q(username=name) | Q(email__iexact=name)).order_by("username"))
        if not found:
            result.unknown.append(name)
        for user in found:
            if user.pk in present:
                result.already.append(user.username)
            else:
                present.add(user.pk)
                result.added.append(user.username)
                cohort.learners.add(user)
    return result


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


def cohort_join(*, learner, code: str) -> tuple[Cohort, bool]:
    """A learner joins the cohort whose code this is: (cohort, whether they were new to it). Refused with a message
    when no open cohort has the code, or when the account is an instructor's."""
    cohort = Cohort.objects.filter(join_code=code).first()
    if cohort is None:
        raise JoinRefused("No class has that code. Check it with your instructor.")
    if not cohort.is_open:
        raise JoinRefused(f"“{cohort.name}” is not taking new learners. Ask your instructor.")
    if not selectors.learners().filter(pk=learner.pk).exists():
        raise JoinRefused("Instructor and staff accounts are not learners, so they cannot join a class.")
    joined = not cohort.learners.filter(pk=learner.pk).exists()
    cohort.learners.add(learner)
    return cohort, joined


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
