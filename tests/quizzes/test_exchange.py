"""Question exchange: export_questions and import_questions in JSON, Moodle XML and GIFT, and the shared validator."""

import copy
import html
import json
import re
import xml.etree.ElementTree as ET
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from calcinosis.models import BodySite
from cases.importing import known
from cases.models import Case
from quizzes import exchange
from quizzes.management.commands.export_questions import exportable
from quizzes.models import Choice, Kind, Question, Topic
from quizzes.starter import read_bank
from tests.factories import question_with_choices

pytestmark = pytest.mark.django_db

STARTER_BANK = len(read_bank())
# Authoring aids of the numeric starter questions, which the database does not keep.
AUTHORING_ONLY = ("calcium", "phosphate", "input_unit")


def _export(*args: str) -> str:
    out = StringIO()
    call_command("export_questions", *args, stdout=out)
    return out.getvalue()


def _import(path, *args: str) -> str:
    out = StringIO()
    call_command("import_questions", str(path), *args, stdout=out)
    return out.getvalue().strip()


def _rows(questions=None) -> dict[str, dict]:
    questions = exportable(topic=None, include_cases=True) if questions is None else questions
    return {q.slug: exchange.as_row(q) for q in questions}


def _bank_rows() -> dict[str, dict]:
    return _rows(exportable(topic=None, include_cases=False))


def _without_option_types(row: dict) -> dict:
    """What Moodle XML and GIFT cannot carry: the calcinosis type each option stands for."""
    row = copy.deepcopy(row)
    for choice in row.get("choices", []):
        choice.pop("type", None)
    return row


def _delete_bank():
    # Responses and attempt slots PROTECT questions; the test database has none.
    Question.objects.filter(case__isnull=True).delete()


def _a_few_of_each_kind() -> list[Question]:
    picked = []
    for kind in Kind.values:
        picked += list(exportable(topic=None, include_cases=False).filter(kind=kind)[:2])
    return picked


def _row(**overrides) -> dict:
    row = {
        "slug": "management-new-question",
        "kind": "single",
        "topic": "management",
        "stem": "Which is right?",
        "teaching_point": "The right one is right.",
        "section": "management",
        "about": {"types": ["dystrophic"]},
        "choices": [
            {"text": "Right", "correct": True, "explanation": "Yes."},
            {"text": "Wrong", "correct": False, "explanation": "No."},
        ],
    }
    return row | overrides


