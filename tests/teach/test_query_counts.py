"""The instructors' pages cost a fixed number of queries, whether the cohort is one learner or sixty."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teach.models import ItemAnalysis
from tests.teach.conftest import answer, cohort_of, singles

pytestmark = pytest.mark.django_db

PAGES = ["/teach/", "/teach/?sort=-accuracy&page=2", "/teach/?sort=last_answer", "/teach/grades.csv", "/teach/items/"]


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _costs(client) -> dict[str, int]:
    ItemAnalysis.objects.all().delete()
    costs = {"/teach/items/ (calculating)": _queries(client, "/teach/items/")}
    return costs | {path: _queries(client, path) for path in PAGES}


def test_the_pages_cost_the_same_queries_for_sixty_learners_as_for_one(instructor_client):
    cohort_of(1, prefix="first")
    small = _costs(instructor_client)
    cohort_of(56)  # 60 learners in all, three of them with quizzes of their own
    for learner in cohort_of(3, prefix="quizzer"):
        answer(learner, singles(4), right=False)
    big = _costs(instructor_client)
    assert big == small
    assert max(big.values()) <= 25, big
