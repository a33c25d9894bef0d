"""Reads of the cases app: the data of the case pages, and what other apps' pages use (through quizzes.hooks)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch

from cases.models import Case, CaseProgress, Commitment, Hypothesis, Stage, hypotheses, offered_hypotheses
from cases.reasoning import path_summary
from quizzes.models import AttemptQuestion, Question, Response


@dataclass
class CaseRow:
    """One case on the case list, with the learner's place in it."""

    case: Case
    progress: CaseProgress | None
    stages: int
    topics: list[str]
    score: int | None


def case_rows(*, learner) -> list[CaseRow]:
    """The cases the learner may open (drafts too for an instructor), each with its topics and their progress."""
    cases = Case.objects.visible_to(learner).in_teaching_order().prefetch_related(
        Prefetch("questions", queryset=Question.objects.only("pk", "case_id", "topic")),
        Prefetch("stages", queryset=Stage.objects.only("pk", "case_id", "decision")),
    )
    progress = {p.case_id: p for p in CaseProgress.objects.filter(learner=learner).prefetch_related("commitments")}
    rows = []
    for case in cases:
        mine = progress.get(case.pk)
        stages = case.stages.all()
        topics = sorted({q.get_topic_display() for q in case.questions.all()})
        if any(s.decision for s in stages):
            topics.insert(0, "Diagnostic reasoning")
        score = reasoning_percent(mine) if mine and mine.completed else None
        rows.append(CaseRow(case=case, progress=mine, stages=len(stages), topics=topics, score=score))
    return rows


def reasoning_percent(progress: CaseProgress) -> int | None:
    """The mean score of the learner's committed decisions, as a percentage; None before the first."""
    return _percent([c.score for c in progress.commitments.all()])


def _percent(scores: list[Decimal]) -> int | None:
    return round(100 * sum(scores, Decimal(0)) / len(scores)) if scores else None


@dataclass
class CaseQuestion:
    question: Question
    position: int | None  # in the case's attempt, for the link to the quiz page
    response: Response | None


@dataclass
class StageRow:
    """A revealed stage with the learner's commitment at it and the case questions they may open there."""

    stage: Stage
    commitment: Commitment | None
    questions: list[CaseQuestion]


@dataclass
class CasePage:
    """What the case page shows. A case not started (progress None) shows its presentation and how long it is."""

    case: Case
    progress: CaseProgress | None
    total: int
    stages: list[StageRow] = field(default_factory=list)
    current: Stage | None = None
    next_stage: Stage | None = None
    # The types and mimics (slug to name) offered at the current stage's decision while it waits for a commitment.
    offered: tuple[dict[str, str], dict[str, str]] | None = None
    steps: list[tuple[Stage, Commitment | None]] = field(default_factory=list)
    path: str = ""
    reasoning_percent: int | None = None
    names: dict[str, str] = field(default_factory=dict)

    @property
    def open_decision(self) -> bool:
        return self.offered is not None


def case_page(*, case: Case, progress: CaseProgress | None) -> CasePage:
    """The case as far as the learner has got, in the same number of queries however far that is."""
    if progress is None:
        stages = list(case.stages.only("pk", "case_id", "order", "kind"))
        return CasePage(case=case, progress=None, total=len(stages), next_stage=stages[0] if stages else None)
    types, mimics = hypotheses()
    stages = list(case.stages.select_related("expert_type", "expert_mimic").prefetch_related("mimics"))
    revealed = stages[: progress.revealed]
    ranked = Prefetch("hypotheses", queryset=Hypothesis.objects.select_related("ctype", "mimic"))
    commitments = {c.stage_id: c for c in progress.commitments.prefetch_related(ranked)}
    current = revealed[-1] if revealed else None
    open_decision = current is not None and bool(current.decision) and current.pk not in commitments
    questions = _case_questions(case, progress, revealed)
    steps = [(s, commitments.get(s.pk)) for s in stages if s.decision]
    return CasePage(
        case=case,
        progress=progress,
        total=len(stages),
        stages=[
            StageRow(
                stage=s,
                commitment=commitments.get(s.pk),
                # A stage's questions wait for its decision, so they cannot hint at the answer to commit to.
                questions=questions.get(s.pk, []) if not s.decision or s.pk in commitments else [],
            )
            for s in revealed
        ],
        current=current,
        next_stage=stages[progress.revealed] if progress.revealed < len(stages) else None,
        offered=offered_hypotheses(current, (types, mimics)) if open_decision else None,
        steps=steps,
        path=path_summary([(c.ranking[0], s.expert_answer) for s, c in steps if c]),
        reasoning_percent=_percent([c.score for c in commitments.values()]),
        names=types | mimics,
    )


def _case_questions(case: Case, progress: CaseProgress, revealed: list[Stage]) -> dict[int, list[CaseQuestion]]:
    """Stage id -> the published case questions on the revealed stages, with their place and answer if any."""
    slots, answered, attempt = {}, {}, progress.attempt_id
    if attempt:
        slots = dict(AttemptQuestion.objects.filter(attempt_id=attempt).values_list("question_id", "position"))
        answered = {r.question_id: r for r in Response.objects.filter(attempt_id=attempt)}
    questions = {}
    for question in case.questions.published().filter(stage__in=revealed):
        questions.setdefault(question.stage_id, []).append(
            CaseQuestion(question=question, position=slots.get(question.pk), response=answered.get(question.pk))
        )
    return questions


def decision_confusion(learner) -> list[tuple[int, int, int]]:
    """(expert's type, learner's leading type, count) over committed decisions where both are types.

    For one learner, or every learner when learner is None; feeds the type confusion matrix on /progress/ and /teach/.
    """
    leading = Hypothesis.objects.filter(rank=1, ctype__isnull=False, commitment__stage__expert_type__isnull=False)
    if learner is not None:
        leading = leading.filter(commitment__progress__learner=learner)
    return list(leading.values_list("commitment__stage__expert_type", "ctype").annotate(n=Count("pk")))
