"""Partial credit as Moodle grades it: an option's own fraction, kept from an import, scores the answer; questions
without fractions score exactly as before."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from quizzes import exchange, scoring, services, versions
from quizzes.management.commands.export_questions import exportable
from quizzes.models import Choice, Question
from tests.factories import question_with_choices

pytestmark = pytest.mark.django_db


def _preview(question: Question, chosen: list[Choice]) -> Decimal:
    return services.answer_preview(question=question, choice_ids=[c.pk for c in chosen], value=None).score


def _options(slug: str) -> tuple[Question, list[Choice], list[Choice], list[Choice]]:
    question = Question.objects.get(slug=slug)
    options = list(question.choices.filter(is_retired=False))
    right = [c for c in options if c.is_correct]
    neutral = [c for c in options if c.is_neutral]
    wrong = [c for c in options if not c.is_correct and not c.is_neutral]
    return question, right, neutral, wrong


# ---------------------------------------------------------------- scores pinned before fractions existed


def test_it_scores_a_starter_single_answer_question_as_before():
    question, right, _, wrong = _options("type-ssc-fingertip-nodules")
    assert _preview(question, right) == 1
    assert _preview(question, wrong[:1]) == 0


def test_it_scores_a_starter_select_all_question_as_before():
    question = Question.objects.filter(kind="multiple", case__isnull=True).order_by("slug").first()
    _, right, _, wrong = _options(question.slug)
    n = Decimal(len(right))
    assert _preview(question, right) == 1
    assert _preview(question, right[:1]) == 1 / n
    assert _preview(question, right + wrong[:1]) == (n - 1) / n
    assert _preview(question, wrong) == 0


def test_it_scores_a_starter_body_map_as_before():
    question = Question.objects.filter(kind="bodymap", choices__is_neutral=True).order_by("slug").first()
    _, right, neutral, wrong = _options(question.slug)
    n = Decimal(len(right))
    assert _preview(question, right + neutral) == 1, "a recognised site neither earns nor costs"
    assert _preview(question, right[:1] + wrong[:1]) == 0
    assert _preview(question, right + wrong[:1]) == (n - 1) / n


# ---------------------------------------------------------------- fractions kept from Moodle

MOODLE_GRADES = [
    100,
    90,
    83.33333,
    80,
    75,
    70,
    66.66667,
    60,
    50,
    40,
    33.33333,
    30,
    25,
    20,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10,
    5,
]

WEIGHTED_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Type</text></category></question>
  <question type="multichoice">
    <name><text>weighted-single</text></name>
    <questiontext format="html"><text>Which is best?</text></questiontext>
    <generalfeedback format="html"><text>Dystrophic.</text></generalfeedback>
    <single>true</single>
    <answer fraction="100"><text>Dystrophic</text></answer>
    <answer fraction="50"><text>Dystrophic, probably</text></answer>
    <answer fraction="0"><text>Metastatic</text></answer>
    <answer fraction="-33.33333"><text>Iatrogenic</text></answer>
  </question>
  <question type="multichoice">
    <name><text>weighted-multiple</text></name>
    <questiontext format="html"><text>Which are dystrophic?</text></questiontext>
    <generalfeedback format="html"><text>Both.</text></generalfeedback>
    <single>false</single>
    <answer fraction="75"><text>Scleroderma</text></answer>
    <answer fraction="25"><text>Dermatomyositis</text></answer>
    <answer fraction="-50"><text>Renal failure</text></answer>
    <answer fraction="0"><text>Panniculitis</text></answer>
  </question>
</quiz>
"""


@pytest.fixture
def weighted(tmp_path) -> dict[str, Question]:
    path = tmp_path / "weighted.xml"
    path.write_text(WEIGHTED_XML, encoding="utf-8")
    call_command("import_questions", str(path), stdout=StringIO())
    return {q.slug: q for q in Question.objects.filter(slug__startswith="weighted-")}


def _by_text(question: Question) -> dict[str, Choice]:
    return {c.text: c for c in question.choices.all()}


def _score(question: Question, *texts: str) -> Decimal:
    """The score by the scoring rules, given the options' fractions as stored."""
    options = list(question.choices.all())
    chosen = {c.pk for c in options if c.text in texts}
    correct = {c.pk for c in options if c.is_correct}
    fractions = scoring.option_fractions(options)
    if question.kind == "single":
        return scoring.score_single(correct, chosen, fractions)
    return scoring.score_partial(correct, chosen, {c.pk for c in options if c.is_neutral}, fractions)


def test_it_keeps_moodle_fractions_on_import(weighted):
    single = _by_text(weighted["weighted-single"])
    assert {t: c.fraction for t, c in single.items()} == {
        "Dystrophic": 1, "Dystrophic, probably": Decimal("0.5"), "Metastatic": 0, "Iatrogenic": Decimal("-0.3333333"),
    }  # fmt: skip
    assert [t for t, c in single.items() if c.is_correct] == ["Dystrophic"]
    multiple = _by_text(weighted["weighted-multiple"])
    assert [t for t, c in multiple.items() if c.is_correct] == ["Scleroderma", "Dermatomyositis"]
    assert multiple["Renal failure"].fraction == Decimal("-0.5")


