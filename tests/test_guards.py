"""Guards over the whole site: migrations, one <h1> per page, every named URL accounted for."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import get_resolver

from tests.every_page import STATIC_PAGES, all_pages, case_pages, quiz_pages

H1 = re.compile(rb"<h1[\s>]")
TEMPLATE_SYNTAX = re.compile(rb"\{#|#\}|\{%|%\}")


def test_no_pending_migrations(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)


@pytest.mark.django_db
def test_every_page_has_exactly_one_h1(client, learner, instructor):
    pages = all_pages()
    assert len(pages) > 20
    for path, audience in pages:
        if audience != "anyone":
            client.force_login(instructor if audience == "instructor" else learner)
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(H1.findall(response.content)) == 1, path
        client.logout()
    client.force_login(learner)
    for path in quiz_pages(learner) + case_pages(learner):
        response = client.get(path)
        assert response.status_code == 200, path
        assert len(H1.findall(response.content)) == 1, path
        assert not TEMPLATE_SYNTAX.search(response.content), path  # a template tag or comment shown as text


def test_every_named_url_without_arguments_is_listed():
    """A new page must be added to tests/every_page.py so the guards cover it."""
    # Not pages: POST-only actions, JSON, files, the admin.
    skipped = {
        "healthz",
        "logout",
        "admin",
        "media",
        "account-data",
        "quizzes:start",
        "quizzes:review-start",
        "teach:grades",
        "teach:items-csv",
        "teach:items-recalculate",
        "teach:cohort-create",
        "lti:jwks",
        "lti:login",
        "lti:launch",
    }  # not pages: POST, CSV or JSON
    listed = {name for name, _ in STATIC_PAGES}
    names = set()
    resolver = get_resolver()
    for key, values in resolver.reverse_dict.items():
        if isinstance(key, str) and not values[0][0][1]:
            names.add(key)
    for namespace, (_, sub) in resolver.namespace_dict.items():
        if namespace == "admin":
            continue
        for key, values in sub.reverse_dict.items():
            if isinstance(key, str) and not values[0][0][1]:
                names.add(f"{namespace}:{key}")
    assert names - skipped - listed == set()


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_no_template_comment_spans_lines():
    """Django's {# #} comment ends at the line's end: one that runs on is shown to learners as text."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "templates"
    unclosed = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert unclosed == []
