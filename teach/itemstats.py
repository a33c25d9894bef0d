"""Item analysis, as in classical test theory: plain arithmetic on (learner, item, score) rows, no Django.

Facility is the mean score on an item (1 = everyone right). Discrimination is the correlation between the
score on the item and the learner's mean score on the *other* items they answered: a good item is answered
right more often by learners who do well elsewhere; a negative value flags a key or a stem to check.

`analyse` is the reference, from the rows themselves. `from_sums` gives the same figures from sums a database can
add up (teach.selectors.item_sums), so a large cohort's rows never have to leave the database.
"""

from collections import defaultdict
from dataclasses import dataclass
from math import sqrt

MIN_FOR_DISCRIMINATION = 5
# A sum of squared deviations this small (per learner) is zero up to rounding: the mean of equal values can miss
# them by a last digit, and then a "correlation" of rounding noise would be reported. Marks have four decimals, so a
# real spread is far larger.
ZERO_SPREAD = 1e-12


@dataclass(frozen=True)
class ItemStats:
    n: int
    facility: float | None
    discrimination: float | None


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x <= ZERO_SPREAD * n or var_y <= ZERO_SPREAD * n:
        return None
    return cov / sqrt(var_x * var_y)


def analyse(rows: list[tuple[int, int, float]]) -> dict[int, ItemStats]:
    """rows: (learner, item, score in 0..1). Repeated answers by one learner to one item are averaged."""
    per_pair: dict[tuple[int, int], list[float]] = defaultdict(list)
    for learner, item, score in rows:
        per_pair[(learner, item)].append(float(score))
    scores = {pair: sum(values) / len(values) for pair, values in per_pair.items()}
    totals: dict[int, list[float]] = defaultdict(list)
    for (learner, _), score in scores.items():
        totals[learner].append(score)
    by_item: dict[int, list[tuple[float, float | None]]] = defaultdict(list)
    for (learner, item), score in scores.items():
        others = totals[learner]
        rest = (sum(others) - score) / (len(others) - 1) if len(others) > 1 else None
        by_item[item].append((score, rest))
    result = {}
    for item, pairs in by_item.items():
        facility = sum(score for score, _ in pairs) / len(pairs)
        usable = [(score, rest) for score, rest in pairs if rest is not None]
        discrimination = None
        if len(usable) >= MIN_FOR_DISCRIMINATION:
            discrimination = _pearson([s for s, _ in usable], [r for _, r in usable])
        result[item] = ItemStats(n=len(pairs), facility=facility, discrimination=discrimination)
    return result


@dataclass(frozen=True)
class ItemSums:
    """One item's figures summed over its (learner, item) pairs, as `analyse` forms them: `score` is the learner's
    mean mark on the item, `rest` their mean over their other items. n and score_sum count every pair; the rest count
    only the usable ones (the learner answered another item too). constant: every usable score, or every usable rest,
    is the same value, so there is no spread to correlate (told exactly, not from the sums, which round)."""

    n: int
    score_sum: float
    usable: int = 0
    sum_x: float = 0.0
    sum_y: float = 0.0
    sum_xx: float = 0.0
    sum_yy: float = 0.0
    sum_xy: float = 0.0
    constant: bool = False


def from_sums(sums: ItemSums, *, extra_n: int = 0, extra_score_sum: float = 0.0) -> ItemStats:
    """The figures `analyse` gives, from an item's sums. extra_n learners with extra_score_sum of mean marks (deleted
    accounts, kept as counts) join the facility; discrimination needs each learner's other items, so only the sums
    speak for it."""
    n = sums.n + extra_n
    facility = (sums.score_sum + extra_score_sum) / n if n else None
    return ItemStats(n=n, facility=facility, discrimination=_pearson_from_sums(sums))


def _pearson_from_sums(s: ItemSums) -> float | None:
    m = s.usable
    if m < MIN_FOR_DISCRIMINATION or s.constant:
        return None
    var_x = s.sum_xx - s.sum_x * s.sum_x / m
    var_y = s.sum_yy - s.sum_y * s.sum_y / m
    if var_x <= ZERO_SPREAD * m or var_y <= ZERO_SPREAD * m:
        return None
    cov = s.sum_xy - s.sum_x * s.sum_y / m
    return max(-1.0, min(1.0, cov / sqrt(var_x * var_y)))
