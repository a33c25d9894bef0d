from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from calcinosis.authoring import is_instructor
from cases import selectors, services
from cases.forms import DecisionForm
from cases.models import Case, CaseProgress, Stage, offered_hypotheses
from quizzes.models import Certainty, Choice, Question, QuestionImage
from quizzes.reports import report_file, report_form_context


def _case_for(request: HttpRequest, slug: str) -> Case:
    """A case the user may open: published, or any case for an instructor previewing it."""
    return get_object_or_404(Case.objects.visible_to(request.user), slug=slug)


def _progress_for(request: HttpRequest, case: Case) -> CaseProgress:
    """The user's place in their current take of a case; 404 before the start, so a stale form changes nothing."""
    progress = CaseProgress.objects.select_related("attempt").current(learner=request.user, case=case)
    if progress is None:
        raise Http404("This case is not started.")
    return progress


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/index.html", {"rows": selectors.case_rows(learner=request.user)})


@login_required
@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The case as far as the learner has got; before they start it, its presentation and a button to start."""
    case = _case_for(request, slug)
    progress = CaseProgress.objects.select_related("attempt").current(learner=request.user, case=case)
    return _render_case(request, case, progress, template="cases/detail.html")


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start the case and reveal its first stage, as one click: the learner's place in it and its questions' attempt
    are made here, never by a GET. Sent twice, it starts once and reveals once."""
    case = _case_for(request, slug)
    progress = services.progress_start(learner=request.user, case=case)
    progress = services.stage_reveal(progress=progress, seen=0)
    return _after_change(request, case, progress, "stage-1" if progress.revealed else "case-stages")


@login_required
@require_POST
def retake(request: HttpRequest, slug: str) -> HttpResponse:
    """Take a finished case again, from its first stage, as one click (like the start). `take` is the number of the
    take the page showed, so a second click or a stale tab starts nothing more."""
    case = _case_for(request, slug)
    try:
        number = int(request.POST.get("take", ""))
    except ValueError:
        return HttpResponseBadRequest("Reload the case: the page did not say which take it showed.")
    finished = get_object_or_404(CaseProgress, learner=request.user, case=case, number=number)
    progress = services.progress_retake(progress=finished)
    progress = services.stage_reveal(progress=progress, seen=0)
    return _after_change(request, case, progress, "stage-1" if progress.revealed else "case-stages")


@login_required
@require_POST
def reveal(request: HttpRequest, slug: str) -> HttpResponse:
    case = _case_for(request, slug)
    progress = _progress_for(request, case)
    try:
        seen = int(request.POST.get("seen", ""))
    except ValueError:
        return HttpResponseBadRequest("Reload the case: the page did not say which stage it showed.")
    try:
        progress = services.stage_reveal(progress=progress, seen=seen)
    except services.CaseError as error:
        return _render_case(request, case, progress, error=error.message, status=error.status)
    shown = list(case.stages.all())[: progress.revealed]
    return _after_change(request, case, progress, f"stage-{shown[-1].order}" if shown else "case-stages")


@login_required
@require_POST
def commit(request: HttpRequest, slug: str, stage_id: int) -> HttpResponse:
    case = _case_for(request, slug)
    stage = get_object_or_404(Stage, pk=stage_id, case=case)
    progress = _progress_for(request, case)
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
    return _render_case(request, case, progress, form=form, error=error, status=status)


@login_required
@require_POST
def stage_report(request: HttpRequest, slug: str, stage_id: int) -> HttpResponse:
    """Report a problem on a stage the learner has already revealed."""
    case = _case_for(request, slug)
    progress = _progress_for(request, case)
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


def _after_change(request: HttpRequest, case: Case, progress: CaseProgress, anchor: str) -> HttpResponse:
    if request.htmx:
        return _render_case(request, case, progress)
    return redirect(f"{case.get_absolute_url()}#{anchor}")


def _render_case(
    request: HttpRequest,
    case: Case,
    progress: CaseProgress | None,
    *,
    template: str | None = None,
    form: DecisionForm | None = None,
    error: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The case page, or only its stages for htmx (unless `template` says which); a fresh form where one is open.

    The take's attempt first gains any case question published since it was made, so that one is asked too."""
    if progress is not None:
        progress = services.progress_questions_sync(progress=progress)
    page = selectors.case_page(case=case, progress=progress)
    context = {
        "page": page,
        "error": error,
        "decision_form": _decision_form(form, page),
        "reports": {row.stage.pk: _report(case, row.stage) for row in page.stages},
        "certainties": Certainty.choices,  # asked with each case question answered on the page
    }
    template = template or ("cases/detail.html#stages" if request.htmx else "cases/detail.html")
    return render(request, template, context, status=status)


def _decision_form(form: DecisionForm | None, page: selectors.CasePage) -> DecisionForm | None:
    """The posted form when it is for the open decision (to show its errors), else a blank one; None if none open."""
    if not page.open_decision:
        return None
    if form is not None and form.stage.pk == page.current.pk:
        return form
    types, mimics = page.offered
    return DecisionForm(stage=page.current, types=types, mimics=mimics)


def _report(case: Case, stage: Stage) -> dict:
    action = reverse("cases:stage-report", args=[case.slug, stage.pk])
    return report_form_context(action=action, dom_id=f"report-stage-{stage.pk}")["report"]


# uploaded images: case stages' and questions'


@login_required
@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """An image under /media/, to whoever may see what shows it: a stage's to whoever may open its case (published
    cases to any account, drafts to instructors only: Case.objects.visible_to); a question's to whoever may see the
    question (QuestionImage.objects.visible_to), and for a case question its case too. A file nothing names is a
    404, even if it is on disk, so a path can never reach beyond the images shown (nor an old image replaced since).

    Served so a crafted upload cannot run as a page (no sniffing, sandboxed) and kept out of shared caches."""
    if not _shows_image(request.user, path):
        raise Http404("No such image.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private"
    return response


def _shows_image(user, path: str) -> bool:
    cases = Case.objects.visible_to(user)
    if Stage.objects.filter(image=path, case__in=cases).exists():
        return True
    in_a_visible_case = Q(question__case__isnull=True) | Q(question__case__in=cases)
    return QuestionImage.objects.visible_to(user).filter(in_a_visible_case, image=path).exists()


@login_required
@require_GET
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """An instructor reads the whole case at once, as a learner meets it stage by stage: every stage, the decision
    points with the expert's answer and reasoning, the questions with their keys, and the debrief. Drafts too;
    nothing is recorded (a learner's page would start a take)."""
    if not is_instructor(request.user):
        raise PermissionDenied("Instructors only.")
    stages = Stage.objects.select_related("expert_type", "expert_mimic").prefetch_related("mimics").order_by("order")
    questions = Question.objects.order_by("stage__order", "pk").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.filter(is_retired=False))
    )
    case = get_object_or_404(
        Case.objects.prefetch_related(Prefetch("stages", queryset=stages), Prefetch("questions", queryset=questions)),
        slug=slug,
    )
    by_stage: dict[int | None, list] = {}
    for question in case.questions.all():
        by_stage.setdefault(question.stage_id, []).append(question)
    rows = [{"stage": stage, "questions": by_stage.get(stage.pk, [])} for stage in case.stages.all()]
    context = {"case": case, "rows": rows, "loose": by_stage.get(None, [])}
    return render(request, "cases/preview.html", context)
