"""The item analysis page (/teach/items/), its CSV and its stored calculation; instructors only."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from quizzes.models import Attempt, Choice, Question, Response
from quizzes.versions import version_for
from teach.models import ItemAnalysis
from tests.factories import CaseProgressFactory, CommitmentFactory, UserFactory, question_with_choices
from tests.teach.conftest import answer, singles

pytestmark = pytest.mark.django_db

PAGES = ["/teach/items/", "/teach/items.csv"]


def _csv(client, query: str = "") -> list[dict]:
    response = client.get(f"/teach/items.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="calcinosis-items-')
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _row(client, slug: str) -> dict:
    return next(row for row in _csv(client) if row["question"] == slug)


@pytest.mark.parametrize("path", [*PAGES, "/teach/items/recalculate/"])
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path) if path in PAGES else client.post(path)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("path", [*PAGES, "/teach/items/recalculate/"])
def test_learners_may_not_see_or_recalculate_it(learner_client, path):
    response = learner_client.get(path) if path in PAGES else learner_client.post(path)
    assert response.status_code == 403
    assert not ItemAnalysis.objects.exists()


def test_it_rejects_the_wrong_method(instructor_client):
    assert instructor_client.post("/teach/items/").status_code == 405
    assert instructor_client.post("/teach/items.csv").status_code == 405
    assert instructor_client.get("/teach/items/recalculate/").status_code == 405


def test_it_shows_each_item_with_its_figures(instructor_client, learner, other_learner):
    questions = singles(3)
    answer(learner, questions)
    answer(other_learner, questions, right=False)
    body = instructor_client.get("/teach/items/").content.decode()
    assert body.count("<h1") == 1 and "Facility" in body and "Discrimination" in body
    assert f'href="/admin/quizzes/question/{questions[0].pk}/change/"' in body
    assert 'action="/teach/items/recalculate/"' in body and "Recalculate now" in body
    assert 'href="/teach/items.csv"' in body and "ago</time>" in body
    assert "discrimination leaves them out" in body
    row = _row(instructor_client, questions[0].slug)
    assert row == {
        "question": questions[0].slug,
        "case": "",
        "version": "1",
        "n": "2",
        "facility": "0.500",
        "discrimination": "",
        "concern": "",
    }


def test_the_csv_lists_every_quiz_bank_question(instructor_client, learner):
    answer(learner, singles(1))
    rows = _csv(instructor_client)
    assert [r for r in rows if r["n"] != "0"] == [rows[0]]  # answered items first
    assert all(r["version"] == "" and r["facility"] == "" for r in rows[1:])


def test_the_csv_defuses_spreadsheet_formulas(instructor_client, learner):
    question = question_with_choices(slug="-2-plus-cmd")
    answer(learner, [question])
    assert "'-2-plus-cmd" in instructor_client.get("/teach/items.csv").content.decode()


def test_the_options_chosen_are_shares_of_the_answers(instructor_client):
    [question] = singles(1)
    for i in range(4):
        answer(UserFactory(), [question], right=i == 0)
    body = instructor_client.get("/teach/items/").content.decode()
    right = question.choices.get(is_correct=True).text
    wrong = question.choices.filter(is_correct=False).first().text
    assert f"<strong>✓ {right}</strong>: 25%" in body and f"{wrong}: 75%" in body


def test_it_is_calculated_once_and_kept(instructor_client, learner, other_learner):
    [question] = singles(1)
    answer(learner, [question])
    assert _row(instructor_client, question.slug)["n"] == "1"
    answer(other_learner, [question])
    assert _row(instructor_client, question.slug)["n"] == "1"  # the stored calculation, not yet the new answer
    assert ItemAnalysis.objects.count() == 1


def test_recalculate_now_counts_every_answer_so_far(instructor_client, learner, other_learner):
    [question] = singles(1)
    answer(learner, [question])
    instructor_client.get("/teach/items/")
    answer(other_learner, [question])
    response = instructor_client.post("/teach/items/recalculate/", follow=True)
    assert response.redirect_chain == [("/teach/items/", 302)]
    assert "Item analysis calculated" in response.content.decode()
    assert _row(instructor_client, question.slug)["n"] == "2"
    assert ItemAnalysis.objects.count() == 1  # older calculations are not kept


def test_a_calculation_older_than_its_age_is_made_again(instructor_client, learner, other_learner):
    [question] = singles(1)
    answer(learner, [question])
    instructor_client.get("/teach/items/")
    answer(other_learner, [question])
    ItemAnalysis.objects.update(calculated=timezone.now() - ItemAnalysis.MAX_AGE - timedelta(minutes=1))
    assert _row(instructor_client, question.slug)["n"] == "2"


def test_case_questions_are_items_too_named_with_their_case(instructor_client, learner):
    answer(learner, singles(1))
    case_question = Question.objects.filter(case__isnull=False).select_related("case").first()
    attempt = Attempt.objects.create(learner=learner, mode=Attempt.Mode.CASE)
    version = version_for(case_question, list(case_question.choices.all()))
    Response.objects.create(attempt=attempt, question=case_question, version=version, score=1)
    rows = {row["question"]: row for row in _csv(instructor_client)}
    assert rows[case_question.slug]["case"] == case_question.case.title and rows[case_question.slug]["n"] == "1"
    assert len(rows) == Question.objects.published().count()
    body = instructor_client.get("/teach/items/").text
    assert f"in the case “{case_question.case.title}”" in body


def test_only_a_learners_first_answer_to_a_question_counts(instructor_client, learner, other_learner):
    question = question_with_choices(slug="q-first", topic="management")
    answer(learner, [question], right=False)
    answer(learner, [question], right=True)  # a retry: practice, not a measure of the item
    answer(other_learner, [question], right=True)
    row = _row(instructor_client, "q-first")
    assert row["n"] == "2" and row["facility"] == "0.500"
    body = instructor_client.get("/teach/items/").text
    right = question.choices.get(is_correct=True).text
    assert f"<strong>✓ {right}</strong>: 50%" in body


def test_the_dates_narrow_it_to_first_answers_given_then(instructor_client, learner, other_learner):
    question = question_with_choices(slug="q-dated", topic="management")
    answer(learner, [question], right=False)
    answer(other_learner, [question], right=True)
    Response.objects.filter(attempt__learner=learner).update(answered_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate().isoformat()
    body = instructor_client.get(f"/teach/items/?since={today}&until={today}").text
    assert "Calculated now for these dates" in body and "Recalculate now" not in body
    rows = {r["question"]: r for r in _csv(instructor_client, f"?since={today}&until={today}")}
    assert rows["q-dated"]["n"] == "1" and rows["q-dated"]["facility"] == "1.000"
    assert _row(instructor_client, "q-dated")["n"] == "2"  # all dates: both


@pytest.mark.parametrize(
    ("query", "message"),
    [("?since=2027-13-01", "Enter a date such as"), ("?since=2027-03-02&until=2027-03-01", "The end comes before")],
)
def test_bad_dates_are_explained(instructor_client, query, message):
    response = instructor_client.get(f"/teach/items/{query}")
    assert response.status_code == 400 and message in response.text
    assert instructor_client.get(f"/teach/items.csv{query}").status_code == 400


def test_the_case_decisions_show_what_learners_put_first(instructor_client, learner, other_learner):
    first = CommitmentFactory(progress=CaseProgressFactory(learner=learner), ranking=["metastatic"])
    CommitmentFactory(
        progress=CaseProgressFactory(learner=other_learner, case=first.progress.case), stage=first.stage,
        ranking=[first.stage.expert_answer],
    )  # fmt: skip
    body = instructor_client.get("/teach/items/").text
    expert = first.stage.expert_type.name
    assert first.progress.case.title in body and f"{first.stage.title} (2 learners)" in body
    assert f"<strong>✓ {expert}</strong> 50%" in body and "Metastatic 50%" in body


def test_the_dashboard_sums_it_up_without_calculating_it(instructor_client, learner):
    answer(learner, singles(2))
    body = instructor_client.get("/teach/").content.decode()
    assert 'href="/teach/items/"' in body and "worth a look" not in body
    assert not ItemAnalysis.objects.exists()
    instructor_client.get("/teach/items/")
    body = instructor_client.get("/teach/").content.decode()
    assert "0 of 2 answered items worth a look" in body


def test_cron_can_calculate_it_ahead_of_the_page(learner):
    answer(learner, singles(2))
    out = io.StringIO()
    call_command("item_analysis", stdout=out)
    assert "2 items, 0 worth a look" in out.getvalue()
    assert ItemAnalysis.objects.get().items == 2


def test_it_has_a_row_per_version_each_keyed_as_answered(instructor_client, learner, other_learner):
    question = question_with_choices(slug="q-items", topic="management")
    old_key = question.choices.get(is_correct=True)
    answer(learner, [question])
    new_key = question.choices.filter(is_correct=False).first()
    Choice.objects.filter(pk=old_key.pk).update(is_correct=False)
    Choice.objects.filter(pk=new_key.pk).update(is_correct=True)
    answer(other_learner, [question], right=False)  # the old key, wrong now
    body = instructor_client.get("/teach/items/").content.decode()
    assert 'q-items</a> <span class="small text-body-secondary">version 1' in body
    assert 'q-items</a> <span class="small text-body-secondary">version 2' in body
    assert f"<strong>✓ {old_key.text}</strong>: 100%" in body and f"<strong>✓ {new_key.text}</strong>: 0%" in body
