"""Question versions: an answer keeps the question it was scored on; an edited question is scored as edited."""

import pytest
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client

from quizzes import selectors, services
from quizzes.models import Choice, QuestionVersion, Response
from tests.factories import UserFactory, question_with_choices

pytestmark = pytest.mark.django_db


def _answer(learner, question, choice):
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    response = services.response_record(
        attempt=attempt, question=question, choice_ids=[choice.pk], value=None, certainty="sure"
    ).response
    services.attempt_finish(attempt=attempt)
    return attempt, response


def _swap_key(question) -> tuple[Choice, Choice]:
    """Make the first wrong option the key instead of the old one, as an instructor would in admin."""
    old = question.choices.get(is_correct=True)
    new = question.choices.filter(is_correct=False).first()
    Choice.objects.filter(pk=old.pk).update(is_correct=False)
    Choice.objects.filter(pk=new.pk).update(is_correct=True)
    return old, new


def test_answers_to_an_unchanged_question_share_one_version(learner, other_learner):
    question = question_with_choices(slug="q-one-version")
    key = question.choices.get(is_correct=True)
    _, first = _answer(learner, question, key)
    _, second = _answer(other_learner, question, key)
    assert first.version == second.version
    assert first.version.number == 1 and QuestionVersion.objects.count() == 1


def test_a_changed_key_keeps_old_marks_and_scores_new_answers_on_the_new_key(learner, other_learner):
    question = question_with_choices(slug="q-rekeyed")
    old_key = question.choices.get(is_correct=True)
    attempt, before = _answer(learner, question, old_key)
    old_key, new_key = _swap_key(question)
    _, after = _answer(other_learner, question, old_key)
    before.refresh_from_db()
    assert (before.score, before.is_correct, before.version.number) == (1, True, 1)
    assert (after.score, after.is_correct, after.version.number) == (0, False, 2)
    _, right_now = _answer(UserFactory(username="third"), question, new_key)
    assert right_now.is_correct and right_now.version.number == 2


def test_the_results_page_shows_the_version_and_the_key_it_was_marked_on(learner, learner_client):
    question = question_with_choices(slug="q-results")
    old_key = question.choices.get(is_correct=True)
    attempt, _ = _answer(learner, question, old_key)
    _swap_key(question)
    body = learner_client.get(f"/quizzes/attempts/{attempt.pk}/results/").content.decode()
    assert "version 1" in body
    marked = [item for item in body.split("<li") if "Correct answer</span>" in item]
    assert len(marked) == 1 and old_key.text in marked[0]


def test_progress_is_unchanged_by_a_new_key(learner, learner_client):
    question = question_with_choices(slug="q-progress")
    _answer(learner, question, question.choices.get(is_correct=True))
    before = learner_client.get("/progress/").content.decode().count("100%")
    _swap_key(question)
    assert learner_client.get("/progress/").content.decode().count("100%") == before
    assert Response.objects.get().score == 1


def test_an_answered_option_cannot_be_deleted_but_can_be_retired(learner, other_learner):
    question = question_with_choices(slug="q-retire")
    wrong = question.choices.filter(is_correct=False).first()
    attempt, response = _answer(learner, question, wrong)
    with pytest.raises(ProtectedError), transaction.atomic():
        wrong.delete()
    Choice.objects.filter(pk=wrong.pk).update(is_retired=True)
    assert list(response.choices.all()) == [wrong]
    new_attempt = services.attempt_start(learner=other_learner, topics=[], size=1, question_ids=[question.pk])
    client = Client()
    client.force_login(other_learner)
    page = client.get(f"/quizzes/attempts/{new_attempt.pk}/1/").content.decode()
    assert wrong.text not in page
    with pytest.raises(services.QuizError):
        services.response_record(
            attempt=new_attempt, question=question, choice_ids=[wrong.pk], value=None, certainty="sure"
        )


def test_admin_refuses_to_delete_an_answered_option(learner, instructor_client):
    question = question_with_choices(slug="q-admin-delete")
    chosen = question.choices.filter(is_correct=False).first()
    _answer(learner, question, chosen)
    url = f"/admin/quizzes/question/{question.pk}/change/"
    page = instructor_client.get(url)
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"slug": question.slug, "topic": question.topic, "kind": question.kind})
    data.update({"stem": question.stem, "teaching_point": question.teaching_point, "is_published": "on"})
    choices = list(question.choices.all())
    data.update(
        {
            "choices-TOTAL_FORMS": len(choices),
            "choices-INITIAL_FORMS": len(choices),
            "versions-TOTAL_FORMS": 1,
            "versions-INITIAL_FORMS": 1,
            "versions-0-id": question.versions.get().pk,
            "versions-0-question": question.pk,
        }
    )
    for i, c in enumerate(choices):
        data.update({f"choices-{i}-id": c.pk, f"choices-{i}-question": question.pk, f"choices-{i}-order": c.order})
        data.update({f"choices-{i}-text": c.text, f"choices-{i}-explanation": c.explanation})
        if c.is_correct:
            data[f"choices-{i}-is_correct"] = "on"
        if c.pk == chosen.pk:
            data[f"choices-{i}-DELETE"] = "on"
    response = instructor_client.post(url, data)
    assert response.status_code == 200
    assert "retire it instead of deleting it" in response.content.decode()
    assert Choice.objects.filter(pk=chosen.pk).exists()


def test_peers_are_counted_per_version(learner, other_learner):
    question = question_with_choices(slug="q-peers")
    key = question.choices.get(is_correct=True)
    _, first = _answer(learner, question, key)
    _swap_key(question)
    _, second = _answer(other_learner, question, key)
    first_peers = selectors.peer_choices(first.version_id)
    assert (first_peers["total"], first_peers["learners"], first_peers["share"]) == (1, 1, {key.pk: 100})
    assert selectors.peer_choices(second.version_id)["total"] == 1


def test_peers_shares_show_only_once_enough_learners_answered():
    question = question_with_choices(slug="q-few-peers")
    key = question.choices.get(is_correct=True)
    learners = UserFactory.create_batch(selectors.PEER_MINIMUM)
    for learner in learners[:-1]:
        _, response = _answer(learner, question, key)
    peers = selectors.peer_choices(response.version_id)
    assert peers["learners"] == selectors.PEER_MINIMUM - 1 and not peers["enough"]
    _answer(learners[-1], question, key)
    assert selectors.peer_choices(response.version_id)["enough"]


def test_item_analysis_has_a_row_per_version(learner, other_learner, instructor_client):
    question = question_with_choices(slug="q-items", topic="management")
    key = question.choices.get(is_correct=True)
    _answer(learner, question, key)
    _swap_key(question)
    _answer(other_learner, question, key)
    body = instructor_client.get("/teach/items/").content.decode()
    assert 'q-items</a> <span class="small text-body-secondary">version 1' in body
    assert 'q-items</a> <span class="small text-body-secondary">version 2' in body


def test_instructors_see_the_versions_on_a_questions_admin_page(learner, instructor_client):
    question = question_with_choices(slug="q-admin-versions")
    _answer(learner, question, question.choices.get(is_correct=True))
    body = instructor_client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
    assert "Versions answered by learners" in body
