from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from calcinosis.authoring import TEACHES_SESSION_KEY, is_instructor

# The modules in the order the navigation shows them. A module whose URLs are not installed yet is left
# out rather than linked to a page that does not exist.
_LEARNER_NAV = [
    ("Reference", "reference:index"),
    ("Cases", "cases:index"),
    ("Quizzes", "quizzes:index"),
    ("Progress", "quizzes:progress"),
    ("Review", "quizzes:review"),
]
_INSTRUCTOR_NAV = [("Teach", "teach:dashboard")]
_STAFF_NAV = [("Admin", "admin:index")]  # admin access is Django's staff flag, whoever holds it


def _links(entries: list[tuple[str, str]], path: str) -> list[dict]:
    links = []
    for label, name in entries:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url, "current": path.startswith(url)})
    return links


def _teaches(request: HttpRequest) -> bool:
    session = getattr(request, "session", None)
    return bool(session is not None and request.user.is_authenticated and session.get(TEACHES_SESSION_KEY))


def navigation(request: HttpRequest) -> dict:
    entries = list(_LEARNER_NAV)
    user = getattr(request, "user", None)
    if user is not None and (is_instructor(user) or _teaches(request)):
        entries += _INSTRUCTOR_NAV
    if user is not None and user.is_active and user.is_staff:
        entries += _STAFF_NAV
    return {"nav_links": _links(entries, request.path)}
