"""After a quiz: see only what went wrong, retry it or the flagged ones; from a reference section: quiz me on it."""

import pytest

from calcinosis.models import Section
from quizzes import services
from quizzes.models import Attempt, Flag, Question

pytestmark = pytest.mark.django_db


def _finished(learner, own_bank, right_positions):
    attempt = services.attempt_start(learner=learner, topics=[], size=5, question_ids=[q.pk for q in own_bank])
    for slot in attempt.slots.select_related("question"):
        if slot.position in right_positions or slot.position == 5:  # 5 is answered wrongly
            key = slot.question.choices.filter(is_correct=slot.position != 5).first()
            services.response_record(
                attempt=attempt, question=slot.question, choice_ids=[key.pk], value=None, certainty="sure"
            )
    services.attempt_finish(attempt=attempt)
    return attempt


def test_results_can_show_only_what_was_not_fully_right(learner_client, learner, own_bank):
    attempt = _finished(learner, own_bank, right_positions={1, 2})  # 3 and 4 unanswered, 5 wrong
    body = learner_client.get(f"/quizzes/attempts/{attempt.pk}/results/?show=incorrect").content.decode()
    assert "Not fully right (3)" in body and 'aria-current="page">Not fully right' in body
    assert 'id="item-3"' in body and 'id="item-5"' in body and 'id="item-1"' not in body
    everything = learner_client.get(f"/quizzes/attempts/{attempt.pk}/results/?show=nonsense").content.decode()
    assert 'id="item-1"' in everything  # an unknown filter shows everything


def test_retrying_the_incorrect_starts_a_tutor_quiz_of_them_in_order(learner_client, learner, own_bank):
    attempt = _finished(learner, own_bank, right_positions={1, 2})
    response = learner_client.post(f"/quizzes/attempts/{attempt.pk}/retry/", {"which": "incorrect"})
    retry = Attempt.objects.exclude(pk=attempt.pk).get()
    assert response.url == f"/quizzes/attempts/{retry.pk}/1/"
    assert list(retry.slots.values_list("question__slug", flat=True)) == ["own-2", "own-3", "own-4"]
    assert retry.mode == "tutor"


def test_retrying_the_flagged_ones(learner_client, learner, own_bank):
    attempt = _finished(learner, own_bank, right_positions={1, 2, 3, 4})
    Flag.objects.create(learner=learner, question=own_bank[1])
    learner_client.post(f"/quizzes/attempts/{attempt.pk}/retry/", {"which": "flagged"})
    retry = Attempt.objects.exclude(pk=attempt.pk).get()
    assert list(retry.slots.values_list("question", flat=True)) == [own_bank[1].pk]


def test_nothing_to_retry_says_so_and_a_bad_choice_is_a_400(learner_client, learner, own_bank):
    attempt = _finished(learner, own_bank, right_positions={1, 2, 3, 4})
    response = learner_client.post(f"/quizzes/attempts/{attempt.pk}/retry/", {"which": "flagged"}, follow=True)
    assert "No questions of that quiz are flagged." in response.content.decode()
    assert learner_client.post(f"/quizzes/attempts/{attempt.pk}/retry/", {"which": "all"}).status_code == 400
    assert Attempt.objects.count() == 1


def test_quiz_me_on_this_section_starts_a_quiz_of_its_questions(learner_client):
    section = Section.objects.published().filter(pk__in=Question.objects.for_quizzes().values("section")).first()
    page = learner_client.get(section.get_absolute_url()).content.decode()
    assert f'action="/quizzes/start/section/{section.slug}/"' in page and "Quiz me on this section" in page
    response = learner_client.post(f"/quizzes/start/section/{section.slug}/")
    attempt = Attempt.objects.get()
    assert response.url == f"/quizzes/attempts/{attempt.pk}/1/"
    assert 1 <= attempt.slots.count() <= 10
    assert set(attempt.questions.values_list("section", flat=True)) == {section.pk}


def test_a_visitor_is_asked_to_log_in_and_the_page_holds_no_token(client):
    section = Section.objects.published().first()
    body = client.get(section.get_absolute_url()).content.decode()
    assert "Log in to quiz yourself on it" in body and "csrfmiddlewaretoken" not in body


def test_a_section_without_questions_says_so(learner_client):
    section = Section.objects.published().exclude(pk__in=Question.objects.for_quizzes().values("section")).first()
    if section is None:
        pytest.skip("every section has quiz questions")
    response = learner_client.post(f"/quizzes/start/section/{section.slug}/", follow=True)
    assert "There are no quiz questions on" in response.content.decode() and not Attempt.objects.exists()


def test_an_unknown_section_is_a_404(learner_client):
    assert learner_client.post("/quizzes/start/section/no-such-section/").status_code == 404


def test_only_a_path_on_this_site_is_a_way_back(learner_client, learner, own_bank):
    attempt = _finished(learner, own_bank, right_positions={1, 2})
    _, response = attempt, attempt.responses.first()
    rated = learner_client.post(f"/review/answers/{response.pk}/rate/", {"rating": "3", "next": "/\\evil.example"})
    assert rated.status_code in (302, 409) and "evil.example" not in rated.get("Location", "")
