"""Twenty identical answers posted at the same moment record one answer and one review, on SQLite and PostgreSQL.

The posts run in real threads, each with its own Client and so its own database connection, in real transactions
(a test transaction would hide the locking): a double click times twenty.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from quizzes import services
from quizzes.models import Response, ReviewCard
from tests.factories import question_with_choices

POSTS = 20

# Committed data, so every thread's connection sees it; the serialized copy puts the starter content back afterwards.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _post_together(clients: list[Client], url: str, data: dict) -> list:
    """Post from every client at once; what each got back, or the exception it raised."""
    start = threading.Barrier(len(clients))
    outcomes: list = [None] * len(clients)

    def post(index: int, client: Client) -> None:
        try:
            start.wait()
            outcomes[index] = client.post(url, data, HTTP_HX_REQUEST="true")
        except Exception as error:  # a crash is an outcome to report, not to lose in a thread
            outcomes[index] = error
        finally:
            connection.close()  # this thread's own connection, so the test database can be flushed after

    threads = [threading.Thread(target=post, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@committed
def test_simultaneous_identical_answers_record_one_response_and_one_review(learner):
    question = question_with_choices(topic="management", slug="answered-twenty-times")
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    right = question.choices.get(is_correct=True)
    clients = [Client() for _ in range(POSTS)]
    for client in clients:
        client.force_login(learner)

    outcomes = _post_together(
        clients, f"/quizzes/attempts/{attempt.pk}/1/answer/", {"choice": right.pk, "certainty": "sure"}
    )

    failures = [o for o in outcomes if isinstance(o, BaseException) or o is None or o.status_code >= 500]
    assert not failures, failures
    assert all(o.status_code == 200 and b"database is locked" not in o.content for o in outcomes)
    assert Response.objects.filter(attempt=attempt, question=question).count() == 1
    card = ReviewCard.objects.get(learner=learner, question=question)
    assert card.reviews == 1
