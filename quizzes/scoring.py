"""Scoring rules, certainty-based marks and the review rating: plain functions, no Django."""

from collections.abc import Mapping, Sequence
from decimal import Decimal

# Certainty-based marking as in Moodle (Gardner-Medwin): being sure and right earns most, being sure
# and wrong costs most, a guess risks nothing.
CBM_MARKS = {"sure": (3, -6), "unsure": (2, -2), "guess": (1, 0)}

# fsrs ratings: Again 1, Hard 2, Good 3, Easy 4.
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATINGS = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}


def score_single(correct: set[int], chosen: set[int], fractions: Mapping[int, Decimal] | None = None) -> Decimal:
    """One option chosen: full credit for the right one. With `fractions` (option id -> Moodle grade, -1 to 1, for
    the options that have one), the chosen option's grade is the score, as in Moodle, but never below 0."""
    if len(chosen) != 1:
        return Decimal(0)
    if fractions:
        (pick,) = chosen
        grade = fractions.get(pick, Decimal(1) if pick in correct else Decimal(0))
        return _mark(max(Decimal(0), grade))
    return Decimal(1) if chosen == correct else Decimal(0)


def score_partial(
    correct: set[int],
    chosen: set[int],
    neutral: frozenset[int] | set[int] = frozenset(),
    fractions: Mapping[int, Decimal] | None = None,
) -> Decimal:
    """Select-all and body map: each right pick earns 1/n of the credit, each wrong pick takes 1/n back.

    n is the number of right options, so ticking everything earns nothing and a perfect answer earns 1.
    Neutral options (a body map's recognised sites: true, but not the classic pattern) neither earn nor cost.
    With `fractions` (option id -> Moodle grade, -1 to 1), the chosen options' grades are summed instead and the sum
    kept between 0 and 1, as Moodle does; an option without one counts as it would without fractions.
    """
    if not correct:
        return Decimal(0)
    if fractions:
        share = Decimal(1) / Decimal(len(correct))
        usual = {pk: share if pk in correct else Decimal(0) if pk in neutral else -share for pk in chosen}
        total = sum((fractions.get(pk, usual[pk]) for pk in chosen), Decimal(0))
        return _mark(min(Decimal(1), max(Decimal(0), total)))
    hits = len(chosen & correct)
    misses = len(chosen - correct - neutral)
    return max(Decimal(0), Decimal(hits - misses) / Decimal(len(correct)))


def _mark(score: Decimal) -> Decimal:
    """A graded score to the four places a Response keeps, so that three thirds (0.3333333 each) make a whole 1."""
    return score.quantize(Decimal("0.0001")).normalize() + 0


def option_fractions(options) -> dict[int, Decimal]:
    """The grades of the options that have their own (Choice.fraction), by id: what the scoring rules take."""
    return {o.pk: o.fraction for o in options if getattr(o, "fraction", None) is not None}


def score_numeric(answer: Decimal, tolerance: Decimal, value: Decimal, others: Sequence[Mapping] = ()) -> Decimal:
    """Full credit within `tolerance` of `answer`. Otherwise, as Moodle scores a numerical question with several
    answers, the grade of the first of `others` ({"value", "tolerance", "fraction"}, in order) the value matches,
    never below 0; no match earns nothing."""
    if abs(value - answer) <= tolerance:
        return Decimal(1)
    match = numeric_match(value, others)
    if match is None:
        return Decimal(0)
    return _mark(max(Decimal(0), _decimal(match["fraction"])))


def numeric_match(value: Decimal, answers: Sequence[Mapping]) -> Mapping | None:
    """The first of `answers` that `value` is within the tolerance of, as Moodle picks the answer that marks it; one
    whose value is None (Moodle's "*") takes any value. None if none matches."""
    for answer in answers:
        if answer["value"] is None or abs(value - _decimal(answer["value"])) <= _decimal(answer["tolerance"]):
            return answer
    return None


def _decimal(number) -> Decimal:
    """A JSON number as the Decimal it reads as (0.1 is 0.1, not the float's binary neighbour)."""
    return Decimal(str(number))


def cbm_mark(score: Decimal, certainty: str) -> Decimal:
    """The certainty-based mark, as Moodle's deferred CBM gives it: no credit takes the certainty's penalty; any credit
    earns the certainty's mark scaled by the credit, so half right when sure earns 1.5, not the -6 of a wrong answer."""
    right, wrong = CBM_MARKS[certainty]
    if score <= 0:
        return Decimal(wrong)
    return (Decimal(right) * score).quantize(Decimal("0.01")).normalize() + 0  # + 0 turns -0 and 3E+0 into plain form


CERTAINTY_PHRASES = {"sure": "You were sure", "unsure": "You were unsure", "guess": "You said it was a guess"}


def cbm_explanation(score: Decimal, certainty: str) -> str:
    """One sentence on how the certainty-based mark came about, partial credit included."""
    right, wrong = CBM_MARKS[certainty]
    mark = cbm_mark(score, certainty)
    unit = "mark" if abs(mark) == 1 else "marks"
    if score <= 0:
        how = f"a wrong answer at this certainty scores {_signed(wrong)}"
    elif score >= 1:
        how = f"a right answer at this certainty scores +{right}"
    else:
        share = f"{score:.2f}".rstrip("0").rstrip(".")
        how = f"partly right: {share} of the +{right} a right answer at this certainty earns"
    return f"{CERTAINTY_PHRASES[certainty]}: {_signed(mark)} certainty-based {unit} ({how})."


def _signed(value) -> str:
    """A number with a true minus sign, as the marking table beside it prints one."""
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)
    return text.replace("-", "\u2212")


def review_rating(score: Decimal, certainty: str) -> int:
    """Wrong is Again; right is Good, Easy when sure, Hard when a guess; partly right is Hard."""
    if score <= 0:
        return AGAIN
    if score < 1:
        return HARD
    return {"sure": EASY, "unsure": GOOD, "guess": HARD}[certainty]


def interval_text(delta) -> str:
    """A review interval as a rating button shows it: "10 min", "5 h", "2 days", "3.5 months", "1.2 years"."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = round(minutes / 60)
    if hours < 24:
        return f"{hours} h"
    days = round(hours / 24)
    if days < 60:
        return f"{days} day" if days == 1 else f"{days} days"
    if days < 365:
        return f"{days / 30.4:.1f} months".replace(".0 ", " ")
    return f"{days / 365:.1f} years".replace(".0 ", " ")
