"""The cohort's figures on the dashboard, read from grouped queries, are the engine's own."""

import pytest

from quizzes.models import Question
from quizzes.selectors import type_confusion
from teach.selectors import cohort_type_confusion
from tests.factories import CommitmentFactory, UserFactory
from tests.teach.conftest import answer

pytestmark = pytest.mark.django_db


def _matrix(confusion: dict):
    rows = [
        (row["type"].pk, [(c["chosen"].pk, c["n"], c["diagonal"]) for c in row["cells"]]) for row in confusion["rows"]
    ]
    return rows, confusion["top"], confusion["any"]


def test_the_cohort_confusion_is_the_engines():
    questions = list(Question.objects.for_quizzes().filter(kind="single", choices__ctype__isnull=False).distinct()[:4])
    assert len(questions) == 4
    for right in (True, False, False):
        answer(UserFactory(), questions, right=right)
    # A running exam's answers are not counted yet; a finished exam's are.
    answer(UserFactory(), questions, right=False, mode="exam", finish=False)
    answer(UserFactory(), questions[:2], right=False, mode="exam")
    CommitmentFactory(ranking=["dystrophic"])
    engine = type_confusion(None)
    assert engine["any"] and engine["top"]
    assert _matrix(cohort_type_confusion()) == _matrix(engine)


def test_with_no_answers_there_is_nothing_to_confuse():
    assert _matrix(cohort_type_confusion()) == _matrix(type_confusion(None))
    assert not cohort_type_confusion()["any"]