def _write_json(tmp_path, rows: list[dict], name: str = "bank.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"questions": rows}), encoding="utf-8")
    return path


@pytest.fixture
def knowledge():
    return known()


# ---------------------------------------------------------------- the validator


def test_it_knows_the_kinds_and_topics_of_the_models():
    assert set(exchange.KINDS) == set(Kind.values)
    assert dict(Topic.choices) == exchange.TOPICS


def test_it_accepts_every_starter_question(knowledge):
    assert exchange.validate_rows(read_bank(), knowledge) == []


@pytest.mark.parametrize(
    "overrides,expected",
    [
        ({"kind": "essay"}, "unknown kind 'essay'"),
        ({"topic": "astrology"}, "unknown topic 'astrology'"),
        ({"stem": "  "}, "has no stem"),
        ({"teaching_point": ["not", "text"]}, "its teaching point must be text"),
        ({"section": "nowhere"}, "unknown section 'nowhere'"),
        ({"about": {"conditions": ["gout"]}}, "unknown conditions in about: 'gout'"),
        ({"about": {"drugs": []}}, "unknown key 'drugs' in about"),
        ({"slug": "Not A Slug"}, "not kebab-case"),
        ({"slug": "x" * 81}, "longer than 80 characters"),
        ({"is_published": "yes"}, "is_published must be true or false"),
        ({"answer": 3}, "does not take answer"),
        ({"choices": [{"text": "A", "correct": True}, {"text": "B", "correct": True}]}, "exactly one correct option"),
        ({"choices": [{"text": "A", "correct": True}]}, "at least two options"),
        ({"choices": [{"text": "A", "correct": True}, {"text": "A", "correct": False}]}, "two options read 'A'"),
        ({"choices": [{"text": "A", "correct": "yes"}, {"text": "B", "correct": False}]}, "option 1 needs correct"),
        ({"choices": [{"text": "", "correct": True}, {"text": "B", "correct": False}]}, "option 1 has no text"),
        (
            {"choices": [{"text": "A", "correct": True, "type": "gouty"}, {"text": "B", "correct": False}]},
            "unknown type 'gouty'",
        ),
        ({"case": "no-such-case"}, "unknown case 'no-such-case'"),
    ],
)
def test_it_names_the_problem_of_a_broken_single(knowledge, overrides, expected):
    problems = exchange.validate_row(_row(**overrides), knowledge)
    assert any(expected in p for p in problems), problems
    slug = overrides.get("slug", "management-new-question")
    assert all(p.startswith(f"Question {slug!r}") for p in problems)


def test_it_refuses_a_select_all_without_a_correct_option(knowledge):
    row = _row(kind="multiple", choices=[{"text": "A", "correct": False}, {"text": "B", "correct": False}])
    assert exchange.validate_row(row, knowledge) == [
        "Question 'management-new-question': a select-all question needs at least one correct option; it has none."
    ]


@pytest.mark.parametrize(
    "sites,expected",
    [
        (None, 'needs "sites"'),
        ({"correct": []}, "at least one correct region"),
        ({"correct": ["nose"]}, "unknown regions among the correct ones: 'nose'"),
        ({"correct": ["face"], "explanations": {"tail": "No."}}, "unknown regions among the explanations: 'tail'"),
        ({"correct": ["face", "face"]}, "listed twice"),
    ],
)
def test_it_names_the_problem_of_a_broken_body_map(knowledge, sites, expected):
    row = _row(kind="bodymap", topic="distribution", sites=sites)
    del row["choices"]
    problems = exchange.validate_row(row, knowledge)
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    "overrides,expected",
    [
        ({"tolerance": 0.5}, "needs an answer"),
        ({"answer": 80}, "tolerance of zero or more"),
        ({"answer": 80, "tolerance": -1}, "tolerance of zero or more"),
        ({"answer": True, "tolerance": 1}, "needs an answer"),
        ({"answer": 1e9, "tolerance": 1}, "needs an answer"),
        ({"answer": 80, "tolerance": 1, "unit": "x" * 31}, "at most 30 characters"),
    ],
)
def test_it_names_the_problem_of_a_broken_numeric(knowledge, overrides, expected):
    row = _row(kind="numeric", topic="laboratory", **overrides)
    del row["choices"]
    problems = exchange.validate_row(row, knowledge)
    assert any(expected in p for p in problems), problems


def test_it_names_a_question_without_a_slug_by_its_stem(knowledge):
    row = _row(stem="A stem to recognise it by")
    del row["slug"]
    assert exchange.validate_row(row, knowledge) == [
        "Question without a slug (stem 'A stem to recognise it by'): it has no slug."
    ]


def test_it_finds_a_slug_used_twice_in_one_file(knowledge):
    problems = exchange.validate_rows([_row(), _row()], knowledge)
    assert problems == ["Slug 'management-new-question' is used by 2 questions in the file."]


def test_it_takes_knowledge_as_a_dict():
    row = _row(about={}, section=None)
    assert exchange.validate_row(row, {"sections": set()}) == []


# ---------------------------------------------------------------- export


def test_it_exports_the_bank_as_the_starter_file_holds_it():
    exported = json.loads(_export())["questions"]
    starter = {row["slug"]: row for row in read_bank()}
    assert len(exported) == STARTER_BANK
    for row in exported:
        expected = {k: v for k, v in starter[row["slug"]].items() if k not in AUTHORING_ONLY}
        expected["about"] = {field: sorted(expected["about"].get(field, [])) for field in exchange.ABOUT}
        if row["kind"] == "bodymap":
            order = [s.slug for s in BodySite.objects.order_by("order")]
            expected["sites"]["correct"].sort(key=order.index)
            expected["sites"]["recognised"] = sorted(expected["sites"].get("recognised", []), key=order.index)
            expected["sites"]["explanations"] = {
                slug: expected["sites"]["explanations"].get(slug, "") for slug in row["sites"]["explanations"]
            }
        assert row == expected, row["slug"]


