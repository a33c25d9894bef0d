"""Writes of the case module: a learner's place in a case, revealing stages, committing to hypotheses."""

from collections.abc import Callable
from datetime import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from calcinosis.models import CalcinosisType, Differential
from cases.models import Case, CaseProgress, Commitment, Hypothesis, Stage, hypothesis_slugs, offered_hypotheses
from cases.reasoning import decision_score
from quizzes import services as quiz_services
from quizzes.models import Attempt, AttemptQuestion, Certainty, Question

# Called once a learner completes a take of a case, after the transaction that completed it commits, with the take
# (CaseProgress): the lti app sends its score to the LMS gradebook. A hook that fails is logged, and the take stays
# completed.
case_completed: list[Callable[[CaseProgress], None]] = []


class CaseError(quiz_services.QuizError):
    pass


class StageLocked(CaseError):
    status = 409


@transaction.atomic
def progress_start(*, learner, case: Case) -> CaseProgress:
    """The learner's place in the case, made when they start it, with a quiz attempt holding its questions.

    Idempotent: starting again (a double submit, a second tab) returns the current take, finished or not."""
    progress = CaseProgress.objects.select_related("attempt").current(learner=learner, case=case)
    if progress is not None:
        return progress
    return _progress_create(learner=learner, case=case, number=1)


@transaction.atomic
def progress_retake(*, progress: CaseProgress, now: datetime | None = None) -> CaseProgress:
    """Take a finished case again: a new place in it and a new attempt at its questions, from the presentation.

    The finished take stays as it was, for the learner's history, /progress/ and the teaching reports; its attempt is
    closed, so its answers no longer change. `progress` is the take the learner's page showed: a second click, or a
    stale tab, returns the take already started instead of a third; an unfinished take is simply returned."""
    progress = CaseProgress.objects.select_for_update(of=("self",)).select_related("attempt").get(pk=progress.pk)
    latest = CaseProgress.objects.select_related("attempt").current(learner=progress.learner_id, case=progress.case_id)
    if latest.pk != progress.pk or progress.completed is None:
        return latest
    if progress.attempt is not None:
        quiz_services.attempt_finish(attempt=progress.attempt, now=now)
    return _progress_create(learner=progress.learner, case=progress.case, number=progress.number + 1)


def _progress_create(*, learner, case: Case, number: int) -> CaseProgress:
    question_ids = list(case.questions.published().order_by("stage__order", "pk").values_list("pk", flat=True))
    attempt = None
    if question_ids:
        attempt = quiz_services.attempt_start(
            learner=learner, topics=[], size=len(question_ids), mode=Attempt.Mode.CASE, question_ids=question_ids
        )
    try:
        with transaction.atomic():
            return CaseProgress.objects.create(learner=learner, case=case, number=number, attempt=attempt)
    except IntegrityError:
        # A second tab started (or retook) the case at the same moment; use its record.
        if attempt is not None:
            attempt.delete()
        return CaseProgress.objects.select_related("attempt").get(learner=learner, case=case, number=number)


def _missing_questions(progress: CaseProgress):
    """The case's published questions that the take's attempt has no place for (all of them without an attempt)."""
    slotted = AttemptQuestion.objects.filter(attempt_id=progress.attempt_id).values("question_id")
    return Question.objects.published().filter(case_id=progress.case_id).exclude(pk__in=slotted)


def progress_questions_sync(*, progress: CaseProgress) -> CaseProgress:
    """Give the take's attempt the case questions published since it was made (an instructor adds one to a stage
    after the learner opened the case), at the next positions, so they are asked like the others.

    One read when nothing is missing, as on almost every view of the case page. Safe to call twice, or from two
    requests at once: the take is locked and the missing questions read again under the lock. A closed attempt
    (an earlier take's) is left as it was."""
    if progress.attempt_id and progress.attempt.is_finished:
        return progress
    if not _missing_questions(progress).exists():
        return progress
    return _questions_add(progress)


@transaction.atomic
def _questions_add(progress: CaseProgress) -> CaseProgress:
    progress = CaseProgress.objects.select_for_update(of=("self",)).select_related("attempt").get(pk=progress.pk)
    missing = list(_missing_questions(progress).order_by("stage__order", "pk").values_list("pk", flat=True))
    if not missing:
        return progress
    if progress.attempt is None:
        progress.attempt = quiz_services.attempt_start(
            learner=progress.learner, topics=[], size=len(missing), mode=Attempt.Mode.CASE, question_ids=missing
        )
        progress.save(update_fields=["attempt"])
        return progress
    last = progress.attempt.slots.aggregate(last=Max("position"))["last"] or 0
    try:
        with transaction.atomic():
            AttemptQuestion.objects.bulk_create(
                AttemptQuestion(attempt=progress.attempt, question_id=pk, position=last + n)
                for n, pk in enumerate(missing, 1)
            )
    except IntegrityError:
        pass  # another request gave the attempt these questions first (the take's lock makes this all but impossible)
    return progress


