import csv
from datetime import datetime, time, timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from quizzes import services as engine
from quizzes.models import ProblemReport
from teach import hooks, selectors
from teach import services as teaching
from teach.access import instructor_required, is_instructor, teacher_required
from teach.forms import AddLearnersForm, CohortForm, ItemPeriodForm, JoinForm, ResolveReportForm
from teach.models import Cohort
from teach.services import item_analysis_calculate, item_analysis_current

GRADE_COLUMNS = [
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
ITEM_COLUMNS = ["question", "case", "version", "n", "facility", "discrimination", "concern"]


@require_GET
@teacher_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = selectors.scope_for(request.user, request.GET.get("cohort"))
    sort = selectors.Sort.parse(request.GET.get("sort"))
    context = {
        "scope": scope,
        "scope_query": f"cohort={scope.cohort.pk}&" if scope.cohort else "",
        "is_instructor": is_instructor(request.user),
    }
    if context["is_instructor"]:  # a teacher who is not an instructor follows their cohorts only (teach.access)
        context |= {
            "analysis": selectors.item_summary(),
            "reports": selectors.open_reports(),
            "resolve_form": ResolveReportForm(),
            "cohort_form": CohortForm(),
            "add_form": AddLearnersForm(),
        }
    if scope.cohort:
        context["cohort_panels"] = [p for source in hooks.cohort_panels if (p := source(request, scope.cohort))]
    if scope.cohorts or scope.everyone:
        people = scope.learners()
        context |= selectors.cohort_overview(people) | {
            "table": selectors.learner_table(people=people, sort=sort, page=request.GET.get("page"))
        }
    return render(request, "teach/dashboard.html", context)


def _cohort_url(cohort: Cohort, anchor: str = "learners-heading") -> str:
    return f"{reverse('teach:dashboard')}?cohort={cohort.pk}#{anchor}"


def _own_cohort(request: HttpRequest, pk: int) -> Cohort:
    """A cohort of the instructor's own, or a 404 (never one of another instructor's)."""
    return get_object_or_404(Cohort.objects.taught_by(request.user), pk=pk)


@require_POST
@instructor_required
def cohort_create(request: HttpRequest) -> HttpResponse:
    form = CohortForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["name"]))
        return redirect(reverse("teach:dashboard") + "#cohorts-heading")
    cohort = teaching.cohort_create(instructor=request.user, name=form.cleaned_data["name"])
    messages.success(
        request, f"Cohort “{cohort.name}” made. Share its join code, {cohort.join_code_display}, or add learners below."
    )
    return redirect(_cohort_url(cohort, "cohort-heading"))


@require_POST
@instructor_required
def cohort_learners_add(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _own_cohort(request, pk)
    form = AddLearnersForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_cohort_url(cohort, "cohort-heading"))
    result = teaching.cohort_learners_add(cohort=cohort, names=form.names())
    if result.added:
        messages.success(request, f"Added to {cohort.name}: {', '.join(result.added)}.")
    if result.already:
        messages.info(request, f"Already in {cohort.name}: {', '.join(result.already)}.")
    if result.unknown:
        messages.error(
            request,
            f"No learner has the username or email {', '.join(result.unknown)}. "
            "Check the spelling, or share the join code so they can join themselves once they have an account.",
        )
    return redirect(_cohort_url(cohort, "cohort-heading"))


@require_POST
@teacher_required
def cohort_learner_remove(request: HttpRequest, pk: int, learner: int) -> HttpResponse:
    cohort = _own_cohort(request, pk)
    person = get_object_or_404(cohort.learners.all(), pk=learner)
    teaching.cohort_learner_remove(cohort=cohort, learner=person)
    messages.success(request, f"{person.username} left {cohort.name}. Their answers stay theirs.")
    return redirect(_cohort_url(cohort))


