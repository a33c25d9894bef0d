from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from cases import services
from cases.forms import DecisionForm
from cases.models import Case, CaseProgress, Hypothesis, Stage, hypotheses, offered_hypotheses
from cases.reasoning import path_summary
from quizzes.models import Question, Response
from quizzes.views import report_file, report_form_context


def _case_for(request: HttpRequest, slug: str) -> Case:
    """A case the user may open: published, or any case for an instructor previewing it."""
    return get_object_or_404(Case.objects.visible_to(request.user), slug=slug)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.visible_to(request.user).prefetch_related(
        Prefetch("questions", queryset=Question.objects.only("pk", "case_id", "topic")),
        Prefetch("stages", queryset=Stage.objects.only("pk", "case_id", "decision")),
    )
    progress = {p.case_id: p for p in CaseProgress.objects.filter(learner=request.user).prefetch_related("commitments")}
    rows = []
    for case in cases:
        mine = progress.get(case.pk)
        topics = sorted({q.get_topic_display() for q in case.questions.all()})
        if any(s.decision for s in case.stages.all()):
            topics.insert(0, "Diagnostic reasoning")
        rows.append({"case": case, "progress": mine, "stages": len(case.stages.all()), "topics": topics})
    for row in rows:
        mine = row["progress"]
        row["score"] = _reasoning_percent(mine) if mine and mine.completed else None
    return render(request, "cases/index.html", {"rows": rows})


def _reasoning_percent(progress: CaseProgress) -> int | None:
    scores = [c.score for c in progress.commitments.all()]
    return round(100 * sum(scores, Decimal(0)) / len(scores)) if scores else None


def _case_context(request: HttpRequest, case: Case, progress: CaseProgress, form=None, error=None) -> dict:
    types, mimics = hypotheses()
    stages = list(case.stages.select_related("expert_type", "expert_mimic").prefetch_related("mimics"))
    revealed = stages[: progress.revealed]
    ranked = Prefetch("hypotheses", queryset=Hypothesis.objects.select_related("ctype", "mimic"))
    commitments = {c.stage_id: c for c in progress.commitments.prefetch_related(ranked)}
    current = revealed[-1] if revealed else None
    open_decision = current is not None and bool(current.decision) and current.pk not in commitments
    slots, answered = {}, {}
    if progress.attempt_id:
        slots = dict(progress.attempt.slots.values_list("question_id", "position"))
        answered = {r.question_id: r for r in Response.objects.filter(attempt_id=progress.attempt_id)}
    questions = {}
    for question in case.questions.published().filter(stage__in=revealed):
        questions.setdefault(question.stage_id, []).append(
            {"question": question, "position": slots.get(question.pk), "response": answered.get(question.pk)}
        )
    steps = [(s, commitments.get(s.pk)) for s in stages if s.decision]
    return {
        "case": case,
        "progress": progress,
        "stages": [
            {
                "stage": s,
                "report": report_form_context(
                    action=reverse("cases:stage-report", args=[case.slug, s.pk]), dom_id=f"report-stage-{s.pk}"
                )["report"],
                "commitment": commitments.get(s.pk),
                # A stage's questions wait for its decision, so they cannot hint at the answer to commit to.
                "questions": questions.get(s.pk, []) if not s.decision or s.pk in commitments else [],
            }
            for s in revealed
        ],
        "total": len(stages),
        "next_stage": stages[progress.revealed] if progress.revealed < len(stages) else None,
        "open_decision": open_decision,
        "decision_form": _decision_form(form, current, (types, mimics)) if open_decision else None,
        "current": current,
        "error": error,
        "steps": steps,
        "path": path_summary([(c.ranking[0], s.expert_answer) for s, c in steps if c]),
        "reasoning_percent": _reasoning_percent(progress),
        "names": types | mimics,
    }


def _decision_form(form: DecisionForm | None, current: Stage, known: tuple[dict, dict]) -> DecisionForm:
    if form is not None and form.stage.pk == current.pk:
        return form
    types, mimics = offered_hypotheses(current, known)
    return DecisionForm(stage=current, types=types, mimics=mimics)


@login_required
@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    case = _case_for(request, slug)
    progress = services.progress_start(learner=request.user, case=case)
    return render(request, "cases/detail.html", _case_context(request, case, progress))


def _after_change(request: HttpRequest, case: Case, progress: CaseProgress, anchor: str) -> HttpResponse:
    if request.htmx:
        return render(request, "cases/detail.html#stages", _case_context(request, case, progress))
    return redirect(f"{case.get_absolute_url()}#{anchor}")


@login_required
@require_POST
def reveal(request: HttpRequest, slug: str) -> HttpResponse:
    case = _case_for(request, slug)
    progress = services.progress_start(learner=request.user, case=case)
    try:
        seen = int(request.POST.get("seen", ""))
    except ValueError:
        return HttpResponseBadRequest("Reload the case: the page did not say which stage it showed.")
    try:
        progress = services.stage_reveal(progress=progress, seen=seen)
    except services.CaseError as error:
        context = _case_context(request, case, progress, error=error.message)
        template = "cases/detail.html#stages" if request.htmx else "cases/detail.html"
        return render(request, template, context, status=error.status)
    shown = list(case.stages.all())[: progress.revealed]
    return _after_change(request, case, progress, f"stage-{shown[-1].order}" if shown else "case-stages")


@login_required
@require_POST
def commit(request: HttpRequest, slug: str, stage_id: int) -> HttpResponse:
    case = _case_for(request, slug)
    stage = get_object_or_404(Stage, pk=stage_id, case=case)
    progress = services.progress_start(learner=request.user, case=case)
    types, mimics = offered_hypotheses(stage)
    form = DecisionForm(request.POST, stage=stage, types=types, mimics=mimics)
    error, status = None, 400
    if form.is_valid():
        try:
            services.decision_commit(
                progress=progress, stage=stage, ranking=form.ranking(), certainty=form.cleaned_data["certainty"]
            )
        except services.CaseError as failure:
            error, status = failure.message, failure.status
        else:
            progress.refresh_from_db()
            return _after_change(request, case, progress, f"stage-{stage.order}")
    context = _case_context(request, case, progress, form=form, error=error)
    template = "cases/detail.html#stages" if request.htmx else "cases/detail.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def stage_report(request: HttpRequest, slug: str, stage_id: int) -> HttpResponse:
    """Report a problem on a stage the learner has already revealed."""
    case = _case_for(request, slug)
    progress = get_object_or_404(CaseProgress, learner=request.user, case=case)
    revealed = list(case.stages.all()[: progress.revealed])
    stage = next((s for s in revealed if s.pk == stage_id), None)
    if stage is None:
        raise Http404("No such stage revealed in this case.")
    return report_file(
        request,
        target=stage,
        label=f"Case “{case.title}”, stage {revealed.index(stage) + 1}: {stage.title}",
        action=reverse("cases:stage-report", args=[case.slug, stage.pk]),
        dom_id=f"report-stage-{stage.pk}",
        fallback=case.get_absolute_url(),
    )