def test_it_leaves_case_questions_out_unless_asked():
    in_cases = Question.objects.filter(case__isnull=False).count()
    assert in_cases
    assert len(json.loads(_export())["questions"]) == STARTER_BANK
    rows = json.loads(_export("--include-case-questions"))["questions"]
    assert len(rows) == STARTER_BANK + in_cases
    assert {r["case"] for r in rows if "case" in r} <= set(Case.objects.values_list("slug", flat=True))


def test_it_filters_by_topic():
    rows = json.loads(_export("--topic", "laboratory"))["questions"]
    assert rows and {r["topic"] for r in rows} == {"laboratory"}


def test_it_refuses_an_unknown_format():
    with pytest.raises(CommandError, match="invalid choice"):
        _export("--format", "csv")


def test_it_exports_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        _export("--format", "gift", "--include-case-questions")


def test_it_exports_moodle_xml_by_kind():
    text = _export("--format", "moodle-xml")
    assert "<![CDATA[<p>" in text
    root = ET.fromstring(text)
    questions = root.findall("question")
    categories = [q.findtext("category/text") for q in questions if q.get("type") == "category"]
    topics = set(Question.objects.filter(case__isnull=True).values_list("topic", flat=True))
    assert sorted(c.rpartition("/")[2] for c in categories) == sorted(topics)
    by_slug = {q.findtext("idnumber"): q for q in questions if q.get("type") != "category"}
    assert len(by_slug) == STARTER_BANK
    for question in Question.objects.filter(case__isnull=True).prefetch_related("choices"):
        _check_moodle_question(by_slug[question.slug], question)


def _check_moodle_question(element, question):
    assert element.findtext("name/text") == question.slug
    assert element.find("questiontext").get("format") == "html"
    assert element.findtext("generalfeedback/text") == question.teaching_point_html
    fractions = [float(a.get("fraction")) for a in element.findall("answer")]
    if question.kind == "numeric":
        assert element.get("type") == "numerical"
        assert float(element.findtext("answer/text")) == float(question.answer)
        assert float(element.findtext("answer/tolerance")) == float(question.tolerance)
        return
    if question.kind == "calculated":
        assert element.get("type") == "calculated"
        assert float(element.findtext("answer/tolerance")) == float(question.tolerance)
        names = [d.findtext("name/text") for d in element.findall("dataset_definitions/dataset_definition")]
        assert names == list(question.variables)
        return
    assert element.get("type") == "multichoice"
    assert len(fractions) == question.choices.count()
    if question.kind == "single":
        assert element.findtext("single") == "true"
        assert fractions.count(100) == 1 and fractions.count(0) == len(fractions) - 1
    else:
        assert element.findtext("single") == "false"
        assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=0.001)
        for fraction, choice in zip(fractions, question.choices.all(), strict=True):
            if choice.is_neutral:
                assert fraction == 0, "a recognised site neither earns nor costs in Moodle either"
            elif not choice.is_correct:
                assert fraction < 0
    if question.kind == "bodymap":
        assert len(fractions) == BodySite.objects.count()
        assert "kind:bodymap" in [t.text for t in element.iter("text")]
    explanations = [html.unescape(a.findtext("feedback/text")) for a in element.findall("answer")]
    assert explanations == [c.explanation for c in question.choices.all()]


