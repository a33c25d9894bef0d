import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_POST

from calcinosis.models import BodySite
from cases import services as case_services
from cases.models import CaseProgress
from quizzes import bodymap, services, stats, versions
from quizzes.forms import AnswerForm, NoteForm, ProblemReportForm, QuizBuilderForm, ResolveReportForm
from quizzes.models import (
    Attempt,
    AttemptQuestion,
    Choice,
    Flag,
    Note,
    ProblemReport,
    Question,
    Response,
    ReviewCard,
)

REVIEW_SESSION_SIZE = 20


def _attempt_for(request: HttpRequest, pk: int) -> Attempt:
    """The learner's own attempt, or 404: another learner's attempt is not even acknowledged to exist."""
    return get_object_or_404(Attempt, pk=pk, learner=request.user)


def _slot_for(attempt: Attempt, position: int) -> AttemptQuestion:
    slot = (
        AttemptQuestion.objects.filter(attempt=attempt, position=position)
        .select_related("question__section")
        .prefetch_related(Prefetch("question__choices", queryset=Choice.objects.select_related("site", "ctype")))
        .first()
    )
    if slot is None:
        raise Http404("No such question in this quiz.")
    return slot


def _check_case_question(attempt: Attempt, slot: AttemptQuestion) -> None:
    """A case question stays closed until the case reaches it (see cases.services.open_question_ids)."""
    if attempt.mode != Attempt.Mode.CASE:
        return
    progress = CaseProgress.objects.filter(attempt=attempt).select_related("case").first()
    if progress is None or slot.question_id not in case_services.open_question_ids(progress):
        raise Http404("This question opens later in the case.")


def _case_redirect(attempt: Attempt) -> HttpResponse | None:
    """Case attempts are taken and resumed from their case, never finished or marked as a quiz."""
    if attempt.mode != Attempt.Mode.CASE:
        return None
    case = _case_of(attempt)
    return redirect(case.get_absolute_url() if case else "cases:index")


def _close_if_overdue(attempt: Attempt) -> bool:
    if attempt.is_finished or not attempt.is_overdue():
        return False
    services.attempt_finish(attempt=attempt, now=attempt.deadline)
    return True


# quizzes


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    # A case's questions are resumed from the case itself, so its attempt is not listed here.
    attempts = (
        Attempt.objects.filter(learner=request.user)
        .exclude(mode=Attempt.Mode.CASE)
        .annotate(total=Count("slots", distinct=True), answered=Count("responses", distinct=True))
    )
    context = {
        "form": QuizBuilderForm(),
        "unfinished": [a for a in attempts.filter(finished__isnull=True)[:10]],
        "bank": stats.bank_counts(),
    }
    return render(request, "quizzes/index.html", context)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    form = QuizBuilderForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            attempt = services.attempt_start(
                learner=request.user,
                topics=data["topics"],
                size=data["size"],
                pool=data["pool"],
                mode=data["mode"],
                time_limit_minutes=data["time_limit"] if data["mode"] == Attempt.Mode.EXAM else None,
            )
        except services.QuizError as error:
            form.add_error(None, error.message)
        else:
            drawn = attempt.slots.count()
            if drawn < data["size"]:
                messages.info(request, f"Only {drawn} question{pluralize(drawn)} matched, so this quiz has {drawn}.")
            return redirect(reverse("quizzes:question", args=[attempt.pk, 1]))
    context = {"form": form, "unfinished": [], "bank": stats.bank_counts()}
    return render(request, "quizzes/index.html", context, status=400)


