"""Moodle question banks that really import: true/false, GIFT format markers, numerical answers with feedback,
HTML text kept as text, questions without general feedback, names shared with other questions, bad files, units
and GIFT escaping, partial credit."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calcinosis.markup import render_markdown
from cases import importing
from quizzes import exchange
from quizzes.models import Question
from tests.factories import question_with_choices

pytestmark = pytest.mark.django_db


def _import(tmp_path, content: str | bytes, name: str = "bank.gift", *args: str) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    out = StringIO()
    call_command("import_questions", str(path), "--topic", "type", *args, stdout=out)
    return out.getvalue()


def _moodle(*questions: str) -> str:
    category = '<question type="category"><category><text>$course$/top/Imported</text></category></question>'
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{category}\n{"".join(questions)}\n</quiz>\n'


def _options(row: dict) -> list[tuple]:
    return [(c["text"], c["correct"], c["explanation"]) for c in row["choices"]]


# ---------------------------------------------------------------- 1. true/false

TRUE_FALSE_XML = """<question type="truefalse">
  <name><text>Sky</text></name>
  <questiontext format="html"><text><![CDATA[<p>Metastatic calcinosis needs a high Ca x P.</p>]]></text></questiontext>
  <generalfeedback format="html"><text>Usually above 70.</text></generalfeedback>
  <answer fraction="0" format="moodle_auto_format"><text>true</text>
    <feedback format="html"><text>Not always.</text></feedback></answer>
  <answer fraction="100" format="moodle_auto_format"><text>false</text>
    <feedback format="html"><text><![CDATA[<p>Right: <b>not</b> always.</p>]]></text></feedback></answer>