def test_it_exports_gift_by_kind():
    text = _export("--format", "gift")
    assert text.startswith("$CATEGORY: ")
    calculated = Question.objects.filter(kind="calculated", case__isnull=True).count()
    assert text.count("\n::") == STARTER_BANK - calculated  # GIFT has no calculated type: those are left out
    assert text.count("a calculated question, which GIFT cannot hold") == calculated
    assert re.search(r"\{\n\t#[\d.]+:[\d.]+\n\t####", text), "a numeric answer and tolerance"
    assert re.search(r"\n\t~%25%", text) and re.search(r"\n\t~%-25%", text), "weighted options"
    single = Question.objects.filter(kind="single", case__isnull=True).first()
    assert f"::{single.slug}::[markdown]" in text


def test_it_escapes_gift_special_characters():
    stem = "Ca x P = 70 mg²/dL²? {not an answer} ~ # : and a \\ backslash\n\nNext paragraph."
    question = question_with_choices(slug="management-specials", topic="management", stem=stem)
    Choice.objects.filter(question=question, is_correct=True).update(text="a = b", explanation="#1: {yes}")
    text = exchange.to_gift(exportable(topic=None, include_cases=False).filter(pk=question.pk))
    assert (
        "::management-specials::[markdown]Ca x P \\= 70 mg²/dL²? \\{not an answer\\} \\~ \\# \\: and a \\\\ backslash"
        "\\n\\nNext paragraph. {"
    ) in text
    assert "\t=a \\= b#\\#1\\: \\{yes\\}\n" in text
    (row,) = exchange.from_gift(text)
    assert row["stem"] == stem
    assert row["choices"][0] == {"text": "a = b", "correct": True, "explanation": "#1: {yes}"}


# ---------------------------------------------------------------- round trips


def test_it_round_trips_the_bank_through_json(tmp_path):
    before = _bank_rows()
    path = tmp_path / "bank.json"
    path.write_text(_export(), encoding="utf-8")
    _delete_bank()
    assert _import(path) == f"{STARTER_BANK} created, 0 skipped"
    assert _bank_rows() == before


def test_it_round_trips_case_questions_through_json(tmp_path):
    before = _rows()
    path = tmp_path / "all.json"
    path.write_text(_export("--include-case-questions"), encoding="utf-8")
    Question.objects.all().delete()
    _import(path)
    assert _rows() == before
    assert Question.objects.filter(case__isnull=False, stage__isnull=False).exists()


def test_it_round_trips_an_unpublished_question(tmp_path):
    question = question_with_choices(slug="management-draft", topic="management", is_published=False)
    path = tmp_path / "draft.gift"
    path.write_text(exchange.to_gift([exchange.as_row(question)]), encoding="utf-8")
    question.delete()
    assert _import(path) == "1 created, 0 skipped"
    assert not Question.objects.get(slug="management-draft").is_published


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift"])
def test_it_round_trips_the_whole_bank_through_the_format_but_for_option_types(fmt):
    rows = [row for row in _bank_rows().values() if fmt != "gift" or row["kind"] != "calculated"]
    back = exchange.READERS[fmt](exchange.WRITERS[fmt](rows))
    assert back == [_without_option_types(row) for row in rows]


@pytest.mark.parametrize("fmt,suffix", [("moodle-xml", "xml"), ("gift", "txt")])
def test_it_imports_a_few_questions_of_each_kind_back(tmp_path, fmt, suffix):
    questions = [q for q in _a_few_of_each_kind() if fmt != "gift" or q.kind != "calculated"]
    before = {slug: _without_option_types(row) for slug, row in _rows(questions).items()}
    path = tmp_path / f"few.{suffix}"
    path.write_text(exchange.WRITERS[fmt](questions), encoding="utf-8")
    Question.objects.filter(pk__in=[q.pk for q in questions]).delete()
    assert _import(path) == f"{len(questions)} created, 0 skipped"
    after = _rows(exportable(topic=None, include_cases=False).filter(slug__in=before))
    assert {slug: _without_option_types(row) for slug, row in after.items()} == before


# ---------------------------------------------------------------- importing safely


def test_it_is_idempotent(tmp_path):
    path = _write_json(tmp_path, [_row(), _row(slug="management-another")])
    assert _import(path) == "2 created, 0 skipped"
    count = Question.objects.count()
    assert _import(path) == "0 created, 2 skipped"
    assert Question.objects.count() == count


