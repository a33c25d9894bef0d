"""Writes that span models: starting a quiz, recording an answer, finishing, scheduling review."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from quizzes import scoring, versions
from quizzes.models import Attempt, AttemptQuestion, Choice, Kind, ProblemReport, Question, Response, ReviewCard

MAX_QUESTIONS = 100
TIME_UP = "Time is up: this quiz has been finished and marked."
# Fuzz off: the same answers give the same schedule, which learners can reason about and tests can pin.
SCHEDULER = Scheduler(enable_fuzzing=False)


class QuizError(Exception):
    """A request the learner can correct; the view turns it into a 4xx with this message."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AttemptClosed(QuizError):
    status = 409


@transaction.atomic
def attempt_start(
    *,
    learner,
    topics: list[str],
    size: int,
    pool: str = Attempt.Pool.ALL,
    mode: str = Attempt.Mode.TUTOR,
    time_limit_minutes: int | None = None,
    question_ids: list[int] | None = None,
) -> Attempt:
    """Draw up to `size` questions at random from the learner's pool and open an attempt on them."""
    if question_ids is None:
        candidates = Question.objects.for_quizzes().filter(topic__in=topics).for_pool(learner, pool)
        question_ids = list(candidates.values_list("pk", flat=True))
        random.shuffle(question_ids)
    question_ids = question_ids[: min(size, MAX_QUESTIONS)]
    if not question_ids:
        raise QuizError("No questions match these choices. Pick more topics or another pool.")
    now = timezone.now()
    attempt = Attempt.objects.create(
        learner=learner,
        mode=mode,
        pool=pool,
        topics=sorted(topics),
        started=now,
        deadline=now + timedelta(minutes=time_limit_minutes) if time_limit_minutes else None,
    )
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(attempt=attempt, question_id=pk, position=i) for i, pk in enumerate(question_ids, 1)
    )
    return attempt


def _score(question: Question, options: list[Choice], chosen: list[Choice], value: Decimal | None) -> Decimal:
    if question.kind == Kind.NUMERIC:
        return scoring.score_numeric(question.answer, question.tolerance, value)
    correct = {c.pk for c in options if c.is_correct}
    picked = {c.pk for c in chosen}
    if question.kind == Kind.SINGLE:
        return scoring.score_single(correct, picked)
    return scoring.score_partial(correct, picked, {c.pk for c in options if c.is_neutral})


def _validate(question: Question, options: list[Choice], choice_ids: list[int], value: Decimal | None) -> list[Choice]:
    if question.kind == Kind.NUMERIC:
        if value is None:
            raise QuizError("Enter a number.")
        return []
    chosen = [c for c in options if c.pk in set(choice_ids)]
    if len(chosen) != len(set(choice_ids)):
        raise QuizError("That option does not belong to this question.")
    if not chosen:
        raise QuizError("Choose an answer first." if question.kind == Kind.SINGLE else "Choose at least one.")
    if question.kind == Kind.SINGLE and len(chosen) > 1:
        raise QuizError("Choose only one answer.")
    return chosen