def test_the_chosen_options_fraction_is_a_single_answers_score_never_below_zero(weighted):
    question = weighted["weighted-single"]
    assert _score(question, "Dystrophic") == 1
    assert _score(question, "Dystrophic, probably") == Decimal("0.5")
    assert _score(question, "Metastatic") == 0
    assert _score(question, "Iatrogenic") == 0


def test_the_sum_of_the_chosen_fractions_between_0_and_1_is_a_select_alls_score(weighted):
    question = weighted["weighted-multiple"]
    assert _score(question, "Scleroderma", "Dermatomyositis") == 1
    assert _score(question, "Scleroderma") == Decimal("0.75")
    assert _score(question, "Scleroderma", "Renal failure") == Decimal("0.25")
    assert _score(question, "Dermatomyositis", "Renal failure") == 0
    assert _score(question, "Scleroderma", "Dermatomyositis", "Panniculitis") == 1


def test_three_thirds_make_a_whole_mark():
    thirds = {1: Decimal("0.3333333"), 2: Decimal("0.3333333"), 3: Decimal("0.3333333"), 4: Decimal(-1)}
    assert scoring.score_partial({1, 2, 3}, {1, 2, 3}, fractions=thirds) == 1


def test_answering_scores_by_the_fractions(weighted):
    question = weighted["weighted-single"]
    assert _preview(question, [_by_text(question)["Dystrophic, probably"]]) == Decimal("0.5")


@pytest.mark.parametrize("grade", [g * sign for g in MOODLE_GRADES for sign in (1, -1)])
@pytest.mark.parametrize("fmt", ["moodle-xml", "gift", "json"])
def test_every_moodle_grade_survives_export_and_import(fmt, grade):
    row = {
        "slug": "graded", "kind": "multiple", "topic": "type", "stem": "Which?", "teaching_point": "That.",
        "section": None, "about": {"types": [], "conditions": [], "sites": [], "differentials": []},
        "choices": [
            {"text": "Full", "correct": True, "explanation": "", "fraction": 100},
            {"text": "Graded", "correct": grade > 0, "explanation": "", "fraction": grade},
            {"text": "Nothing", "correct": False, "explanation": "", "fraction": 0},
        ],
    }  # fmt: skip
    assert exchange.READERS[fmt](exchange.WRITERS[fmt]([row])) == [row]


def test_the_export_writes_each_options_fraction(weighted):
    questions = list(exportable(topic=None, include_cases=False).filter(slug__startswith="weighted-"))
    xml, gift = exchange.to_moodle_xml(questions), exchange.to_gift(questions)
    assert '<answer fraction="50" format="html">' in xml and '<answer fraction="-33.33333" format="html">' in xml
    assert "\t~%50%Dystrophic, probably\n" in gift and "\t~%-50%Renal failure\n" in gift
    rows = {row["slug"]: row for row in json.loads(exchange.to_json(questions))["questions"]}
    assert [c.get("fraction") for c in rows["weighted-single"]["choices"]] == [100, 50, 0, -33.33333]


def test_a_question_without_fractions_exports_none():
    question = question_with_choices(slug="plain-single")
    (row,) = json.loads(exchange.to_json(exportable(topic=None, include_cases=False).filter(pk=question.pk)))[
        "questions"
    ]
    assert all("fraction" not in c for c in row["choices"])


def test_a_change_of_weight_makes_a_new_version(weighted):
    question = weighted["weighted-single"]
    options = list(question.choices.all())
    before = versions.content_of(question, options)
    assert before["options"][1]["fraction"] == "0.5"
    options[1].fraction = Decimal("0.4")
    assert versions.content_of(question, options) != before


def test_an_option_without_a_fraction_has_none_in_its_version():
    question = question_with_choices(slug="plain-versioned")
    content = versions.content_of(question, list(question.choices.all()))
    assert all("fraction" not in option for option in content["options"])


@pytest.mark.parametrize(
    ("kind", "choices", "expected"),
    [
        ("single", [(True, 50), (False, 0)], "option 1 is marked correct but worth 50%"),
        ("single", [(True, 100), (False, 100)], "option 2 is marked wrong but worth 100%"),
        ("multiple", [(True, 100), (False, 150)], "option 2 has a fraction that is not a grade from -100 to 100"),
    ],
)
def test_a_fraction_that_contradicts_the_key_is_refused(kind, choices, expected):
    row = {
        "slug": "contradiction", "kind": kind, "topic": "type", "stem": "Which?", "teaching_point": "That.",
        "section": None, "about": {},
        "choices": [{"text": f"O{i}", "correct": c, "fraction": f} for i, (c, f) in enumerate(choices)],
    }  # fmt: skip
    assert any(expected in problem for problem in exchange.validate_row(row, {})), exchange.validate_row(row, {})