@login_required
@require_GET
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Resume: the first unanswered question, or the results once everything is answered or finished."""
    attempt = _attempt_for(request, pk)
    if case_redirect := _case_redirect(attempt):
        return case_redirect
    _close_if_overdue(attempt)
    if attempt.is_finished:
        return redirect("quizzes:results", pk=attempt.pk)
    answered = Response.objects.filter(attempt=attempt).values("question_id")
    slot = attempt.slots.exclude(question_id__in=answered).first()
    position = slot.position if slot else attempt.slots.count()
    return redirect("quizzes:question", pk=attempt.pk, position=position)


def _question_context(request, attempt, slot, form=None, error=None) -> dict:
    question = slot.question
    response = (
        Response.objects.filter(attempt=attempt, question=question)
        .select_related("version")
        .prefetch_related("choices")
        .first()
    )
    shown = versions.shown_for(
        question=question,
        options=question.choices.all(),
        response=response,
        seed=f"{attempt.pk}:{question.pk}",
        sites=_sites() if question.kind == "bodymap" and response else None,
    )
    options = shown.options
    total = attempt.slots.count()
    answered = attempt.responses.count()
    chosen = {c.pk for c in response.choices.all()} if response else set()
    note = Note.objects.filter(learner=request.user, question=question).first()
    show_feedback = response is not None and attempt.shows_feedback_now
    form = form or AnswerForm(question=question, options=options)
    form_chosen = {int(v) for v in form.data.getlist("choice") if v.isdigit()} if form.is_bound else set()
    return {
        "attempt": attempt,
        "slot": slot,
        "question": question,
        "shown": shown,
        "options": options,
        "chosen": chosen,
        "form": form,
        "form_chosen": form_chosen,
        "regions": bodymap.regions(options, chosen or form_chosen, show_feedback) if question.kind == "bodymap" else [],
        "figure": bodymap.figure() if question.kind == "bodymap" else None,
        "error": error,
        "response": response,
        "show_feedback": show_feedback,
        "peers": stats.peer_choices(response.version_id) if show_feedback else None,
        "total": total,
        "answered": answered,
        "percent_done": round(100 * answered / total) if total else 0,
        "next_position": slot.position + 1 if slot.position < total else None,
        "flagged": Flag.objects.filter(learner=request.user, question=question).exists(),
        "note_form": NoteForm(initial={"text": note.text if note else ""}),
        "cbm": stats.cbm_for(response) if response else None,
        "case": _case_of(attempt),
        "report": report_form_context(
            action=reverse("quizzes:question-report", args=[question.pk]), dom_id=f"report-question-{question.pk}"
        )["report"],
    }


def _sites() -> dict:
    return {site.pk: site for site in BodySite.objects.all()}


def _case_of(attempt: Attempt):
    """The case whose questions this attempt holds, for the way back to it."""
    if attempt.mode != Attempt.Mode.CASE:
        return None
    progress = CaseProgress.objects.filter(attempt=attempt).select_related("case").first()
    return progress.case if progress else None


@login_required
@require_GET
def question(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    if _close_if_overdue(attempt):
        messages.info(request, "Time is up: the quiz has been finished and marked.")
        return redirect("quizzes:results", pk=attempt.pk)
    slot = _slot_for(attempt, position)
    _check_case_question(attempt, slot)
    return render(request, "quizzes/question.html", _question_context(request, attempt, slot))


@login_required
@require_POST
def answer(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    slot = _slot_for(attempt, position)
    _check_case_question(attempt, slot)
    question = slot.question
    form = AnswerForm(request.POST, question=question, options=list(question.choices.in_use()))
    error, status = None, 400
    if _close_if_overdue(attempt):
        error, status = services.TIME_UP, 409
    elif form.is_valid():
        try:
            services.response_record(
                attempt=attempt,
                question=question,
                choice_ids=form.choice_ids(),
                value=form.cleaned_data.get("value"),
                certainty=form.cleaned_data["certainty"],
            )
        except services.QuizError as failure:
            error, status = failure.message, failure.status
        else:
            if not request.htmx:
                return redirect("quizzes:question", pk=attempt.pk, position=position)
            context = _question_context(request, attempt, slot)
            return render(request, "quizzes/question.html#card", context)
    context = _question_context(request, attempt, slot, form=form, error=error)
    template = "quizzes/question.html#card" if request.htmx else "quizzes/question.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def finish(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    if case_redirect := _case_redirect(attempt):
        return case_redirect
    services.attempt_finish(attempt=attempt)
    return redirect("quizzes:results", pk=attempt.pk)


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    attempt = _attempt_for(request, pk)
    if case_redirect := _case_redirect(attempt):
        return case_redirect
    _close_if_overdue(attempt)
    if not attempt.is_finished:
        messages.info(request, "Finish the quiz to see its results.")
        return redirect("quizzes:attempt", pk=attempt.pk)
    return render(request, "quizzes/results.html", stats.attempt_results(attempt))


# flags and notes


def _question_for(pk: int) -> Question:
    return get_object_or_404(Question.objects.published(), pk=pk)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else fallback)


@login_required
@require_POST
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for(pk)
    wanted = request.POST.get("flagged")
    if wanted not in ("0", "1"):
        return HttpResponseBadRequest("Say whether to flag the question (flagged=1) or not (flagged=0).")
    # The form says the state it wants, not "toggle", so a double click or a resubmission lands in one state.
    flagged = wanted == "1"
    if flagged:
        Flag.objects.get_or_create(learner=request.user, question=question)
    else:
        Flag.objects.filter(learner=request.user, question=question).delete()
    if request.htmx:
        return render(request, "quizzes/_flag.html", {"question": question, "flagged": flagged, "next": ""})
    return _back(request, reverse("quizzes:index"))


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for(pk)
    form = NoteForm(request.POST)
    saved = form.is_valid()
    if saved:
        text = form.cleaned_data["text"].strip()
        if text:
            Note.objects.update_or_create(learner=request.user, question=question, defaults={"text": text})
        else:
            Note.objects.filter(learner=request.user, question=question).delete()
    status = 200 if saved else 400
    if request.htmx:
        context = {"question": question, "note_form": form, "saved": saved}
        return render(request, "quizzes/_note.html", context, status=status)
    if not saved:
        return HttpResponse(" ".join(form.errors["text"]), status=400, content_type="text/plain; charset=utf-8")
    return _back(request, reverse("quizzes:index"))


# problem reports


def report_form_context(*, action: str, dom_id: str, form=None, received=None, next_url: str = "") -> dict:
    """What quizzes/_report.html needs: where the form posts, a unique id on the page, and the outcome."""
    return {
        "report": {"action": action, "id": dom_id, "form": form or ProblemReportForm(), "received": received},
        "next": next_url,
    }


def report_file(request: HttpRequest, *, target, label: str, action: str, dom_id: str, fallback: str) -> HttpResponse:
    """File a report on `target` from a posted ProblemReportForm and answer as the page expects (htmx or not).

    Shared by the question and the case stage views, which each check first that the learner has seen the target.
    """
    form = ProblemReportForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            context = report_form_context(action=action, dom_id=dom_id, form=form)
            return render(request, "quizzes/_report.html", context, status=400)
        errors = " ".join(e for field in form.errors.values() for e in field)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    report = services.problem_report_file(
        reporter=request.user,
        target=target,
        label=label,
        url=request.POST.get("next", "") or fallback,
        **form.cleaned_data,
    )
    if request.htmx:
        return render(
            request, "quizzes/_report.html", report_form_context(action=action, dom_id=dom_id, received=report)
        )
    messages.success(request, "Thank you: your report was received. Its outcome will show on your progress page.")
    return _back(request, fallback)


@login_required
@require_POST
def question_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a problem on a question the learner has met in one of their quizzes or cases."""
    seen = AttemptQuestion.objects.filter(question=OuterRef("pk"), attempt__learner=request.user)
    question = get_object_or_404(Question.objects.published().filter(Exists(seen)), pk=pk)
    action = reverse("quizzes:question-report", args=[question.pk])
    # What the learner saw, not the slug: the start of the stem, and its topic.
    label = f"{question.get_topic_display()} question: “{Truncator(strip_tags(question.stem_html)).words(10)}”"
    dom_id = f"report-question-{question.pk}"
    return report_file(
        request, target=question, label=label, action=action, dom_id=dom_id, fallback=reverse("quizzes:progress")
    )


