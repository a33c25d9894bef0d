"""Instructors author questions in Django admin; a question that cannot be answered is refused whole."""

import pytest

from quizzes.models import Question

pytestmark = pytest.mark.django_db


def _form(slug="admin-made", kind="single", correct=(0,), n=3, **extra):
    data = {
        "slug": slug,
        "topic": "type",
        "kind": kind,
        "stem": "Which type?",
        "teaching_point": "Labs decide.",
        "is_published": "on",
        "answer": "",
        "tolerance": "",
        "unit": "",
        "choices-TOTAL_FORMS": str(n),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
        # The read-only inline of versions learners answered, as the admin page renders it.
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
    }
    for i in range(n):
        data[f"choices-{i}-order"] = str(i)
        data[f"choices-{i}-text"] = f"Option {i}"
        data[f"choices-{i}-explanation"] = "Because."
        if i in correct:
            data[f"choices-{i}-is_correct"] = "on"
    return data | extra


def test_an_instructor_adds_a_question_with_its_options(instructor_client):
    response = instructor_client.post("/admin/quizzes/question/add/", _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get(slug="admin-made")
    assert question.choices.count() == 3 and question.choices.filter(is_correct=True).count() == 1


def test_a_single_answer_question_with_two_correct_options_is_refused(instructor_client):
    response = instructor_client.post("/admin/quizzes/question/add/", _form(correct=(0, 1)))
    assert response.status_code == 200
    assert "exactly one correct" in response.content.decode()
    assert not Question.objects.filter(slug="admin-made").exists()


def test_a_numeric_question_without_an_answer_is_refused(instructor_client):
    response = instructor_client.post("/admin/quizzes/question/add/", _form(kind="numeric", n=0, correct=()))
    assert response.status_code == 200
    assert "needs an answer and a tolerance" in response.content.decode()


def test_the_question_list_filters_and_searches(instructor_client):
    response = instructor_client.get("/admin/quizzes/question/", {"topic__exact": "distribution", "q": "calciphylaxis"})
    assert response.status_code == 200
    assert "distribution-" in response.content.decode()


def test_learners_cannot_author(learner_client):
    response = learner_client.get("/admin/quizzes/question/add/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_instructors_hold_exactly_the_authoring_permissions(instructor):
    perms = instructor.get_all_permissions()
    assert {"quizzes.add_question", "quizzes.change_choice", "calcinosis.change_section"} <= perms
    assert "quizzes.change_attempt" not in perms and "auth.change_user" not in perms