def _current_stage(progress: CaseProgress, stages: list[Stage]) -> Stage | None:
    return stages[min(progress.revealed, len(stages)) - 1] if progress.revealed else None


def _open_decision(progress: CaseProgress, stage: Stage | None) -> bool:
    if stage is None or not stage.decision:
        return False
    return not Commitment.objects.filter(progress=progress, stage=stage).exists()


@transaction.atomic
def stage_reveal(*, progress: CaseProgress, seen: int | None = None, now: datetime | None = None) -> CaseProgress:
    """Show the next stage, unless the current one ends in a decision not yet committed.

    `seen` is how many stages the learner's page showed: a second click, a resubmitted form or a stale tab
    (seen behind the stored count) reveals nothing more.
    """
    progress = CaseProgress.objects.select_for_update().get(pk=progress.pk)
    stages = list(progress.case.stages.all())
    if progress.revealed >= len(stages) or (seen is not None and seen != progress.revealed):
        return progress
    if _open_decision(progress, _current_stage(progress, stages)):
        raise StageLocked("Commit to your hypothesis before the next findings are shown.")
    progress.revealed += 1
    _complete_if_done(progress, stages, now)
    progress.save(update_fields=["revealed", "completed"])
    return progress


def _complete_if_done(progress: CaseProgress, stages: list[Stage], now: datetime | None) -> None:
    last = stages[-1]
    if progress.revealed >= len(stages) and not _open_decision(progress, last) and progress.completed is None:
        progress.completed = now or timezone.now()
        for hook in case_completed:
            transaction.on_commit(partial(hook, progress), robust=True)


@transaction.atomic
def decision_commit(
    *, progress: CaseProgress, stage: Stage, ranking: list[str], certainty: str, now: datetime | None = None
) -> tuple[Commitment, bool]:
    """Record the learner's hypothesis at a decision point; a repeat returns the first one unchanged."""
    progress = CaseProgress.objects.select_for_update().get(pk=progress.pk)
    existing = Commitment.objects.filter(progress=progress, stage=stage).first()
    if existing is not None:
        return existing, False
    stages = list(progress.case.stages.all())
    if stage.case_id != progress.case_id or not stage.decision or stage not in stages[: progress.revealed]:
        raise CaseError("There is no open decision at this point of the case.")
    if certainty not in Certainty.values:
        raise CaseError("Say how sure you are: sure, unsure or guess.")
    _check_ranking(stage, ranking)
    commitment = Commitment.objects.create(
        progress=progress,
        stage=stage,
        certainty=certainty,
        score=decision_score(stage.decision, ranking, stage.expert_answer),
    )
    types = {t.slug: t for t in CalcinosisType.objects.filter(slug__in=ranking)}
    mimics = {d.slug: d for d in Differential.objects.filter(slug__in=ranking)}
    Hypothesis.objects.bulk_create(
        Hypothesis(
            commitment=commitment,
            rank=rank,
            ctype=types.get(slug),
            mimic=mimics.get(slug) if slug not in types else None,
        )
        for rank, slug in enumerate(ranking, 1)
    )
    _complete_if_done(progress, stages, now)
    progress.save(update_fields=["completed"])
    return commitment, True


def _check_ranking(stage: Stage, ranking: list[str]) -> None:
    if stage.decision == Stage.Decision.TYPE:
        if len(ranking) != 1 or ranking[0] not in hypothesis_slugs(types_only=True):
            raise CaseError("Choose the type you now suspect.")
        return
    if len(ranking) != 3 or len(set(ranking)) != 3:
        raise CaseError("Rank three different diagnoses: first, second and third.")
    types, mimics = offered_hypotheses(stage)
    if not set(ranking) <= set(types) | set(mimics):
        raise CaseError("Choose each diagnosis from the list.")


def open_question_ids(progress: CaseProgress) -> set[int]:
    """The case questions a learner may open: their stage is revealed and its decision, if any, committed.

    The quiz pages check this too, so a case question cannot be reached (and its answer seen) by URL early.
    """
    stages = list(progress.case.stages.all())[: progress.revealed]
    committed = set(Commitment.objects.filter(progress=progress).values_list("stage_id", flat=True))
    open_stages = [s.pk for s in stages if not s.decision or s.pk in committed]
    questions = progress.case.questions.published()
    if progress.completed is None:
        questions = questions.filter(stage__in=open_stages)
    return set(questions.values_list("pk", flat=True))
