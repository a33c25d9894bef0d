"""Images in Moodle XML questions (issue 11): an embedded file is checked, stored under MEDIA_ROOT, shown in the
stem and the feedback, served only to who may see its question, and written back by the export."""

import base64
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from calcinosis.markup import render_markdown
from quizzes import exchange, images, services
from quizzes.models import Question, QuestionImage
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

ALT = "Firm white papules on the elbow"
SLUG = "rash-on-the-elbow"


def _png(colour: str = "white") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _truncated_jpeg() -> bytes:
    """A real JPEG cut short: its header reads, its picture does not."""
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 64).convert("RGB").save(buffer, format="JPEG")
    return buffer.getvalue()[: len(buffer.getvalue()) // 2]


def _bmp() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="BMP")
    return buffer.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _question(
    img: str = f'<img src="@@PLUGINFILE@@/rash.png" alt="{ALT}">',
    files: dict[str, bytes] | None = None,
    feedback: str = "Dystrophic: the skin was damaged first.",
    option: str = "Dystrophic",
) -> str:
    files = {"rash.png": _png()} if files is None else files
    embedded = "".join(f'<file name="{n}" path="/" encoding="base64">{_b64(d)}</file>' for n, d in files.items())
    return f"""<question type="multichoice">
  <name><text>rash-on-the-elbow</text></name>
  <questiontext format="html"><text><![CDATA[<p>What type is this? {img}</p>]]></text>{embedded}</questiontext>
  <generalfeedback format="html"><text><![CDATA[<p>{feedback}</p>]]></text></generalfeedback>
  <single>true</single>
  <answer fraction="100" format="html"><text><![CDATA[{option}]]></text><feedback><text>Yes.</text></feedback></answer>
  <answer fraction="0" format="html"><text>Metastatic</text><feedback><text>No.</text></feedback></answer>
</question>"""


def _moodle(*questions: str) -> str:
    category = '<question type="category"><category><text>$course$/top/Imported</text></category></question>'
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{category}\n{"".join(questions)}\n</quiz>\n'