# progress and review


@login_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    return render(request, "quizzes/progress.html", stats.learner_progress(request.user))


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    due = ReviewCard.objects.due(request.user, now).select_related("question")
    upcoming = ReviewCard.objects.filter(learner=request.user, due__gt=now).order_by("due").first()
    context = {"due": list(due[:50]), "due_count": due.count(), "upcoming": upcoming, "session_size": 20}
    return render(request, "quizzes/review.html", context)


@login_required
@require_POST
def review_start(request: HttpRequest) -> HttpResponse:
    due_ids = list(
        ReviewCard.objects.due(request.user)
        .filter(question__is_published=True)
        .values_list("question_id", flat=True)[:REVIEW_SESSION_SIZE]
    )
    try:
        attempt = services.attempt_start(
            learner=request.user, topics=[], size=REVIEW_SESSION_SIZE, mode=Attempt.Mode.REVIEW, question_ids=due_ids
        )
    except services.QuizError:
        messages.info(request, "Nothing is due for review right now.")
        return redirect("quizzes:review")
    return redirect("quizzes:question", pk=attempt.pk, position=1)


# instructors


def instructor_required(view):
    """Instructors (staff) only: anonymous visitors go to log in, learners get a 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied("Instructors only.")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@instructor_required
def teach(request: HttpRequest) -> HttpResponse:
    reports = ProblemReport.objects.open().select_related("reporter").order_by("created")
    context = stats.cohort() | {"items": stats.item_analysis(), "reports": reports, "resolve_form": ResolveReportForm()}
    return render(request, "quizzes/teach.html", context)


@require_POST
@instructor_required
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ProblemReport, pk=pk)
    form = ResolveReportForm(request.POST)
    if not form.is_valid():
        errors = " ".join(e for field in form.errors.values() for e in field)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    services.problem_report_resolve(report=report, instructor=request.user, **form.cleaned_data)
    messages.success(request, f"Report on {report.label} closed: {report.get_status_display().lower()}.")
    return redirect(reverse("quizzes:teach") + "#reports")


@require_GET
@instructor_required
def teach_grades(request: HttpRequest) -> HttpResponse:
    """The cohort grade report as CSV, one row per learner."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="calcinosis-grades.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "username",
            "email",
            "joined",
            "answers",
            "accuracy_percent",
            "quizzes_finished",
            "cases_completed",
            "case_reasoning_percent",
            "last_answer",
        ]
    )
    for learner in stats.cohort()["learners"]:
        writer.writerow(
            [
                _csv_text(learner.username),
                _csv_text(learner.email),
                learner.date_joined.date().isoformat(),
                learner.answers or 0,
                _csv_percent(learner.accuracy),
                learner.quizzes_finished or 0,
                learner.cases_completed or 0,
                _csv_percent(learner.reasoning),
                learner.last_answer.isoformat(timespec="seconds") if learner.last_answer else "",
            ]
        )
    return response


def _csv_text(value: str) -> str:
    """Text a learner chose, made inert for spreadsheets: a leading = + - @ would start a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_percent(value) -> str:
    return "" if value is None else f"{100 * float(value):.1f}"
