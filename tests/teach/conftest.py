from decimal import Decimal

from django.contrib.auth import get_user_model

from quizzes import services
from quizzes.models import Attempt, Question, Response
from quizzes.versions import version_for
from teach.models import Cohort
from tests.factories import UserFactory


def enrol(*learners, name: str = "Test cohort", instructor: str = "instructor") -> Cohort:
    """Put learners in a cohort of the test instructor (tests.conftest's `instructor`), made on first use, so the
    instructor sees them: an instructor sees the learners of their own cohorts and nobody else."""
    cohort = Cohort.objects.filter(name=name).first() or Cohort.objects.create(name=name)
    cohort.instructors.add(get_user_model().objects.get(username=instructor))
    cohort.learners.add(*learners)
    return cohort


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
    scheduling), pupil-i scoring i/size on two questions so that every figure differs and sorts; enrolled in the
    test instructor's cohort when the test has that instructor."""
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
    if get_user_model().objects.filter(username="instructor").exists():
        enrol(*learners)
    return learners
