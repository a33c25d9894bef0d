"""Numerical questions with several answers, as Moodle has them: each with its tolerance (or range), a grade and
feedback. The first answer a value matches decides its mark, the full-credit answer checked first."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from quizzes import exchange, scoring, services, versions
from quizzes.models import Question, Response
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def _numeric(**fields):
    fields = {"kind": "numeric", "topic": "laboratory", "answer": Decimal("80"), "tolerance": Decimal("0.5"), **fields}
    return QuestionFactory(**fields)


def _record(learner, question, value: str) -> Response:
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    recorded = services.response_record(
        attempt=attempt, question=question, choice_ids=[], value=Decimal(value), certainty="sure"
    )
    return recorded.response


# ---------------------------------------------------------------- questions with one answer score as before


@pytest.mark.parametrize(
    ("value", "score"),
    [("80", 1), ("79.5", 1), ("80.5", 1), ("80.5001", 0), ("79.4999", 0), ("-80", 0), ("0", 0), ("1e6", 0)],
)
def test_a_numeric_question_with_one_answer_scores_exactly_as_before(value, score):
    assert scoring.score_numeric(Decimal("80"), Decimal("0.5"), Decimal(value)) == score


def test_a_zero_tolerance_needs_the_exact_answer(learner, other_learner):
    question = _numeric(answer=Decimal("1822"), tolerance=Decimal("0"))
    assert _record(learner, question, "1822").score == 1
    assert _record(other_learner, question, "1822.0001").score == 0


def test_a_numeric_question_with_one_answer_keeps_its_version_content():
    question = _numeric(unit="mg/dL")
    assert versions.content_of(question, []) == {
        "kind": "numeric",
        "stem": question.stem,
        "teaching_point": question.teaching_point,
        "answer": "8E+1",  # as versions have always written it (Decimal.normalize)
        "tolerance": "0.5",
        "unit": "mg/dL",
        "options": [],
    }


# ---------------------------------------------------------------- scoring: the first matching answer decides

CLOSE = {"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "Close."}
ANY = {"value": None, "tolerance": 0, "fraction": 0, "feedback": "Completely wrong."}


@pytest.mark.parametrize(
    ("value", "score"), [("1822", 1), ("1821", Decimal("0.5")), ("1824", Decimal("0.5")), ("5", 0)]
)
def test_the_other_answers_give_their_fraction(value, score):
    assert scoring.score_numeric(Decimal("1822"), Decimal("0"), Decimal(value), [CLOSE, ANY]) == score


def test_the_first_matching_other_answer_counts_as_in_moodle():
    near = {"value": 1822, "tolerance": 1, "fraction": 0.75, "feedback": ""}
    assert scoring.score_numeric(Decimal("1822"), Decimal("0"), Decimal("1821"), [near, CLOSE]) == Decimal("0.75")
    assert scoring.score_numeric(Decimal("1822"), Decimal("0"), Decimal("1821"), [CLOSE, near]) == Decimal("0.5")


def test_the_full_credit_answer_is_checked_before_the_others():
    wider = {"value": 1822, "tolerance": 10, "fraction": 0.2, "feedback": ""}
    assert scoring.score_numeric(Decimal("1822"), Decimal("1"), Decimal("1823"), [wider]) == 1


def test_a_negative_fraction_scores_nothing_never_below_zero():
    trap = {"value": 0, "tolerance": 0, "fraction": -0.5, "feedback": "Not zero."}
    assert scoring.score_numeric(Decimal("1822"), Decimal("0"), Decimal("0"), [trap]) == 0


def test_a_fraction_of_a_third_is_kept_to_four_places():
    third = {"value": 7, "tolerance": 0, "fraction": 0.3333333, "feedback": ""}
    assert scoring.score_numeric(Decimal("1"), Decimal("0"), Decimal("7"), [third]) == Decimal("0.3333")


# ---------------------------------------------------------------- imported from Moodle, answered, shown

GIFT = "::grant:: When was Grant born? {#=1822:0#Right. =%50%1822:2#Close. ~#Completely wrong. ####In 1822.}\n"
XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="numerical">
    <name><text>grant</text></name>
    <questiontext format="html"><text>When was Grant born?</text></questiontext>
    <generalfeedback format="html"><text>In 1822.</text></generalfeedback>
    <answer fraction="100"><text>1822</text><tolerance>0</tolerance><feedback><text>Right.</text></feedback></answer>
    <answer fraction="50"><text>1822</text><tolerance>2</tolerance><feedback><text>Close.</text></feedback></answer>
    <answer fraction="0"><text>*</text><feedback format="html"><text><![CDATA[<p>Completely wrong.</p>]]></text>
      </feedback></answer>
  </question>
</quiz>
"""


