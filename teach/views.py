import csv

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from quizzes import services
from quizzes.models import ProblemReport
from teach import selectors
from teach.access import instructor_required
from teach.forms import ResolveReportForm
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
ITEM_COLUMNS = ["question", "version", "n", "facility", "discrimination", "concern"]


@require_GET
@instructor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    sort = selectors.Sort.parse(request.GET.get("sort"))
    context = selectors.cohort_overview() | {
        "table": selectors.learner_table(sort=sort, page=request.GET.get("page")),
        "analysis": selectors.item_summary(),
        "reports": selectors.open_reports(),
        "resolve_form": ResolveReportForm(),
    }
    return render(request, "teach/dashboard.html", context)


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
    return redirect(reverse("teach:dashboard") + "#reports")


@require_GET
@instructor_required
def items(request: HttpRequest) -> HttpResponse:
    analysis = item_analysis_current()
    return render(request, "teach/items.html", {"analysis": analysis, "items": selectors.item_page(analysis)})


@require_POST
@instructor_required
def items_recalculate(request: HttpRequest) -> HttpResponse:
    item_analysis_calculate()
    messages.success(request, "Item analysis calculated from every answer given so far.")
    return redirect("teach:items")


@require_GET
@instructor_required
def items_csv(request: HttpRequest) -> HttpResponse:
    """The item analysis as CSV, one row per question version, as the page shows it."""
    analysis = item_analysis_current()
    response = _csv_response(f"calcinosis-items-{analysis.calculated:%Y%m%d-%H%M}.csv")
    writer = csv.writer(response)
    writer.writerow(ITEM_COLUMNS)
    for row in analysis.rows:
        writer.writerow(
            [
                _csv_text(row["slug"]),
                row["version"] or "",
                row["n"],
                _csv_number(row["facility"]),
                _csv_number(row["discrimination"]),
                _csv_text(row["concern"] or ""),
            ]
        )
    return response


@require_GET
@instructor_required
def grades_csv(request: HttpRequest) -> HttpResponse:
    """The cohort grade report as CSV, one row per learner."""
    response = _csv_response("calcinosis-grades.csv")
    writer = csv.writer(response)
    writer.writerow(GRADE_COLUMNS)
    for learner in selectors.cohort_learners():
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
