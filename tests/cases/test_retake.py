"""A finished case can be taken again from the start, and offers the next case; earlier takes stay as they were."""

import pytest
from django.test import Client

from cases import services
from cases.models import Case, CaseProgress
from quizzes import services as quiz_services
from quizzes.models import Attempt, Response
from tests.every_page import finish_case
from tests.factories import CaseFactory, StageFactory, question_with_choices

pytestmark = pytest.mark.django_db


def _url(case) -> str:
    return f"/cases/{case.slug}/retake/"


def _answer_all(progress) -> None:
    for question in progress.case.questions.published():
        right = question.choices.get(is_correct=True)
        quiz_services.response_record(
            attempt=progress.attempt, question=question, choice_ids=[right.pk], value=None, certainty="sure"
        )


@pytest.fixture
def finished(learner, case) -> CaseProgress:
    progress = finish_case(learner, case)
    _answer_all(progress)
    return progress


def test_a_finished_case_offers_a_retake(learner_client, finished, case):
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert f'<form method="post" action="{_url(case)}"' in body
    assert '<input type="hidden" name="take" value="1">' in body and "Retake this case" in body


def test_an_unfinished_case_offers_no_retake(learner_client, learner, case):
    services.stage_reveal(progress=services.progress_start(learner=learner, case=case))
    assert "Retake this case" not in learner_client.get(case.get_absolute_url()).content.decode()


def test_a_retake_starts_fresh_and_keeps_the_old_take(learner_client, learner, finished, case):
    response = learner_client.post(_url(case), {"take": 1})
    assert response.status_code == 302 and response.url == f"{case.get_absolute_url()}#stage-1"
    old, new = CaseProgress.objects.order_by("number")
    assert (new.learner, new.case, new.number, new.revealed, new.completed) == (learner, case, 2, 1, None)
    assert not new.commitments.exists() and old.commitments.count() == 2  # the old take is kept as it was
    assert old.completed is not None and old.revealed == 3
    assert new.attempt != old.attempt and new.attempt.mode == Attempt.Mode.CASE
    assert list(new.attempt.slots.values_list("question__slug", flat=True)) == ["test-case-question"]
    assert Response.objects.filter(attempt=old.attempt).count() == 1 and not new.attempt.responses.exists()
    old.attempt.refresh_from_db()
    assert old.attempt.is_finished  # its answers can no longer change
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert "Raynaud" in body and "Firm nodules" not in body and "Debrief" not in body
    assert "your take 2" in body
    assert "1 answered" in learner_client.get("/progress/").content.decode()  # the old take's answer still counts
    listed = learner_client.get("/cases/").content.decode()
    assert "Retake in progress: 1 of 3 stages seen." in listed and "Completed before: reasoning 100%" in listed


def test_the_retake_can_be_finished_again(learner_client, learner, finished, case):
    services.progress_retake(progress=finished)
    again = finish_case(learner, case)  # from the presentation, as a fresh take
    assert again.number == 2 and again.completed is not None
    assert CaseProgress.objects.filter(completed__isnull=False).count() == 2
    assert "(taken 2 times)" in learner_client.get("/cases/").content.decode()


