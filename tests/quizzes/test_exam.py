"""Exam mode as in UWorld and Moodle: a navigator, answers changeable until the exam is submitted, marks for review,
a summary to confirm before submitting, and a time limit the server enforces."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from quizzes import services
from quizzes.models import Attempt, AttemptQuestion, ReviewCard
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(learner, own_bank):
    return services.attempt_start(
        learner=learner, topics=[], size=5, mode="exam", question_ids=[q.pk for q in own_bank]
    )


def _options(attempt, position=1):
    question = attempt.slots.get(position=position).question
    options = list(question.choices.order_by("order"))
    return [o for o in options if o.is_correct], [o for o in options if not o.is_correct]


def _url(attempt, position=1, action=""):
    return f"/quizzes/attempts/{attempt.pk}/{position}/{action}"


def test_an_exam_answer_can_be_changed_until_the_exam_is_submitted(learner_client, exam):
    right, wrong = _options(exam)
    learner_client.post(_url(exam, action="answer/"), {"choice": wrong[0].pk, "certainty": "sure", "go": "stay"})
    response = learner_client.post(
        _url(exam, action="answer/"), {"choice": right[0].pk, "certainty": "unsure", "go": "stay"}, follow=True
    )
    assert "Answer to question 1 changed." in response.content.decode()
    stored = exam.responses.get()
    assert (stored.score, stored.certainty, list(stored.choices.all())) == (1, "unsure", [right[0]])
    assert not ReviewCard.objects.exists()  # nothing scheduled before the exam is submitted
    learner_client.post(f"/quizzes/attempts/{exam.pk}/finish/")
    assert ReviewCard.objects.get().last_rating == 3  # the final answer is the one reviewed (right, unsure: Good)
    late = learner_client.post(_url(exam, action="answer/"), {"choice": wrong[0].pk, "certainty": "sure"})
    assert late.status_code == 302 and exam.responses.get().score == 1  # after submitting, nothing changes


def test_a_tutor_answer_stays_final(learner_client, attempt):
    right, wrong = _options(attempt)
    learner_client.post(_url(attempt, action="answer/"), {"choice": wrong[0].pk, "certainty": "sure"})
    learner_client.post(_url(attempt, action="answer/"), {"choice": right[0].pk, "certainty": "sure"})
    assert attempt.responses.get().score == 0


def test_save_and_next_moves_on_and_the_last_goes_to_the_summary(learner_client, exam):
    right, _ = _options(exam)
    response = learner_client.post(
        _url(exam, action="answer/"), {"choice": right[0].pk, "certainty": "sure", "go": "next"}
    )
    assert response.url == _url(exam, 2)
    right5, _ = _options(exam, 5)
    response = learner_client.post(
        _url(exam, 5, "answer/"), {"choice": right5[0].pk, "certainty": "sure", "go": "submit"}
    )
    assert response.url == f"/quizzes/attempts/{exam.pk}/submit/"


def test_the_navigator_shows_every_question_answered_or_not_and_marked(learner_client, exam):
    right, _ = _options(exam)
    learner_client.post(_url(exam, action="answer/"), {"choice": right[0].pk, "certainty": "sure", "go": "stay"})
    learner_client.post(_url(exam, 3, "mark/"), {"marked": "1"})
    body = learner_client.get(_url(exam, 2)).content.decode()
    assert '1<span class="visually-hidden">, answered</span>' in body
    assert '2<span class="visually-hidden">, not answered</span>' in body
    assert '3<span class="visually-hidden">, not answered, marked for review</span>' in body
    assert 'aria-current="page"><span class="visually-hidden">Question </span>2<' in body
    assert (
        f'href="{_url(exam, 1)}" data-shortcut="previous"' in body
        and f'href="{_url(exam, 3)}" data-shortcut="skip"' in body
    )


def test_marking_by_htmx_redraws_the_button_and_the_navigator(learner_client, exam):
    response = learner_client.post(_url(exam, 2, "mark/"), {"marked": "1"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "Marked for review" in body and 'aria-pressed="true"' in body
    assert 'id="quiz-navigator"' in body and "data-hx-swap-oob" in body
    assert AttemptQuestion.objects.get(attempt=exam, position=2).marked
    learner_client.post(_url(exam, 2, "mark/"), {"marked": "0"})
    assert not AttemptQuestion.objects.get(attempt=exam, position=2).marked


@pytest.mark.parametrize("data, status", [({"marked": "maybe"}, 400), ({}, 400)])
def test_a_bad_mark_is_a_400(learner_client, exam, data, status):
    assert learner_client.post(_url(exam, 2, "mark/"), data).status_code == status


def test_marks_belong_to_the_learner_and_to_an_open_attempt(learner_client, exam):
    other = Client()
    other.force_login(UserFactory())
    assert other.post(_url(exam, 2, "mark/"), {"marked": "1"}).status_code == 404
    assert learner_client.post(_url(exam, 9, "mark/"), {"marked": "1"}).status_code == 404
    services.attempt_finish(attempt=exam)
    assert learner_client.post(_url(exam, 2, "mark/"), {"marked": "1"}).status_code == 409


def test_the_summary_lists_what_is_unanswered_and_marked_before_confirming(learner_client, exam):
    right, _ = _options(exam)
    learner_client.post(_url(exam, action="answer/"), {"choice": right[0].pk, "certainty": "sure", "go": "stay"})
    learner_client.post(_url(exam, 4, "mark/"), {"marked": "1"})
    body = learner_client.get(f"/quizzes/attempts/{exam.pk}/submit/").content.decode()
    assert "You answered <strong>1 of 5</strong>" in body
    assert "4 not answered" in body and "1 marked for review" in body
    assert f'href="{_url(exam, 4)}">Question 4</a>' in body and "Submit the exam</button>" in body
    assert not Attempt.objects.get(pk=exam.pk).is_finished  # looking at the summary submits nothing
    response = learner_client.post(f"/quizzes/attempts/{exam.pk}/finish/")
    assert response.url == f"/quizzes/attempts/{exam.pk}/results/"
    assert learner_client.get(f"/quizzes/attempts/{exam.pk}/submit/").url == f"/quizzes/attempts/{exam.pk}/results/"


def test_the_question_page_links_to_the_summary_not_a_one_click_finish(learner_client, exam):
    body = learner_client.get(_url(exam)).content.decode()
    assert f'href="/quizzes/attempts/{exam.pk}/submit/">Submit the exam…</a>' in body
    assert f'action="/quizzes/attempts/{exam.pk}/finish/"' not in body


def test_a_timed_exam_counts_down_from_the_servers_clock(learner_client, learner, own_bank):
    timed = services.attempt_start(
        learner=learner, topics=[], size=5, mode="exam", time_limit_minutes=30, question_ids=[q.pk for q in own_bank]
    )
    body = learner_client.get(_url(timed)).content.decode()
    assert "data-countdown" in body and 'data-seconds-left="17' in body  # 1799 or 1800 seconds
    assert f'data-expire-url="/quizzes/attempts/{timed.pk}/"' in body


def test_at_the_deadline_the_attempt_page_submits_and_shows_the_results_with_a_notice(
    learner_client, learner, own_bank
):
    timed = services.attempt_start(
        learner=learner, topics=[], size=5, mode="exam", time_limit_minutes=30, question_ids=[q.pk for q in own_bank]
    )
    Attempt.objects.filter(pk=timed.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    response = learner_client.get(f"/quizzes/attempts/{timed.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/quizzes/attempts/{timed.pk}/results/"
    assert "Time is up: your exam was submitted" in response.content.decode()
    assert Attempt.objects.get(pk=timed.pk).is_finished


def test_an_answer_sent_after_the_exam_was_submitted_elsewhere_is_not_called_saved(learner_client, exam):
    right, wrong = _options(exam)
    learner_client.post(
        _url(exam, action="answer/"), {"choice": wrong[0].pk, "certainty": "sure", "go": "stay"}, follow=True
    )
    services.attempt_finish(attempt=exam)  # submitted in another tab
    response = learner_client.post(
        _url(exam, action="answer/"), {"choice": right[0].pk, "certainty": "sure", "go": "stay"}, follow=True
    )
    body = response.content.decode()
    assert "has been submitted, so its answers can no longer change" in body and "saved." not in body
    assert exam.responses.get().score == 0


def test_a_running_exam_cannot_be_turned_into_a_retry(learner_client, exam):
    response = learner_client.post(f"/quizzes/attempts/{exam.pk}/retry/", {"which": "incorrect"})
    assert response.url == f"/quizzes/attempts/{exam.pk}/"
    assert Attempt.objects.count() == 1
