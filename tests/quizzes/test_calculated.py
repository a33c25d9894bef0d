"""Calculated questions: values drawn per attempt within the author's ranges, the answer from the calculator's own
functions, review bringing new numbers, and Moodle XML both ways."""

import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calcinosis.calculator import Unit, ca_p_product
from quizzes import calculated, exchange, services
from quizzes.models import AttemptQuestion, Question

pytestmark = pytest.mark.django_db

PRODUCT = "laboratory-calculated-product-dialysis-mg"


def test_the_starter_bank_has_at_least_eight_calculated_questions_all_answerable():
    questions = Question.objects.for_quizzes().filter(kind="calculated")
    assert questions.count() >= 8
    for question in questions:
        assert question.answerability_problems([]) == [], question.slug


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_drawn_values_stay_in_their_ranges_at_their_decimals(seed):
    spec = {
        "calcium": {"min": "8.4", "max": "10.8", "places": 1},
        "phosphate": {"min": "1.30", "max": "2.90", "places": 2},
    }
    values = calculated.draw(spec, random.Random(seed))
    assert Decimal("8.4") <= Decimal(values["calcium"]) <= Decimal("10.8") and len(values["calcium"].split(".")[1]) == 1
    assert Decimal("1.30") <= Decimal(values["phosphate"]) <= Decimal("2.90")
    assert len(values["phosphate"].split(".")[1]) == 2


def test_the_answer_is_the_calculators_own():
    values = {"calcium": "10.2", "phosphate": "7.4"}
    expected = ca_p_product(calcium=Decimal("10.2"), phosphate=Decimal("7.4"), unit=Unit.MG_DL).mg2_dl2
    assert calculated.answer("ca_x_p_mg_dl", values) == expected == Decimal("75.48")
    assert calculated.shown_answer("calcium_mmol_l_from_mg_dl", {"calcium": "12.0"}) == Decimal("2.99")
    assert calculated.shown_answer("phosphate_mg_dl_from_mmol_l", {"phosphate": "2.00"}) == Decimal("6.19")
    assert calculated.working("ca_x_p_mg_dl", values) == "10.2 × 7.4"


@pytest.mark.parametrize(
    "formula, variables, problem",
    [
        ("nonsense", {}, "one of the app's formulas"),
        ("ca_x_p_mg_dl", {"calcium": {"min": "8", "max": "10", "places": 1}}, "Give a range for {phosphate}"),
        ("calcium_mmol_l_from_mg_dl", {"calcium": {"min": "10", "max": "8", "places": 1}}, "must run from"),
        ("calcium_mmol_l_from_mg_dl", {"calcium": {"min": "x", "max": "8"}}, "needs numbers"),
        ("calcium_mmol_l_from_mg_dl", {"calcium": {"min": "0", "max": "8", "places": 1}}, "above zero"),
    ],
)
def test_a_calculated_question_without_a_usable_formula_or_range_cannot_be_asked(formula, variables, problem):
    assert any(problem in p for p in calculated.problems(formula, variables))


def _start(learner, question):
    return services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])


def test_two_attempts_draw_their_own_values_and_the_page_shows_them(learner, learner_client):
    question = Question.objects.get(slug=PRODUCT)
    drawn = set()
    for _ in range(6):
        attempt = _start(learner, question)
        values = AttemptQuestion.objects.get(attempt=attempt).values
        drawn.add((values["calcium"], values["phosphate"]))
        body = learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/").content.decode()
        assert f"Serum calcium is {values['calcium']} mg/dL" in body and "{calcium}" not in body
    assert len(drawn) > 1  # 25 x 41 combinations: six draws alike would be a broken draw


