"""Reads of the cases app: the data of the case pages, and what other apps' pages use (through quizzes.hooks)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet

from cases.models import Case, CaseProgress, Commitment, Hypothesis, Stage, hypotheses, offered_hypotheses
from cases.reasoning import path_summary
from quizzes import bodymap, calculated, versions
from quizzes.models import AttemptQuestion, Choice, Kind, Question, Response


@dataclass
class CaseRow:
    """One case on the case list, with the learner's place in it: their current take, and how their takes went."""

    case: Case
    progress: CaseProgress | None  # the current (latest) take
    stages: int
    topics: list[str]
    score: int | None  # the reasoning score of the latest finished take
    completions: int = 0  # finished takes, the current one included


def case_rows(*, learner) -> list[CaseRow]:
    """The cases the learner may open (drafts too for an instructor), each with its topics and their progress."""
    cases = (
        Case.objects.visible_to(learner)
        .in_teaching_order()
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.only("pk", "case_id", "topic")),
            Prefetch("stages", queryset=Stage.objects.only("pk", "case_id", "decision")),
        )
    )
    current, finished, completions = {}, {}, {}
    takes = CaseProgress.objects.filter(learner=learner).order_by("case_id", "number").prefetch_related("commitments")
    for take in takes:  # in order of their number, so the latest take of each case is kept last
        current[take.case_id] = take
        if take.completed:
            finished[take.case_id] = take
            completions[take.case_id] = completions.get(take.case_id, 0) + 1
    rows = []
    for case in cases:
        stages = case.stages.all()
        topics = sorted({q.get_topic_display() for q in case.questions.all()})
        if any(s.decision for s in stages):
            topics.insert(0, "Diagnostic reasoning")
        done = finished.get(case.pk)
        rows.append(
            CaseRow(
                case=case,
                progress=current.get(case.pk),
                stages=len(stages),
                topics=topics,
                score=reasoning_percent(done) if done else None,
                completions=completions.get(case.pk, 0),
            )
        )
    return rows


def reasoning_percent(progress: CaseProgress) -> int | None:
    """The mean score of the learner's committed decisions, as a percentage; None before the first."""
    return _percent([c.score for c in progress.commitments.all()])


def _percent(scores: list[Decimal]) -> int | None:
    return round(100 * sum(scores, Decimal(0)) / len(scores)) if scores else None


# Asked inside the case page; a calculated question (its values drawn for each attempt) opens on its own page.
INLINE_KINDS = {Kind.SINGLE, Kind.MULTIPLE, Kind.BODYMAP, Kind.NUMERIC, Kind.CALCULATED}


@dataclass
class CaseQuestion:
    question: Question
    position: int | None  # in the case's attempt: the quiz engine's URLs name it
    response: Response | None
    options: list = field(default_factory=list)  # not retired, in the order the question page shows them
    regions: list = field(default_factory=list)  # a body map's regions on the figure (quizzes.bodymap.regions)
    values: dict | None = None  # a calculated question's values drawn for this attempt

    @property
    def stem_html(self) -> str:
        """The stem as this learner is asked it: a calculated question's with the values drawn for the attempt."""
        if self.question.kind == Kind.CALCULATED and calculated.complete(self.question.formula, self.values):
            return calculated.fill(self.question.stem_html, self.values)
        return self.question.stem_html

    @property
    def inline(self) -> bool:
        """Answered in the case page, beside the vignette (posted to the quiz engine, its feedback swapped in).

        A calculated question whose values are not drawn yet (added to the case, or made calculated, since the
        attempt began) opens on its own page, which draws them."""
        if self.position is None or self.question.kind not in INLINE_KINDS:
            return False
        return self.question.kind != Kind.CALCULATED or calculated.complete(self.question.formula, self.values)


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
    questions_total: int = 0  # the places in the take's attempt, for "question 2 of 5"
    figure: dict | None = None  # the body figure, when a body-map question waits for its answer on the page
    next_case: Case | None = None  # once finished: the case to try next

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
    questions, total = _case_questions(case, progress, revealed)
    steps = [(s, commitments.get(s.pk)) for s in stages if s.decision]
    rows = [
        StageRow(
            stage=s,
            commitment=commitments.get(s.pk),
            # A stage's questions wait for its decision, so they cannot hint at the answer to commit to.
            questions=questions.get(s.pk, []) if not s.decision or s.pk in commitments else [],
        )
        for s in revealed
    ]
    waiting_map = any(q.regions and q.response is None for row in rows for q in row.questions)
    return CasePage(
        case=case,
        progress=progress,
        total=len(stages),
        stages=rows,
        current=current,
        next_stage=stages[progress.revealed] if progress.revealed < len(stages) else None,
        offered=offered_hypotheses(current, (types, mimics)) if open_decision else None,
        steps=steps,
        path=path_summary([(c.ranking[0], s.expert_answer) for s, c in steps if c]),
        reasoning_percent=_percent([c.score for c in commitments.values()]),
        names=types | mimics,
        questions_total=total,
        figure=bodymap.figure() if waiting_map else None,
        next_case=next_case(learner=progress.learner_id, case=case) if progress.completed else None,
    )


