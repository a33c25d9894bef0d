"""Reporting a problem, as every page that offers it answers: the question page here, a case stage in the cases app.

Views above the engine call these, so the form, its receipt and the htmx and plain answers stay one thing."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from quizzes import services
from quizzes.forms import ProblemReportForm


def back_to(request: HttpRequest, fallback: str) -> HttpResponse:
    """Where a plain form post returns: its `next` field when that is a path on this site, else `fallback`."""
    target = request.POST.get("next", "")
    safe = target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return redirect(target if safe else fallback)


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
    return back_to(request, fallback)
