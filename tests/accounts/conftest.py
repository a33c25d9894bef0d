import pytest

from quizzes import services
from quizzes.models import Flag, Note
from tests.factories import CommitmentFactory, question_with_choices


def make_history(learner, answers: int, tag: str = "") -> None:
    """A learner's history: `answers` answers (the first one wrong) in a tutor quiz, which schedules a review card
    each, a note, a flag, a problem report, and a case with a commitment. `tag` keeps slugs apart between learners."""
    questions = [question_with_choices(topic="management", slug=f"hist{tag}-{i}") for i in range(answers)]
    attempt = services.attempt_start(
        learner=learner, topics=[], size=len(questions), question_ids=[q.pk for q in questions]
    )
    for i, question in enumerate(questions):
        options = list(question.choices.all())
        chosen = options[1] if i == 0 else options[0]
        services.response_record(
            attempt=attempt, question=question, choice_ids=[chosen.pk], value=None, certainty="sure"
        )
    Note.objects.create(learner=learner, question=questions[0], text=f"My note{tag}: think of dermatomyositis.")
    Flag.objects.create(learner=learner, question=questions[-1])
    services.problem_report_file(
        reporter=learner, target=questions[0], label="A question", url="/", reason="unclear", comment=f"Unclear{tag}."
    )
    CommitmentFactory(progress__learner=learner, progress__case__slug=f"hist-case{tag}", ranking=["dystrophic"])


@pytest.fixture
def history(learner):
    make_history(learner, 3)
    return learner
