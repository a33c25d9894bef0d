"""Instructors author a case on one admin page; publishing refuses a case that cannot be taken."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import Case, Stage
from quizzes.models import Question
from tests.cases.conftest import reveal, start
from tests.factories import question_with_choices

pytestmark = pytest.mark.django_db


def _management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _case_form(stages=2, published=True, questions=()):
    data = {
        "title": "A new case",
        "slug": "a-new-case",
        "difficulty": "introductory",
        "presentation": "A patient <script>alert('x')</script> with lumps.",
        "objectives": "- Learn",
        "debrief": "Dystrophic.",
        **_management("stages", stages),
        **_management("questions", len(questions)),
    }
    if published:
        data["is_published"] = "on"
    for i in range(stages):
        data |= {
            f"stages-{i}-order": str(i + 1),
            f"stages-{i}-kind": "history" if i == 0 else "examination",
            f"stages-{i}-title": f"Stage {i + 1}",
            f"stages-{i}-body": "Findings.",
            f"stages-{i}-decision": "",
        }
    for i, slug in enumerate(questions):
        data |= {
            f"questions-{i}-slug": slug,
            f"questions-{i}-topic": "type",
            f"questions-{i}-kind": "single",
            f"questions-{i}-stem": "Which type?",
            f"questions-{i}-teaching_point": "Labs.",
            f"questions-{i}-is_published": "on",
        }
    return data


def test_an_instructor_creates_and_publishes_a_case(instructor_client):
    response = instructor_client.post("/admin/cases/case/add/", _case_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(slug="a-new-case")
    assert case.is_published and case.stages.count() == 2


def test_publishing_a_case_with_one_stage_is_refused_whole(instructor_client):
    response = instructor_client.post("/admin/cases/case/add/", _case_form(stages=1))
    assert response.status_code == 200
    assert "at least two stages" in response.content.decode()
    assert not Case.objects.filter(slug="a-new-case").exists() and not Stage.objects.filter(title="Stage 1").exists()


def test_a_draft_may_have_one_stage(instructor_client):
    assert instructor_client.post("/admin/cases/case/add/", _case_form(stages=1, published=False)).status_code == 302


def test_a_question_is_not_made_on_the_case_page_without_its_options(instructor_client):
    """The dead end is gone: a case question is made on its own page with its options, never as a bare row here."""
    response = instructor_client.post("/admin/cases/case/add/", _case_form(questions=["case-q-no-options"]))
    assert response.status_code == 302
    assert not Question.objects.filter(slug="case-q-no-options").exists()
    case = Case.objects.get(slug="a-new-case")
    page = instructor_client.get(f"/admin/cases/case/{case.pk}/change/").text
    assert f'href="/admin/quizzes/question/add/?case={case.pk}"' in page
    assert "Add a question to this case, with its options" in page


def test_a_case_question_is_made_with_its_options_and_the_case_page_comes_back(instructor_client, case):
    stage = case.stages.get(order=2)
    other_case_stage = Stage.objects.exclude(case=case).first()
    add = instructor_client.get(f"/admin/quizzes/question/add/?case={case.pk}").text
    assert f'<option value="{case.pk}" selected>' in add
    stages = re.search(r'<select name="stage".*?</select>', add, re.S)[0]  # the case's own stages only
    assert f'<option value="{stage.pk}">' in stages and f'<option value="{other_case_stage.pk}">' not in stages
    data = _question_form() | {"case": str(case.pk), "stage": str(stage.pk)}
    response = instructor_client.post(f"/admin/quizzes/question/add/?case={case.pk}", data)
    assert response.status_code == 302 and response.url == f"/admin/cases/case/{case.pk}/change/"
    made = Question.objects.get(slug="with-options")
    assert made.case == case and made.stage == stage and made.choices.count() == 3
    page = instructor_client.get(response.url).text
    assert "saved with its options" in page and f'href="/admin/quizzes/question/{made.pk}/change/"' in page
    assert f'href="/quizzes/questions/{made.pk}/preview/"' in page


def _question_form() -> dict:
    data = {
        "slug": "with-options", "topic": "type", "kind": "single", "stem": "Which type?", "teaching_point": "Labs.",
        "is_published": "on", "variables": "{}", "choices-TOTAL_FORMS": "3", "choices-INITIAL_FORMS": "0",
        "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
    }  # fmt: skip
    for i in range(3):
        data |= {f"choices-{i}-order": str(i), f"choices-{i}-text": f"Option {i}", f"choices-{i}-explanation": "."}
    return data | {"choices-0-is_correct": "on"}


def test_a_question_with_options_can_join_a_published_case(instructor_client):
    instructor_client.post("/admin/cases/case/add/", _case_form(published=False))
    case = Case.objects.get(slug="a-new-case")
    question = question_with_choices(slug="ready-question")
    question.case = case
    question.save()
    data = _case_form() | _management("stages", 2, 2) | _management("questions", 1, 1)
    for i, stage in enumerate(case.stages.all()):
        data[f"stages-{i}-id"] = str(stage.pk)
        data[f"stages-{i}-case"] = str(case.pk)
    data |= {
        "questions-0-id": str(question.pk),
        "questions-0-case": str(case.pk),
        "questions-0-slug": "ready-question",
        "questions-0-topic": "type",
        "questions-0-kind": "single",
        "questions-0-stem": "Which?",
        "questions-0-teaching_point": "Point.",
        "questions-0-is_published": "on",
    }
    response = instructor_client.post(f"/admin/cases/case/{case.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    case.refresh_from_db()
    assert case.is_published


def test_authored_markdown_reaches_learners_without_script(instructor_client, learner):
    from django.test import Client

    instructor_client.post("/admin/cases/case/add/", _case_form())
    reader = Client()
    reader.force_login(learner)
    body = reader.get("/cases/a-new-case/").content.decode()
    assert "A patient" in body and "<script>alert" not in body


def test_the_change_page_links_to_the_learners_view(instructor_client):
    instructor_client.post("/admin/cases/case/add/", _case_form())
    case = Case.objects.get(slug="a-new-case")
    assert 'href="/cases/a-new-case/"' in instructor_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_stage_image_needs_alt_text_and_is_served_safely(learner_client, case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stage = case.stages.get(order=1)
    stage.image = SimpleUploadedFile("nodule.png", _png(), content_type="image/png")
    with pytest.raises(Exception, match="Describe the image"):
        stage.full_clean()
    stage.image_alt = "Chalky white nodules on two fingertips"
    stage.full_clean()
    stage.save()
    response = learner_client.get(stage.image.url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    start(learner_client, case)
    reveal(learner_client, case)
    assert (
        'alt="Chalky white nodules on two fingertips"' in learner_client.get(case.get_absolute_url()).content.decode()
    )


def test_media_outside_the_upload_folder_is_refused(instructor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert instructor_client.get("/media/../config/settings.py").status_code in (400, 404)
    assert instructor_client.get("/media/cases/missing.png").status_code == 404


def test_a_non_image_upload_is_refused(case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stage = case.stages.get(order=1)
    stage.image = SimpleUploadedFile("evil.html", b"<script>alert(1)</script>", content_type="text/html")
    stage.image_alt = "x"
    with pytest.raises(Exception, match="extension"):
        stage.full_clean()


def test_the_instructors_group_may_author_cases(instructor):
    perms = instructor.get_all_permissions()
    assert {"cases.add_case", "cases.change_stage", "cases.view_caseprogress"} <= perms
    assert "cases.change_caseprogress" not in perms


def _image(format: str, size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=format)
    return buffer.getvalue()


def _upload_stage_image(instructor_client, upload):
    """Post the case form with a new case's first stage carrying `upload` as its image."""
    data = _case_form(published=False) | {"stages-0-image": upload, "stages-0-image_alt": "Chalky nodules"}
    return instructor_client.post("/admin/cases/case/add/", data)


