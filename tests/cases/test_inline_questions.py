"""Case questions are answered inside the case page, beside the story: posted to the quiz engine, swapped in place."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calcinosis.models import BodySite
from cases import services
from cases.models import CaseProgress
from quizzes.models import AttemptQuestion, Choice, Response
from tests.cases.conftest import reveal, start
from tests.factories import QuestionFactory, StageFactory, question_with_choices

pytestmark = pytest.mark.django_db

DIFFERENTIAL = {"first": "dystrophic", "second": "osteoma-cutis", "third": "xanthomas", "certainty": "sure"}


def _to_the_examination(client, case) -> CaseProgress:
    """Start, commit at the history's decision and reveal the examination, whose question is then open."""
    start(client, case)
    client.post(f"/cases/{case.slug}/stages/{case.stages.get(order=1).pk}/commit/", DIFFERENTIAL)
    reveal(client, case)
    return CaseProgress.objects.get()


def _card(body: str, position: int) -> str:
    match = re.search(
        rf'<section class="card mb-3 case-question" id="question-card-{position}".*?</section>', body, re.S
    )
    assert match, f"no card for question {position}"
    return match[0]


def test_an_open_question_is_shown_inline_with_its_options_and_certainty(learner_client, case):
    progress = _to_the_examination(learner_client, case)
    body = learner_client.get(case.get_absolute_url()).content.decode()
    card = _card(body, 1)
    answer = f"/quizzes/attempts/{progress.attempt_id}/1/answer/"
    assert f'action="{answer}"' in card and f'data-hx-post="{answer}"' in card
    assert 'data-hx-target="#question-card-1"' in card and 'data-hx-swap="outerHTML"' in card
    question = case.questions.get()
    assert question.stem in card
    for choice in question.choices.all():
        assert f'name="choice" value="{choice.pk}"' in card
    assert 'id="certainty-1-unsure" checked' in card
    # Without script the same question still opens on its own page, which leads back here.
    assert f'href="/quizzes/attempts/{progress.attempt_id}/1/"' in card
    assert "Presentation" in body and 'id="quiz-status"' in body  # the story stays in view; swaps are announced


