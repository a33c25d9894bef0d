"""Reference pages and the home page are built once for visitors, and an instructor's edit shows at once."""

import pytest
from django.db import connection
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


@pytest.mark.parametrize("url", ["/", "/reference/", SECTION, "/reference/distribution/?first=type-dystrophic"])
def test_a_visitor_is_served_from_the_cache_after_the_first_time(client, url):
    built, first = _queries(client, url)
    served, again = _queries(client, url)
    assert built > 0 and served == 0
    assert again == first


def test_an_instructors_edit_shows_at_once(client):
    client.get(SECTION)
    section = Section.objects.get(slug="dystrophic")
    section.body = "## Revised\n\nA sentence added by an instructor."
    section.save()
    assert "A sentence added by an instructor." in client.get(SECTION).content.decode()


def test_a_change_of_links_between_rows_shows_at_once(client):
    """Many-to-many edits (a condition's types) also make cached pages stale."""
    client.get(SECTION)
    condition = Condition.objects.filter(types__slug="dystrophic").first()
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
