import pytest

from quizzes import services
from tests.factories import question_with_choices


@pytest.fixture
def own_bank(db):
    """Five test questions on a topic of their own, so tests need not depend on the starter bank."""
    return [question_with_choices(topic="management", slug=f"own-{i}") for i in range(5)]


@pytest.fixture
def attempt(learner, own_bank):
    return services.attempt_start(learner=learner, topics=["management"], size=5, question_ids=[q.pk for q in own_bank])
