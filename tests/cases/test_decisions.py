"""Decisions name knowledge rows: the expert's answer is a type or a mimic, the learner's ranking is stored as rows,
a stage may narrow the mimics offered, and type decisions count in the type confusion matrix."""

import pytest
from django.core.exceptions import ValidationError

from calcinosis.models import CalcinosisType, Differential
from cases.models import Commitment, Hypothesis
from quizzes import selectors as quiz_selectors
from tests.cases.conftest import reveal, start
from tests.factories import CaseProgressFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

RANKED = {"first": "dystrophic", "second": "osteoma-cutis", "third": "xanthomas", "certainty": "sure"}


def test_a_ranking_is_stored_as_rows_of_types_and_mimics(learner_client, case):
    start(learner_client, case)
    reveal(learner_client, case)
    history = case.stages.get(order=1)
    learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", RANKED)
    rows = list(Hypothesis.objects.order_by("rank"))
    assert [(h.rank, h.ctype, h.mimic) for h in rows] == [
        (1, CalcinosisType.objects.get(slug="dystrophic"), None),
        (2, None, Differential.objects.get(slug="osteoma-cutis")),
        (3, None, Differential.objects.get(slug="xanthomas")),
    ]
    assert Commitment.objects.get().ranking == ["dystrophic", "osteoma-cutis", "xanthomas"]


def test_a_stage_can_narrow_the_mimics_offered(learner, learner_client, case):
    history = case.stages.get(order=1)
    history.mimics.set(Differential.objects.filter(slug__in=["milia", "xanthomas"]))
    start(learner_client, case)
    reveal(learner_client, case)
    body = learner_client.get(case.get_absolute_url()).content.decode()
    assert "Milia (mimic)" in body and "Osteoma cutis (mimic)" not in body
    response = learner_client.post(f"/cases/{case.slug}/stages/{history.pk}/commit/", RANKED)
    assert response.status_code == 400
    assert not Commitment.objects.exists()


def test_the_expert_answer_is_one_row_and_fits_the_decision(case):
    stage = case.stages.get(order=3)
    stage.expert_mimic = Differential.objects.get(slug="milia")
    with pytest.raises(ValidationError):
        stage.full_clean()
    stage.expert_type = None
    with pytest.raises(ValidationError, match="five types"):
        stage.full_clean()


def test_type_decisions_count_in_the_learners_confusion_matrix(learner, learner_client, case):
    history, _, lab = case.stages.all()
    progress = CaseProgressFactory(learner=learner, case=case, revealed=3)
    CommitmentFactory(progress=progress, stage=history, ranking=["metastatic", "milia", "xanthomas"], score=0)
    CommitmentFactory(progress=progress, stage=lab, ranking=["iatrogenic"], score=0)
    body = learner_client.get("/progress/").content.decode()
    assert "you chose <strong>Metastatic</strong> when it was <strong>Dystrophic</strong> (1×)" in body
    confusion = quiz_selectors.type_confusion(learner)
    cells = {(row["type"].slug, cell["chosen"].slug): cell["n"] for row in confusion["rows"] for cell in row["cells"]}
    assert cells[("dystrophic", "metastatic")] == 1
    assert cells[("dystrophic", "iatrogenic")] == 1
    assert quiz_selectors.type_confusion(None)["any"]