def test_it_keeps_an_instructors_edit(tmp_path):
    path = tmp_path / "bank.json"
    path.write_text(_export(), encoding="utf-8")
    question = Question.objects.get(slug="type-ssc-fingertip-nodules")
    question.stem = "Edited by an instructor."
    question.save()
    question.choices.update(explanation="Edited too.")
    assert _import(path) == f"0 created, {STARTER_BANK} skipped"
    question.refresh_from_db()
    assert question.stem == "Edited by an instructor."
    assert set(question.choices.values_list("explanation", flat=True)) == {"Edited too."}


def test_it_refuses_a_file_with_one_bad_question_whole(tmp_path):
    bad = _row(slug="management-bad", choices=[{"text": "A", "correct": True}, {"text": "B", "correct": True}])
    path = _write_json(tmp_path, [_row(), bad, _row(slug="management-fine")])
    with pytest.raises(CommandError) as error:
        _import(path)
    assert "nothing was changed" in str(error.value)
    assert "Question 'management-bad': a single-best-answer question needs exactly one correct option" in str(
        error.value
    )
    assert not Question.objects.filter(slug__startswith="management-new").exists()
    assert not Question.objects.filter(slug="management-fine").exists()


def test_it_refuses_a_case_question_whose_case_is_missing(tmp_path):
    path = _write_json(tmp_path, [_row(case="a-case-elsewhere", stage=1)])
    with pytest.raises(CommandError, match="unknown case 'a-case-elsewhere'"):
        _import(path)


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("bad.xml", "<quiz><question type='multichoice'>", "Malformed Moodle XML at line 1"),
        ("bad.xml", "<html></html>", "not Moodle XML"),
        ("bomb.xml", '<!DOCTYPE quiz [<!ENTITY a "aaaa">]><quiz>&a;</quiz>', "DOCTYPE"),
        (
            "essay.xml",
            "<quiz><question type='essay'><name><text>Essay one</text></name></question></quiz>",
            "Moodle question 1 ('Essay one') is of type 'essay'",
        ),
        ("bad.gift", "::q1:: What is it? {=this ~that\n", "line 1 ('q1') has a '{' that is not closed"),
        ("bad.gift", "\n\n// note\nWhat is it? =this ~that}\n", "line 4 has a '}' without its '{'"),
        ("bad.gift", "::sa:: The capital of France is {=Paris}.\n", "is a short-answer question"),
        ("bad.gift", "Just some prose.\n", "no answers in {...}"),
        ("bad.gift", "::n:: How many? {#lots}\n", "'lots' is not a number"),
        ("bad.json", '{"questions": [', "Malformed JSON at line 1"),
        ("bad.json", '["not", "an", "object"]', 'a "questions" list'),
    ],
)
def test_it_reports_a_malformed_file_clearly(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        _import(path)
    assert expected in str(error.value)
    assert str(error.value).startswith(str(path))


def test_it_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file: .*missing.json"):
        _import(tmp_path / "missing.json")


def test_it_asks_for_a_format_it_cannot_guess(tmp_path):
    path = tmp_path / "bank.csv"
    path.write_text("slug,kind\n", encoding="utf-8")
    with pytest.raises(CommandError, match="pass --format"):
        _import(path)


def test_it_takes_the_format_from_the_option(tmp_path):
    path = tmp_path / "questions.data"
    path.write_text(exchange.to_gift([_row()]), encoding="utf-8")
    assert _import(path, "--format", "gift") == "1 created, 0 skipped"


def test_it_refuses_a_file_that_is_not_text(tmp_path):
    path = tmp_path / "bank.json"
    path.write_bytes(b"\xff\xfe\x00\x00garbage")
    with pytest.raises(CommandError, match="Cannot read"):
        _import(path)


# ---------------------------------------------------------------- files written elsewhere

MOODLE_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Default for Derm/Management</text></category></question>
  <question type="multichoice">
    <name><text>Q1 first line</text></name>
    <questiontext format="html"><text>&lt;p&gt;Which drug is &lt;b&gt;first&lt;/b&gt;?&lt;/p&gt;</text></questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Start with diltiazem.</p>]]></text></generalfeedback>
    <single>true</single>
    <answer fraction="100" format="html"><text><![CDATA[<p>Diltiazem</p>]]></text>
      <feedback format="html"><text>Right.</text></feedback></answer>
    <answer fraction="0" format="html"><text>Aspirin &amp; rest</text></answer>
  </question>
  <question type="numerical">
    <name><text>Q2</text></name>
    <questiontext format="moodle_auto_format"><text>Ca x P for 10 and 7?</text></questiontext>
    <generalfeedback format="html"><text>Multiply.</text></generalfeedback>
    <answer fraction="100"><text>70</text><tolerance>0.5</tolerance></answer>
  </question>
