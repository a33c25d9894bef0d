"""Writes that span models: starting a quiz, recording an answer, finishing, scheduling review."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Exists
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

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs beside, if any


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
            raise QuizError("Enter a number.", field="value")
        return []
    chosen = [c for c in options if c.pk in set(choice_ids)]
    if len(chosen) != len(set(choice_ids)):
        raise QuizError("That option does not belong to this question.", field="choice")
    if not chosen:
        message = "Choose an answer first." if question.kind == Kind.SINGLE else "Choose at least one."
        raise QuizError(message, field="choice")
    if question.kind == Kind.SINGLE and len(chosen) > 1:
        raise QuizError("Choose only one answer.", field="choice")
    return chosen


@dataclass(frozen=True)
class Recorded:
    """What became of an answer: recorded now (created), the one already stored (a repeat), or, when the time had run
    out, none: the exam was finished and marked instead (time_up)."""

    response: Response | None
    created: bool = False
    time_up: bool = False
    chosen: frozenset[int] | None = None  # the options chosen, when recorded now (so the page need not read them back)


@transaction.atomic
def response_record(
    *,
    attempt: Attempt,
    question: Question,
    choice_ids: list[int],
    value: Decimal | None,
    certainty: str,
    now: datetime | None = None,
) -> Recorded:
    """Record, score and schedule one answer, in one transaction; the only way an answer is stored.

    A repeat of an answered question returns the stored answer: a double click, a resubmitted form, the back button
    or a second tab all end here, and only the first answer counts. An answer arriving after an exam's deadline
    finishes the exam instead (at its deadline) and records nothing.
    """
    now = now or timezone.now()
    # Lock the attempt so a "finish" arriving at the same moment is seen (a no-op on SQLite, whose IMMEDIATE
    # transactions already run one writer at a time).
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt_close_if_overdue(attempt=attempt, now=now):
        return Recorded(None, time_up=True)
    answered = Response.objects.filter(attempt=attempt, question=question)
    slot = AttemptQuestion.objects.filter(attempt=attempt, question=question)
    slot = slot.annotate(answered=Exists(answered)).first()
    if slot is None:
        raise QuizError("That question is not part of this quiz.")
    if slot.answered:
        return Recorded(answered.select_related("version").get())
    if attempt.is_finished:
        raise AttemptClosed("This quiz is finished; its answers can no longer change.")
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
        return Recorded(Response.objects.select_related("version").get(attempt=attempt, question=question))
    response.choices.add(*chosen)  # a new answer has none yet, so nothing to read first
    if attempt.mode != Attempt.Mode.EXAM:
        # An exam keeps its marks to itself until it is finished, schedule included (see attempt_finish).
        _schedule(response, attempt.learner_id)
    return Recorded(response, created=True, chosen=frozenset(c.pk for c in chosen))


def _schedule(response: Response, learner_id: int) -> None:
    rating = scoring.review_rating(response.score, response.certainty)
    review_card_update(learner_id=learner_id, question_id=response.question_id, rating=rating, now=response.answered_at)


def attempt_close_if_overdue(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """Finish an attempt whose time ran out, at its deadline; True if it was overdue and is now finished.

    The clock has already decided: this records it, and enters an exam's answers into review. So it runs wherever
    the attempt is next touched, a page view included, and finishing twice keeps the first time."""
    if attempt.is_finished or not attempt.is_overdue(now):
        return False
    attempt_finish(attempt=attempt, now=attempt.deadline)
    return True


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
            _schedule(response, attempt.learner_id)
    return attempt


def review_card_update(*, learner_id: int, question_id: int, rating: int, now: datetime) -> ReviewCard:
    """Apply one FSRS review to the learner's card for this question, creating the card on first sight."""
    card_row = ReviewCard.objects.select_for_update().filter(learner_id=learner_id, question_id=question_id).first()
    if card_row is None:
        card, _ = SCHEDULER.review_card(Card(), Rating(rating), review_datetime=now)
        try:
            with transaction.atomic():
                return ReviewCard.objects.create(
                    learner_id=learner_id,
                    question_id=question_id,
                    state=card.to_dict(),
                    due=card.due,
                    reviews=1,
                    last_rating=rating,
                )
        except IntegrityError:
            # Another attempt's first answer to this question made the card a moment ago: review that one.
            card_row = ReviewCard.objects.select_for_update().get(learner_id=learner_id, question_id=question_id)
    card, _ = SCHEDULER.review_card(Card.from_dict(card_row.state), Rating(rating), review_datetime=now)
    card_row.state = card.to_dict()
    card_row.due = card.due
    card_row.reviews += 1
    card_row.last_rating = rating
    card_row.save(update_fields=["state", "due", "reviews", "last_rating"])
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
