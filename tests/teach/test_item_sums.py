"""The item analysis the database adds up equals teach.itemstats.analyse, the reference, on random answers."""

import math
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizzes.models import Attempt, QuestionVersion, Response
from teach import itemstats, selectors
from tests.factories import QuestionFactory, UserFactory

MARKS = [0, 0.25, 0.5, 0.75, 1, 0.3333]
# (learner, item, mark): up to 8 learners and 4 items, repeats allowed (only a learner's first answer counts).
ROWS = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 3), st.sampled_from(MARKS)), max_size=70)


def _same(got: itemstats.ItemStats, want: itemstats.ItemStats) -> bool:
    def close(a, b):
        return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9))

    return got.n == want.n and close(got.facility, want.facility) and close(got.discrimination, want.discrimination)


@pytest.mark.django_db
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=ROWS)
@example(
    rows=[
        (learner, item, ability if item != 3 else 1 - ability)
        for learner, ability in enumerate([1, 1, 0.5, 0, 0, 0])
        for item in range(4)
    ]
)
def test_the_database_sums_give_the_reference_figures(rows):
    with transaction.atomic():
        learners = [UserFactory() for _ in range(8)]
        items = [QuestionVersion.objects.create(question=QuestionFactory(), number=1, content={}) for _ in range(4)]
        attempts = Attempt.objects.bulk_create(Attempt(learner=learners[learner]) for learner, _, _ in rows)
        Response.objects.bulk_create(
            Response(attempt=attempt, question_id=items[item].question_id, version=items[item], score=Decimal(mark))
            for attempt, (_, item, mark) in zip(attempts, rows, strict=True)
        )
        # Only each learner's first answer to an item counts (the earliest, and of those the first made).
        firsts = list({(learner, item): (learner, item, mark) for learner, item, mark in reversed(rows)}.values())
        want = itemstats.analyse([(learners[learner].pk, items[item].pk, mark) for learner, item, mark in firsts])
        sums, answers = selectors.item_sums()
        figures = selectors.item_figures()
        transaction.set_rollback(True)
    assert sums.keys() == want.keys() == {int(pk) for pk in figures}
    for item, stats in want.items():
        assert _same(itemstats.from_sums(sums[item]), stats), item
        assert _same(itemstats.ItemStats(*(figures[item][k] for k in ("n", "facility", "discrimination"))), stats)
        assert answers[item] == sum(1 for _, i, _ in firsts if items[i].pk == item)


def test_the_example_has_a_discrimination_to_compare():
    rows = [
        (learner, item, ability if item != 3 else 1 - ability)
        for learner, ability in enumerate([1, 1, 0.5, 0, 0, 0])
        for item in range(4)
    ]
    assert all(stats.discrimination is not None for stats in itemstats.analyse(rows).values())


# A learner's mean elsewhere is a fraction with a small denominator, as in the rows above.
@given(pairs=st.lists(st.tuples(st.sampled_from(MARKS), st.integers(0, 60).map(lambda k: k / 60)), max_size=40))
def test_the_correlation_from_sums_is_pearsons(pairs):
    xs, ys = [x for x, _ in pairs], [y for _, y in pairs]
    sums = itemstats.ItemSums(
        n=len(pairs),
        score_sum=sum(xs),
        usable=len(pairs),
        sum_x=sum(xs),
        sum_y=sum(ys),
        sum_xx=sum(x * x for x in xs),
        sum_yy=sum(y * y for y in ys),
        sum_xy=sum(x * y for x, y in pairs),
        constant=bool(pairs) and (len(set(xs)) == 1 or len(set(ys)) == 1),
    )
    want = itemstats._pearson(xs, ys) if len(pairs) >= itemstats.MIN_FOR_DISCRIMINATION else None
    got = itemstats.from_sums(sums).discrimination
    assert (got is None and want is None) or math.isclose(got, want, abs_tol=1e-6)


def test_deleted_accounts_count_in_facility_but_not_in_discrimination():
    sums = itemstats.ItemSums(n=2, score_sum=1.0)
    stats = itemstats.from_sums(sums, extra_n=2, extra_score_sum=2.0)
    assert stats.n == 4 and stats.facility == 0.75 and stats.discrimination is None