@require_POST
@teacher_required
def cohort_code(request: HttpRequest, pk: int) -> HttpResponse:
    """New code, close or open joining: ?action= renew, close or open."""
    cohort = _own_cohort(request, pk)
    action = request.POST.get("action")
    if action == "renew":
        teaching.cohort_join_code_renew(cohort=cohort)
        messages.success(
            request, f"New join code for {cohort.name}: {cohort.join_code_display}. The old one no longer works."
        )
    elif action in ("close", "open"):
        teaching.cohort_open_set(cohort=cohort, is_open=action == "open")
        state = "takes new learners with its code" if cohort.is_open else "takes no new learners; those in it stay"
        messages.success(request, f"{cohort.name} {state}.")
    else:
        return HttpResponse("Choose renew, close or open.", status=400, content_type="text/plain; charset=utf-8")
    return redirect(_cohort_url(cohort, "cohort-heading"))


@require_GET
@teacher_required
def learner(request: HttpRequest, pk: int) -> HttpResponse:
    """One learner in detail, for an instructor whose cohort they are in (a superuser: any learner)."""
    person = get_object_or_404(selectors.learners_taught_by(request.user), pk=pk)
    theirs = Cohort.objects.taught_by(request.user).filter(learners=person).order_by("name")
    context = selectors.learner_detail(person) | {
        "person": person,
        "cohorts": theirs,
        "lockout_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "teach/learner.html", context)


@require_POST
@teacher_required
def learner_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a lock-out after too many wrong passwords (django-axes), for a learner of the instructor's cohorts."""
    person = get_object_or_404(selectors.learners_taught_by(request.user), pk=pk)
    axes_reset(username=person.get_username())
    messages.success(request, f"{person.username} can log in again now (wrong passwords forgotten).")
    return redirect("teach:learner", pk=person.pk)


# Learners join and leave cohorts


@login_required
def join(request: HttpRequest) -> HttpResponse:
    """A learner joins a cohort with its code: the form on /progress/ posts here; a shared link
    (/teach/join/?code=ABCD-2345) opens it filled in."""
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                cohort, joined = teaching.cohort_join(learner=request.user, code=form.cleaned_data["code"])
            except teaching.JoinRefused as refused:
                form.add_error("code", str(refused))
            else:
                if joined:
                    messages.success(request, f"You joined {cohort.name}. Its instructors now see your progress.")
                else:
                    messages.info(request, f"You are already in {cohort.name}.")
                return redirect("quizzes:progress")
        return render(request, "teach/join.html", {"form": form}, status=400)
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return render(request, "teach/join.html", {"form": JoinForm(initial={"code": request.GET.get("code", "")[:20]})})


@require_POST
@instructor_required
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(ProblemReport, pk=pk)
    form = ResolveReportForm(request.POST)
    if not form.is_valid():
        errors = " ".join(e for field in form.errors.values() for e in field)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    engine.problem_report_resolve(report=report, instructor=request.user, **form.cleaned_data)
    messages.success(request, f"Report on {report.label} closed: {report.get_status_display().lower()}.")
    return redirect(reverse("teach:dashboard") + "#reports")


@require_GET
@instructor_required
def items(request: HttpRequest) -> HttpResponse:
    form, period = _period(request)
    if form.errors:
        context = {"form": form, "items": [], "decisions": [], "analysis": None}
        return render(request, "teach/items.html", context, status=400)
    analysis, rows = _analysis(period)
    context = {
        "form": form,
        "period": period,
        "analysis": analysis,
        "calculated": analysis.calculated if analysis else timezone.now(),
        "items": selectors.item_page(rows),
        "decisions": selectors.decision_rows(period),
    }
    return render(request, "teach/items.html", context)


def _period(request: HttpRequest) -> tuple[ItemPeriodForm, selectors.Period]:
    """The dates asked for (?since=&until=, both inclusive), as a Period in the instructor's own days."""
    form = ItemPeriodForm(request.GET if {"since", "until"} & set(request.GET) else None)
    if not form.is_bound or not form.is_valid():
        return form, selectors.Period()
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]

    def start_of(day):
        return timezone.make_aware(datetime.combine(day, time.min))

    return form, selectors.Period(
        since=start_of(since) if since else None, until=start_of(until + timedelta(days=1)) if until else None
    )


