from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from quizzes import scoring

ids = st.sets(st.integers(min_value=1, max_value=14), max_size=14)


def test_single_needs_exactly_the_right_option():
    assert scoring.score_single({3}, {3}) == 1
    assert scoring.score_single({3}, {4}) == 0
    assert scoring.score_single({3}, {3, 4}) == 0


def test_partial_credit_for_select_all():
    correct = {1, 2, 3, 4}
    assert scoring.score_partial(correct, {1, 2, 3, 4}) == 1
    assert scoring.score_partial(correct, {1, 2}) == Decimal("0.5")
    assert scoring.score_partial(correct, {1, 2, 9}) == Decimal("0.25")
    assert scoring.score_partial(correct, {9, 10}) == 0


@given(correct=ids.filter(bool), chosen=ids)
def test_partial_credit_stays_between_zero_and_one(correct, chosen):
    score = scoring.score_partial(correct, chosen)
    assert 0 <= score <= 1
    assert (score == 1) == (chosen == correct)


@given(correct=ids.filter(bool), extra=ids)
def test_ticking_every_region_never_beats_the_right_answer(correct, extra):
    assert scoring.score_partial(correct, correct | extra) <= scoring.score_partial(correct, correct)


def test_numeric_within_tolerance():
    assert scoring.score_numeric(Decimal("80"), Decimal("0.5"), Decimal("80.4")) == 1
    assert scoring.score_numeric(Decimal("80"), Decimal("0.5"), Decimal("80.5")) == 1
    assert scoring.score_numeric(Decimal("80"), Decimal("0.5"), Decimal("80.6")) == 0


def test_certainty_based_marks_reward_calibration():
    assert scoring.cbm_mark(Decimal(1), "sure") == 3
    assert scoring.cbm_mark(Decimal(0), "sure") == -6
    assert scoring.cbm_mark(Decimal(1), "guess") == 1
    assert scoring.cbm_mark(Decimal(0), "guess") == 0


def test_partial_credit_earns_its_share_of_the_certainty_mark_as_in_moodle():
    """Moodle's deferred CBM: no credit takes the penalty, any credit scales the right mark; never the full penalty
    for an answer that is partly right."""
    assert scoring.cbm_mark(Decimal("0.5"), "sure") == Decimal("1.5")
    assert scoring.cbm_mark(Decimal("0.5"), "unsure") == 1
    assert scoring.cbm_mark(Decimal("0.5000"), "guess") == Decimal("0.5")
    assert scoring.cbm_mark(Decimal("0.3333"), "unsure") == Decimal("0.67")
    assert scoring.cbm_mark(Decimal("0.0000"), "unsure") == -2


def test_the_certainty_explanation_reads_as_a_sentence_and_explains_partial_credit():
    assert scoring.cbm_explanation(Decimal(0), "guess") == (
        "You said it was a guess: 0 certainty-based marks (a wrong answer at this certainty scores 0)."
    )
    assert scoring.cbm_explanation(Decimal(1), "sure").startswith("You were sure: 3 certainty-based marks")
    partly = scoring.cbm_explanation(Decimal("0.5000"), "sure")
    assert partly.startswith("You were sure: 1.5 certainty-based marks") and "partly right: 0.5 of the +3" in partly
    assert "were guess" not in scoring.cbm_explanation(Decimal(1), "guess")


def test_review_rating_follows_score_and_certainty():
    assert scoring.review_rating(Decimal(0), "sure") == scoring.AGAIN
    assert scoring.review_rating(Decimal("0.5"), "sure") == scoring.HARD
    assert scoring.review_rating(Decimal(1), "sure") == scoring.EASY
    assert scoring.review_rating(Decimal(1), "unsure") == scoring.GOOD
    assert scoring.review_rating(Decimal(1), "guess") == scoring.HARD
