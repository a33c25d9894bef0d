"""`manage.py populate` builds a realistic population, idempotently, and never touches other accounts."""

import io
import random
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count

from cases.models import CaseProgress
from ops.population import answer_counts, learner_name
from quizzes import scoring, services
from quizzes.models import Attempt, Flag, Note, Response, ReviewCard
from tests.factories import question_with_choices

LEARNERS, RESPONSES = 5, 200


def populate(*args: str) -> str:
    out = io.StringIO()
    call_command("populate", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def populated(db):
    return populate("--learners", str(LEARNERS), "--responses", str(RESPONSES))


def made_by_populate():
    return Response.objects.filter(attempt__learner__username__startswith="pop-")


def test_it_makes_the_learners_and_answers_asked_for(populated):
    users = get_user_model().objects
    assert users.filter(username__startswith="pop-learner-").count() == LEARNERS
    assert made_by_populate().count() == RESPONSES
    instructors = users.filter(username__startswith="pop-instructor-")
    assert instructors.exists()
    assert all(u.is_staff and u.groups.filter(name="Instructors").exists() for u in instructors)
    assert not users.get(username=learner_name(1)).has_usable_password()


def test_it_makes_cards_case_progress_flags_and_notes(db):
    populate("--learners", "20", "--responses", "400")
    mine = {"learner__username__startswith": "pop-"}
    assert ReviewCard.objects.filter(**mine).exists()
    assert CaseProgress.objects.filter(**mine, commitments__isnull=False).exists()
    assert Flag.objects.filter(**mine).exists()
    assert Note.objects.filter(**mine).exists()
    assert Attempt.objects.filter(learner__username__startswith="pop-", finished__isnull=True, mode="tutor").exists()
    assert Attempt.objects.filter(learner__username__startswith="pop-", finished__isnull=False, mode="exam").exists()


def test_scores_agree_with_the_chosen_options_and_the_version_key(populated):
    for response in made_by_populate().select_related("version", "question").prefetch_related("choices"):
        content = response.version.content
        assert content["kind"] == response.question.kind
        live = [o for o in content["options"] if not o["retired"]]
        chosen = {c.pk for c in response.choices.all()}
        if content["kind"] == "numeric":
            expected = scoring.score_numeric(Decimal(content["answer"]), Decimal(content["tolerance"]), response.value)
        elif content["kind"] == "single":
            expected = scoring.score_single({o["id"] for o in live if o["correct"]}, chosen)
        else:
            correct = {o["id"] for o in live if o["correct"]}
            expected = scoring.score_partial(correct, chosen, {o["id"] for o in live if o["neutral"]})
        assert response.score == expected.quantize(Decimal("0.0001")), response  # stored to 4 places
        assert response.is_correct == (expected == 1)
        assert chosen <= {o["id"] for o in live}


def test_review_cards_match_the_answers_they_were_scheduled_from(populated):
    for card in ReviewCard.objects.filter(learner__username__startswith="pop-")[:50]:
        answers = Response.objects.filter(attempt__learner=card.learner, question=card.question).exclude(
            attempt__mode="exam", attempt__finished__isnull=True
        )
        assert card.reviews == answers.count()
        last = answers.order_by("answered_at").last()
        assert card.last_rating == scoring.review_rating(last.score, last.certainty)
        assert card.due > last.answered_at


def test_one_learner_has_the_most_answers_and_is_named(populated):
    counts = dict(
        made_by_populate()
        .values_list("attempt__learner__username")
        .annotate(n=Count("pk"))
        .values_list("attempt__learner__username", "n")
    )
    heavy = learner_name(1)
    assert counts[heavy] == max(counts.values())
    assert counts[heavy] >= min(2000, RESPONSES // 10)
    assert f"{heavy} with {counts[heavy]} answers" in populated


def test_answer_counts_are_uneven_and_sum_to_the_total():
    counts = answer_counts(2000, 200_000, random.Random(3))
    assert sum(counts) == 200_000
    assert counts[0] == max(counts) and counts[0] >= 2000
    assert sorted(counts)[1000] < 100  # most have tens
    assert sum(c >= 1000 for c in counts) >= 3  # a few have thousands


def test_running_it_again_adds_nothing(populated):
    before = Response.objects.count()
    out = populate("--learners", str(LEARNERS), "--responses", str(RESPONSES))
    assert "nothing added" in out
    assert Response.objects.count() == before


def test_reset_rebuilds_without_touching_a_normal_learner(populated, learner):
    question = question_with_choices(slug="a-normal-learners-question")
    attempt = services.attempt_start(learner=learner, topics=[], size=1, question_ids=[question.pk])
    right = question.choices.get(is_correct=True)
    services.response_record(attempt=attempt, question=question, choice_ids=[right.pk], value=None, certainty="sure")
    lookalike = get_user_model().objects.create(username="pop-learner-9999", email="someone@example.org")

    out = populate("--learners", "3", "--responses", "60", "--reset", "--seed", "7")

    assert "Deleted" in out
    assert made_by_populate().exclude(attempt__learner=lookalike).count() == 60
    assert get_user_model().objects.filter(username__startswith="pop-learner-").count() == 3 + 1
    assert Response.objects.filter(attempt__learner=learner).count() == 1
    assert ReviewCard.objects.filter(learner=learner).count() == 1
    assert get_user_model().objects.filter(pk=lookalike.pk).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--learners", "-1"], "zero or more"),
        (["--learners", "2", "--responses", "-5"], "zero or more"),
        (["--responses", "10"], "need learners"),
    ],
)
def test_it_refuses_bad_arguments(db, args, message):
    with pytest.raises(CommandError, match=message):
        populate(*args)
    assert not get_user_model().objects.filter(username__startswith="pop-").exists()


def test_the_heavy_learners_progress_page_answers(populated, client):
    heavy = get_user_model().objects.get(username=learner_name(1))
    client.force_login(heavy)
    response = client.get("/progress/")
    assert response.status_code == 200
    answered = Response.objects.counted().filter(attempt__learner=heavy).count()
    assert f"{answered} answered" in response.content.decode()


def test_the_teaching_pages_answer_for_a_populated_instructor(populated, client):
    client.force_login(get_user_model().objects.get(username="pop-instructor-01"))
    assert client.get("/teach/").status_code == 200
    grades = client.get("/teach/grades.csv")
    assert grades.status_code == 200
    rows = grades.content.decode().splitlines()[1:]
    assert sum(row.startswith("pop-learner-") for row in rows) == LEARNERS
    assert not any(row.startswith("pop-instructor-") for row in rows)