def _analysis(period: selectors.Period):
    """The stored analysis over every answer (calculated anew when old), or one calculated now for a period."""
    if period.whole:
        analysis = item_analysis_current()
        return analysis, analysis.rows
    return None, selectors.item_rows(period)


@require_POST
@instructor_required
def items_recalculate(request: HttpRequest) -> HttpResponse:
    item_analysis_calculate()
    messages.success(request, "Item analysis calculated from every answer given so far.")
    return redirect("teach:items")


@require_GET
@instructor_required
def items_csv(request: HttpRequest) -> HttpResponse:
    """The item analysis as CSV, one row per question version, as the page shows it (for its dates, if any)."""
    form, period = _period(request)
    if form.errors:
        errors = " ".join(e for field in form.errors.values() for e in field)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    analysis, rows = _analysis(period)
    stamp = analysis.calculated if analysis else timezone.now()
    response = _csv_response(f"calcinosis-items-{timezone.localtime(stamp):%Y%m%d-%H%M}.csv")
    writer = csv.writer(response)
    writer.writerow(ITEM_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                _csv_text(row["slug"]),
                _csv_text(row.get("case") or ""),
                row["version"] or "",
                row["n"],
                _csv_number(row["facility"]),
                _csv_number(row["discrimination"]),
                _csv_text(row["concern"] or ""),
            ]
        )
    return response


@require_GET
@teacher_required
def grades_csv(request: HttpRequest) -> HttpResponse:
    """The grade report as CSV, one row per learner: of one cohort (?cohort=), or of all the instructor's; after the
    totals, the accuracy on each topic and the reasoning score on each case (first take, once completed)."""
    scope = selectors.scope_for(request.user, request.GET.get("cohort"))
    name = f"-{slugify(scope.cohort.name) or scope.cohort.pk}" if scope.cohort else ""
    response = _csv_response(f"calcinosis-grades{name}.csv")
    writer = csv.writer(response)
    people = scope.learners() if (scope.cohorts or scope.everyone) else selectors.learners().none()
    extra = selectors.grade_columns(people)
    writer.writerow(
        GRADE_COLUMNS
        + [f"topic_{value}_percent" for value, _ in extra.topics]
        + [f"case_{case.slug}_reasoning_percent" for case in extra.cases]
    )
    for learner in selectors.cohort_learners(people):
        writer.writerow(
            [
                _csv_text(learner.username),
                _csv_text(learner.email),
                learner.date_joined.date().isoformat(),
                learner.answers,
                _csv_percent(learner.accuracy),
                learner.quizzes_finished,
                learner.cases_completed,
                _csv_percent(learner.reasoning),
                learner.last_answer.isoformat(timespec="seconds") if learner.last_answer else "",
            ]
            + [_csv_percent(extra.topic_accuracy.get((learner.pk, value))) for value, _ in extra.topics]
            + [_csv_percent(extra.case_reasoning.get((learner.pk, case.pk))) for case in extra.cases]
        )
    return response


def _csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_text(value: str) -> str:
    """Text a learner chose, made inert for spreadsheets: a leading = + - @ would start a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv_percent(value) -> str:
    return "" if value is None else f"{100 * float(value):.1f}"


def _csv_number(value: float | None) -> str:
    """A figure in 0..1 (or -1..1), three decimals; a negative one is a number, not text, so it needs no defusing."""
    return "" if value is None else f"{value:.3f}"


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(Cohort.objects.filter(learners=request.user), pk=pk)
    teaching.cohort_leave(cohort=cohort, learner=request.user)
    messages.success(request, f"You left {cohort.name}. Its instructors no longer see your progress.")
    return redirect(reverse("quizzes:progress") + "#cohorts-heading")
