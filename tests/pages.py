"""Every page a person can open, so guard tests (one <h1>, valid HTML, axe) cover them all."""

from django.urls import reverse

from calcinosis.models import Section

# Named URLs without arguments, and who may see them: "anyone" or "learner" (needs an account).
STATIC_PAGES = [
    ("home", "anyone"),
    ("reference:index", "anyone"),
    ("reference:search", "anyone"),
    ("reference:calculator", "anyone"),
    ("login", "anyone"),
    ("signup", "anyone"),
    ("password_change", "learner"),
    ("password_change_done", "learner"),
]

# Pages with query strings that show more of the page (results, errors).
EXTRA_PATHS = [
    "/reference/search/?q=dermatomyositis",
    "/reference/search/?q=zzzzqqq",
    "/reference/calculator/?calcium=10&phosphate=8&unit=mg%2FdL",
    "/reference/calculator/?calcium=-1&phosphate=abc&unit=mg%2FdL",
]


def section_paths() -> list[str]:
    return [s.get_absolute_url() for s in Section.objects.published()]


def all_pages() -> list[tuple[str, str]]:
    """(path, audience) for every page; needs the database."""
    named = [(reverse(name), audience) for name, audience in STATIC_PAGES]
    return named + [(path, "anyone") for path in EXTRA_PATHS + section_paths()]
