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


@require_GET
@instructor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = selectors.cohort() | {
        "items": selectors.item_analysis(),
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
def grades_csv(request: HttpRequest) -> HttpResponse:
    """The cohort grade report as CSV, one row per learner."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="calcinosis-grades.csv"'
    writer = csv.writer(response)
    writer.writerow(GRADE_COLUMNS)
    for learner in selectors.cohort()["learners"]:
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
