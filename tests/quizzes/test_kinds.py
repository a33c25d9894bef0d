"""Each kind of question is scored as the learner would expect, through the same service."""

from decimal import Decimal

import pytest

from calcinosis.models import BodySite
from quizzes import services
from quizzes.models import Choice, Response
from tests.factories import QuestionFactory, question_with_choices

pytestmark = pytest.mark.django_db


def _attempt_on(learner, question):
    return services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])


def _record(attempt, question, choice_ids=(), value=None, certainty="unsure"):
    return services.response_record(
        attempt=attempt, question=question, choice_ids=list(choice_ids), value=value, certainty=certainty
    ).response


def test_select_all_gives_partial_credit(learner):
    question = question_with_choices(correct=2, wrong=2, kind="multiple")
    right = list(question.choices.filter(is_correct=True))
    response = _record(_attempt_on(learner, question), question, [right[0].pk])
    assert response.score == Decimal("0.5") and not response.is_correct


def test_single_refuses_two_picks(learner):
    question = question_with_choices(correct=1, wrong=2)
    with pytest.raises(services.QuizError, match="only one"):
        _record(_attempt_on(learner, question), question, question.choices.values_list("pk", flat=True)[:2])


def test_body_map_credit_is_per_region(learner):
    question = QuestionFactory(kind="bodymap", topic="distribution")
    right_slugs = {"fingers", "hands", "forearms", "face"}
    for i, site in enumerate(BodySite.objects.order_by("order")):
        Choice.objects.create(
            question=question, order=i, text=site.name, site=site, is_correct=site.slug in right_slugs
        )
    picks = question.choices.filter(site__slug__in=["fingers", "hands", "face", "knees"]).values_list("pk", flat=True)
    response = _record(_attempt_on(learner, question), question, picks)
    assert response.score == Decimal("0.5")  # three right regions, one wrong, of four


def test_numeric_answers_within_tolerance_are_right(learner, other_learner):
    question = QuestionFactory(kind="numeric", topic="laboratory", answer=Decimal("80"), tolerance=Decimal("0.5"))
    assert _record(_attempt_on(learner, question), question, value=Decimal("80.3")).is_correct
    assert not _record(_attempt_on(other_learner, question), question, value=Decimal("81")).is_correct


def test_numeric_needs_a_number(learner):
    question = QuestionFactory(kind="numeric", topic="laboratory", answer=Decimal("80"), tolerance=Decimal("0.5"))
    with pytest.raises(services.QuizError, match="Enter a number"):
        _record(_attempt_on(learner, question), question)


def test_numeric_text_is_a_400_on_the_page(learner_client, learner):
    question = QuestionFactory(kind="numeric", topic="laboratory", answer=Decimal("80"), tolerance=Decimal("0.5"))
    attempt = _attempt_on(learner, question)
    response = learner_client.post(
        f"/quizzes/attempts/{attempt.pk}/1/answer/", {"value": "eighty", "certainty": "sure"}
    )
    assert response.status_code == 400
    assert "Enter a number, such as 62.5 (or 62,5)." in response.content.decode()


@pytest.mark.parametrize("typed, stored", [("80,2", "80.2"), ("79,6", "79.6"), (" 80 ", "80"), ("−0,5", "-0.5")])
def test_a_numeric_answer_takes_a_comma_as_the_decimal_point(learner_client, learner, typed, stored):
    question = QuestionFactory(kind="numeric", topic="laboratory", answer=Decimal("80"), tolerance=Decimal("0.5"))
    attempt = _attempt_on(learner, question)
    response = learner_client.post(f"/quizzes/attempts/{attempt.pk}/1/answer/", {"value": typed, "certainty": "sure"})
    assert response.status_code == 302
    assert Response.objects.get(attempt=attempt).value == Decimal(stored)


@pytest.mark.parametrize(
    "typed, message",
    [("1,000", "Is 1,000 a decimal (1.000) or thousands (1000)?"), ("1.234,5", "without thousands separators")],
)
def test_an_ambiguous_comma_is_asked_about_not_guessed(learner_client, learner, typed, message):
    question = QuestionFactory(kind="numeric", topic="laboratory", answer=Decimal("80"), tolerance=Decimal("0.5"))
    attempt = _attempt_on(learner, question)
    response = learner_client.post(f"/quizzes/attempts/{attempt.pk}/1/answer/", {"value": typed, "certainty": "sure"})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Response.objects.filter(attempt=attempt).exists()


@pytest.mark.parametrize(
    "kind, correct, problem",
    [("single", 2, "exactly one correct"), ("multiple", 0, "at least one correct"), ("bodymap", 0, "correct region")],
)
def test_unanswerable_questions_are_named(kind, correct, problem):
    question = QuestionFactory.build(kind=kind)
    choices = [{"is_correct": i < correct} for i in range(4)]
    assert problem in " ".join(question.answerability_problems(choices))


def test_a_numeric_question_needs_an_answer_and_a_tolerance():
    assert QuestionFactory.build(kind="numeric", answer=None).answerability_problems([])
    assert not QuestionFactory.build(kind="numeric", answer=1, tolerance=0).answerability_problems([])


@pytest.mark.parametrize(
    "value, message",
    [
        ("1e20", "far too large"),
        ("-1e20", "far too small"),
        ("70.123456", "at most 4 digits"),
        ("nan", "Enter a number"),
    ],
)
def test_numeric_entries_that_cannot_be_stored_are_form_errors(learner_client, learner, value, message):
    question = QuestionFactory(kind="numeric", topic="laboratory", answer=Decimal("80"), tolerance=Decimal("0.5"))
    attempt = _attempt_on(learner, question)
    url = f"/quizzes/attempts/{attempt.pk}/1/"
    response = learner_client.post(url + "answer/", {"value": value, "certainty": "sure"})
    assert response.status_code == 400 and message in response.content.decode()
    assert learner_client.get(url).status_code == 200


def test_a_question_left_without_options_is_refused_not_a_500(learner_client, learner):
    question = QuestionFactory(kind="numeric", topic="laboratory", answer=None, tolerance=None)
    attempt = _attempt_on(learner, question)
    response = learner_client.post(f"/quizzes/attempts/{attempt.pk}/1/answer/", {"value": "70", "certainty": "sure"})
    assert response.status_code == 409 and "options are incomplete" in response.content.decode()