</question>"""


def test_it_reads_a_moodle_true_false_as_a_two_option_single_answer_question():
    (row,) = exchange.from_moodle_xml(_moodle(TRUE_FALSE_XML))
    assert row["kind"] == "single"
    assert _options(row) == [("True", False, "Not always."), ("False", True, "Right: not always.")]


@pytest.mark.parametrize(
    ("answer", "truth"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)  # fmt: skip
def test_it_reads_gift_true_false_in_every_spelling_with_its_feedback(answer, truth):
    (row,) = exchange.from_gift(
        f"::tf:: Dystrophic calcinosis needs raised calcium. {{{answer}#Wrong one.#Right one.}}"
    )
    right, wrong = ("Right one.", "Wrong one.")
    assert row["kind"] == "single"
    assert _options(row) == [
        ("True", truth, right if truth else wrong),
        ("False", not truth, wrong if truth else right),
    ]


def test_it_imports_true_false_questions_from_both_formats(tmp_path):
    assert "1 created" in _import(tmp_path, _moodle(TRUE_FALSE_XML), "tf.xml")
    assert "1 created" in _import(tmp_path, "::tf2:: Calciphylaxis is painful. {TRUE ####It is.}\n")
    question = Question.objects.get(slug="tf2")
    assert list(question.choices.values_list("text", "is_correct")) == [("True", True), ("False", False)]


# ---------------------------------------------------------------- 2. GIFT format markers


def test_it_reads_gift_format_markers_on_every_text_and_keeps_none_as_text():
    gift = (
        "::m:: [html]<p>Which is <b>right</b>?</p> {\n"
        "  =[plain]a*b#[html]<i>Yes</i>, this.\n"
        "  ~[markdown]c#[moodle]No &amp; never.\n"
        "  ~d\n"
        "  ####[html]<p>Because <em>so</em>.</p>\n"
        "}"
    )
    (row,) = exchange.from_gift(gift)
    assert row["stem"] == "Which is **right**?"
    assert _options(row) == [("a*b", True, "Yes, this."), ("c", False, "No & never."), ("d", False, "")]
    assert row["teaching_point"] == "Because *so*."
    assert not any(f"[{marker}]" in json.dumps(row) for marker in ("html", "plain", "markdown", "moodle"))


def test_an_option_without_a_marker_takes_the_format_of_the_stem_as_in_moodle():
    (row,) = exchange.from_gift("[html]<p>Pick</p> {=<b>bold</b> ~<i>it</i>#<p>no</p> ####<p>done</p>}")
    assert _options(row) == [("bold", True, ""), ("it", False, "no")]
    assert row["teaching_point"] == "done"


def test_a_plain_text_stem_renders_literally():
    (row,) = exchange.from_gift("[plain]2*3 = _six_ and #1 {=yes ~no ####[plain]*not* emphasis}")
    assert render_markdown(row["stem"]) == "<p>2*3 = _six_ and #1</p>"
    assert render_markdown(row["teaching_point"]) == "<p>*not* emphasis</p>"


# ---------------------------------------------------------------- 3. numerical answers with feedback


def test_a_numerical_answer_with_wrong_answer_feedback_keeps_it_for_any_other_answer():
    reading = exchange.Reading()
    (row,) = exchange.from_gift("::n:: Ca x P for 10 and 7? {#70:2 ~#Completely wrong ####Multiply.}", reading)
    assert (row["kind"], row["answer"], row["tolerance"]) == ("numeric", 70, 2)
    assert row["numeric_answers"] == [{"value": None, "tolerance": 0, "fraction": 0, "feedback": "Completely wrong"}]
    assert reading.skipped == [] and reading.notes == []


@pytest.mark.parametrize(
    ("spec", "answer", "tolerance"),
    [("#1..5", 3, 2), ("#3:2", 3, 2), ("#=1822:0 #Born then. =%0%1900 #No.", 1822, 0), ("#=%100%4:1", 4, 1)],
)
def test_it_keeps_the_full_credit_numerical_answer_with_its_tolerance(spec, answer, tolerance):
    (row,) = exchange.from_gift(f"::n:: A number? {{{spec} ####Why.}}")
    assert (row["answer"], row["tolerance"]) == (answer, tolerance)


def test_a_numerical_question_giving_partial_credit_imports_with_its_answers(tmp_path):
    gift = "::Grant:: When was Grant born? {#=1822:0 #Right. =%50%1822:2 #Close. ####1822.}\n\n"
    gift += "::Ok:: How many? {#3 ####Three.}\n"
    out = _import(tmp_path, gift, "n.gift")
    assert "2 created" in out and "cannot be imported" not in out
    question = Question.objects.get(stem="When was Grant born?")
    assert question.answer_feedback == "Right."
    assert question.numeric_answers == [{"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "Close."}]


def test_answers_after_any_other_answer_are_left_out_and_said(tmp_path):
    reading = exchange.Reading()
    (row,) = exchange.from_gift("::n:: A number? {#=4:0 =%50%*#Half. =%20%5 ####Why.}", reading)
    assert row["numeric_answers"] == [{"value": None, "tolerance": 0, "fraction": 50, "feedback": "Half."}]
    assert "could never count" in reading.notes[0]["reason"]


def test_an_answer_overlapping_the_full_credit_one_before_it_is_said(tmp_path):
    reading = exchange.Reading()
    (row,) = exchange.from_gift("::n:: A number? {#=%50%4:1 =4:0 ####Why.}", reading)
    assert row["answer"] == 4 and row["numeric_answers"][0]["fraction"] == 50
    assert "here the 100% answer is checked first" in reading.notes[0]["reason"]


def test_a_moodle_numerical_keeps_its_units_and_its_answers_feedback(tmp_path):
    xml = _moodle("""<question type="numerical"><name><text>product</text></name>
      <questiontext format="html"><text>Ca x P?</text></questiontext>
      <generalfeedback format="html"><text>Multiply.</text></generalfeedback>
      <answer fraction="100"><text>70</text><tolerance>1</tolerance><feedback><text>Yes.</text></feedback></answer>
      <answer fraction="0"><text>*</text><feedback><text>Multiply them.</text></feedback></answer>
      <units><unit><multiplier>1</multiplier><unit_name>mg²/dL²</unit_name></unit></units>
    </question>""")
    out = _import(tmp_path, xml, "n.xml")
    assert "1 created" in out and "left out" not in out
    question = Question.objects.get(slug="product")
    assert (float(question.answer), float(question.tolerance), question.unit) == (70, 1, "mg²/dL²")
    assert question.answer_feedback == "Yes."
    assert question.numeric_answers == [{"value": None, "tolerance": 0, "fraction": 0, "feedback": "Multiply them."}]


# ---------------------------------------------------------------- 4. HTML text kept as text


@pytest.mark.parametrize(
    ("html", "shown"),
    [
        ("<p>&lt;b&gt;x&lt;/b&gt;</p>", "<p>&lt;b&gt;x&lt;/b&gt;</p>"),
        ("<p>1. not a list</p>", "<p>1. not a list</p>"),
        ("<p># not a heading</p>", "<p># not a heading</p>"),
        ("<p>- not an item<br>&gt; not a quote</p>", "<p>- not an item<br>\n&gt; not a quote</p>"),
        ("<p>a *b* _c_ [d](e) `f` \\g &amp;amp;</p>", "<p>a *b* _c_ [d](e) `f` \\g &amp;amp;</p>"),
        ("<p>Ca &lt; 2 &amp; P</p>", "<p>Ca &lt; 2 &amp; P</p>"),
    ],
)
def test_html_text_renders_as_the_html_showed_it(html, shown):
    assert render_markdown(exchange.html_to_markdown(html)) == shown


def test_escaped_html_in_a_moodle_text_stays_text():
    xml = _moodle("""<question type="multichoice"><name><text>Tags</text></name>
    <questiontext format="html"><text>&lt;p&gt;Is &amp;lt;b&amp;gt;x&amp;lt;/b&amp;gt;?&lt;/p&gt;</text></questiontext>
      <generalfeedback format="html"><text><![CDATA[<p>1. not a list</p>]]></text></generalfeedback>
      <answer fraction="100"><text>No</text></answer><answer fraction="0"><text>Yes</text></answer>
    </question>""")
    (row,) = exchange.from_moodle_xml(xml)
    assert render_markdown(row["stem"]) == "<p>Is &lt;b&gt;x&lt;/b&gt;?</p>"
    assert "<ol>" not in render_markdown(row["teaching_point"])


# ---------------------------------------------------------------- 5. no general feedback

NO_FEEDBACK_XML = """<question type="multichoice"><name><text>bare</text></name>
  <questiontext format="html"><text>Which is commonest?</text></questiontext>
  <answer fraction="100"><text>Dystrophic</text></answer><answer fraction="0"><text>Metastatic</text></answer>
