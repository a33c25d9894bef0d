"""Progress and the review queue read the stored responses, only the learner's own, at a fixed cost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calcinosis.models import CalcinosisType
from quizzes import services
from quizzes.models import Attempt, Choice, ReviewCard
from tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def _type_question(right: str, options=("dystrophic", "metastatic", "idiopathic")):
    question = QuestionFactory(topic="type")
    for i, slug in enumerate(options):
        ctype = CalcinosisType.objects.get(slug=slug)
        Choice.objects.create(question=question, order=i, text=ctype.name, ctype=ctype, is_correct=slug == right)
    question.types.add(CalcinosisType.objects.get(slug=right))
    return question


def _answer(learner, question, chosen_slug, certainty="unsure", now=None):
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    choice = question.choices.get(ctype__slug=chosen_slug)
    services.response_record(
        attempt=attempt, question=question, choice_ids=[choice.pk], value=None, certainty=certainty, now=now
    )
    services.attempt_finish(attempt=attempt)
    return attempt


def test_progress_needs_an_account(client):
    response = client.get("/progress/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/progress/"


def test_progress_counts_answers_and_shows_the_confusion(learner_client, learner):
    question = _type_question("dystrophic")
    _answer(learner, question, "metastatic")
    _answer(learner, question, "metastatic")
    _answer(learner, question, "dystrophic")
    body = learner_client.get("/progress/").content.decode()
    assert "3 answered" in body
    assert "you chose <strong>Metastatic</strong> when it was <strong>Dystrophic</strong> (2×)" in body


def test_the_confusion_matrix_counts_chosen_against_right(learner):
    from quizzes.selectors import type_confusion

    question = _type_question("idiopathic")
    _answer(learner, question, "dystrophic")
    matrix = type_confusion(learner)
    row = next(r for r in matrix["rows"] if r["type"].slug == "idiopathic")
    cells = {c["chosen"].slug: c["n"] for c in row["cells"]}
    assert cells["dystrophic"] == 1 and cells["idiopathic"] == 0 and row["total"] == 1


def test_progress_shows_only_the_learners_own_answers(learner_client, other_learner):
    _answer(other_learner, _type_question("dystrophic"), "metastatic")
    body = learner_client.get("/progress/").content.decode()
    assert "0 answered" in body and "Metastatic</strong> when" not in body


def test_progress_costs_the_same_queries_however_long_the_history(learner_client, learner):
    question = _type_question("dystrophic")
    _answer(learner, question, "dystrophic")
    learner_client.get("/progress/")
    with CaptureQueriesContext(connection) as short:
        learner_client.get("/progress/")
    for i in range(30):
        _answer(learner, question, ["dystrophic", "metastatic", "idiopathic"][i % 3])
    with CaptureQueriesContext(connection) as long:
        assert learner_client.get("/progress/").status_code == 200
    assert len(long) == len(short) == 15, [q["sql"][:80] for q in long]  # 15 with the classes (teach)


def test_a_wrong_answer_comes_back_sooner_than_a_sure_right_one(learner, other_learner):
    question = _type_question("dystrophic")
    now = timezone.now()
    _answer(learner, question, "metastatic", "sure", now=now)
    _answer(other_learner, question, "dystrophic", "sure", now=now)
    wrong = ReviewCard.objects.get(learner=learner)
    right = ReviewCard.objects.get(learner=other_learner)
    assert wrong.last_rating == 1 and right.last_rating == 4
    assert now < wrong.due < right.due
    assert right.due - now >= timedelta(days=1)


def test_certainty_shapes_the_schedule(learner, other_learner):
    question = _type_question("dystrophic")
    now = timezone.now()
    _answer(learner, question, "dystrophic", "guess", now=now)
    _answer(other_learner, question, "dystrophic", "unsure", now=now)
    guessed = ReviewCard.objects.get(learner=learner)
    unsure = ReviewCard.objects.get(learner=other_learner)
    assert guessed.last_rating == 2 and unsure.last_rating == 3
    assert guessed.due <= unsure.due


def test_a_second_review_builds_on_the_stored_card(learner):
    question = _type_question("dystrophic")
    now = timezone.now()
    _answer(learner, question, "dystrophic", "unsure", now=now)
    first = ReviewCard.objects.get()
    _answer(learner, question, "dystrophic", "unsure", now=first.due)
    second = ReviewCard.objects.get()
    assert second.reviews == 2
    assert second.due - first.due > first.due - now


def test_review_lists_due_questions_and_starts_a_session(learner_client, learner):
    question = _type_question("dystrophic")
    _answer(learner, question, "metastatic", now=timezone.now() - timedelta(days=1))
    body = learner_client.get("/review/").content.decode()
    assert "1</strong> question due now" in body
    assert "badge" in body  # the due count in the navigation
    response = learner_client.post("/review/start/")
    attempt = Attempt.objects.filter(mode="review").get()
    assert response.url == f"/quizzes/attempts/{attempt.pk}/1/"
    assert list(attempt.questions.all()) == [question]


def test_review_with_nothing_due_says_so(learner_client):
    assert "Nothing is due right now" in learner_client.get("/review/").content.decode()
    response = learner_client.post("/review/start/", follow=True)
    assert "Nothing is due for review right now" in response.content.decode()


def test_an_empty_review_queue_offers_the_weakest_topic_and_a_case(learner_client, learner):
    question = _type_question("dystrophic")
    for chosen in ("metastatic", "metastatic", "dystrophic"):
        _answer(learner, question, chosen, now=timezone.now())  # due later: nothing due now
    body = learner_client.get("/review/").content.decode()
    assert "Nothing is due right now" in body and "comes back in " in body
    assert "Practise type</button>" in body
    assert "33% over 3 answers" in body and 'href="/cases/"' in body
    response = learner_client.post("/quizzes/start/", {"topics": "type", "size": 10, "pool": "all", "mode": "tutor"})
    assert response.status_code == 302  # the one-click practice quiz the page's form posts


def test_review_start_rejects_get(learner_client):
    assert learner_client.get("/review/start/").status_code == 405


def test_an_unpublished_question_leaves_the_review_queue(learner_client, learner):
    question = _type_question("dystrophic")
    _answer(learner, question, "metastatic", now=timezone.now() - timedelta(days=1))
    question.is_published = False
    question.save()
    body = learner_client.get("/review/").content.decode()
    assert "Nothing is due right now" in body and "badge" not in body
