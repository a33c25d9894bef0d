"""Every busy learner page costs a pinned number of SQL statements, the same for a learner with one answer as for
one with a long history: the cost of a page follows what it shows, never how much the learner has done."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from quizzes import services
from quizzes.models import Question, ReviewCard

pytestmark = pytest.mark.django_db

# Statements per page, session and user included. A change that moves one of these must say why.
PINNED = {
    "/": 11,  # the learner's home panels (issue 10): 6 reads, one per panel (quizzes/home.py, cases/home.py)
    "/quizzes/": 6,
    "/progress/": 15,  # 14, and the classes the learner is in (teach.progress.join_panel)
    "/review/": 8,
    "/cases/": 8,
    # +1 (issue 10): one read for case questions published since the take's attempt was made (they are added to it)
    "case": 14,
    "question": 11,
    "results": 11,
}


def _quiz(learner, size: int):
    """A finished tutor quiz of `size` single-answer bank questions, all answered."""
    questions = list(Question.objects.for_quizzes().filter(kind="single").order_by("pk")[:size])
    attempt = services.attempt_start(learner=learner, topics=[], size=size, question_ids=[q.pk for q in questions])
    for question in questions:
        right = next(c for c in question.choices.all() if c.is_correct)
        services.response_record(
            attempt=attempt, question=question, choice_ids=[right.pk], value=None, certainty="sure"
        )
    services.attempt_finish(attempt=attempt)
    return attempt


def _pages(learner) -> dict[str, str]:
    attempt = _quiz(learner, 1)
    case = Case.objects.published().order_by("pk").first()
    progress = case_services.progress_start(learner=learner, case=case)
    case_services.stage_reveal(progress=progress, seen=0)
    urls = {path: path for path in ("/", "/quizzes/", "/progress/", "/review/", "/cases/")}
    return urls | {
        "case": case.get_absolute_url(),
        "question": f"/quizzes/attempts/{attempt.pk}/1/",
        "results": f"/quizzes/attempts/{attempt.pk}/results/",
    }


def _counts(client, pages: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in pages.items():
        client.get(url)  # warm: first-use reads (content types, sites) are not the page's cost
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[name] = len(queries)
    return counts


def test_busy_pages_cost_a_pinned_number_of_statements_however_long_the_history(learner_client, learner):
    pages = _pages(learner)
    short = _counts(learner_client, pages)
    for _ in range(4):
        _quiz(learner, 25)  # a hundred more answers, spread over quizzes and review cards
    ReviewCard.objects.filter(learner=learner).update(due=timezone.now() - timedelta(days=1))  # all due: a full queue
    long = _counts(learner_client, pages)
    assert long == short, (short, long)
    assert short == PINNED, repr(short)