@pytest.fixture
def media(settings, tmp_path):
    """MEDIA_ROOT in a temporary folder; returns it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _import(tmp_path, text: str, name: str = "bank.xml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("import_questions", str(path), "--topic", "type", stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(media, tmp_path) -> Question:
    _import(tmp_path, _moodle(_question()))
    return Question.objects.get(slug=SLUG)


def _stored_files(media) -> list:
    folder = media / "questions"
    return sorted(folder.iterdir()) if folder.exists() else []


# ---------------------------------------------------------------- reading


def test_it_reads_an_embedded_file_into_the_row_with_a_link_the_loader_resolves():
    (row,) = exchange.from_moodle_xml(_moodle(_question()))
    assert row["images"] == [{"name": "rash.png", "data": _b64(_png())}]
    assert f"![{ALT}](@@PLUGINFILE@@/rash.png)" in row["stem"]


def test_it_reads_an_encoded_file_name_and_a_file_in_a_folder():
    img = '<img src="@@PLUGINFILE@@/my%20rash.png" alt="a"><img src="@@PLUGINFILE@@/sub/b.png" alt="b">'
    in_folder = f'<file name="b.png" path="/sub/" encoding="base64">{_b64(_png("red"))}</file>'
    xml = _question(img=img, files={"my rash.png": _png()}).replace("</questiontext>", f"{in_folder}</questiontext>")
    (row,) = exchange.from_moodle_xml(_moodle(xml))
    assert [image["name"] for image in row["images"]] == ["my rash.png", "sub/b.png"]


# ---------------------------------------------------------------- importing


def test_it_imports_the_image_as_a_file_under_media_root(imported, media):
    (image,) = QuestionImage.objects.filter(question=imported)
    assert (image.name, image.alt) == ("rash.png", ALT)
    assert (media / image.image.name).read_bytes() == _png()
    assert image.image.name.startswith("questions/") and image.image.name.endswith(".png")


def test_it_shows_the_image_in_the_stem_at_its_served_url(imported):
    url = imported.images.get().image.url
    assert url.startswith("/media/questions/")
    assert f'<img class="img-fluid" alt="{ALT}" src="{url}">' in imported.stem_html
    assert "@@PLUGINFILE@@" not in imported.stem


def test_it_stores_a_file_under_the_extension_of_what_it_really_is(media, tmp_path):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="JPEG")
    _import(tmp_path, _moodle(_question(files={"rash.png": buffer.getvalue()})))
    assert QuestionImage.objects.get().image.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "is SVG, which is not accepted"),
        (_png()[:40] + b"\x00garbage" * 8, "is not a PNG, JPEG, GIF or WebP image, or it is damaged"),
        (b"GIF89a but not really a picture", "is not a PNG, JPEG, GIF or WebP image, or it is damaged"),
        (b"%PDF-1.4 not an image", "is not a PNG, JPEG, GIF or WebP image, or it is damaged"),
        (_truncated_jpeg(), "is damaged: it cannot be read as an image"),
        (_bmp(), "is BMP, not a PNG, JPEG, GIF or WebP image"),
    ],
    ids=["svg", "corrupt-png", "corrupt-gif", "pdf", "truncated-jpeg", "bmp"],
)
def test_it_refuses_a_file_that_is_not_an_accepted_image_and_changes_nothing(media, tmp_path, data, reason):
    questions = Question.objects.count()
    with pytest.raises(CommandError) as refusal:
        _import(tmp_path, _moodle(_question(files={"rash.png": data})))
    assert f"- Question 'rash-on-the-elbow': image 'rash.png' {reason}" in str(refusal.value)
    assert "Traceback" not in str(refusal.value)
    assert Question.objects.count() == questions and not QuestionImage.objects.exists()
    assert _stored_files(media) == []


def test_it_refuses_an_svg_by_its_name_whatever_it_holds(media, tmp_path):
    img = '<img src="@@PLUGINFILE@@/rash.svg" alt="a">'
    with pytest.raises(CommandError, match="image 'rash.svg' is SVG"):
        _import(tmp_path, _moodle(_question(img=img, files={"rash.svg": _png()})))
    assert not Question.objects.filter(slug=SLUG).exists()


def test_it_refuses_a_file_over_the_size_limit(media, tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_BYTES", 50)
    with pytest.raises(CommandError, match=r"image 'rash.png' is 0.0 MB; at most 0 MB"):
        _import(tmp_path, _moodle(_question()))
    assert not Question.objects.filter(slug=SLUG).exists()


def test_it_refuses_a_file_that_is_not_base64(media, tmp_path):
    xml = _question().replace(_b64(_png()), "not base64 at all!")
    with pytest.raises(CommandError, match="image 'rash.png' is not valid base64"):
        _import(tmp_path, _moodle(xml))


def test_it_refuses_an_image_name_longer_than_its_column(media, tmp_path):
    name = "x" * 252 + ".png"
    img = f'<img src="@@PLUGINFILE@@/{name}" alt="a">'
    with pytest.raises(CommandError, match="has a name longer than 255 characters"):
        _import(tmp_path, _moodle(_question(img=img, files={name: _png()})))


def test_it_refuses_a_json_row_showing_an_image_it_does_not_carry(media, tmp_path):
    (row,) = exchange.from_moodle_xml(_moodle(_question()))
    del row["images"]
    with pytest.raises(CommandError, match="it shows image 'rash.png', which is not among its images"):
        _import(tmp_path, exchange.to_json([{**row, "topic": "type"}]), name="bank.json")


def test_it_notes_an_image_referenced_but_not_in_the_file(media, tmp_path):
    out = _import(tmp_path, _moodle(_question(files={})))
    assert "1 imported with something left out" in out
    assert "image 'rash.png' is shown in its text but not in the file: its alt text stands in." in out
    question = Question.objects.get(slug=SLUG)
    assert "<img" not in question.stem_html and ALT in question.stem_html
    assert not QuestionImage.objects.exists()


def test_it_describes_an_image_without_alt_text_by_its_file_name_and_notes_it(media, tmp_path):
    out = _import(tmp_path, _moodle(_question(img='<img src="@@PLUGINFILE@@/rash.png">')))
    assert "image 'rash.png' has no alt text: its file name describes it; write one." in out
    assert 'alt="rash.png"' in Question.objects.get(slug=SLUG).stem_html
    assert QuestionImage.objects.get().alt == "rash.png"


def test_it_notes_an_image_from_elsewhere_and_leaves_it_out(media, tmp_path):
    out = _import(tmp_path, _moodle(_question(img='<img src="https://example.org/x.png" alt="A rash">', files={})))
    assert "an image from elsewhere ('https://example.org/x.png') was left out" in out
    assert "<img" not in Question.objects.get(slug=SLUG).stem_html


def test_it_keeps_the_alt_text_of_an_image_in_an_option_and_notes_it(media, tmp_path):
    option = 'Dystrophic <img src="@@PLUGINFILE@@/o.png" alt="papules">'
    out = _import(tmp_path, _moodle(_question(option=option)))
    assert "image 'o.png' in an option or its feedback was left out: options are plain text here" in out
    assert Question.objects.get(slug=SLUG).choices.filter(text="Dystrophic papules").exists()


def test_it_shows_an_image_of_the_general_feedback_in_the_teaching_point(media, tmp_path):
    feedback = '<img src="@@PLUGINFILE@@/histology.png" alt="Calcium in the dermis">'
    xml = _question(feedback=feedback).replace(
        "</generalfeedback>",
        f'<file name="histology.png" path="/" encoding="base64">{_b64(_png("red"))}</file></generalfeedback>',
    )
    _import(tmp_path, _moodle(xml))
    question = Question.objects.get(slug=SLUG)
    url = question.images.get(name="histology.png").image.url
    assert f'alt="Calcium in the dermis" src="{url}"' in question.teaching_point_html


# ---------------------------------------------------------------- serving


def test_it_serves_the_image_to_a_learner(learner_client, imported):
    response = learner_client.get(imported.images.get().image.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _png()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "private"


def test_an_anonymous_visitor_is_sent_to_log_in(client, imported):
    url = imported.images.get().image.url
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


def _status(client, user, url: str) -> int:
    client.force_login(user)
    return client.get(url).status_code


def test_a_draft_questions_image_is_for_instructors_only(client, learner, instructor, imported):
    Question.objects.filter(pk=imported.pk).update(is_published=False)
    url = imported.images.get().image.url
    assert _status(client, learner, url) == 404
    assert _status(client, instructor, url) == 200


def test_a_draft_cases_question_image_is_for_instructors_only(client, learner, instructor, imported):
    Question.objects.filter(pk=imported.pk).update(case=CaseFactory(is_published=False))
    url = imported.images.get().image.url
    assert _status(client, learner, url) == 404
    assert _status(client, instructor, url) == 200


def test_a_file_no_question_names_is_not_served(client, learner, instructor, imported, media):
    (media / "questions" / "stray.png").write_bytes(_png())
    assert _status(client, learner, "/media/questions/stray.png") == 404
    assert _status(client, instructor, "/media/questions/stray.png") == 404
    assert _status(client, learner, "/media/questions/unknown.png") == 404


def test_it_rejects_post(learner_client, imported):
    assert learner_client.post(imported.images.get().image.url).status_code == 405


def test_a_learner_sees_the_image_on_the_question_page_and_in_the_feedback(learner, learner_client, media, tmp_path):
    feedback = f'See again: <img src="@@PLUGINFILE@@/rash.png" alt="{ALT}">'
    _import(tmp_path, _moodle(_question(feedback=feedback)))
    question = Question.objects.get(slug=SLUG)
    img = f'<img class="img-fluid" alt="{ALT}" src="{question.images.get().image.url}">'
    attempt = services.attempt_start(learner=learner, topics=["type"], size=1, question_ids=[question.pk])
    page = learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/").content.decode()
    assert img in page
    right = question.choices.get(is_correct=True)
    answered = learner_client.post(
        f"/quizzes/attempts/{attempt.pk}/1/answer/", {"choice": right.pk, "certainty": "sure"}, follow=True
    )
    assert answered.content.decode().count(img) == 2  # the stem and the teaching point


# ---------------------------------------------------------------- what the sanitiser lets through


def test_the_sanitiser_keeps_an_image_of_the_sites_question_images_with_its_alt():
    html = render_markdown("![A rash](/media/questions/rash.png)")
    assert html == '<p><img class="img-fluid" alt="A rash" src="/media/questions/rash.png"></p>'


@pytest.mark.parametrize(
    "src",
    [
        "https://example.org/rash.png",
        "//example.org/rash.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "javascript:alert(1)",
        "/media/cases/rash.png",
        "/media/questions/../cases/rash.png",
        "@@PLUGINFILE@@/rash.png",
    ],
)
def test_the_sanitiser_leaves_only_the_alt_text_of_an_image_from_elsewhere(src):
    assert render_markdown(f"![A rash]({src})") == "<p>A rash</p>"
    assert "<img" not in render_markdown(f'<img src="{src}" alt="A rash" onerror="alert(1)">')


# ---------------------------------------------------------------- export


def _export(fmt: str) -> str:
    out = StringIO()
    call_command("export_questions", "--format", fmt, stdout=out)
    return out.getvalue()


def test_the_moodle_xml_export_embeds_the_image_beside_its_link(imported):
    xml = _export("moodle-xml")
    assert f'<img class="img-fluid" alt="{ALT}" src="@@PLUGINFILE@@/rash.png">' in xml
    assert f'<file name="rash.png" path="/" encoding="base64">{_b64(_png())}</file></questiontext>' in xml
    assert "/media/questions/" not in xml


@pytest.mark.parametrize(("fmt", "name"), [("moodle-xml", "again.xml"), ("json", "again.json")])
def test_an_exported_image_imports_again(learner_client, imported, media, tmp_path, fmt, name):
    text = _export(fmt)
    imported.delete()
    _import(tmp_path, text, name=name)
    question = Question.objects.get(slug=SLUG)
    image = question.images.get()
    assert (image.name, image.alt) == ("rash.png", ALT)
    assert f'alt="{ALT}" src="{image.image.url}"' in question.stem_html
    assert b"".join(learner_client.get(image.image.url).streaming_content) == _png()


def test_the_gift_export_keeps_the_alt_text_of_an_image_it_cannot_hold(imported):
    gift = _export("gift")
    assert ALT in gift and "PLUGINFILE" not in gift and "/media/" not in gift