</quiz>
"""

GIFT_FILE = """// Written by hand, as Moodle's documentation shows.
$CATEGORY: $course$/top/Differential diagnosis

::Mimic 1:: Which is bone in the skin? {
  =Osteoma cutis#Right: lamellar bone.
  ~Milia#No: keratin cysts.
  ~Xanthomas
  ####Bone in the skin is osteoma cutis.
}

What does a xanthoma hold? {~%50%lipid ~%50%foam cells ~%-100%calcium#No. ####Lipid-laden foam cells.}
"""


def test_it_imports_a_moodle_file_written_elsewhere_with_stable_slugs(tmp_path):
    path = tmp_path / "moodle.xml"
    path.write_text(MOODLE_FILE, encoding="utf-8")
    assert _import(path) == "2 created, 0 skipped"
    assert _import(path) == "0 created, 2 skipped"
    first = Question.objects.get(stem="Which drug is **first**?")
    assert first.slug.startswith("which-drug-is-first-")
    assert (first.kind, first.topic, first.teaching_point) == ("single", "management", "Start with diltiazem.")
    options = list(first.choices.values_list("text", "is_correct", "explanation"))
    assert options == [("Diltiazem", True, "Right."), ("Aspirin & rest", False, "")]
    numeric = Question.objects.get(stem="Ca x P for 10 and 7?")
    assert (numeric.kind, float(numeric.answer), float(numeric.tolerance)) == ("numeric", 70, 0.5)


def test_it_imports_a_gift_file_written_by_hand(tmp_path):
    path = tmp_path / "mimics.gift"
    path.write_text(GIFT_FILE, encoding="utf-8")
    assert _import(path) == "2 created, 0 skipped"
    single = Question.objects.get(stem="Which is bone in the skin?")
    assert (single.kind, single.topic) == ("single", "differential")
    assert single.teaching_point == "Bone in the skin is osteoma cutis."
    assert list(single.choices.values_list("text", "is_correct", "explanation")) == [
        ("Osteoma cutis", True, "Right: lamellar bone."),
        ("Milia", False, "No: keratin cysts."),
        ("Xanthomas", False, ""),
    ]
    multiple = Question.objects.get(stem="What does a xanthoma hold?")
    assert multiple.kind == "multiple"
    assert list(multiple.choices.filter(is_correct=True).values_list("text", flat=True)) == ["lipid", "foam cells"]
    assert _import(path) == "0 created, 2 skipped"


def test_it_reads_the_html_moodle_writes_back_as_markdown():
    html = "<p>One <strong>bold</strong> and <em>soft</em> word.</p>\n<ul>\n<li>first</li>\n<li>second</li>\n</ul>"
    assert exchange.html_to_markdown(html) == "One **bold** and *soft* word.\n\n- first\n- second"
    assert exchange.html_to_markdown("<p>a * b_c <code>x*y</code></p>") == "a \\* b\\_c `x*y`"
    assert exchange.html_to_text("<p>Aspirin &amp; <b>rest</b></p>") == "Aspirin & rest"