def test_it_swaps_in_the_first_stage_for_htmx(learner_client, finished, case):
    response = learner_client.post(_url(case), {"take": 1}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "<h1" not in body
    assert 'id="stage-1"' in body and 'id="stage-2"' not in body and "Debrief" not in body


def test_a_double_click_retakes_once(learner_client, finished, case):
    learner_client.post(_url(case), {"take": 1})
    learner_client.post(_url(case), {"take": 1})  # the second click, or a stale tab still showing the debrief
    assert CaseProgress.objects.count() == 2 and Attempt.objects.count() == 2
    assert CaseProgress.objects.get(number=2).revealed == 1


def test_a_stale_tab_retakes_nothing_more(learner_client, learner, finished, case):
    services.progress_retake(progress=finished)
    finish_case(learner, case)  # the retake, finished in another tab
    learner_client.post(_url(case), {"take": 1})  # the first tab, still showing the first take's debrief
    assert list(CaseProgress.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_an_old_takes_answers_can_no_longer_change(learner_client, learner, case):
    question_with_choices(slug="unanswered-one", topic="type", case=case, stage=case.stages.get(order=2))
    old = finish_case(learner, case)
    learner_client.post(_url(case), {"take": 1})
    unanswered = old.attempt.slots.get(question__slug="unanswered-one")
    right = unanswered.question.choices.get(is_correct=True)
    url = f"/quizzes/attempts/{old.attempt_id}/{unanswered.position}/answer/"
    assert learner_client.post(url, {"choice": right.pk, "certainty": "sure"}).status_code == 409
    assert not Response.objects.exists()


def test_an_unfinished_take_is_not_retaken(learner_client, learner, case):
    services.stage_reveal(progress=services.progress_start(learner=learner, case=case))
    response = learner_client.post(_url(case), {"take": 1})
    assert response.status_code == 302
    assert CaseProgress.objects.get().revealed == 1


def test_it_rejects_get(learner_client, finished, case):
    assert learner_client.get(_url(case)).status_code == 405
    assert CaseProgress.objects.count() == 1


def test_it_sends_anonymous_visitors_to_log_in(client, finished, case):
    response = client.post(_url(case), {"take": 1})
    assert response.status_code == 302 and response.url == f"/accounts/login/?next={_url(case)}"
    assert CaseProgress.objects.count() == 1


def test_it_needs_the_csrf_token(learner, finished, case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(_url(case), {"take": 1}).status_code == 403
    assert CaseProgress.objects.count() == 1


def test_another_learners_take_is_not_mine(client, other_learner, finished, case):
    client.force_login(other_learner)
    assert client.post(_url(case), {"take": 1}).status_code == 404
    assert CaseProgress.objects.count() == 1


@pytest.mark.parametrize("data", [{}, {"take": "x"}, {"take": ""}])
def test_a_retake_without_the_page_state_is_a_400(learner_client, finished, case, data):
    assert learner_client.post(_url(case), data).status_code == 400
    assert CaseProgress.objects.count() == 1


def test_a_draft_is_hidden_from_learners(learner_client, finished, case):
    case.is_published = False
    case.save()
    assert learner_client.post(_url(case), {"take": 1}).status_code == 404


# the next case


def _cases(*levels: str) -> list[Case]:
    made = []
    for n, level in enumerate(levels):
        made.append(CaseFactory(slug=f"next-{n}", title=f"Case {n}", difficulty=level))
        StageFactory(case=made[-1], order=1, type_decision=True)
    return made


def test_a_finished_case_offers_the_next_case_in_teaching_order(learner_client, learner):
    Case.objects.all().delete()
    first, second, third = _cases("introductory", "intermediate", "advanced")
    finish_case(learner, second)
    body = learner_client.get(second.get_absolute_url()).content.decode()
    assert f'href="{third.get_absolute_url()}">Next case: Case 2</a>' in body
    finish_case(learner, third)
    body = learner_client.get(third.get_absolute_url()).content.decode()
    assert f'href="{first.get_absolute_url()}">Next case: Case 0</a>' in body  # round to the first not completed


def test_the_next_case_may_be_one_in_progress(learner_client, learner):
    Case.objects.all().delete()
    first, second = _cases("introductory", "intermediate")
    services.stage_reveal(progress=services.progress_start(learner=learner, case=second))
    finish_case(learner, first)
    body = learner_client.get(first.get_absolute_url()).content.decode()
    assert f'href="{second.get_absolute_url()}">Continue: Case 1</a>' in body


def test_no_next_case_once_every_case_is_completed(learner_client, learner):
    Case.objects.all().delete()
    cases = _cases("introductory", "advanced")
    for case in cases:
        finish_case(learner, case)
    body = learner_client.get(cases[0].get_absolute_url()).content.decode()
    assert "Next case:" not in body and "You have completed every other case." in body


def test_a_retake_in_progress_continues_on_the_home_page(learner_client, finished, case):
    learner_client.post(_url(case), {"take": 1})
    home = learner_client.get("/").content.decode()
    assert "Your case in progress" in home and case.title in home
