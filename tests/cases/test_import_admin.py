"""Importing a question bank from the admin: upload, a preview of what would be created and skipped, then confirm."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import QuestionImport
from quizzes.models import Question

pytestmark = pytest.mark.django_db

GIFT = """$CATEGORY: $course$/top/Imported

::Metastatic sites:: Where does metastatic calcinosis cutis most often deposit? {
=Around large joints#Right: periarticular tissue.
~In a scar#That is dystrophic calcification.
####Metastatic deposits favour periarticular tissue.
}

::No feedback:: Calcinosis cutis is calcium salt in the skin. {T}

::Essay:: Describe calcinosis cutis. {}
"""


def upload(client, content: str = GIFT, name: str = "bank.gift", **fields):
    data = {"file": SimpleUploadedFile(name, content.encode()), "topic": "type", **fields}
    return client.post("/admin/cases/questionimport/add/", data)


def test_an_instructor_uploads_previews_and_confirms(instructor_client):
    before = Question.objects.count()
    response = upload(instructor_client, skip_unsupported="on")
    assert response.status_code == 302
    preview = instructor_client.get(response["Location"])
    html = preview.content.decode()
    assert preview.status_code == 200 and Question.objects.count() == before  # nothing created yet
    assert "2 to create" in html and "Where does metastatic calcinosis cutis most often deposit?" in html
    assert html.count("none: add one after the import") == 1  # the true/false question has no teaching point
    assert "1 not supported, not imported" in html and "Essay" in html
    upload_row = QuestionImport.objects.get()
    confirmed = instructor_client.post(f"/admin/cases/questionimport/{upload_row.pk}/confirm/")
    assert confirmed.status_code == 302 and confirmed["Location"] == "/admin/quizzes/question/"
    assert Question.objects.count() == before + 2
    upload_row.refresh_from_db()
    assert upload_row.imported is not None and (upload_row.created_count, upload_row.skipped_count) == (2, 0)

    # A second click does nothing more; the preview now says what was done.
    instructor_client.post(f"/admin/cases/questionimport/{upload_row.pk}/confirm/")
    assert Question.objects.count() == before + 2
    assert "2 created, 0 skipped" in instructor_client.get(response["Location"]).content.decode()


def test_a_file_with_unsupported_questions_is_refused_naming_each(instructor_client):
    response = upload(instructor_client)
    html = response.content.decode()
    assert response.status_code == 200 and "Essay" in html and "Skip unsupported questions" in html
    assert not QuestionImport.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        ("::a:: b {=c ~d}", "bank.doc", "Cannot tell the format"),
        ("\x00::a:: b {=c ~d}", "bank.gift", "NUL character"),
        ('{"questions": ' + "[" * 5000 + "]" * 5000 + "}", "bank.json", "nested"),
    ],
)
def test_a_bad_file_gets_a_clear_message(instructor_client, content, name, expected):
    response = upload(instructor_client, content=content, name=name)
    assert response.status_code == 200 and expected in response.content.decode()
    assert not QuestionImport.objects.exists()


def test_a_file_not_in_utf8_gets_a_clear_message(instructor_client):
    data = {"file": SimpleUploadedFile("bank.gift", "::a:: Caf\u00e9 {=c ~d}".encode("latin-1")), "topic": "type"}
    response = instructor_client.post("/admin/cases/questionimport/add/", data)
    assert "not valid UTF-8" in response.content.decode()


def test_the_preview_follows_the_bank_as_it_is_now(instructor_client):
    response = upload(instructor_client, skip_unsupported="on")
    instructor_client.post(f"/admin/cases/questionimport/{QuestionImport.objects.get().pk}/confirm/")
    again = upload(instructor_client, skip_unsupported="on")
    html = instructor_client.get(again["Location"]).content.decode()
    assert "0 to create" in html and "2 already in the bank, skipped" in html
    assert re.search(r'<input type="submit" class="default" value="Import 0 questions" disabled>', html)
    assert response.status_code == 302


def test_the_question_list_links_to_the_import(instructor_client):
    html = instructor_client.get("/admin/quizzes/question/").content.decode()
    assert 'href="/admin/cases/questionimport/add/"' in html


def test_learners_and_visitors_cannot_import(client, learner):
    assert client.get("/admin/cases/questionimport/add/").status_code == 302
    client.force_login(learner)
    assert client.get("/admin/cases/questionimport/add/").status_code == 302  # not staff: the admin's login


def test_confirm_takes_a_post_only(instructor_client):
    upload(instructor_client, skip_unsupported="on")
    pk = QuestionImport.objects.get().pk
    assert instructor_client.get(f"/admin/cases/questionimport/{pk}/confirm/").status_code == 405
    assert instructor_client.post("/admin/cases/questionimport/999999/confirm/").status_code == 404
