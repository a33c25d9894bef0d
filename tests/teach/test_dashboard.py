"""The instructors' dashboard: the cohort, the grade report, the way to item analysis; instructors only."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import services
from quizzes.models import Question
from tests.factories import UserFactory
from tests.teach.conftest import enrol

pytestmark = pytest.mark.django_db


def test_teach_needs_an_instructor(client, learner_client):
    assert client.get("/teach/").status_code in (302, 403)
    response = learner_client.get("/teach/")
    assert response.status_code == 403
    assert learner_client.get("/teach/grades.csv").status_code == 403


@pytest.mark.parametrize(
    ("staff", "in_group", "superuser", "status"),
    [(True, False, False, 403), (False, True, False, 403), (True, True, False, 200), (True, False, True, 200)],
)
def test_it_uses_the_one_definition_of_an_instructor(client, staff, in_group, superuser, status):
    """A staff account outside the Instructors group is not an instructor; a group member needs staff access too."""
    user = UserFactory(is_staff=staff, is_superuser=superuser)
    if in_group:
        user.groups.add(Group.objects.get(name="Instructors"))
    client.force_login(user)
    assert client.get("/teach/").status_code == status
    assert client.get("/teach/grades.csv").status_code == status
    nav = client.get("/quizzes/").content.decode()
    assert ('href="/teach/"' in nav) == (status == 200)
    assert ('href="/admin/"' in nav) == staff  # admin access is the staff flag's, instructor or not


def test_instructors_and_other_staff_are_not_listed_as_learners(instructor_client, learner):
    enrol(learner, UserFactory(username="helpdesk", is_staff=True), UserFactory(username="root", is_superuser=True))
    rows = list(csv.DictReader(io.StringIO(instructor_client.get("/teach/grades.csv").content.decode())))
    assert [row["username"] for row in rows] == ["learner"]


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
    return learner


def test_the_teach_page_shows_learners_and_links_the_item_analysis(instructor_client, learner):
    _answers(learner, 3)
    enrol(learner)
    body = instructor_client.get("/teach/").content.decode()
    assert "Learners: All your cohorts (1)" in body and f'<a href="/teach/learners/{learner.pk}/">learner</a>' in body
    assert "Item analysis" in body and 'href="/teach/items/"' in body
    assert 'href="/teach/grades.csv"' in body and 'href="/admin/"' in body


def test_the_grade_report_is_a_csv_row_per_learner(instructor_client, learner, other_learner):
    _answers(learner, 4)
    _answers(other_learner, 2, right=False)
    enrol(learner, other_learner)
    response = instructor_client.get("/teach/grades.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_name = {row["username"]: row for row in rows}
    assert set(by_name) == {"learner", "other"}
    assert by_name["learner"]["answers"] == "4" and by_name["learner"]["accuracy_percent"] == "100.0"
    assert by_name["other"]["accuracy_percent"] == "0.0" and by_name["other"]["quizzes_finished"] == "1"


def test_teach_costs_the_same_queries_for_a_bigger_cohort(instructor_client):
    cohort = enrol(_answers(UserFactory(), 2))
    instructor_client.get("/teach/")
    with CaptureQueriesContext(connection) as small:
        instructor_client.get("/teach/")
    for _ in range(8):
        cohort.learners.add(_answers(UserFactory(), 5))
    with CaptureQueriesContext(connection) as big:
        assert instructor_client.get("/teach/").status_code == 200
    assert len(big) == len(small)


def test_teach_rejects_post(instructor_client):
    assert instructor_client.post("/teach/").status_code == 405


def test_the_grade_report_defuses_spreadsheet_formulas(instructor_client, db):
    enrol(UserFactory(username="=cmd"))
    body = instructor_client.get("/teach/grades.csv").content.decode()
    assert "'=cmd" in body
