"""Scoring rules, certainty-based marks and the review rating: plain functions, no Django."""

from decimal import Decimal

# Certainty-based marking as in Moodle (Gardner-Medwin): being sure and right earns most, being sure
# and wrong costs most, a guess risks nothing.
CBM_MARKS = {"sure": (3, -6), "unsure": (2, -2), "guess": (1, 0)}

# fsrs ratings: Again 1, Hard 2, Good 3, Easy 4.
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


def score_single(correct: set[int], chosen: set[int]) -> Decimal:
    return Decimal(1) if len(chosen) == 1 and chosen == correct else Decimal(0)


def score_partial(correct: set[int], chosen: set[int], neutral: frozenset[int] | set[int] = frozenset()) -> Decimal:
    """Select-all and body map: each right pick earns 1/n of the credit, each wrong pick takes 1/n back.

    n is the number of right options, so ticking everything earns nothing and a perfect answer earns 1.
    Neutral options (a body map's recognised sites: true, but not the classic pattern) neither earn nor cost.
    """
    if not correct:
        return Decimal(0)
    hits = len(chosen & correct)
    misses = len(chosen - correct - neutral)
    return max(Decimal(0), Decimal(hits - misses) / Decimal(len(correct)))


def score_numeric(answer: Decimal, tolerance: Decimal, value: Decimal) -> Decimal:
    return Decimal(1) if abs(value - answer) <= tolerance else Decimal(0)


def cbm_mark(score: Decimal, certainty: str) -> int:
    right, wrong = CBM_MARKS[certainty]
    return right if score == 1 else wrong


def review_rating(score: Decimal, certainty: str) -> int:
    """Wrong is Again; right is Good, Easy when sure, Hard when a guess; partly right is Hard."""
    if score <= 0:
        return AGAIN
    if score < 1:
        return HARD
    return {"sure": EASY, "unsure": GOOD, "guess": HARD}[certainty]
