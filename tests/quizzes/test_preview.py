"""An instructor previews a question or a whole case as a learner meets it; nothing is recorded."""

import json
import re

import pytest

from cases.models import CaseProgress
from quizzes.models import Attempt, Question, Response, ReviewCard
from tests.factories import question_with_choices

pytestmark = pytest.mark.django_db


def _nothing_recorded():
    assert not Attempt.objects.exists() and not Response.objects.exists() and not ReviewCard.objects.exists()
    assert not CaseProgress.objects.exists()


def test_an_instructor_answers_a_question_and_sees_its_feedback(instructor_client):
    question = question_with_choices(slug="to-preview", teaching_point="The point.")
    url = f"/quizzes/questions/{question.pk}/preview/"
    page = instructor_client.get(url).text
    assert question.stem in page and "Nothing is recorded." in page and 'name="choice"' in page
    right = question.choices.get(is_correct=True)
    answered = instructor_client.post(url, {"choice": right.pk, "certainty": "sure"}).text
    assert (
        "Correct" in answered and "The point." in answered and f"✓ Right, your choice:</span> {right.text}" in answered
    )
    _nothing_recorded()


def test_a_wrong_or_missing_answer_is_marked_or_explained(instructor_client):
    question = question_with_choices(slug="to-preview")
    url = f"/quizzes/questions/{question.pk}/preview/"
    wrong = question.choices.filter(is_correct=False).first()
    assert "Incorrect" in instructor_client.post(url, {"choice": wrong.pk, "certainty": "guess"}).text
    missing = instructor_client.post(url, {"certainty": "sure"})
    assert missing.status_code == 400 and "Choose an answer first." in missing.text
    foreign = instructor_client.post(url, {"choice": 999999, "certainty": "sure"})
    assert foreign.status_code == 400 and "does not belong to this question" in foreign.text
    _nothing_recorded()


def test_a_calculated_question_is_previewed_with_values_drawn_and_kept(instructor_client):
    question = Question.objects.get(slug="laboratory-calculated-product-dialysis-mg")
    url = f"/quizzes/questions/{question.pk}/preview/"
    page = instructor_client.get(url).text
    values = json.loads(re.search(r'name="values" value="([^"]+)"', page)[1].replace("&quot;", '"'))
    assert f"calcium is {values['calcium']} mg/dL" in page
    product = float(values["calcium"]) * float(values["phosphate"])
    answered = instructor_client.post(
        url, {"values": json.dumps(values), "value": f"{product:.2f}", "certainty": "sure"}
    )
    assert "Correct" in answered.text and f"calcium is {values['calcium']} mg/dL" in answered.text
    tampered = instructor_client.post(url, {"values": '{"calcium": "NaN"}', "value": "1", "certainty": "sure"})
    assert tampered.status_code == 200  # new values drawn, never a 500
    _nothing_recorded()


def test_learners_and_visitors_cannot_preview(client, learner):
    question = question_with_choices()
    case_url = "/cases/pianist-fingertip-lumps/preview/"
    assert client.get(f"/quizzes/questions/{question.pk}/preview/").status_code == 302
    assert client.get(case_url).status_code == 302
    client.force_login(learner)
    assert client.get(f"/quizzes/questions/{question.pk}/preview/").status_code == 403
    assert client.get(case_url).status_code == 403


def test_an_instructor_reads_a_whole_case_with_its_keys(instructor_client):
    from cases.models import Case

    case = Case.objects.get(slug="pianist-fingertip-lumps")
    page = instructor_client.get(f"/cases/{case.slug}/preview/").text
    for stage in case.stages.all():
        assert stage.title in page
    decision = case.stages.exclude(decision="").first()
    expert = decision.expert_type or decision.expert_mimic
    assert f"<strong>The expert's answer:</strong> {expert.name}" in page
    question = case.questions.filter(kind="single").first()
    assert f'href="/quizzes/questions/{question.pk}/preview/"' in page
    assert f"<strong>✓ {question.choices.get(is_correct=True).text}</strong>" in page
    assert "Debrief" in page
    _nothing_recorded()


def test_the_question_admin_links_its_preview(instructor_client):
    question = question_with_choices()
    page = instructor_client.get(f"/admin/quizzes/question/{question.pk}/change/").text
    assert f'href="/quizzes/questions/{question.pk}/preview/"' in page
