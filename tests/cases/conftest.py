import pytest

from cases.models import CaseProgress
from tests.factories import CaseFactory, StageFactory, question_with_choices


@pytest.fixture
def case(db):
    """A published three-stage case: a ranked differential after the history, a type decision after the labs."""
    case = CaseFactory(slug="test-case", title="Hard lumps on the fingers of a test patient")
    StageFactory(case=case, order=1, title="Her story", body="Raynaud's phenomenon for years.", differential=True)
    exam = StageFactory(case=case, order=2, kind="examination", title="On examination", body="Firm nodules.")
    StageFactory(
        case=case,
        order=3,
        kind="laboratory",
        title="Blood tests",
        body="SECRET-LAB-FINDING: calcium and phosphate normal.",
        type_decision=True,
    )
    question_with_choices(slug="test-case-question", topic="distribution", case=case, stage=exam)
    return case


def start(client, case, **extra):
    """Press "Start: reveal the history", which starts the case and reveals its first stage in one click."""
    return client.post(f"/cases/{case.slug}/start/", **extra)


def reveal(client, case, **extra):
    """Press "Reveal" as the page would: saying how many stages it shows (one learner per case in these tests)."""
    progress = CaseProgress.objects.filter(case=case).first()
    return client.post(f"/cases/{case.slug}/reveal/", {"seen": progress.revealed if progress else 0}, **extra)
