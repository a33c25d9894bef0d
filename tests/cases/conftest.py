import pytest

from calcinosis.models import CalcinosisType
from cases.models import Case, CaseProgress, Stage
from tests.factories import question_with_choices


@pytest.fixture
def case(db):
    """A published three-stage case: a ranked differential after the history, a type decision after the labs."""
    case = Case.objects.create(
        slug="test-case",
        title="Hard lumps on the fingers of a test patient",
        presentation="A 52-year-old woman with **tight skin** on her hands.",
        objectives="- Type the calcinosis",
        debrief="Normal labs plus connective tissue disease: dystrophic.",
        is_published=True,
    )
    Stage.objects.create(
        case=case,
        order=1,
        kind="history",
        title="Her story",
        body="Raynaud's phenomenon for years.",
        decision="differential",
        decision_prompt="Rank your top three.",
        expert_type=CalcinosisType.objects.get(slug="dystrophic"),
        expert_reasoning="Tissue damage from a connective tissue disease.",
    )
    exam = Stage.objects.create(case=case, order=2, kind="examination", title="On examination", body="Firm nodules.")
    Stage.objects.create(
        case=case,
        order=3,
        kind="laboratory",
        title="Blood tests",
        body="SECRET-LAB-FINDING: calcium and phosphate normal.",
        decision="type",
        decision_prompt="Which type?",
        expert_type=CalcinosisType.objects.get(slug="dystrophic"),
        expert_reasoning="Normal labs.",
    )
    question = question_with_choices(slug="test-case-question", topic="distribution")
    question.case = case
    question.stage = exam
    question.save()
    return case


def reveal(client, case, **extra):
    """Press "Reveal" as the page would: saying how many stages it shows (one learner per case in these tests)."""
    progress = CaseProgress.objects.filter(case=case).first()
    return client.post(f"/cases/{case.slug}/reveal/", {"seen": progress.revealed if progress else 0}, **extra)
