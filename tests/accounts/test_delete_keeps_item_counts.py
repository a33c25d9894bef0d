"""A deleted account's answers leave the cohort reports, yet still count, anonymously, in the item statistics."""

import csv
import io
import math

import pytest

from accounts.services import account_delete
from quizzes import services
from quizzes.models import DeletedAnswerTally, Question, Response
from teach import itemstats
from teach.selectors import item_figures
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.teach.conftest import enrol

pytestmark = pytest.mark.django_db

URL = "/accounts/delete/"


def _questions(count: int) -> list[Question]:
    return list(Question.objects.for_quizzes().filter(kind="single")[:count])


def _answer(learner, questions, right=True) -> None:
    attempt = services.attempt_start(
        learner=learner, topics=[], size=len(questions), question_ids=[q.pk for q in questions]
    )
    for question, is_right in zip(
        questions, right if isinstance(right, list) else [right] * len(questions), strict=True
    ):
        choice = question.choices.filter(is_correct=is_right).first()
        services.response_record(
            attempt=attempt, question=question, choice_ids=[choice.pk], value=None, certainty="sure"
        )


def _item_row(client, question) -> dict:
    rows = csv.DictReader(io.StringIO(client.get("/teach/items.csv").content.decode()))
    return next(row for row in rows if row["question"] == question.slug)


def test_the_item_analysis_still_counts_a_deleted_learners_answer(
    learner_client, learner, other_learner, client, instructor
):
    [question] = _questions(1)
    _answer(learner, [question], right=True)
    _answer(other_learner, [question], right=False)
    enrol(learner, other_learner)
    assert learner_client.post(URL, {"password": PASSWORD}).status_code == 302
    assert not Response.objects.filter(question=question, attempt__learner__username="learner").exists()
    client.force_login(instructor)
    assert _item_row(client, question) == {
        "question": question.slug,
        "case": "",
        "version": "1",
        "n": "2",
        "facility": "0.500",
        "discrimination": "",
        "concern": "",
    }
    body = client.get("/teach/items/").content.decode()
    right, wrong = question.choices.get(is_correct=True).text, question.choices.filter(is_correct=False).first().text
    assert f"<strong>✓ {right}</strong>: 50%" in body and f"{wrong}: 50%" in body
    # ...and the learner is gone from the cohort reports.
    dashboard = client.get("/teach/").content.decode()
    assert "Learners: All your cohorts (1)" in dashboard and ">learner</a>" not in dashboard
    grades = csv.DictReader(io.StringIO(client.get("/teach/grades.csv").content.decode()))
    assert [row["username"] for row in grades] == ["other"]


def test_the_tally_holds_counts_and_nothing_that_names_the_learner(learner):
    questions = _questions(2)
    _answer(learner, questions, right=[True, False])
    _answer(learner, questions[:1], right=False)  # answered again in another quiz: one learner, two answers
    chosen = {c.pk for r in Response.objects.filter(attempt__learner=learner) for c in r.choices.all()}
    account_delete(user=learner)
    first, second = (DeletedAnswerTally.objects.get(version__question=q) for q in questions)
    assert (first.answers, first.learners, first.score_sum) == (2, 1, 0.5)
    assert (second.answers, second.learners, second.score_sum) == (1, 1, 0.0)
    assert sum(first.picks.values()) == 2 and {int(pk) for t in (first, second) for pk in t.picks} == chosen
    fields = {f.name for f in DeletedAnswerTally._meta.get_fields()}
    assert fields == {"id", "version", "answers", "learners", "score_sum", "picks"}


def test_deleted_learners_add_up(learner, other_learner):
    [question] = _questions(1)
    _answer(learner, [question], right=True)
    _answer(other_learner, [question], right=False)
    account_delete(user=learner)
    account_delete(user=other_learner)
    tally = DeletedAnswerTally.objects.get()
    assert (tally.answers, tally.learners, tally.score_sum) == (2, 2, 1.0) and sum(tally.picks.values()) == 2


def test_discrimination_is_from_the_remaining_learners_only():
    questions = _questions(4)
    learners = [UserFactory() for _ in range(7)]
    for i, learner in enumerate(learners):
        _answer(learner, questions, right=[i < 3, i < 4, i % 2 == 0, i > 3])
    remaining = Response.objects.exclude(attempt__learner=learners[-1])
    want = itemstats.analyse(list(remaining.values_list("attempt__learner", "version", "score")))
    account_delete(user=learners[-1])
    figures = item_figures()
    for version, stats in want.items():
        assert figures[version]["n"] == stats.n + 1
        assert figures[version]["discrimination"] is not None
        assert math.isclose(figures[version]["discrimination"], stats.discrimination)


def test_a_learner_with_no_answers_leaves_no_tally(learner):
    account_delete(user=learner)
    assert not DeletedAnswerTally.objects.exists()


def test_a_refused_deletion_keeps_no_tally(learner_client, learner):
    _answer(learner, _questions(1))
    assert learner_client.post(URL, {"password": "not my password"}).status_code == 400
    assert not DeletedAnswerTally.objects.exists()
