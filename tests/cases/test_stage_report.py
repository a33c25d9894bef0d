"""Report a problem on a case stage: only on a stage the learner has already revealed."""

import pytest

from quizzes.models import ProblemReport
from tests.cases.conftest import reveal, start

pytestmark = pytest.mark.django_db

REPORT = {"reason": "fact", "comment": "Raynaud's is not usual at this age."}


def _url(case, stage) -> str:
    return f"/cases/{case.slug}/stages/{stage.pk}/report/"


def test_it_refuses_a_stage_not_yet_revealed(learner_client, case):
    start(learner_client, case)  # reveals the first stage only
    second = case.stages.get(order=2)
    assert learner_client.post(_url(case, second), REPORT).status_code == 404
    assert not ProblemReport.objects.exists()


def test_it_files_a_report_on_a_revealed_stage(learner_client, learner, case):
    start(learner_client, case)
    reveal(learner_client, case)
    first = case.stages.get(order=1)
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert _url(case, first) in body
    response = learner_client.post(_url(case, first), REPORT, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "your report was received" in response.content.decode()
    report = ProblemReport.objects.get()
    assert (report.reporter, report.target, report.reason) == (learner, first, "fact")
    assert case.title in report.label


def test_it_rejects_get_and_bad_input(learner_client, case):
    start(learner_client, case)
    reveal(learner_client, case)
    first = case.stages.get(order=1)
    assert learner_client.get(_url(case, first)).status_code == 405
    assert learner_client.post(_url(case, first), {"reason": "fact"}).status_code == 400
    assert not ProblemReport.objects.exists()
