"""Item analysis, as in classical test theory: plain arithmetic on (learner, item, score) rows, no Django.

Facility is the mean score on an item (1 = everyone right). Discrimination is the correlation between the
score on the item and the learner's mean score on the *other* items they answered: a good item is answered
right more often by learners who do well elsewhere; a negative value flags a key or a stem to check.
"""

from collections import defaultdict
from dataclasses import dataclass
from math import sqrt

MIN_FOR_DISCRIMINATION = 5


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
    if var_x == 0 or var_y == 0:
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