def _import(tmp_path, text: str, name: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_questions", str(path), "--topic", "laboratory", stdout=out)
    return out.getvalue()


@pytest.fixture(params=[(GIFT, "grant.gift"), (XML, "grant.xml")], ids=["gift", "moodle-xml"])
def grant(request, tmp_path):
    out = _import(tmp_path, *request.param)
    assert "1 created" in out and "left out" not in out, out
    return Question.objects.get(slug="grant")


def test_several_answers_import_with_their_fractions_and_feedback(grant):
    assert (grant.answer, grant.tolerance, grant.answer_feedback) == (1822, 0, "Right.")
    assert grant.numeric_answers == [
        {"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "Close."},
        {"value": None, "tolerance": 0, "fraction": 0, "feedback": "Completely wrong."},
    ]


@pytest.mark.parametrize(
    ("value", "score", "feedback"), [("1822", 1, "Right."), ("1821", 0.5, "Close."), ("5", 0, "Completely wrong.")]
)
def test_an_imported_question_scores_and_shows_the_matched_feedback(grant, learner, client, value, score, feedback):
    response = _record(learner, grant, value)
    assert response.score == Decimal(str(score)) and response.is_correct == (score == 1)
    client.force_login(learner)
    page = client.get(f"/quizzes/attempts/{response.attempt_id}/1/").text
    assert f'About your answer</dt><dd class="col-sm-8">{feedback}</dd>' in page
    others = {"Right.", "Close.", "Completely wrong."} - {feedback}
    assert not any(f">{text}</dd>" in page for text in others)


def test_the_preview_shows_the_matched_feedback(grant, instructor_client):
    page = instructor_client.post(f"/quizzes/questions/{grant.pk}/preview/", {"value": "1823", "certainty": "sure"})
    assert "Partly correct: 0.50 of 1 mark" in page.text and "About your answer: Close." in page.text


def test_a_question_with_one_answer_shows_no_about_line(learner, client):
    question = _numeric()
    response = _record(learner, question, "80")
    client.force_login(learner)
    assert "About your answer" not in client.get(f"/quizzes/attempts/{response.attempt_id}/1/").text


@pytest.mark.parametrize("fmt", ["json", "moodle-xml", "gift"])
def test_the_answers_round_trip_through_every_format(grant, fmt):
    row = exchange.as_row(Question.objects.prefetch_related("choices", "images").get(pk=grant.pk))
    (back,) = exchange.READERS[fmt](exchange.WRITERS[fmt]([row]))
    fields = ("answer", "tolerance", "answer_feedback", "numeric_answers")
    assert {f: back.get(f) for f in fields} == {f: row[f] for f in fields}
    assert row["numeric_answers"][0] == {"value": 1822, "tolerance": 2, "fraction": 50, "feedback": "Close."}


def test_a_question_reimported_from_its_export_is_the_same_question(grant, tmp_path):
    exported = exchange.to_moodle_xml([Question.objects.get(pk=grant.pk)])
    assert "0 created, 1 skipped" in _import(tmp_path, exported, "again.xml")


# ---------------------------------------------------------------- versions


def test_the_other_answers_enter_a_version_only_when_present(grant):
    content = versions.content_of(grant, [])
    assert content["answer_feedback"] == "Right." and content["numeric_answers"] == grant.numeric_answers
    plain = versions.content_of(_numeric(), [])
    assert "numeric_answers" not in plain and "answer_feedback" not in plain


def test_an_old_answer_keeps_the_feedback_of_the_version_it_was_scored_on(grant, learner, client):
    response = _record(learner, grant, "1821")
    grant.numeric_answers = [{**grant.numeric_answers[0], "feedback": "Rewritten."}]
    grant.save()
    client.force_login(learner)
    page = client.get(f"/quizzes/attempts/{response.attempt_id}/1/").text
    assert ">Close.</dd>" in page and "Rewritten." not in page


# ---------------------------------------------------------------- bad answers are refused, clearly


@pytest.mark.parametrize(
    ("others", "message"),
    [
        ([{"value": 1, "tolerance": 0, "fraction": 150}], "needs a fraction from -100 to 100"),
        ([{"value": "x", "tolerance": 0, "fraction": 50}], "has a value that is not a number"),
        ([{"value": 1, "tolerance": -1, "fraction": 50}], "needs a tolerance of zero or more"),
        ([{"value": None, "tolerance": 0, "fraction": 0}, {"value": 1, "tolerance": 0, "fraction": 0}], "never count"),
        ({"value": 1}, "must be a list"),
    ],
)
def test_a_bank_row_with_a_bad_other_answer_is_refused(others, message):
    row = {"slug": "n", "kind": "numeric", "topic": "laboratory", "stem": "?", "teaching_point": "!", "section": None}
    row |= {"about": {}, "answer": 1, "tolerance": 0, "unit": "", "numeric_answers": others}
    assert message in " ".join(exchange.validate_row(row, exchange.Knowledge()))


def test_a_question_with_a_bad_fraction_is_refused_by_its_clean():
    question = _numeric(numeric_answers=[{"value": 1, "tolerance": 0, "fraction": 2, "feedback": ""}])
    with pytest.raises(ValidationError, match="Other answer 1 needs a fraction from -1 to 1"):
        question.full_clean()


def test_only_a_numeric_question_takes_other_answers():
    question = QuestionFactory.build(kind="single", numeric_answers=[CLOSE])
    with pytest.raises(ValidationError, match="Only a numeric question has other answers"):
        question.clean()


def _admin_form(**extra) -> dict:
    data = {"slug": "admin-numeric", "topic": "laboratory", "kind": "numeric", "stem": "When?", "is_published": "on"}
    data |= {"teaching_point": "1822.", "answer": "1822", "tolerance": "0", "unit": "", "answer_feedback": "Right."}
    data |= {"choices-TOTAL_FORMS": "0", "choices-INITIAL_FORMS": "0", "choices-MIN_NUM_FORMS": "0"}
    data |= {"choices-MAX_NUM_FORMS": "1000", "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"}
    return data | extra


def test_an_instructor_edits_the_other_answers_in_admin(instructor_client):
    others = '[{"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "Close."}]'
    response = instructor_client.post("/admin/quizzes/question/add/", _admin_form(numeric_answers=others))
    assert response.status_code == 302, response.text[:2000]
    question = Question.objects.get(slug="admin-numeric")
    assert question.numeric_answers == [CLOSE] and question.answer_feedback == "Right."


@pytest.mark.parametrize(
    ("others", "message"),
    [
        ('[{"value": 1822, "tolerance": 2, "fraction": 50}]', "Other answer 1 needs a fraction from -1 to 1"),
        ("[{value: 1822}]", "Enter a valid JSON"),
    ],
)
def test_admin_refuses_bad_other_answers_with_a_form_error(instructor_client, others, message):
    response = instructor_client.post("/admin/quizzes/question/add/", _admin_form(numeric_answers=others))
    assert response.status_code == 200 and message in response.text
    assert not Question.objects.filter(slug="admin-numeric").exists()
