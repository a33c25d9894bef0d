import pytest

from quizzes.models import Attempt, Flag, Note, Response
from tests.factories import question_with_choices

pytestmark = pytest.mark.django_db


def test_the_builder_needs_an_account(client):
    response = client.get("/quizzes/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/quizzes/"


def test_the_builder_offers_topics_pools_and_modes(learner_client):
    body = learner_client.get("/quizzes/").content.decode()
    for text in ["Differential diagnosis", "Answered wrongly last time", "Flagged", "Exam", "Start quiz"]:
        assert text in body


def test_starting_a_quiz_draws_questions_from_the_chosen_topics(learner_client, learner, own_bank):
    response = learner_client.post(
        "/quizzes/start/", {"topics": ["management"], "size": 3, "pool": "all", "mode": "tutor"}
    )
    attempt = Attempt.objects.get(learner=learner)
    assert response.url == f"/quizzes/attempts/{attempt.pk}/1/"
    assert attempt.slots.count() == 3
    assert set(attempt.questions.values_list("topic", flat=True)) == {"management"}


def test_the_builder_starts_from_the_learners_last_choices(learner_client, learner, own_bank):
    learner_client.post(
        "/quizzes/start/", {"topics": ["management"], "size": 3, "pool": "all", "mode": "exam", "time_limit": 25}
    )
    form = learner_client.get("/quizzes/").context["form"]
    assert form.initial == {"topics": ["management"], "size": 3, "pool": "all", "mode": "exam", "time_limit": 25}
    body = learner_client.get("/quizzes/").content.decode()
    assert 'value="management" id="topic-management" checked' in body
    assert 'value="type" id="topic-type" checked' not in body
    assert "As in your last quiz." in body and "data-check-all" in body


def test_a_first_quiz_starts_from_the_three_core_topics(learner_client):
    body = learner_client.get("/quizzes/").content.decode()
    assert 'value="type" id="topic-type" checked' in body and "As in your last quiz." not in body


@pytest.mark.parametrize(
    "data, message",
    [
        ({"size": 5, "pool": "all", "mode": "tutor"}, "Pick at least one topic."),
        ({"topics": ["type"], "size": 0, "pool": "all", "mode": "tutor"}, "Ask for at least one question."),
        ({"topics": ["type"], "size": "ten", "pool": "all", "mode": "tutor"}, "Enter a whole number."),
        ({"topics": ["nonsense"], "size": 5, "pool": "all", "mode": "tutor"}, "Select a valid choice"),
        ({"topics": ["type"], "size": 5, "pool": "all", "mode": "tutor", "time_limit": 10}, "exam mode only"),
        ({"topics": ["type"], "size": 5, "pool": "flagged", "mode": "tutor"}, "No questions match"),
    ],
)
def test_a_bad_quiz_request_is_explained(learner_client, data, message):
    response = learner_client.post("/quizzes/start/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attempt.objects.exists()


def test_the_pools_narrow_to_what_the_learner_needs(learner, own_bank):
    from quizzes import services
    from quizzes.models import Question

    first, second, third = own_bank[:3]
    attempt = services.attempt_start(learner=learner, topics=[], size=3, question_ids=[first.pk, second.pk, third.pk])
    right = first.choices.get(order=0)
    wrong = second.choices.get(order=1)
    services.response_record(attempt=attempt, question=first, choice_ids=[right.pk], value=None, certainty="sure")
    services.response_record(attempt=attempt, question=second, choice_ids=[wrong.pk], value=None, certainty="sure")
    Flag.objects.create(learner=learner, question=third)
    mine = Question.objects.filter(slug__startswith="own-")
    assert set(mine.for_pool(learner, "unanswered")) == set(own_bank) - {first, second}
    assert list(mine.for_pool(learner, "incorrect")) == [second]
    assert list(mine.for_pool(learner, "flagged")) == [third]


def test_flag_toggles_and_is_personal(learner_client, learner, other_learner):
    question = question_with_choices()
    url = f"/quizzes/questions/{question.pk}/flag/"
    assert learner_client.post(url, {"flagged": "1"}, HTTP_HX_REQUEST="true").status_code == 200
    learner_client.post(url, {"flagged": "1"}, HTTP_HX_REQUEST="true")  # a double click stays flagged
    assert Flag.objects.filter(learner=learner, question=question).exists()
    assert not Flag.objects.filter(learner=other_learner).exists()
    learner_client.post(url, {"flagged": "0", "next": "/quizzes/"})
    assert not Flag.objects.exists()


def test_flag_rejects_get_and_unknown_questions(learner_client):
    assert learner_client.get("/quizzes/questions/1/flag/").status_code == 405
    assert learner_client.post("/quizzes/questions/999999/flag/", {"flagged": "1"}).status_code == 404
    question = question_with_choices()
    assert learner_client.post(f"/quizzes/questions/{question.pk}/flag/", {"flagged": "maybe"}).status_code == 400


def test_flag_never_redirects_off_site(learner_client):
    question = question_with_choices()
    response = learner_client.post(
        f"/quizzes/questions/{question.pk}/flag/", {"flagged": "1", "next": "//evil.example/"}
    )
    assert response.url == "/quizzes/"


def test_a_note_is_saved_replaced_and_cleared(learner_client, learner):
    question = question_with_choices()
    url = f"/quizzes/questions/{question.pk}/note/"
    learner_client.post(url, {"text": "Dystrophic = normal labs"}, HTTP_HX_REQUEST="true")
    learner_client.post(url, {"text": "Dystrophic: labs normal"})
    assert Note.objects.get(learner=learner).text == "Dystrophic: labs normal"
    learner_client.post(url, {"text": "  "})
    assert not Note.objects.exists()


def test_a_too_long_note_is_a_400_and_keeps_the_old_one(learner_client, learner):
    question = question_with_choices()
    Note.objects.create(learner=learner, question=question, text="keep me")
    response = learner_client.post(f"/quizzes/questions/{question.pk}/note/", {"text": "x" * 3000})
    assert response.status_code == 400
    assert "under 2000 characters" in response.content.decode()
    assert Note.objects.get().text == "keep me"
    assert not Response.objects.exists()


def test_asking_for_more_than_the_pool_holds_says_so(learner_client, own_bank):
    data = {"topics": ["management"], "size": 100, "pool": "flagged", "mode": "tutor"}
    assert learner_client.post("/quizzes/start/", data).status_code == 400  # nothing flagged yet
    data["pool"] = "all"
    response = learner_client.post("/quizzes/start/", data, follow=True)
    assert "questions matched, so this quiz has" in response.content.decode()


def test_unflagging_leaves_another_learners_flag(learner_client, learner, other_learner):
    question = question_with_choices()
    Flag.objects.create(learner=other_learner, question=question)
    url = f"/quizzes/questions/{question.pk}/flag/"
    learner_client.post(url, {"flagged": "1"})
    learner_client.post(url, {"flagged": "0"})
    assert list(Flag.objects.values_list("learner", flat=True)) == [other_learner.pk]


def test_clearing_a_note_leaves_another_learners_note(learner_client, learner, other_learner):
    question = question_with_choices()
    Note.objects.create(learner=other_learner, question=question, text="theirs")
    url = f"/quizzes/questions/{question.pk}/note/"
    learner_client.post(url, {"text": "mine"})
    learner_client.post(url, {"text": ""})
    assert list(Note.objects.values_list("learner", "text")) == [(other_learner.pk, "theirs")]
