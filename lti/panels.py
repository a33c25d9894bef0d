"""What the lti app adds to the teaching dashboard: on an LMS course's cohort, the course and a roster sync."""

from django.http import HttpRequest

from lti.models import Course


def course_panel(request: HttpRequest, cohort) -> dict | None:
    course = Course.objects.filter(cohort=cohort).select_related("platform").first()
    return None if course is None else {"template": "lti/_course_panel.html", "context": {"course": course}}
