"""Writes that span models: starting a quiz, recording an answer, finishing, scheduling review."""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, FloatField
from django.db.models.functions import Cast
from django.utils import timezone
from fsrs import Card, Rating

from quizzes import calculated, hooks, scoring, versions
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    DeletedAnswerTally,
    Kind,
    ProblemReport,
    Question,
    Response,
    ReviewCard,
)
from quizzes.schedule import SCHEDULER, card_before

MAX_QUESTIONS = 100
TIME_UP = "Time is up: this quiz has been finished and marked."


class QuizError(Exception):
    """A request the learner can correct; the view turns it into a 4xx with this message."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field  # the form field the message belongs beside, if any


class AttemptClosed(QuizError):
    status = 409


class NotInAttempt(QuizError):
    status = 404


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
    # A calculated question gets its own values in each attempt, so coming back to it means working it out again.
    ranges = {
        pk: (formula, variables)
        for pk, formula, variables in Question.objects.filter(pk__in=question_ids, kind=Kind.CALCULATED).values_list(
            "pk", "formula", "variables"
        )
    }
    AttemptQuestion.objects.bulk_create(
        AttemptQuestion(
            attempt=attempt,
            question_id=pk,
            position=i,
            values=calculated.draw(ranges[pk][1], formula=ranges[pk][0]) if pk in ranges else None,
        )
        for i, pk in enumerate(question_ids, 1)
    )
    return attempt


def slot_values(slot: AttemptQuestion, question: Question) -> dict | None:
    """A calculated question's values in this attempt, drawn (and kept) now if the slot has none yet: a question
    added to a case after it started, or made calculated since."""
    if question.kind != Kind.CALCULATED:
        return None
    if not calculated.complete(question.formula, slot.values):
        # None yet, or drawn for a formula the instructor has since changed: draw for the formula as it is now.
        stale = slot.values
        slot.values = calculated.draw(question.variables, formula=question.formula)
        rows = AttemptQuestion.objects.filter(pk=slot.pk)
        rows = rows.filter(values__isnull=True) if stale is None else rows.filter(values=stale)
        rows.update(values=slot.values)
        slot.refresh_from_db(fields=["values"])
    return slot.values


def _score(
    question: Question, options: list[Choice], chosen: list[Choice], value: Decimal | None, values: dict | None = None
) -> Decimal:
    if question.kind == Kind.NUMERIC:
        return scoring.score_numeric(question.answer, question.tolerance, value, question.numeric_answers)
    if question.kind == Kind.CALCULATED:
        return scoring.score_numeric(calculated.answer(question.formula, values), question.tolerance, value)
    correct = {c.pk for c in options if c.is_correct}
    picked = {c.pk for c in chosen}
    fractions = scoring.option_fractions(options)  # Moodle's own grades on options imported with them
    if question.kind == Kind.SINGLE:
        return scoring.score_single(correct, picked, fractions)
    return scoring.score_partial(correct, picked, {c.pk for c in options if c.is_neutral}, fractions)


def _validate(question: Question, options: list[Choice], choice_ids: list[int], value: Decimal | None) -> list[Choice]:
    if question.takes_number:
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
class Previewed:
    """An answer marked as a learner's would be, for an instructor's preview: nothing is stored."""

    score: Decimal
    chosen: frozenset[int]
    answer: Decimal | None  # a numeric or calculated question's right answer (for the values drawn)
    about_answer: str = ""  # a numeric question's feedback on the answer the value matched


def answer_preview(
    *, question: Question, choice_ids: list[int], value: Decimal | None, values: dict | None = None
) -> Previewed:
    """Mark an answer by the same rules as response_record, recording nothing (no attempt, response or review card).
    Raises QuizError as answering does."""
    options = [c for c in question.choices.all() if not c.is_retired]
    chosen = _validate(question, options, choice_ids, value)
    if question.kind == Kind.CALCULATED and not calculated.complete(question.formula, values):
        raise QuizError("The values drawn for this preview are missing: open the preview again.")
    right = question.answer
    if question.kind == Kind.CALCULATED:
        right = calculated.shown_answer(question.formula, values)
    score = _score(question, options, chosen, value, values)
    about = (
        versions.about_answer(versions.shown_live(question, options), value) if question.kind == Kind.NUMERIC else ""
    )
    return Previewed(score=score, chosen=frozenset(c.pk for c in chosen), answer=right, about_answer=about)


@dataclass(frozen=True)
class Recorded:
    """What became of an answer: recorded now (created), the one already stored (a repeat), or, when the time had run
    out, none: the exam was finished and marked instead (time_up)."""

    response: Response | None
    created: bool = False
    time_up: bool = False
    chosen: frozenset[int] | None = None  # the options chosen, when recorded now (so the page need not read them back)
    changed: bool = False  # an exam's stored answer replaced by a new one (allowed until the exam is submitted)
    card: ReviewCard | None = None  # the review card the answer scheduled, if it scheduled one now


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

    In tutor and review modes the first answer is final: a repeat (a double click, a resubmitted form, the back
    button, a second tab) returns the stored answer. In an exam, as in UWorld and Moodle, an answer may be changed
    until the exam is submitted: a new answer replaces the stored one (nothing is scheduled for review until the
    exam is finished). An answer arriving after an exam's deadline finishes the exam instead (at its deadline) and
    records nothing.
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
    if attempt.is_finished:
        if slot.answered:
            return Recorded(answered.select_related("version").get())
        raise AttemptClosed("This quiz is finished; its answers can no longer change.")
    changeable = attempt.mode == Attempt.Mode.EXAM
    if slot.answered and not changeable:
        return Recorded(answered.select_related("version").get())
    every_option = list(question.choices.all())
    options = [o for o in every_option if not o.is_retired]
    if question.answerability_problems([{"is_correct": o.is_correct, "is_neutral": o.is_neutral} for o in options]):
        # Admin refuses such questions; this guards against one slipping through (a deleted option, say).
        raise AttemptClosed("This question cannot be answered yet: its options are incomplete. Tell an instructor.")
    chosen = _validate(question, options, choice_ids, value)
    score = _score(question, options, chosen, value, slot_values(slot, question))
    version = versions.version_for(question, every_option)
    if slot.answered:  # an exam's answer, changed before submission
        response = answered.get()
        response.version, response.value, response.certainty = version, value, certainty
        response.score, response.is_correct, response.answered_at = score, score == 1, now
        response.save(update_fields=["version", "value", "certainty", "score", "is_correct", "answered_at"])
        response.choices.set(chosen)
        return Recorded(response, chosen=frozenset(c.pk for c in chosen), changed=True)
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
    card = None
    if attempt.mode != Attempt.Mode.EXAM:
        # An exam keeps its marks to itself until it is finished, schedule included (see attempt_finish).
        card = _schedule(response, attempt.learner_id)
    return Recorded(response, created=True, chosen=frozenset(c.pk for c in chosen), card=card)


@transaction.atomic
def slot_mark(*, attempt: Attempt, position: int, marked: bool) -> AttemptQuestion:
    """Mark a question of an unfinished attempt for review before submitting, or unmark it; idempotent."""
    slot = AttemptQuestion.objects.select_related("attempt").filter(attempt=attempt, position=position).first()
    if slot is None:
        raise NotInAttempt("That question is not part of this quiz.")
    if slot.attempt.is_finished:
        raise AttemptClosed("This quiz is finished; its marks can no longer change.")
    if slot.marked != marked:
        slot.marked = marked
        slot.save(update_fields=["marked"])
    return slot


def _schedule(response: Response, learner_id: int) -> ReviewCard:
    rating = scoring.review_rating(response.score, response.certainty)
    return review_card_update(
        learner_id=learner_id,
        question_id=response.question_id,
        rating=rating,
        now=response.answered_at,
        response_id=response.pk,
    )


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
    if closed:
        for hook in hooks.attempt_finished:
            transaction.on_commit(partial(hook, attempt), robust=True)
    return attempt


def review_card_update(
    *, learner_id: int, question_id: int, rating: int, now: datetime, response_id: int | None = None
) -> ReviewCard:
    """Apply one FSRS review to the learner's card for this question, creating the card on first sight; the state
    before it is kept with the answer that made it, so that review may be rated otherwise (review_rerate)."""
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
                    previous_state=None,
                    last_response_id=response_id,
                )
        except IntegrityError:
            # Another attempt's first answer to this question made the card a moment ago: review that one.
            card_row = ReviewCard.objects.select_for_update().get(learner_id=learner_id, question_id=question_id)
    card, _ = SCHEDULER.review_card(Card.from_dict(card_row.state), Rating(rating), review_datetime=now)
    card_row.previous_state = card_row.state
    card_row.last_response_id = response_id
    card_row.state = card.to_dict()
    card_row.due = card.due
    card_row.reviews += 1
    card_row.last_rating = rating
    card_row.save(update_fields=["previous_state", "last_response", "state", "due", "reviews", "last_rating"])
    return card_row


@transaction.atomic
def review_rerate(*, learner, response: Response, rating: int) -> ReviewCard:
    """Rate the review an answer made otherwise (Anki lets the learner pick the button; the app only proposes one):
    the card is scheduled again from its state before that review, at the time of the answer. Only the latest
    review of the card can be rated again, and only by its learner."""
    if rating not in scoring.RATINGS:
        raise QuizError("Choose Again, Hard, Good or Easy.")
    card_row = (
        ReviewCard.objects.select_for_update()
        .filter(learner=learner, question_id=response.question_id, last_response=response)
        .first()
    )
    if card_row is None:
        raise AttemptClosed("This answer is no longer your latest review of the question, so its rating is kept.")
    card, _ = SCHEDULER.review_card(card_before(card_row), Rating(rating), review_datetime=response.answered_at)
    card_row.state = card.to_dict()
    card_row.due = card.due
    card_row.last_rating = rating
    card_row.save(update_fields=["state", "due", "last_rating"])
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


@transaction.atomic
def answers_anonymise(*, learner) -> None:
    """Add a learner's answers to the anonymous tallies of each question version they answered, before their account
    and its answers are deleted (accounts.services.account_delete), so the item statistics keep counting them.

    Per version: the answers, one learner, their mean mark there (repeats averaged, as teach.itemstats counts a
    learner once per item) and how often each option was chosen; nothing that could name them."""
    mine = Response.objects.filter(attempt__learner=learner).order_by()
    per_version = {
        row["version"]: row
        for row in mine.values("version").annotate(answers=Count("pk"), mean=Avg(Cast("score", FloatField())))
    }
    if not per_version:
        return
    picks: dict[int, Counter] = defaultdict(Counter)
    chosen = Response.choices.through.objects.filter(response__in=mine).order_by()
    for version_id, choice_id, n in chosen.values_list("response__version", "choice").annotate(n=Count("pk")):
        picks[version_id][str(choice_id)] += n
    # Create the missing rows, then lock them all in one order, so two deletions at once neither collide nor deadlock.
    DeletedAnswerTally.objects.bulk_create(
        [DeletedAnswerTally(version_id=pk) for pk in per_version], ignore_conflicts=True
    )
    tallies = list(DeletedAnswerTally.objects.select_for_update().filter(version__in=per_version).order_by("version"))
    for tally in tallies:
        row = per_version[tally.version_id]
        tally.answers += row["answers"]
        tally.learners += 1
        tally.score_sum += row["mean"]
        tally.picks = dict(Counter(tally.picks) + picks[tally.version_id])
    DeletedAnswerTally.objects.bulk_update(tallies, ["answers", "learners", "score_sum", "picks"])