def _case_questions(
    case: Case, progress: CaseProgress, revealed: list[Stage]
) -> tuple[dict[int, list[CaseQuestion]], int]:
    """Stage id -> the published case questions on the revealed stages, in the attempt's order, with their place,
    their options and the answer if any; and how many places the attempt has."""
    slots, values, answered, attempt = {}, {}, {}, progress.attempt_id
    if attempt:
        rows = AttemptQuestion.objects.filter(attempt_id=attempt).values_list("question_id", "position", "values")
        for question_id, position, drawn in rows:
            slots[question_id], values[question_id] = position, drawn
        answered = {r.question_id: r for r in Response.objects.filter(attempt_id=attempt)}
    live = Prefetch("choices", queryset=Choice.objects.filter(is_retired=False).select_related("site"))
    questions = {}
    for question in case.questions.published().filter(stage__in=revealed).prefetch_related(live):
        # The same order as on the question page, so the two never disagree.
        options = versions.in_display_order(
            list(question.choices.all()), kind=question.kind, seed=f"{attempt}:{question.pk}"
        )
        questions.setdefault(question.stage_id, []).append(
            CaseQuestion(
                question=question,
                position=slots.get(question.pk),
                response=answered.get(question.pk),
                options=options,
                regions=bodymap.regions(options, set(), False) if question.kind == Kind.BODYMAP else [],
                values=values.get(question.pk),
            )
        )
    for row in questions.values():
        row.sort(key=lambda q: (q.position is None, q.position or 0))
    return questions, len(slots)


def next_case(*, learner, case: Case) -> Case | None:
    """The case to offer once this one is finished: the next in teaching order that the learner has not completed,
    going round to the first such case before this one; None when they have completed every other. One query."""
    mine = CaseProgress.objects.filter(learner=learner, case=OuterRef("pk"))
    cases = list(
        Case.objects.published()
        .in_teaching_order()
        .annotate(done=Exists(mine.filter(completed__isnull=False)), started=Exists(mine))
        .only("pk", "slug", "title", "difficulty")
    )
    here = next((i for i, c in enumerate(cases) if c.pk == case.pk), -1)
    return next((c for c in cases[here + 1 :] + cases[: max(here, 0)] if not c.done), None)


def decision_confusion(learner) -> list[tuple[int, int, int]]:
    """(expert's type, learner's leading type, count) over committed decisions where both are types.

    For one learner, a cohort (a QuerySet of users) or every learner when learner is None; feeds the type confusion
    matrix on /progress/ and /teach/.
    """
    leading = Hypothesis.objects.filter(rank=1, ctype__isnull=False, commitment__stage__expert_type__isnull=False)
    if isinstance(learner, QuerySet):
        leading = leading.filter(commitment__progress__learner__in=learner.values("pk"))
    elif learner is not None:
        leading = leading.filter(commitment__progress__learner=learner)
    return list(leading.values_list("commitment__stage__expert_type", "ctype").annotate(n=Count("pk")))
