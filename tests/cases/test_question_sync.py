"""A case question an instructor adds after a learner opened the case reaches that learner's attempt, once."""

import threading

import pytest
from django.db import connection
from django.test import Client

from cases import services
from cases.models import CaseProgress
from quizzes.models import Attempt, AttemptQuestion
from tests.cases.conftest import reveal, start
from tests.conftest import load_starter_content
from tests.factories import CaseFactory, StageFactory, question_with_choices

pytestmark = pytest.mark.django_db

DIFFERENTIAL = {"first": "dystrophic", "second": "osteoma-cutis", "third": "xanthomas", "certainty": "sure"}


def _slots(progress) -> list[tuple[str, int]]:
    return list(progress.attempt.slots.order_by("position").values_list("question__slug", "position"))


def test_a_question_added_after_the_start_appears_in_the_learners_attempt(learner_client, case):
    start(learner_client, case)
    progress = CaseProgress.objects.get()
    history = case.stages.get(order=1)
    question_with_choices(slug="added-later", topic="history", case=case, stage=history)
    learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", DIFFERENTIAL)
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert _slots(progress) == [("test-case-question", 1), ("added-later", 2)]  # at the next place
    assert 'id="question-card-2"' in body and f"/quizzes/attempts/{progress.attempt_id}/2/answer/" in body
    assert learner_client.get(f"/quizzes/attempts/{progress.attempt_id}/2/").status_code == 200


def test_syncing_twice_adds_it_once(learner, case):
    progress = services.progress_start(learner=learner, case=case)
    question_with_choices(slug="added-later", topic="history", case=case, stage=case.stages.get(order=2))
    services.progress_questions_sync(progress=progress)
    services.progress_questions_sync(progress=progress)
    services._questions_add(progress)  # even past the first check, the locked read finds nothing missing
    assert _slots(progress) == [("test-case-question", 1), ("added-later", 2)]


def test_a_revealed_stage_shows_a_question_added_since(learner_client, case):
    start(learner_client, case)
    learner_client.post(f"/cases/{case.slug}/stages/{case.stages.get(order=1).pk}/commit/", DIFFERENTIAL)
    question_with_choices(slug="added-later", topic="examination", case=case, stage=case.stages.get(order=2))
    response = reveal(learner_client, case, headers={"HX-Request": "true"})
    assert response.content.decode().count('class="case-answer-form"') == 2
    assert AttemptQuestion.objects.count() == 2


def test_a_case_without_questions_gets_an_attempt_when_one_is_added(learner_client, learner):
    case = CaseFactory(slug="no-questions")
    stage = StageFactory(case=case, order=1)
    StageFactory(case=case, order=2)
    progress = services.progress_start(learner=learner, case=case)
    assert progress.attempt is None
    question_with_choices(slug="first-question", topic="type", case=case, stage=stage)
    learner_client.get(case.get_absolute_url())
    progress.refresh_from_db()
    assert progress.attempt.mode == Attempt.Mode.CASE and _slots(progress) == [("first-question", 1)]


def test_an_unpublished_question_is_not_added(learner, case):
    progress = services.progress_start(learner=learner, case=case)
    question_with_choices(slug="draft", case=case, stage=case.stages.get(order=2), is_published=False)
    services.progress_questions_sync(progress=progress)
    assert _slots(progress) == [("test-case-question", 1)]


def test_an_earlier_take_is_left_as_it_was(learner_client, learner, case):
    from tests.every_page import finish_case

    old = finish_case(learner, case)
    learner_client.post(f"/cases/{case.slug}/retake/", {"take": old.number})
    question_with_choices(slug="added-later", case=case, stage=case.stages.get(order=2))
    old.attempt.refresh_from_db()
    services.progress_questions_sync(progress=old)
    learner_client.get(case.get_absolute_url())
    assert _slots(old) == [("test-case-question", 1)]
    assert _slots(CaseProgress.objects.get(number=2)) == [("test-case-question", 1), ("added-later", 2)]


PAGES = 8


@pytest.fixture
def starter_loaded(transactional_db):
    load_starter_content()  # the case's stages name calcinosis types: present whatever ran before on this database


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_page_views_add_a_new_question_once(starter_loaded, learner, case):
    """Eight tabs opening the case at the same moment, in real threads and transactions, add one place."""
    progress = services.progress_start(learner=learner, case=case)
    question_with_choices(slug="added-later", case=case, stage=case.stages.get(order=2))
    clients = [Client() for _ in range(PAGES)]
    for client in clients:
        client.force_login(learner)
    go = threading.Barrier(PAGES)
    outcomes: list = [None] * PAGES

    def view(index: int, client: Client) -> None:
        try:
            go.wait()
            outcomes[index] = client.get(case.get_absolute_url())
        except Exception as error:  # a crash is an outcome to report, not to lose in a thread
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=view, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(getattr(o, "status_code", None) == 200 for o in outcomes), outcomes
    assert _slots(progress) == [("test-case-question", 1), ("added-later", 2)]