def test_an_answer_is_marked_against_this_attempts_values_and_the_feedback_shows_the_working(learner, learner_client):
    question = Question.objects.get(slug=PRODUCT)
    attempt = _start(learner, question)
    AttemptQuestion.objects.filter(attempt=attempt).update(values={"calcium": "10.0", "phosphate": "8.0"})
    response = learner_client.post(
        f"/quizzes/attempts/{attempt.pk}/1/answer/", {"value": "80,2", "certainty": "sure"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "Correct" in body and "10.0 × 8.0 = 80.00" in body and "80 mg²/dL² (± 0.5)" in body
    assert attempt.responses.get().score == 1
    second = _start(learner, question)
    AttemptQuestion.objects.filter(attempt=second).update(values={"calcium": "9.0", "phosphate": "6.0"})
    services.response_record(attempt=second, question=question, choice_ids=[], value=Decimal("80"), certainty="sure")
    assert second.responses.get().score == 0  # the same number is wrong for other values: recalculate


def test_a_slot_without_values_gets_them_when_the_page_is_shown(learner, learner_client):
    question = Question.objects.get(slug=PRODUCT)
    attempt = _start(learner, question)
    AttemptQuestion.objects.filter(attempt=attempt).update(values=None)
    learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/")
    values = AttemptQuestion.objects.get(attempt=attempt).values
    assert set(values) == {"calcium", "phosphate"}


def test_moodle_xml_writes_a_calculated_question_and_reads_it_back():
    question = Question.objects.get(slug="laboratory-calculated-product-dialysis-si")
    xml = exchange.to_moodle_xml([question])
    assert '<question type="calculated">' in xml and "<text>{calcium}*{phosphate}</text>" in xml
    assert "<tolerancetype>2</tolerancetype>" in xml and "<unit_name>mmol²/L²</unit_name>" in xml
    assert "<name><text>phosphate</text></name>" in xml and "<minimum><text>1.30</text></minimum>" in xml
    (row,) = exchange.from_moodle_xml(xml)
    assert row["kind"] == "calculated" and row["formula"] == "ca_x_p_mmol_l"  # the unit tells the SI product apart
    assert row["variables"]["calcium"] == {"min": "2.10", "max": "2.70", "places": 2}
    assert row["tolerance"] == 0.05 and "{calcium}" in row["stem"]


def test_moodle_xml_with_a_formula_the_app_lacks_is_refused_with_a_message():
    xml = exchange.to_moodle_xml([Question.objects.get(slug=PRODUCT)]).replace(
        "{calcium}*{phosphate}", "{calcium}+{phosphate}"
    )
    with pytest.raises(ValueError, match="not one of this app's formulas"):
        exchange.from_moodle_xml(xml)


def test_gift_says_it_cannot_hold_a_calculated_question():
    gift = exchange.to_gift([Question.objects.get(slug=PRODUCT)])
    assert "a calculated question, which GIFT cannot hold" in gift and "{#" not in gift


def test_the_calculator_stays_closed_on_a_calculated_question_until_it_is_answered(learner, learner_client):
    question = Question.objects.get(slug=PRODUCT)
    attempt = _start(learner, question)
    page = learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/").content.decode()
    assert 'id="lab-calc-dialog"' not in page and "The calculator opens once you have answered" in page
    assert 'id="lab-values-dialog"' in page  # the lab values stay at hand
    services.response_record(attempt=attempt, question=question, choice_ids=[], value=Decimal("50"), certainty="guess")
    assert 'id="lab-calc-dialog"' in learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/").content.decode()
    other = Question.objects.filter(kind="single").first()
    tutor = _start(learner, other)
    assert 'id="lab-calc-dialog"' in learner_client.get(f"/quizzes/attempts/{tutor.pk}/1/").content.decode()


def test_a_formula_changed_while_attempts_are_open_draws_anew_instead_of_failing(learner, learner_client):
    question = Question.objects.get(slug="laboratory-calculated-calcium-to-si")
    attempt = _start(learner, question)
    question.formula = "ca_x_p_mg_dl"
    question.variables = {"calcium": {"min": "8.4", "max": "10.8", "places": 1}, "phosphate": {"min": "5", "max": "9"}}
    question.save()
    page = learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/")
    assert page.status_code == 200
    assert set(AttemptQuestion.objects.get(attempt=attempt).values) == {"calcium", "phosphate"}


def test_extra_keys_in_the_ranges_are_ignored_and_a_zero_tolerance_is_refused(learner):
    question = Question.objects.get(slug=PRODUCT)
    question.variables = {**question.variables, "note": "from the lab"}
    question.save()
    attempt = _start(learner, question)
    assert set(AttemptQuestion.objects.get(attempt=attempt).values) == {"calcium", "phosphate"}
    question.tolerance = 0
    assert "A calculated question needs a tolerance above zero." in question.answerability_problems([])
    assert calculated.problems("calcium_mmol_l_from_mg_dl", {"calcium": {"min": "NaN", "max": "9", "places": 1}})
