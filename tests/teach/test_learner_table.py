"""The dashboard's learner table: 50 learners a page, sorted by a column from a fixed list, every figure as before."""

import re

import pytest

from tests.factories import UserFactory
from tests.teach.conftest import cohort_of, enrol

pytestmark = pytest.mark.django_db

ROW = re.compile(r"<tr><td><a href=\"/teach/learners/\d+/\">([\w-]+)</a></td>")


def _names(client, query: str = "") -> list[str]:
    response = client.get(f"/teach/{query}")
    assert response.status_code == 200
    return _learner_rows(response.content.decode())


def _learner_rows(body: str) -> list[str]:
    table = body.split('<table class="table table-sm learners">', 1)[1].split("</table>", 1)[0]
    return ROW.findall(table)


def test_it_shows_fifty_learners_a_page(instructor_client):
    cohort_of(60)
    first, second = _names(instructor_client), _names(instructor_client, "?page=2")
    assert len(first) == 50 and len(second) == 10
    assert first + second == [f"pupil-{i:02d}" for i in range(60)]
    body = instructor_client.get("/teach/?page=2").content.decode()
    assert "Learners: All your cohorts (60)" in body and "Learners 51–60 of 60" in body


def test_the_pages_are_a_labelled_navigation(instructor_client):
    cohort_of(60)
    body = instructor_client.get("/teach/").content.decode()
    assert '<nav aria-label="Pages of learners">' in body
    assert 'href="?sort=username&amp;page=2"' in body and 'aria-current="page"' in body


def test_one_page_needs_no_page_links(instructor_client, learner):
    assert "Pages of learners" not in instructor_client.get("/teach/").content.decode()


@pytest.mark.parametrize(("page", "shown"), [("abc", 1), ("0", 1), ("-3", 1), ("2", 2), ("99999", 2), ("1.5", 1)])
def test_a_page_that_does_not_exist_shows_the_nearest_one(instructor_client, page, shown):
    cohort_of(60)
    names = _names(instructor_client, f"?page={page}")
    assert names[0] == ("pupil-00" if shown == 1 else "pupil-50")


@pytest.mark.parametrize(
    ("sort", "first", "last"),
    [
        ("username", "pupil-00", "pupil-59"),
        ("-username", "pupil-59", "pupil-00"),
        ("accuracy", "pupil-00", "pupil-59"),
        ("-accuracy", "pupil-59", "pupil-00"),
    ],
)
def test_it_sorts_by_a_column(instructor_client, sort, first, last):
    cohort_of(60)
    names = _names(instructor_client, f"?sort={sort}") + _names(instructor_client, f"?sort={sort}&page=2")
    assert names[0] == first and names[-1] == last and len(names) == 60


def test_learners_without_a_mark_come_last_either_way(instructor_client):
    cohort_of(3)
    enrol(UserFactory(username="aaa-quiet"))
    assert _names(instructor_client, "?sort=accuracy")[-1] == "aaa-quiet"
    assert _names(instructor_client, "?sort=-accuracy")[-1] == "aaa-quiet"
    assert _names(instructor_client, "?sort=-last_answer")[-1] == "aaa-quiet"


def test_no_answers_is_the_fewest_answers(instructor_client):
    cohort_of(3)
    enrol(UserFactory(username="zzz-quiet"))
    assert _names(instructor_client, "?sort=answers") == ["zzz-quiet", "pupil-00", "pupil-01", "pupil-02"]
    assert _names(instructor_client, "?sort=-answers") == [
        "pupil-00",
        "pupil-01",
        "pupil-02",
        "zzz-quiet",
    ]  # ties in name order


def test_the_sorted_column_says_so(instructor_client):
    cohort_of(3)
    body = instructor_client.get("/teach/?sort=-accuracy").content.decode()
    assert '<th scope="col" aria-sort="descending"><a href="?sort=accuracy">Accuracy</a>' in body
    assert body.count("aria-sort=") == 1
    assert '<a href="?sort=answers">Answers</a>' in body
    assert "by accuracy, descending" in body


@pytest.mark.parametrize("sort", ["email", "password", "-", "answers__gt", "' or 1=1"])
def test_a_sort_not_on_the_list_falls_back_to_names(instructor_client, sort):
    cohort_of(3)
    response = instructor_client.get("/teach/", {"sort": sort})
    assert response.status_code == 200
    assert _learner_rows(response.content.decode()) == ["pupil-00", "pupil-01", "pupil-02"]
    assert '<th scope="col" aria-sort="ascending"><a href="?sort=-username">Learner</a>' in response.content.decode()


def test_the_figures_are_the_learners_own(instructor_client):
    cohort_of(4)
    body = instructor_client.get("/teach/?sort=-accuracy").content.decode()
    row = re.search(r"<tr><td><a [^>]+>pupil-03</a></td><td>(\d+)</td><td>(\d+)%</td>\s*<td>(\d+)</td>", body)
    assert row.groups() == ("2", "75", "0")  # two answers at 3/4; its attempt is still open, so none finished


def test_the_grade_report_still_lists_every_learner(instructor_client):
    cohort_of(60)
    lines = instructor_client.get("/teach/grades.csv").content.decode().splitlines()
    assert len(lines) == 61
