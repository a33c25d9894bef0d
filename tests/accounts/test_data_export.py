"""A learner downloads all of their own data, and nothing of anyone else's."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quizzes import services
from tests.accounts.conftest import make_history
from tests.factories import UserFactory, question_with_choices

URL = "/accounts/data.json"


def _download(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="calcinosis-cutis-data-')
    return json.loads(response.content)


def test_it_needs_an_account(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_rejects_post(learner_client):
    assert learner_client.post(URL).status_code == 405


def test_it_holds_everything_the_learner_did(learner_client, history):
    data = _download(learner_client)
    assert data["profile"] == {
        "username": "learner",
        "email": "learner@example.org",
        "joined": data["profile"]["joined"],
        "time_zone": "",
    }
    assert data["profile"]["joined"]
    answers = data["answers"]
    assert [a["question"] for a in answers] == ["hist-0", "hist-1", "hist-2"]
    first = answers[0]
    assert first["version"] == 1 and first["certainty"] == "sure" and first["answered_at"]
    assert first["options_chosen"] == [first["options_chosen"][0]] and first["options_chosen"][0].startswith("Option")
    assert first["score"] == "0.0000" and first["correct"] is False
    assert answers[1]["score"] == "1.0000" and answers[1]["correct"] is True
    assert len(data["attempts"]) == 1 and data["attempts"][0]["mode"] == "tutor"
    assert data["notes"] == [
        {"question": "hist-0", "text": "My note: think of dermatomyositis.", "updated": data["notes"][0]["updated"]}
    ]
    assert [f["question"] for f in data["flags"]] == ["hist-2"]
    assert {c["question"] for c in data["review_cards"]} == {"hist-0", "hist-1", "hist-2"}
    assert all(c["reviews"] >= 1 and c["due"] and c["last_rating"] for c in data["review_cards"])
    [case] = data["cases"]
    assert case["case"] == "hist-case"
    assert case["commitments"][0]["ranking"] == ["dystrophic"] and case["commitments"][0]["certainty"] == "sure"
    [report] = data["problem_reports"]
    assert report["comment"] == "Unclear." and report["status"] == "open"


def test_an_option_is_named_as_the_learner_saw_it(learner_client, history):
    from quizzes.models import Response

    response = Response.objects.get(question__slug="hist-0")
    chosen = response.choices.get()
    seen = chosen.text
    chosen.text = "Reworded since"
    chosen.save()
    assert _download(learner_client)["answers"][0]["options_chosen"] == [seen]


def test_it_holds_nothing_of_another_learner(learner_client, history, other_learner):
    make_history(other_learner, 2, tag="-other")
    text = json.dumps(_download(learner_client))
    assert "other" not in text
    assert "hist-other" not in text and "Unclear-other" not in text


def test_a_new_learner_gets_an_empty_history(client, db):
    client.force_login(UserFactory(username="fresh"))
    data = _download(client)
    assert data["profile"]["username"] == "fresh"
    assert all(data[key] == [] for key in data if key != "profile")


@pytest.mark.django_db
def test_it_costs_the_same_queries_for_a_long_history(client):
    short, long = UserFactory(), UserFactory()
    make_history(short, 1, tag="-s")
    make_history(long, 12, tag="-l")
    for extra in range(3):
        make_history(long, 2, tag=f"-l{extra}")
    client.force_login(short)
    with CaptureQueriesContext(connection) as few:
        _download(client)
    client.force_login(long)
    with CaptureQueriesContext(connection) as many:
        data = _download(client)
    assert len(data["answers"]) == 18 and len(data["cases"]) == 4
    assert len(many) == len(few)


def test_a_running_exam_keeps_its_marks_out_of_the_download(learner_client, learner):
    question = question_with_choices(topic="management", slug="exam-q")
    exam = services.attempt_start(learner=learner, topics=[], size=1, mode="exam", question_ids=[question.pk])
    wrong = question.choices.filter(is_correct=False).first()
    services.response_record(attempt=exam, question=question, choice_ids=[wrong.pk], value=None, certainty="sure")
    answer = _download(learner_client)["answers"][0]
    assert answer["score"] is None and answer["correct"] is None
    services.attempt_finish(attempt=exam)
    answer = _download(learner_client)["answers"][0]
    assert answer["correct"] is False


def test_it_names_the_classes_the_learner_is_in(learner_client, learner, instructor):
    from teach.models import Cohort

    Cohort.objects.create(name="Dermatology block").learners.add(learner)
    Cohort.objects.get().instructors.add(instructor)
    assert _download(learner_client)["classes"] == [{"class": "Dermatology block", "instructors": ["instructor"]}]
