"""The cases app's panels on a logged-in learner's home page: the case in progress, and the next case not yet tried.

CasesConfig.ready() offers them to the home page as `home_panels` (pages.hooks): the site shell never imports this
app, so each function returns a plain dict of the panel's fields (template, context, order, starter), or None when it
has nothing to show. Each costs one query, however many cases the learner has done.
"""

from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest

from cases.models import Case, CaseProgress


def case_in_progress(request: HttpRequest) -> dict | None:
    """The published case the learner started most recently and has not finished, with how far they are."""
    progress = (
        CaseProgress.objects.filter(learner=request.user, completed__isnull=True, case__is_published=True)
        .select_related("case")
        .only("revealed", "started", "case__slug", "case__title")
        .annotate(stages=Count("case__stages"))
        .order_by("-started", "-pk")
        .first()
    )
    if progress is None:
        return None
    return {"template": "cases/_home_continue.html", "context": {"progress": progress}, "order": 20}


def next_case(request: HttpRequest) -> dict | None:
    """The first published case, in teaching order, the learner has not started; or, when they have started them
    all, whether every one is finished. A learner who has started none is offered their first (a starter panel)."""
    mine = CaseProgress.objects.filter(learner=request.user, case=OuterRef("pk"))
    cases = list(
        Case.objects.published()
        .in_teaching_order()
        .annotate(
            started=Exists(mine),
            done=Exists(mine.filter(completed__isnull=False)),
            stage_count=Count("stages"),
        )
        .only("slug", "title", "difficulty")
    )
    if not cases:
        return None
    fresh = next((case for case in cases if not case.started), None)
    first = not any(case.started for case in cases)
    context = {
        "case": fresh,
        "first": first,
        "total": len(cases),
        "all_done": all(case.done for case in cases),
    }
    return {"template": "cases/_home_next.html", "context": context, "order": 50, "starter": first}


PANELS = (case_in_progress, next_case)