@pytest.mark.parametrize("format, name", [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp")])
def test_an_instructor_uploads_a_jpeg_png_or_webp_image(instructor_client, settings, tmp_path, format, name):
    settings.MEDIA_ROOT = tmp_path
    response = _upload_stage_image(instructor_client, SimpleUploadedFile(name, _image(format)))
    assert response.status_code == 302, response.content.decode()[:2000]
    stage = Stage.objects.get(case__slug="a-new-case", order=1)
    assert stage.image.name.startswith("cases/") and (tmp_path / stage.image.name).exists()


def test_an_image_of_another_type_is_refused_whatever_its_name(instructor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = _upload_stage_image(instructor_client, SimpleUploadedFile("looks-fine.png", _image("GIF")))
    assert response.status_code == 200
    assert "The file is a GIF image whatever its name says: upload a JPEG, PNG or WebP." in response.content.decode()
    assert not Case.objects.filter(slug="a-new-case").exists()
    assert not any(tmp_path.rglob("*.png"))


def test_a_file_that_is_not_an_image_is_refused(instructor_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("nodule.png", b"<html><script>alert(1)</script></html>")
    response = _upload_stage_image(instructor_client, upload)
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not Case.objects.filter(slug="a-new-case").exists()


def test_an_image_over_5_mb_is_refused(instructor_client, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr("cases.admin.IMAGE_MAX_BYTES", 1000)  # a real 5 MB image would slow the suite down
    big = _image("PNG", size=(200, 200)) + b"\0" * 2000  # trailing bytes after the image: Pillow still reads it
    response = _upload_stage_image(instructor_client, SimpleUploadedFile("big.png", big))
    assert response.status_code == 200
    assert "upload one of 5 MB or less" in response.content.decode()
    assert not Case.objects.filter(slug="a-new-case").exists()


def test_the_limit_is_5_mb():
    from cases.admin import IMAGE_MAX_BYTES

    assert IMAGE_MAX_BYTES == 5 * 1024 * 1024
