"""What the teach app adds to a learner's own pages: on the progress page, the cohorts they are in and a box for a
join code; in their data download, the classes they are in."""

from django.http import HttpRequest

from teach.forms import JoinForm
from teach.models import Cohort


def join_panel(request: HttpRequest) -> dict | None:
    if request.user.is_staff:
        return None  # instructors and staff are not learners: they make cohorts rather than join them
    cohorts = list(Cohort.objects.filter(learners=request.user).order_by("name"))
    return {"template": "teach/_join.html", "context": {"cohorts": cohorts, "form": JoinForm()}}


def classes_data(learner) -> list[dict]:
    """The learner's data download: the classes they are in (their instructors see their work)."""
    cohorts = Cohort.objects.filter(learners=learner).prefetch_related("instructors").order_by("name", "pk")
    return [{"class": c.name, "instructors": sorted(i.get_username() for i in c.instructors.all())} for c in cohorts]