</question>"""


@pytest.mark.parametrize(
    ("name", "content"),
    [("bare.xml", _moodle(NO_FEEDBACK_XML)), ("bare.gift", "::bare:: Which is commonest? {=Dystrophic ~Metastatic}")],
)
def test_a_question_without_general_feedback_imports_with_an_empty_teaching_point(tmp_path, name, content):
    out = _import(tmp_path, content, name)
    assert "1 created" in out and "1 arrived without a teaching point" in out
    question = Question.objects.get(slug="bare")
    assert question.teaching_point == "" and question.teaching_point_html == ""
    assert list(Question.objects.without_teaching_point()) == [question]


def test_the_admin_lists_questions_that_need_a_teaching_point(admin_client):
    bare = question_with_choices(slug="bare-one", teaching_point="")
    question_with_choices(slug="taught-one", teaching_point="Taught.")
    page = admin_client.get("/admin/quizzes/question/?needs_teaching_point=yes").content.decode()
    assert "needs a teaching point" in page and bare.slug in page and "taught-one" not in page


def test_a_learner_sees_no_empty_teaching_point(instructor_client):
    question = question_with_choices(slug="bare-preview", teaching_point="")
    url = f"/quizzes/questions/{question.pk}/preview/"
    right = question.choices.get(is_correct=True)
    page = instructor_client.post(url, {"choice": right.pk, "certainty": "sure"}).content.decode()
    assert "Correct" in page and "Teaching point" not in page


# ---------------------------------------------------------------- 6. names shared with other questions


def test_a_different_question_under_an_existing_name_is_imported_under_a_new_slug(tmp_path):
    question_with_choices(slug="q1", stem="An older question.")
    gift = "::q1:: Which is commonest? {=Dystrophic ~Metastatic ####Dystrophic.}\n"
    out = _import(tmp_path, gift)
    assert "1 created, 0 skipped" in out and "imported as 'q1-2'" in out
    assert Question.objects.get(slug="q1-2").stem == "Which is commonest?"
    assert Question.objects.get(slug="q1").stem == "An older question."
    assert "0 created, 1 skipped" in _import(tmp_path, gift), "the same question again is skipped"
    changed = gift.replace("Metastatic", "Iatrogenic")
    assert "imported as 'q1-3'" in _import(tmp_path, changed)


def test_the_same_question_under_its_own_name_is_skipped(tmp_path):
    gift = "::q7:: Which is commonest? {=Dystrophic ~Metastatic ####Dystrophic.}\n"
    _import(tmp_path, gift)
    Question.objects.filter(slug="q7").update(teaching_point="Edited by an instructor.")
    assert _import(tmp_path, gift).startswith("0 created, 1 skipped\n")


def test_two_questions_of_one_name_in_a_file_both_arrive(tmp_path):
    gift = "::q:: First? {=a ~b ####A.}\n\n::q:: Second? {=c ~d ####C.}\n\n::q:: First? {=a ~b ####A.}\n"
    out = _import(tmp_path, gift)
    assert "2 created" in out and "imported as 'q-2'" in out
    assert Question.objects.get(slug="q-2").stem == "Second?"


# ---------------------------------------------------------------- 7. bad files


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("nul.gift", "::a:: Stem\x00? {=a ~b ####c}", "holds a NUL character (line 1)"),
        ("nul.json", json.dumps({"questions": [{"slug": "a", "stem": "x\x00"}]}), "NUL character (\\u0000)"),
        ("latin.gift", "::a:: Caf\xe9? {=a ~b ####c}".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at offset 9)"),
        ("bad.xml", "<quiz><question type='multichoice'>", "Malformed Moodle XML at line 1"),
        (
            "bomb.xml",
            '<?xml version="1.0"?>\n<!-- hi -->\n<!DOCTYPE quiz [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
            "<quiz>&b;</quiz>",
            "DOCTYPE",
        ),
        (
            "utf16.gift",
            b"\xff\xfe" + "::a::".encode("utf-16-le") + b"\x00",
            "not valid UTF-16 (byte 0x00 at offset 12)",
        ),
    ],
)
def test_a_bad_file_gets_one_clear_line_and_changes_nothing(tmp_path, name, content, expected):
    before = Question.objects.count()
    with pytest.raises(CommandError) as refused:
        _import(tmp_path, content, name)
    assert expected in str(refused.value)
    assert "\n" not in str(refused.value).partition("Problems:")[0]
    assert Question.objects.count() == before


def test_a_huge_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.gift"
    with path.open("wb") as sparse:
        sparse.truncate(importing.MAX_BYTES + 1)
    monkeypatch.setattr("pathlib.Path.read_bytes", lambda self: pytest.fail("read a file it should refuse"))
    with pytest.raises(CommandError, match=r"is 20.0 MB; files over 20 MB are not imported"):
        call_command("import_questions", str(path))


@pytest.mark.parametrize(
    "encoded",
    [
        "\ufeff::caf:: Café? {=a ~b ####c}".encode(),
        b"\xff\xfe" + "::caf:: Café? {=a ~b ####c}".encode("utf-16-le"),
        b"\xfe\xff" + "::caf:: Café? {=a ~b ####c}".encode("utf-16-be"),
    ],
)
def test_it_reads_utf8_with_a_bom_and_utf16_by_its_bom(tmp_path, encoded):
    assert "1 created" in _import(tmp_path, encoded)
    assert Question.objects.get(slug="caf").stem == "Café?"


def test_it_reads_moodle_xml_saved_as_utf16(tmp_path):
    xml = _moodle(NO_FEEDBACK_XML).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert "1 created" in _import(tmp_path, codecs_bom_utf16(xml), "bank.xml")


def codecs_bom_utf16(text: str) -> bytes:
    return b"\xff\xfe" + text.encode("utf-16-le")


# ---------------------------------------------------------------- 8. units in Moodle XML, GIFT escaping


def test_the_moodle_xml_export_holds_the_unit_as_moodle_writes_it():
    row = {
        "slug": "lab-ca-p", "kind": "numeric", "topic": "laboratory", "stem": "Ca x P?", "teaching_point": "Times.",
        "section": None, "about": {"types": [], "conditions": [], "sites": [], "differentials": []},
        "answer": 70.0, "tolerance": 1.0, "unit": "mg²/dL²",
    }  # fmt: skip
    xml = exchange.to_moodle_xml([row])
    assert "<units>\n      <unit>\n        <multiplier>1</multiplier>\n        <unit_name>mg²/dL²</unit_name>" in xml
    assert exchange.from_moodle_xml(xml) == [row]


def _choice_row(stem: str, teaching: str, right: str, wrong: str, why: str) -> dict:
    return {
        "slug": "any-text", "kind": "single", "topic": "type", "stem": stem, "teaching_point": teaching,
        "section": None, "about": {"types": [], "conditions": [], "sites": [], "differentials": []},
        "choices": [
            {"text": right, "correct": True, "explanation": why},
            {"text": wrong, "correct": False, "explanation": ""},
        ],
    }  # fmt: skip


def test_line_separators_and_gift_syntax_survive_our_gift_round_trip():
    row = _choice_row("a\u2028b\u2029c\rd\r\ne\x85f", "[html]<b>x</b> ####", "%50%half", "[plain]~=#{}:\\n", "#1: x")
    gift = exchange.to_gift([row])
    assert exchange.from_gift(gift) == [row]


_texts = st.text(min_size=1).map(str.strip).filter(bool)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stem=_texts, teaching=st.text().map(str.strip), right=_texts, wrong=_texts, why=st.text().map(str.strip))
def test_any_text_survives_our_gift_round_trip(stem, teaching, right, wrong, why):
    if right == wrong:
        wrong += " (not)"
    row = _choice_row(stem, teaching, right, wrong, why)
    assert exchange.from_gift(exchange.to_gift([row])) == [row]
