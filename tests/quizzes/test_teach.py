"""The instructors' view: the cohort, the grade report and item analysis; closed to learners."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import services
from quizzes.itemstats import analyse
from quizzes.models import Question
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_item_facility_is_the_mean_mark():
    stats = analyse([(1, 10, 1), (2, 10, 0), (3, 10, 1), (4, 10, 1)])
    assert stats[10].facility == 0.75 and stats[10].n == 4


def test_an_item_that_strong_learners_get_right_discriminates_positively():
    rows = []
    for learner, ability in enumerate([1, 1, 1, 0, 0, 0]):
        rows += [(learner, item, ability) for item in range(5)]  # five items that track ability
    assert analyse(rows)[0].discrimination > 0.9


def test_an_item_that_strong_learners_get_wrong_is_negative():
    rows = []
    for learner, ability in enumerate([1, 1, 1, 0, 0, 0]):
        rows += [(learner, item, ability) for item in range(4)]
        rows.append((learner, 99, 1 - ability))
    assert analyse(rows)[99].discrimination < 0


def test_discrimination_waits_for_enough_learners():
    assert analyse([(1, 1, 1), (1, 2, 0), (2, 1, 0), (2, 2, 1)])[1].discrimination is None


def test_teach_needs_an_instructor(client, learner_client):
    assert client.get("/teach/").status_code in (302, 403)
    response = learner_client.get("/teach/")
    assert response.status_code == 403
    assert learner_client.get("/teach/grades.csv").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get("/teach/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def _answers(learner, count, right=True):
    questions = list(Question.objects.for_quizzes().filter(kind="single")[:count])
    attempt = services.attempt_start(learner=learner, topics=[], size=count, question_ids=[q.pk for q in questions])
    for question in questions:
        choice = question.choices.filter(is_correct=right).first()
        services.response_record(
            attempt=attempt, question=question, choice_ids=[choice.pk], value=None, certainty="sure"
        )
    services.attempt_finish(attempt=attempt)


def test_the_teach_page_shows_learners_and_items(instructor_client, learner):
    _answers(learner, 3)
    body = instructor_client.get("/teach/").content.decode()
    assert "Learners (1)" in body and "learner" in body
    assert "Item analysis" in body and "Facility" in body
    assert 'href="/admin/quizzes/question/' in body


def test_the_grade_report_is_a_csv_row_per_learner(instructor_client, learner, other_learner):
    _answers(learner, 4)
    _answers(other_learner, 2, right=False)
    response = instructor_client.get("/teach/grades.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_name = {row["username"]: row for row in rows}
    assert set(by_name) == {"learner", "other"}
    assert by_name["learner"]["answers"] == "4" and by_name["learner"]["accuracy_percent"] == "100.0"
    assert by_name["other"]["accuracy_percent"] == "0.0" and by_name["other"]["quizzes_finished"] == "1"


def test_teach_costs_the_same_queries_for_a_bigger_cohort(instructor_client):
    _answers(UserFactory(), 2)
    instructor_client.get("/teach/")
    with CaptureQueriesContext(connection) as small:
        instructor_client.get("/teach/")
    for _ in range(8):
        _answers(UserFactory(), 5)
    with CaptureQueriesContext(connection) as big:
        assert instructor_client.get("/teach/").status_code == 200
    assert len(big) == len(small)


def test_teach_rejects_post(instructor_client):
    assert instructor_client.post("/teach/").status_code == 405


def test_the_grade_report_defuses_spreadsheet_formulas(instructor_client, db):
    UserFactory(username="=cmd")
    body = instructor_client.get("/teach/grades.csv").content.decode()
    assert "'=cmd" in body
