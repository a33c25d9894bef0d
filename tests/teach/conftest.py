from decimal import Decimal

from quizzes import services
from quizzes.models import Attempt, Question, Response
from quizzes.versions import version_for
from tests.factories import UserFactory


def answer(learner, questions, right=True, mode="tutor", finish=True) -> Attempt:
    """The learner answers each question once in a new quiz, right or wrong (the first right or wrong option)."""
    attempt = services.attempt_start(
        learner=learner, topics=[], size=len(questions), mode=mode, question_ids=[q.pk for q in questions]
    )
    for question in questions:
        choice = question.choices.filter(is_correct=right).first()
        services.response_record(
            attempt=attempt, question=question, choice_ids=[choice.pk], value=None, certainty="sure"
        )
    if finish:
        services.attempt_finish(attempt=attempt)
    return attempt


def singles(count: int) -> list[Question]:
    return list(Question.objects.for_quizzes().filter(kind="single")[:count])


def cohort_of(size: int, prefix: str = "pupil") -> list:
    """`size` learners, pupil-00 ... , each with a quick answer history recorded straight into the tables (no
    scheduling), pupil-i scoring i/size on two questions so that every figure differs and sorts."""
    questions = singles(2)
    versions = [version_for(q, list(q.choices.all())) for q in questions]
    learners = []
    for i in range(size):
        learner = UserFactory(username=f"{prefix}-{i:02d}")
        attempt = Attempt.objects.create(learner=learner, finished=None if i % 2 else learner.date_joined)
        for question, version in zip(questions, versions, strict=True):
            Response.objects.create(
                attempt=attempt,
                question=question,
                version=version,
                score=Decimal(i) / size,
                answered_at=learner.date_joined,
            )
        learners.append(learner)
    return learners
