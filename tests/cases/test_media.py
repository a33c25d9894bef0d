"""Case images under /media/: published cases' to any account, drafts' to instructors only, none to visitors."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import CaseFactory, StageFactory

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def image_of(settings, tmp_path):
    """A stage image saved under a temporary MEDIA_ROOT for a published or a draft case; returns its URL."""
    settings.MEDIA_ROOT = tmp_path

    def make(published: bool, name: str) -> str:
        case = CaseFactory(is_published=published)
        stage = StageFactory(case=case, image_alt="Nodules")
        stage.image = SimpleUploadedFile(name, _png(), content_type="image/png")
        stage.save()
        return stage.image.url

    return make


def test_a_learner_sees_a_published_cases_image(learner_client, image_of):
    response = learner_client.get(image_of(True, "published.png"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _png()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private"


def test_a_learner_cannot_see_a_draft_cases_image(learner_client, image_of):
    assert learner_client.get(image_of(False, "draft.png")).status_code == 404


def test_an_instructor_sees_a_draft_cases_image(instructor_client, image_of):
    assert instructor_client.get(image_of(False, "draft.png")).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in(client, image_of):
    url = image_of(True, "published.png")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


def test_a_file_no_stage_names_is_not_served(learner_client, instructor_client, image_of, tmp_path):
    image_of(True, "published.png")
    (tmp_path / "cases" / "stray.png").write_bytes(_png())  # on disk, but no stage shows it
    assert learner_client.get("/media/cases/stray.png").status_code == 404
    assert instructor_client.get("/media/cases/stray.png").status_code == 404
    assert learner_client.get("/media/cases/unknown.png").status_code == 404


def test_an_image_whose_file_is_gone_is_a_404(learner_client, image_of, tmp_path):
    url = image_of(True, "gone.png")
    (tmp_path / url.removeprefix("/media/")).unlink()
    assert learner_client.get(url).status_code == 404


def test_it_rejects_post(learner_client, image_of):
    assert learner_client.post(image_of(True, "published.png")).status_code == 405
