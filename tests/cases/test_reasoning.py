"""The scoring of committed hypotheses and the summary of a learner's path: plain rules, no database."""

from decimal import Decimal

import pytest

from cases.reasoning import decision_score, path_summary


@pytest.mark.parametrize(
    "kind,ranking,expected",
    [
        ("type", ["dystrophic"], Decimal(1)),
        ("type", ["metastatic"], Decimal(0)),
        ("type", [], Decimal(0)),
        ("differential", ["dystrophic", "milia", "xanthomas"], Decimal(1)),
        ("differential", ["milia", "dystrophic", "xanthomas"], Decimal("0.5")),
        ("differential", ["milia", "xanthomas", "dystrophic"], Decimal("0.5")),
        ("differential", ["milia", "xanthomas", "osteoma-cutis"], Decimal(0)),
    ],
)
def test_the_expert_first_earns_full_credit_and_second_or_third_half(kind, ranking, expected):
    assert decision_score(kind, ranking, "dystrophic") == expected


def test_a_type_decision_gives_no_half_credit_for_a_later_guess():
    assert decision_score("type", ["metastatic", "dystrophic"], "dystrophic") == 0


@pytest.mark.parametrize(
    "steps,start",
    [
        ([], "There were no decision points"),
        ([("a", "a"), ("b", "b")], "Your leading hypothesis matched the expert's at every step"),
        ([("x", "a"), ("b", "b")], "You reached the expert's conclusion by the end"),
        ([("a", "a"), ("x", "b")], "You were with the expert at some steps"),
        ([("x", "a"), ("y", "b")], "Your hypotheses differed from the expert's throughout"),
    ],
)
def test_the_path_summary_tells_how_the_leading_hypothesis_moved(steps, start):
    assert path_summary(steps).startswith(start)