@transaction.atomic
def response_record(
    *,
    attempt: Attempt,
    question: Question,
    choice_ids: list[int],
    value: Decimal | None,
    certainty: str,
    now: datetime | None = None,
) -> tuple[Response, bool]:
    """Record, score and schedule one answer; a repeat of an answered question returns the stored one.

    Returns (response, created). A double click, a resubmitted form, the back button or a second tab
    all end here, and only the first answer counts.
    """
    now = now or timezone.now()
    # Lock the attempt so a "finish" arriving at the same moment is seen (a no-op on SQLite, whose IMMEDIATE
    # transactions already run one writer at a time).
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    existing = Response.objects.filter(attempt=attempt, question=question).first()
    if existing is not None:
        return existing, False
    if attempt.is_finished:
        raise AttemptClosed("This quiz is finished; its answers can no longer change.")
    if attempt.is_overdue(now):
        # The caller closes the attempt outside this transaction (see views._close_if_overdue).
        raise AttemptClosed(TIME_UP)
    if not AttemptQuestion.objects.filter(attempt=attempt, question=question).exists():
        raise QuizError("That question is not part of this quiz.")
    every_option = list(question.choices.all())
    options = [o for o in every_option if not o.is_retired]
    if question.answerability_problems([{"is_correct": o.is_correct, "is_neutral": o.is_neutral} for o in options]):
        # Admin refuses such questions; this guards against one slipping through (a deleted option, say).
        raise AttemptClosed("This question cannot be answered yet: its options are incomplete. Tell an instructor.")
    chosen = _validate(question, options, choice_ids, value)
    score = _score(question, options, chosen, value)
    version = versions.version_for(question, every_option)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                attempt=attempt,
                question=question,
                version=version,
                value=value,
                certainty=certainty,
                score=score,
                is_correct=score == 1,
                answered_at=now,
            )
    except IntegrityError:
        # Another request recorded this answer between our check and our insert.
        return Response.objects.get(attempt=attempt, question=question), False
    response.choices.set(chosen)
    if attempt.mode != Attempt.Mode.EXAM:
        # An exam keeps its marks to itself until it is finished, schedule included (see attempt_finish).
        _schedule(response, attempt.learner)
    return response, True


def _schedule(response: Response, learner) -> None:
    rating = scoring.review_rating(response.score, response.certainty)
    review_card_update(learner=learner, question=response.question, rating=rating, now=response.answered_at)


@transaction.atomic
def attempt_finish(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Close the attempt, once: finishing twice keeps the first time. An exam's answers enter review now."""
    if attempt.finished is not None:
        return attempt
    finished = now or timezone.now()
    closed = Attempt.objects.filter(pk=attempt.pk, finished__isnull=True).update(finished=finished)
    attempt.finished = finished if closed else Attempt.objects.get(pk=attempt.pk).finished
    if closed and attempt.mode == Attempt.Mode.EXAM:
        for response in attempt.responses.select_related("question").order_by("answered_at"):
            _schedule(response, attempt.learner)
    return attempt


def review_card_update(*, learner, question: Question, rating: int, now: datetime) -> ReviewCard:
    """Apply one FSRS review to the learner's card for this question, creating the card on first sight."""
    card_row = ReviewCard.objects.select_for_update().filter(learner=learner, question=question).first()
    if card_row is None:
        try:
            with transaction.atomic():
                card_row = ReviewCard.objects.create(
                    learner=learner, question=question, state=Card().to_dict(), due=now
                )
        except IntegrityError:
            # Another attempt's first answer to this question made the card a moment ago: review that one.
            card_row = ReviewCard.objects.select_for_update().get(learner=learner, question=question)
    card = Card.from_dict(card_row.state)
    card, _ = SCHEDULER.review_card(card, Rating(rating), review_datetime=now)
    card_row.state = card.to_dict()
    card_row.due = card.due
    card_row.reviews += 1
    card_row.last_rating = rating
    card_row.save()
    return card_row


@transaction.atomic
def problem_report_file(*, reporter, target, label: str, url: str, reason: str, comment: str) -> ProblemReport:
    """File a learner's report on a question or a case stage; the same report sent twice is kept once."""
    fields = {
        "reporter": reporter,
        "target_type": ContentType.objects.get_for_model(target),
        "target_id": target.pk,
        "reason": reason,
        "comment": comment,
    }
    existing = ProblemReport.objects.open().filter(**fields).first()
    return existing or ProblemReport.objects.create(**fields, label=label[:200], url=url[:300])


@transaction.atomic
def problem_report_resolve(
    *, report: ProblemReport, instructor, status: str, resolution: str, now: datetime | None = None
) -> ProblemReport:
    """Close a report with its outcome and a note the reporter will read on their progress page."""
    report.status = status
    report.resolution = resolution
    report.resolved_by = instructor
    report.resolved_at = now or timezone.now()
    report.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    return report
