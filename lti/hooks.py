"""What the lti app hands the apps beneath it (registered in LtiConfig.ready()): on the teaching dashboard, an LMS
course's cohort shows the course and a roster sync; a learner's data download lists their LMS accounts and the
scores sent to LMS gradebooks."""

from django.http import HttpRequest

from lti.models import Course, Identity, Passback


def course_panel(request: HttpRequest, cohort) -> dict | None:
    course = Course.objects.filter(cohort=cohort).select_related("platform").first()
    return None if course is None else {"template": "lti/_course_panel.html", "context": {"course": course}}


def lms_accounts_data(learner) -> list[dict]:
    identities = Identity.objects.filter(user=learner).select_related("platform").order_by("pk")
    return [{"platform": i.platform.name, "user_id": i.subject, "linked": i.created} for i in identities]


def lms_scores_data(learner) -> list[dict]:
    scores = Passback.objects.filter(user=learner).select_related("platform").order_by("created", "pk")
    return [
        {
            "platform": p.platform.name,
            "gradebook_column": p.lineitem,
            "attempt": p.attempt_id,
            "case_take": p.progress_id,
            "score": p.score,
            "status": p.status,
            "sent": p.sent,
        }
        for p in scores
    ]
