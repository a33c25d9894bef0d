"""Cohorts: an instructor makes them, fills them (by name, email or a join code), and sees their learners only."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import Response
from teach.models import Cohort
from tests.factories import CaseProgressFactory, CommitmentFactory, UserFactory
from tests.teach.conftest import answer, enrol, singles

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(db):
    """Another instructor, with a cohort of their own."""
    user = UserFactory(username="colleague", is_staff=True)
    user.groups.add(Group.objects.get(name="Instructors"))
    return user


@pytest.fixture
def theirs(colleague):
    cohort = Cohort.objects.create(name="Their block")
    cohort.instructors.add(colleague)
    cohort.learners.add(UserFactory(username="stranger"))
    return cohort


def _grades(client, query: str = "") -> list[str]:
    return [row["username"] for row in csv.DictReader(io.StringIO(client.get(f"/teach/grades.csv{query}").text))]


def test_an_instructor_makes_a_cohort_and_gets_its_join_code(instructor_client, instructor):
    response = instructor_client.post("/teach/cohorts/", {"name": "Dermatology block, spring"})
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and response.url == f"/teach/?cohort={cohort.pk}#cohort-heading"
    assert list(cohort.instructors.all()) == [instructor] and len(cohort.join_code) == 8
    body = instructor_client.get(response.url).text
    assert "Dermatology block, spring" in body and cohort.join_code_display in body
    assert f'/teach/join/?code={cohort.join_code_display}"' in body


def test_a_cohort_needs_a_name(instructor_client):
    response = instructor_client.post("/teach/cohorts/", {"name": "  "}, follow=True)
    assert "Give the cohort a name." in response.text and not Cohort.objects.exists()


def test_an_instructor_sees_only_their_own_cohorts_learners(instructor_client, learner, theirs):
    enrol(learner)
    body = instructor_client.get("/teach/").text
    assert ">learner</a>" in body and "stranger" not in body and "Their block" not in body
    assert _grades(instructor_client) == ["learner"]


def test_another_instructors_cohort_is_a_404_everywhere(instructor_client, theirs):
    stranger = theirs.learners.get()
    assert instructor_client.get(f"/teach/?cohort={theirs.pk}").status_code == 404
    assert instructor_client.get(f"/teach/grades.csv?cohort={theirs.pk}").status_code == 404
    assert instructor_client.get(f"/teach/learners/{stranger.pk}/").status_code == 404
    assert instructor_client.post(f"/teach/cohorts/{theirs.pk}/learners/", {"people": "learner"}).status_code == 404
    assert instructor_client.post(f"/teach/cohorts/{theirs.pk}/code/", {"action": "renew"}).status_code == 404
    remove = f"/teach/cohorts/{theirs.pk}/learners/{stranger.pk}/remove/"
    assert instructor_client.post(remove).status_code == 404
    assert instructor_client.get("/teach/?cohort=abc").status_code == 404
    assert theirs.learners.get() == stranger


def test_without_a_cohort_an_instructor_is_told_how_to_make_one(instructor_client, learner):
    body = instructor_client.get("/teach/").text
    assert "You see the learners of your own cohorts" in body and 'class="table table-sm learners"' not in body
    assert _grades(instructor_client) == []


def test_a_superuser_sees_every_learner_and_every_cohort(client, learner, theirs):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    body = client.get("/teach/").text
    assert "Every learner" in body and ">learner</a>" in body and ">stranger</a>" in body
    assert client.get(f"/teach/?cohort={theirs.pk}").status_code == 200
    assert _grades(client, f"?cohort={theirs.pk}") == ["stranger"]


def test_one_cohort_is_shown_and_reported_alone(instructor_client, learner, other_learner):
    enrol(learner, name="Morning")
    evening = enrol(other_learner, name="Evening")
    body = instructor_client.get(f"/teach/?cohort={evening.pk}").text
    assert "Learners: Evening (1)" in body and ">other</a>" in body and ">learner</a>" not in body
    assert f'href="?cohort={evening.pk}&amp;sort=' in body  # sorting keeps the cohort
    assert _grades(instructor_client, f"?cohort={evening.pk}") == ["other"]
    response = instructor_client.get(f"/teach/grades.csv?cohort={evening.pk}")
    assert 'filename="calcinosis-grades-evening.csv"' in response["Content-Disposition"]


def test_learners_are_added_by_username_or_email(instructor_client, learner, other_learner):
    cohort = enrol(name="Block")
    staff = UserFactory(username="helpdesk", is_staff=True)
    people = f"learner, {other_learner.email.upper()}\nnobody@example.org {staff.username}"
    response = instructor_client.post(f"/teach/cohorts/{cohort.pk}/learners/", {"people": people}, follow=True)
    assert set(cohort.learners.all()) == {learner, other_learner}
    assert "Added to Block: learner, other." in response.text
    assert "No learner has the username or email nobody@example.org, helpdesk." in response.text
    again = instructor_client.post(f"/teach/cohorts/{cohort.pk}/learners/", {"people": "learner"}, follow=True)
    assert "Already in Block: learner." in again.text


def test_a_learner_is_removed_from_a_cohort_and_keeps_their_answers(instructor_client, learner):
    answer(learner, singles(2))
    cohort = enrol(learner)
    response = instructor_client.post(f"/teach/cohorts/{cohort.pk}/learners/{learner.pk}/remove/", follow=True)
    assert "learner left Test cohort." in response.text and not cohort.learners.exists()
    assert Response.objects.filter(attempt__learner=learner).count() == 2
    assert instructor_client.get(f"/teach/learners/{learner.pk}/").status_code == 404


def test_a_learner_joins_with_the_code_as_they_type_it(instructor, learner_client, learner):
    cohort = enrol(name="Block")
    typed = f" {cohort.join_code[:4].lower()} - {cohort.join_code[4:]} "
    response = learner_client.post("/teach/join/", {"code": typed})
    assert response.status_code == 302 and response.url == "/progress/"
    assert list(learner.cohorts.all()) == [cohort]
    progress = learner_client.get("/progress/").text
    assert "You joined Block." in progress and "You are in <strong>Block</strong>" in progress
    assert "already in Block" in learner_client.post("/teach/join/", {"code": cohort.join_code}, follow=True).text


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Type the code your instructor gave you."),
        ("ABC", "A join code has eight letters and digits"),
        ("ZZZZ-ZZZZ", "No class has that code."),
    ],
)
def test_a_wrong_code_is_explained_on_the_form(learner_client, learner, code, message):
    response = learner_client.post("/teach/join/", {"code": code})
    assert response.status_code == 400 and message in response.text and not learner.cohorts.exists()


def test_a_closed_cohort_or_a_renewed_code_takes_nobody_new(instructor_client, learner):
    learner_client = Client()  # the learner on their own device; the instructor keeps the other
    learner_client.force_login(learner)
    cohort = enrol(name="Block")
    old = cohort.join_code
    instructor_client.post(f"/teach/cohorts/{cohort.pk}/code/", {"action": "close"})
    refused = learner_client.post("/teach/join/", {"code": old})
    assert refused.status_code == 400 and "is not taking new learners" in refused.text
    instructor_client.post(f"/teach/cohorts/{cohort.pk}/code/", {"action": "open"})
    instructor_client.post(f"/teach/cohorts/{cohort.pk}/code/", {"action": "renew"})
    cohort.refresh_from_db()
    assert cohort.join_code != old and cohort.is_open
    assert learner_client.post("/teach/join/", {"code": old}).status_code == 400
    assert learner_client.post("/teach/join/", {"code": cohort.join_code}).status_code == 302
    assert instructor_client.post(f"/teach/cohorts/{cohort.pk}/code/", {"action": "x"}).status_code == 400


def test_an_instructor_cannot_join_as_a_learner(instructor_client):
    cohort = enrol(name="Block")
    response = instructor_client.post("/teach/join/", {"code": cohort.join_code})
    assert response.status_code == 400 and "cannot join a class" in response.text


def test_a_shared_link_opens_the_form_filled_in(learner_client):
    body = learner_client.get("/teach/join/?code=ABCD-2345").text
    assert 'value="ABCD-2345"' in body


def test_the_learners_page_shows_topics_confusion_and_case_decisions(instructor_client, learner):
    answer(learner, singles(3), right=False)
    decision = CommitmentFactory(progress=CaseProgressFactory(learner=learner), ranking=["metastatic", "dystrophic"])
    enrol(learner)
    body = instructor_client.get(f"/teach/learners/{learner.pk}/").text
    assert "<h1>learner</h1>" in body and "3 answers" in body
    assert "Accuracy by topic" in body and "Which types learner confuses" in body
    case = decision.progress.case
    assert case.title in body and decision.stage.title in body
    assert re.search(r"<strong>Metastatic</strong>, Dystrophic", body)
    assert "Remove from Test cohort" in body


def test_the_cohort_confusion_counts_its_own_case_decisions_only(instructor_client, learner, other_learner):
    CommitmentFactory(progress=CaseProgressFactory(learner=learner), ranking=["metastatic"])
    CommitmentFactory(progress=CaseProgressFactory(learner=other_learner), ranking=["iatrogenic"])
    mine = enrol(learner)
    body = instructor_client.get(f"/teach/?cohort={mine.pk}").text
    assert "chose <strong>Metastatic</strong>" in body and "chose <strong>Iatrogenic</strong>" not in body


def test_a_cohort_and_a_learner_cost_the_same_queries_however_much_they_did(instructor_client, learner):
    cohort = enrol(learner)

    def costs() -> tuple[int, int]:
        counts = []
        for path in (f"/teach/?cohort={cohort.pk}", f"/teach/learners/{learner.pk}/"):
            with CaptureQueriesContext(connection) as queries:
                assert instructor_client.get(path).status_code == 200
            counts.append(len(queries))
        return tuple(counts)

    answer(learner, singles(1))
    CommitmentFactory(progress=CaseProgressFactory(learner=learner))
    small = costs()
    for _ in range(3):
        answer(learner, singles(4), right=False)
        CommitmentFactory(progress=CaseProgressFactory(learner=learner))
    cohort.learners.add(*[UserFactory() for _ in range(5)])
    assert costs() == small


def test_the_admin_lists_an_instructors_own_cohorts(instructor_client, instructor, theirs):
    mine = enrol(name="Mine")
    body = instructor_client.get("/admin/teach/cohort/").text
    assert "Mine" in body and "Their block" not in body
    assert instructor_client.get(f"/admin/teach/cohort/{theirs.pk}/change/").status_code == 302  # not found: back
    assert instructor_client.get(f"/admin/teach/cohort/{mine.pk}/change/").status_code == 200


def test_a_running_exams_marks_stay_hidden_from_the_instructor_too(instructor_client, learner):
    answer(learner, singles(2), right=False, mode="exam", finish=False)
    cohort = enrol(learner)
    assert "0 answers" in instructor_client.get(f"/teach/learners/{learner.pk}/").text
    table = instructor_client.get(f"/teach/?cohort={cohort.pk}").text
    assert re.search(r">learner</a></td><td>0</td><td>–</td>", table)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/teach/cohorts/"),
        ("post", "/teach/cohorts/{cohort}/learners/"),
        ("post", "/teach/cohorts/{cohort}/learners/{learner}/remove/"),
        ("post", "/teach/cohorts/{cohort}/code/"),
        ("get", "/teach/learners/{learner}/"),
    ],
)
def test_learners_and_visitors_cannot_use_the_instructors_pages(client, learner, method, path):
    cohort = Cohort.objects.create(name="Block")
    cohort.learners.add(learner)
    url = path.format(cohort=cohort.pk, learner=learner.pk)
    anonymous = getattr(client, method)(url, {"action": "renew", "people": "learner", "name": "x"})
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    client.force_login(learner)
    assert getattr(client, method)(url, {"action": "renew", "people": "learner", "name": "x"}).status_code == 403
    assert Cohort.objects.get().join_code == cohort.join_code and Cohort.objects.count() == 1


@pytest.mark.parametrize(
    "path", ["/teach/cohorts/", "/teach/cohorts/1/learners/", "/teach/cohorts/1/code/", "/teach/cohorts/1/leave/"]
)
def test_the_actions_refuse_a_get(instructor_client, path):
    assert instructor_client.get(path).status_code == 405


def test_a_learner_leaves_a_cohort_from_their_progress_page(instructor, learner_client, learner):
    cohort = enrol(learner, name="Block")
    assert "Leave Block" in learner_client.get("/progress/").text
    response = learner_client.post(f"/teach/cohorts/{cohort.pk}/leave/", follow=True)
    assert "You left Block." in response.text and not cohort.learners.exists()
    assert learner_client.post(f"/teach/cohorts/{cohort.pk}/leave/").status_code == 404


def test_a_member_of_a_closed_cohort_is_told_they_are_in_it(instructor, learner_client, learner):
    cohort = enrol(learner, name="Block")
    cohort.is_open = False
    cohort.save()
    response = learner_client.post("/teach/join/", {"code": cohort.join_code}, follow=True)
    assert "You are already in Block." in response.text


def test_guessing_codes_is_stopped_after_twenty_tries(instructor, learner_client, learner):
    cohort = enrol(name="Block")
    for _ in range(20):
        assert "No class has that code." in learner_client.post("/teach/join/", {"code": "ZZZZ-ZZZZ"}).text
    refused = learner_client.post("/teach/join/", {"code": cohort.join_code})
    assert refused.status_code == 400 and "Too many codes that did not work" in refused.text
    assert not cohort.learners.exists()


def test_instructors_are_not_offered_a_join_box(instructor_client):
    assert "Your classes" not in instructor_client.get("/progress/").text


def test_adding_many_learners_costs_the_same_queries_as_adding_one(instructor_client):
    cohort = enrol(name="Block")
    people = [UserFactory(username=f"p{i:02d}") for i in range(30)]

    def cost(names: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            instructor_client.post(f"/teach/cohorts/{cohort.pk}/learners/", {"people": names})
        return len(queries)

    one = cost("p00")
    many = cost(" ".join(p.username for p in people[1:]) + " nobody@example.org")
    assert many == one and cohort.learners.count() == 30


def test_an_instructor_unlocks_a_learner_locked_out_by_wrong_passwords(instructor_client, learner):
    from tests.conftest import PASSWORD

    enrol(learner)
    device = Client()
    for _ in range(5):
        device.post("/accounts/login/", {"username": "learner", "password": "wrong"})
    assert device.post("/accounts/login/", {"username": "learner", "password": PASSWORD}).status_code == 429
    response = instructor_client.post(f"/teach/learners/{learner.pk}/unlock/", follow=True)
    assert "learner can log in again now" in response.text
    assert device.post("/accounts/login/", {"username": "learner", "password": PASSWORD}).status_code == 302


def test_only_ones_own_learners_are_unlocked(instructor_client, theirs):
    stranger = theirs.learners.get()
    assert instructor_client.post(f"/teach/learners/{stranger.pk}/unlock/").status_code == 404
    assert instructor_client.get(f"/teach/learners/{stranger.pk}/unlock/").status_code == 405


def test_the_grade_report_has_a_column_per_topic_and_per_case(instructor_client, learner):
    answer(learner, singles(2), right=True)
    done = CaseProgressFactory(learner=learner, completed=timezone.now())
    CommitmentFactory(progress=done, score=Decimal("0.5"))
    cohort = enrol(learner)
    rows = list(csv.DictReader(io.StringIO(instructor_client.get(f"/teach/grades.csv?cohort={cohort.pk}").text)))
    [row] = rows
    topic = singles(1)[0].topic
    assert row[f"topic_{topic}_percent"] == "100.0" and row["topic_management_percent"] == ""
    assert row[f"case_{done.case.slug}_reasoning_percent"] == "50.0"
    mine = f"case_{done.case.slug}_reasoning_percent"
    other_cases = [k for k in row if k.startswith("case_") and k not in (mine, "case_reasoning_percent")]
    assert other_cases and all(row[k] == "" for k in other_cases)
