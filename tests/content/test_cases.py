"""The starter case vignettes (cases/starter/cases.json) are well formed and consistent with the reference.

No Django and no database: the JSON files are read directly, so the checks run with
``pytest -p no:django --noconftest tests/content/test_cases.py``.

Checked here: the coverage the starter set must have (every type as a diagnosis, both extents, juvenile
dermatomyositis, calciphylaxis on dialysis, an iatrogenic case, a mimic); the shape of every case, stage and
decision point; that every slug a case uses exists in ``calcinosis/starter/knowledge.json``; that the embedded
questions pass ``quizzes.exchange.validate_row`` (the question-bank format, as import_questions checks it) and the
bank's editorial rules, do not clash with ``quizzes/starter/questions.json`` and have a sound answer key (numeric
answers are recomputed from their stored calcium and phosphate); and that the only percentages in the cases are
the source's.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

from quizzes.exchange import Knowledge, validate_row
from tests.content_rules import (
    ALLOWED_PERCENTAGES,
    MG_IN,
    MG_OUT,
    MMOL_IN,
    MMOL_OUT,
    NUMBER_RE,
    known_slugs,
    numeric_problems,
    percentages,
    read_json,
    strings,
)

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "cases" / "starter" / "cases.json"
QUESTIONS = ROOT / "quizzes" / "starter" / "questions.json"
KNOWLEDGE = ROOT / "calcinosis" / "starter" / "knowledge.json"

MIN_CASES = 11
MIN_BODYMAPS = 3
DIFFICULTIES = {"introductory", "intermediate", "advanced"}
STAGE_KINDS = ("history", "examination", "laboratory", "imaging", "histology", "outcome")
DECISION_KINDS = {"type", "differential"}
TEACHES_KEYS = {"types", "conditions", "sites", "differentials"}

# Units, realistic values and the source's percentages: tests/content_rules.py.

# Column sizes in cases/models.py, so the data migration cannot truncate or fail (validate_row checks the questions').
MAX_CASE_SLUG, MAX_TITLE, MAX_PROMPT = 50, 150, 300

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words that would give a diagnosis away in a title.
TELLTALE_RE = re.compile(
    r"calcino|calcif|calciphyl|dystroph|metasta|iatrogen|idiopath|mycetoma|milia|milium|wart|osteoma|xanthom"
    r"|sclero|crest|myositis|lupus|tumoral",
    re.IGNORECASE,
)


DATA = read_json(CASES)
ALL_CASES = DATA["cases"]
KNOW = read_json(KNOWLEDGE)
KNOWN = known_slugs(KNOW)
TYPES = KNOWN["types"]
REGIONS = KNOWN["sites"]
KNOWN_SLUGS = Knowledge.from_json(KNOW)
BANK_SLUGS = {q["slug"] for q in read_json(QUESTIONS)["questions"]}


def _case_ids(cases: list[dict]) -> list[str]:
    return [c["slug"] for c in cases]


def _questions(case: dict) -> list[dict]:
    return [q for s in case["stages"] for q in s["questions"]]


def _decisions(case: dict) -> list[dict]:
    return [s["decision"] for s in case["stages"] if s["decision"]]


ALL_QUESTIONS = [q for c in ALL_CASES for q in _questions(c)]


def _of(kind: str) -> list[dict]:
    return [q for q in ALL_QUESTIONS if q["kind"] == kind]


def _question_ids(questions: list[dict]) -> list[str]:
    return [q["slug"] for q in questions]


def _text(case: dict) -> str:
    return "\n".join(strings(case)).lower()


# ---------------------------------------------------------------- the set as a whole


def test_there_are_enough_cases():
    assert len(ALL_CASES) >= MIN_CASES


def test_case_slugs_are_unique():
    duplicates = [slug for slug, n in Counter(_case_ids(ALL_CASES)).items() if n > 1]
    assert not duplicates


def test_every_difficulty_is_used():
    assert {c["difficulty"] for c in ALL_CASES} == DIFFICULTIES


def test_every_type_is_a_diagnosis():
    assert {c["diagnosis"]["type"] for c in ALL_CASES} >= TYPES


def test_both_extents_are_taught():
    assert {c["diagnosis"]["extent"] for c in ALL_CASES} >= {"circumscripta", "universalis"}


def test_a_case_teaches_juvenile_dermatomyositis():
    assert [c for c in ALL_CASES if "juvenile-dermatomyositis" in c["teaches"]["conditions"]]


def test_a_calciphylaxis_case_mentions_dialysis():
    calciphylaxis = [c for c in ALL_CASES if c["diagnosis"]["type"] == "calciphylaxis"]
    assert [c for c in calciphylaxis if "dialysis" in _text(c)]


def test_an_iatrogenic_case_exists():
    assert [c for c in ALL_CASES if c["diagnosis"]["type"] == "iatrogenic"]


def test_a_case_ends_in_a_differential():
    assert [c for c in ALL_CASES if c["diagnosis"]["differential"]]


def test_question_slugs_are_unique():
    duplicates = [slug for slug, n in Counter(_question_ids(ALL_QUESTIONS)).items() if n > 1]
    assert not duplicates


def test_question_slugs_do_not_clash_with_the_bank():
    clashes = set(_question_ids(ALL_QUESTIONS)) & BANK_SLUGS
    assert not clashes, f"already in quizzes/starter/questions.json: {sorted(clashes)}"


def test_there_are_enough_bodymap_questions():
    assert len(_of("bodymap")) >= MIN_BODYMAPS


def test_only_source_percentages():
    found = set()
    for text in strings(DATA):
        found |= percentages(text)
    assert found <= ALLOWED_PERCENTAGES, f"percentages not in a source: {sorted(found - ALLOWED_PERCENTAGES)}"


# ---------------------------------------------------------------- every case


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_ids(ALL_CASES))
def test_case_fields(case):
    assert SLUG_RE.match(case["slug"]), "slug must be kebab-case"
    assert len(case["slug"]) <= MAX_CASE_SLUG
    assert case["title"].strip() and len(case["title"]) <= MAX_TITLE
    assert case["difficulty"] in DIFFICULTIES
    assert case["presentation"].strip()
    assert case["debrief"].strip()
    objectives = [line for line in case["objectives"].splitlines() if line.strip()]
    assert 2 <= len(objectives) <= 4
    assert all(line.startswith("- ") for line in objectives), "objectives are a Markdown list"


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_ids(ALL_CASES))
def test_title_does_not_give_the_diagnosis_away(case):
    assert not TELLTALE_RE.search(case["title"]), case["title"]


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_ids(ALL_CASES))
def test_diagnosis_slugs_exist(case):
    dx = case["diagnosis"]
    assert set(dx) == {"type", "differential", "extent"}
    assert (dx["type"] is None) != (dx["differential"] is None), "a diagnosis is a type or a differential"
    assert dx["type"] is None or dx["type"] in TYPES
    assert dx["differential"] is None or dx["differential"] in KNOWN["differentials"]
    assert dx["extent"] is None or dx["extent"] in KNOWN["extents"]
    if dx["differential"]:
        assert dx["extent"] is None, "a mimic has no calcinosis extent"


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_ids(ALL_CASES))
def test_teaches_slugs_exist(case):
    assert set(case["teaches"]) == TEACHES_KEYS
    for key, slugs in case["teaches"].items():
        assert isinstance(slugs, list)
        unknown = set(slugs) - KNOWN[key]
        assert not unknown, f"unknown {key}: {sorted(unknown)}"
    dx = case["diagnosis"]
    if dx["type"]:
        assert dx["type"] in case["teaches"]["types"]
    if dx["differential"]:
        assert dx["differential"] in case["teaches"]["differentials"]


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_ids(ALL_CASES))
def test_stages_decisions_and_questions(case):
    stages = case["stages"]
    assert len(stages) >= 2
    assert _decisions(case), "at least one decision point"
    assert _questions(case), "at least one question"
    for s in stages:
        assert s["kind"] in STAGE_KINDS
        assert s["title"].strip() and len(s["title"]) <= MAX_TITLE
        assert s["body"].strip()
        assert isinstance(s["questions"], list)


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_ids(ALL_CASES))
def test_stages_follow_a_clinical_order(case):
    kinds = [s["kind"] for s in case["stages"]]
    assert "history" not in kinds[1:], "the history comes first"
    assert "outcome" not in kinds[:-1], "the outcome comes last"
    assert kinds[-1] != "history"


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_ids(ALL_CASES))
def test_decision_kinds_and_experts(case):
    for d in _decisions(case):
        assert d["kind"] in DECISION_KINDS
        assert d["prompt"].strip() and len(d["prompt"]) <= MAX_PROMPT
        assert d["reasoning"].strip()
        if d["kind"] == "type":
            assert d["expert"] in TYPES, "a type decision names one of the five types"
        else:
            assert d["expert"] in TYPES | KNOWN["differentials"]


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_ids(ALL_CASES))
def test_last_decision_agrees_with_the_diagnosis(case):
    dx = case["diagnosis"]
    assert _decisions(case)[-1]["expert"] == (dx["type"] or dx["differential"])
    if dx["type"] is None:
        assert not [d for d in _decisions(case) if d["kind"] == "type"], "a mimic has no right type to pick"


# ---------------------------------------------------------------- every question


@pytest.mark.parametrize("q", ALL_QUESTIONS, ids=_question_ids(ALL_QUESTIONS))
def test_it_passes_the_shared_validator(q):
    assert validate_row(q, KNOWN_SLUGS) == []


@pytest.mark.parametrize("q", ALL_QUESTIONS, ids=_question_ids(ALL_QUESTIONS))
def test_question_fields(q):
    assert q["section"], "every starter question links to its reference section"
    assert "case" not in q, "the loader attaches a case's questions to it"


@pytest.mark.parametrize("q", _of("single") + _of("multiple"), ids=_question_ids(_of("single") + _of("multiple")))
def test_choices(q):
    choices = q["choices"]
    assert 3 <= len(choices) <= 6
    for c in choices:
        assert c["explanation"].strip(), f"option without explanation: {c['text']!r}"
    assert sum(c["correct"] for c in choices) < len(choices), "not every option is right"


@pytest.mark.parametrize("q", _of("bodymap"), ids=_question_ids(_of("bodymap")))
def test_bodymap(q):
    correct = q["sites"]["correct"]
    assert set(correct) <= set(q["about"].get("sites", []))
    explanations = q["sites"]["explanations"]
    assert set(explanations) == REGIONS, "every region becomes an option, so every region is explained"
    assert all(text.strip() for text in explanations.values())


@pytest.mark.parametrize("q", _of("numeric"), ids=_question_ids(_of("numeric")))
def test_numeric_questions_compute_the_product_of_their_stated_values(q):
    assert "choices" not in q and "sites" not in q
    assert q["topic"] == "laboratory"
    assert numeric_problems(q) == []


def test_both_unit_systems_are_practised():
    pairs = {(q["input_unit"], q["unit"]) for q in _of("numeric")}
    assert (MG_IN, MG_OUT) in pairs
    assert (MMOL_IN, MMOL_OUT) in pairs


@pytest.mark.parametrize("case", ALL_CASES, ids=_case_ids(ALL_CASES))
def test_lab_values_in_the_case_match_its_numeric_questions(case):
    """A numeric question's values are the patient's: they appear in the case's own laboratory stage."""
    labs = " ".join(s["body"] for s in case["stages"] if s["kind"] == "laboratory")
    numbers = {float(n) for n in NUMBER_RE.findall(labs)}
    for q in _questions(case):
        if q["kind"] == "numeric":
            assert {q["calcium"], q["phosphate"]} <= numbers
