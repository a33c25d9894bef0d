"""Reference pages and the home page are built once for visitors, and an instructor's edit shows at once."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from calcinosis.models import CalcinosisType, Condition, Section
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SECTION = "/reference/dystrophic/"


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("url", ["/", "/reference/", SECTION, "/reference/distribution/"])
def test_a_visitor_is_served_from_the_cache_after_the_first_time(client, url):
    built, first = _queries(client, url)
    served, again = _queries(client, url)
    assert built > 0 and served == 0
    assert again == first


def test_an_instructors_edit_shows_at_once(client, django_capture_on_commit_callbacks):
    client.get(SECTION)
    section = Section.objects.get(slug="dystrophic")
    section.body = "## Revised\n\nA sentence added by an instructor."
    with django_capture_on_commit_callbacks(execute=True):
        section.save()
    assert "A sentence added by an instructor." in client.get(SECTION).content.decode()


def test_a_change_of_links_between_rows_shows_at_once(client, django_capture_on_commit_callbacks):
    """Many-to-many edits (a condition's types) also make cached pages stale, once committed."""
    client.get(SECTION)
    condition = Condition.objects.filter(types__slug="dystrophic").first()
    with django_capture_on_commit_callbacks(execute=True):
        condition.types.remove(CalcinosisType.objects.get(slug="dystrophic"))
    queries, _ = _queries(client, SECTION)
    assert queries > 0


def test_a_logged_in_learner_is_never_served_a_visitors_page(client, learner_client):
    client.get(SECTION)
    client.get(SECTION)
    queries, body = _queries(learner_client, SECTION)
    assert queries > 0 and "Log out" in body


def test_a_visitor_with_a_message_waiting_gets_the_page_built_for_them(client, learner_client):
    """Deleting an account ends on the home page with a message: a page with a message is never the cached one."""
    client.get("/")
    client.get("/")  # the visitors' home page is cached now
    response = learner_client.post("/accounts/delete/", {"password": PASSWORD}, follow=True)
    assert "have been deleted." in response.content.decode()
    assert "have been deleted." not in learner_client.get("/").content.decode()  # shown once


def test_an_unknown_page_is_not_cached(client):
    assert client.get("/reference/no-such-page/").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/reference/no-such-page/").status_code == 404
    assert len(queries) > 0


def test_no_visitor_is_served_another_visitors_csrf_token(client):
    first = client.get("/").content.decode()
    second = Client().get("/").content.decode()
    assert "csrf" not in first.lower() and second == first


def test_a_page_that_used_a_csrf_token_is_never_kept(rf, monkeypatch):
    """Should a visitor's page ever carry a token (a form that posts), it is built for each visitor."""
    from calcinosis import caching

    calls = []

    def view(request):
        calls.append(get_token(request))
        return HttpResponse("<form>token</form>")

    cached = caching.cached_for_visitors(view)
    for _ in range(2):
        request = rf.get("/reference/")
        request.user = AnonymousUser()
        request._messages = []
        cached(request)
    assert len(calls) == 2


def test_an_edit_not_yet_committed_leaves_the_cached_page(client, django_capture_on_commit_callbacks):
    client.get(SECTION)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Section.objects.get(slug="dystrophic").save()
    served, _ = _queries(client, SECTION)
    assert served == 0 and len(callbacks) >= 1


def test_a_query_string_is_never_cached(client):
    client.get("/reference/?utm=1")
    queries, _ = _queries(client, "/reference/?utm=1")
    assert queries > 0


def test_a_cache_that_fails_is_a_page_built_as_usual(client, monkeypatch):
    from calcinosis import caching

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caching.cache, "get_or_set", down)
    assert client.get(SECTION).status_code == 200