def test_an_htmx_answer_swaps_the_card_and_records_the_response(learner_client, case):
    progress = _to_the_examination(learner_client, case)
    right = case.questions.get().choices.get(is_correct=True)
    response = learner_client.post(
        f"/quizzes/attempts/{progress.attempt_id}/1/answer/",
        {"choice": right.pk, "certainty": "sure"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<h1" not in body
    assert 'id="question-card-1"' in body and "Correct" in body and "Teaching point" in body
    recorded = Response.objects.get(attempt=progress.attempt)
    assert recorded.is_correct and recorded.certainty == "sure"
    page = learner_client.get(case.get_absolute_url()).content.decode()
    assert "Answered: correct (sure)." in _card(page, 1) and 'class="case-answer-form"' not in page


def test_a_bad_htmx_answer_comes_back_as_the_card_with_its_error(learner_client, case):
    progress = _to_the_examination(learner_client, case)
    response = learner_client.post(
        f"/quizzes/attempts/{progress.attempt_id}/1/answer/", {"certainty": "sure"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400 and "Choose an answer first." in response.content.decode()
    assert not Response.objects.exists()


def test_without_htmx_the_plain_post_still_works(learner_client, case):
    progress = _to_the_examination(learner_client, case)
    right = case.questions.get().choices.get(is_correct=True)
    url = f"/quizzes/attempts/{progress.attempt_id}/1/"
    response = learner_client.post(url + "answer/", {"choice": right.pk, "certainty": "unsure"})
    assert response.status_code == 302 and response.url == url
    assert Response.objects.get().is_correct
    page = learner_client.get(url).content.decode()
    assert "Correct" in page and "Back to the case" in page and case.get_absolute_url() in page


def test_a_question_waits_for_its_stage_and_its_decision(learner_client, case):
    start(learner_client, case)
    reveal(learner_client, case)  # blocked: the history's decision is open
    assert "case-answer-form" not in learner_client.get(case.get_absolute_url()).content.decode()


def test_several_open_questions_each_have_their_own_names(learner_client, case):
    exam = case.stages.get(order=2)
    question_with_choices(slug="second-exam-question", topic="examination", case=case, stage=exam)
    _to_the_examination(learner_client, case)
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert body.count('class="case-answer-form"') == 2
    for position in (1, 2):
        card = _card(body, position)
        assert f'data-hx-target="#question-card-{position}"' in card
        assert f'aria-labelledby="question-heading-{position}"' in card
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_a_body_map_question_is_answered_inline_on_the_figure(learner_client, case):
    exam = case.stages.get(order=2)
    bodymap = QuestionFactory(kind="bodymap", topic="distribution", slug="exam-bodymap", case=case, stage=exam)
    for i, site in enumerate(BodySite.objects.order_by("order")[:4]):
        Choice.objects.create(question=bodymap, order=i, text=site.name, site=site, is_correct=i < 2)
    _to_the_examination(learner_client, case)
    card = _card(learner_client.get(case.get_absolute_url()).content.decode(), 2)
    assert 'class="bodymap-figure"' in card and 'data-choice="choice-' in card
    assert card.count('name="choice"') == 4 and 'type="checkbox"' in card


def test_a_numeric_question_has_its_own_labelled_box(learner_client, case):
    exam = case.stages.get(order=2)
    QuestionFactory(
        kind="numeric", topic="laboratory", slug="exam-number", case=case, stage=exam, answer=Decimal(70),
        tolerance=Decimal(1), unit="mg²/dL²",
    )  # fmt: skip
    _to_the_examination(learner_client, case)
    card = _card(learner_client.get(case.get_absolute_url()).content.decode(), 2)
    assert '<label class="form-label" for="value-2">Your answer (mg²/dL²)</label>' in card
    assert 'name="value" id="value-2"' in card


def _calculated(case):
    return QuestionFactory(
        kind="calculated", topic="laboratory", slug="exam-calculated", case=case, stage=case.stages.get(order=2),
        stem="Calcium {calcium} mg/dL, phosphate {phosphate} mg/dL. What is the product?", formula="ca_x_p_mg_dl",
        variables={"calcium": {"min": "8.5", "max": "11.5", "places": 1},
                   "phosphate": {"min": "4.0", "max": "8.0", "places": 1}},
        tolerance=Decimal("0.5"), unit="mg²/dL²",
    )  # fmt: skip


def test_a_calculated_question_is_answered_inline_with_the_values_drawn_for_this_attempt(learner_client, case):
    _calculated(case)
    progress = _to_the_examination(learner_client, case)
    values = AttemptQuestion.objects.get(attempt=progress.attempt, position=2).values
    card = _card(learner_client.get(case.get_absolute_url()).content.decode(), 2)
    assert f"Calcium {values['calcium']} mg/dL, phosphate {values['phosphate']} mg/dL" in card
    assert "{calcium}" not in card and 'name="value" id="value-2"' in card
    right = Decimal(values["calcium"]) * Decimal(values["phosphate"])
    response = learner_client.post(
        f"/quizzes/attempts/{progress.attempt_id}/2/answer/",
        {"value": str(right), "certainty": "sure"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Correct" in response.content.decode()
    assert Response.objects.get(question__slug="exam-calculated").is_correct
    answered = _card(learner_client.get(case.get_absolute_url()).content.decode(), 2)
    assert f"Calcium {values['calcium']} mg/dL" in answered and "Answered: correct (sure)." in answered


def test_a_calculated_question_without_values_yet_opens_on_its_own_page(learner_client, case):
    _calculated(case)
    progress = _to_the_examination(learner_client, case)
    AttemptQuestion.objects.filter(attempt=progress.attempt, position=2).update(values=None)
    card = _card(learner_client.get(case.get_absolute_url()).content.decode(), 2)
    assert "case-answer-form" not in card and "{calcium}" not in card
    assert f'href="/quizzes/attempts/{progress.attempt_id}/2/">Answer this question' in card


def test_another_learners_card_cannot_be_answered(client, learner, other_learner, case):
    progress = services.progress_start(learner=learner, case=case)
    client.force_login(other_learner)
    right = case.questions.get().choices.get(is_correct=True)
    url = f"/quizzes/attempts/{progress.attempt_id}/1/answer/"
    assert (
        client.post(url, {"choice": right.pk, "certainty": "sure"}, headers={"HX-Request": "true"}).status_code == 404
    )
    assert not Response.objects.exists()


def test_the_page_costs_the_same_with_one_or_two_stages_of_questions(learner_client, case):
    """Each revealed stage with questions adds none: options, slots and answers are read once for them all."""
    lab = case.stages.get(order=3)
    question_with_choices(slug="lab-question", topic="laboratory", case=case, stage=lab)
    StageFactory(case=case, order=4, kind="outcome", title="A year later")

    def page_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert learner_client.get(case.get_absolute_url()).status_code == 200
        return [q["sql"][:60] for q in queries]

    _to_the_examination(learner_client, case)
    one = page_queries()
    reveal(learner_client, case)
    learner_client.post(f"/cases/{case.slug}/stages/{lab.pk}/commit/", {"first": "dystrophic", "certainty": "sure"})
    two = page_queries()
    assert learner_client.get(case.get_absolute_url()).content.decode().count('class="case-answer-form"') == 2
    assert len(one) == len(two), (one, two)
