"""A question's "Read more" lands on the heading of the reference page that teaches it (Question.anchor)."""

import pytest

from quizzes import services
from quizzes.exchange import Knowledge, validate_row
from tests.factories import SectionFactory, question_with_choices

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    body = "Intro.\n\n## Skin biopsy\n\nText.\n\n## Imaging\n\nX."
    return SectionFactory(slug="biopsy-page", title="Biopsy", body=body)


def test_a_heading_of_the_page_is_accepted_and_linked_with_its_name(section):
    question = question_with_choices(section=section, anchor="skin-biopsy")
    assert question.anchor_problem() is None
    assert question.reading() == ("/reference/biopsy-page/#skin-biopsy", "Biopsy: Skin biopsy")


def test_an_unknown_heading_is_refused_naming_the_headings_there_are(section):
    question = question_with_choices(section=section, anchor="skin-biopsies")
    problem = question.anchor_problem()
    assert "no heading with the id “skin-biopsies”" in problem
    assert "skin-biopsy (Skin biopsy); imaging (Imaging)" in problem
    assert question_with_choices(section=section, anchor="imaging").anchor_problem() is None


def test_a_heading_needs_its_page():
    assert "choose the section first" in question_with_choices(anchor="skin-biopsy").anchor_problem()


def _change_form(question, **changes) -> dict:
    """The question's admin change form as the page posts it, its options as they are, with `changes` made."""
    form = {
        "slug": question.slug, "topic": question.topic, "kind": question.kind, "stem": question.stem,
        "teaching_point": question.teaching_point, "section": question.section_id or "", "anchor": question.anchor,
        "is_published": "on", "variables": "{}", "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0",
    }  # fmt: skip
    choices = list(question.choices.order_by("order"))
    form |= {"choices-TOTAL_FORMS": str(len(choices)), "choices-INITIAL_FORMS": str(len(choices))}
    for i, choice in enumerate(choices):
        form |= {
            f"choices-{i}-id": str(choice.pk), f"choices-{i}-question": str(question.pk),
            f"choices-{i}-order": str(choice.order), f"choices-{i}-text": choice.text,
            f"choices-{i}-explanation": choice.explanation,
        }  # fmt: skip
        if choice.is_correct:
            form[f"choices-{i}-is_correct"] = "on"
    return form | changes


def test_the_question_admin_refuses_a_heading_the_page_lacks(instructor_client, section):
    question = question_with_choices(section=section)
    url = f"/admin/quizzes/question/{question.pk}/change/"
    response = instructor_client.post(url, _change_form(question, anchor="nope"))
    assert response.status_code == 200 and "has no heading with the id “nope”" in response.text
    response = instructor_client.post(url, _change_form(question, anchor="imaging"))
    assert response.status_code == 302, response.text[:3000]
    question.refresh_from_db()
    assert question.anchor == "imaging"


def test_a_heading_renamed_later_does_not_stop_other_edits(instructor_client, section):
    question = question_with_choices(section=section, anchor="skin-biopsy")
    section.body = "## Histology\n\nText."
    section.save()
    url = f"/admin/quizzes/question/{question.pk}/change/"
    response = instructor_client.post(url, _change_form(question, stem="A new stem?"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.stem == "A new stem?" and question.reading() == ("/reference/biopsy-page/", "Biopsy")


def test_a_heading_since_removed_falls_back_to_the_top_of_the_page(section):
    question = question_with_choices(section=section, anchor="skin-biopsy")
    section.body = "## Histology\n\nText."
    section.save()
    question.refresh_from_db()
    assert question.reading() == ("/reference/biopsy-page/", "Biopsy")
    assert question_with_choices().reading() is None


def test_the_feedback_links_the_heading(learner_client, learner, section):
    question = question_with_choices(section=section, anchor="skin-biopsy", topic="management")
    attempt = services.attempt_start(learner=learner, topics=["management"], size=1, question_ids=[question.pk])
    right = question.choices.get(is_correct=True)
    learner_client.post(f"/quizzes/attempts/{attempt.pk}/1/answer/", {"choice": right.pk, "certainty": "sure"})
    body = learner_client.get(f"/quizzes/attempts/{attempt.pk}/1/").content.decode()
    assert 'Read more: <a href="/reference/biopsy-page/#skin-biopsy">Biopsy: Skin biopsy</a>.' in body


def test_the_reference_page_has_the_heading_the_link_names(client, section):
    body = client.get("/reference/biopsy-page/").content.decode()
    assert '<h2 id="skin-biopsy">Skin biopsy</h2>' in body


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"anchor": "not an id"}, "its anchor must be the id of a heading"),
        ({"anchor": 3}, "its anchor must be the id of a heading"),
        ({"section": None, "anchor": "skin-biopsy"}, "it has an anchor but no section"),
    ],
)
def test_import_refuses_an_anchor_that_cannot_be_one(row, expected):
    question = {
        "slug": "q", "kind": "single", "topic": "type", "stem": "Which?", "teaching_point": "This.",
        "section": "dystrophic", "about": {},
        "choices": [{"text": t, "correct": t == "A", "explanation": "."} for t in "ABCD"],
    }  # fmt: skip
    problems = validate_row({**question, **row}, Knowledge(sections=frozenset({"dystrophic"})))
    assert any(expected in p for p in problems), problems


def test_every_starter_question_lands_on_a_heading_of_its_page():
    """The starter content's anchors (questions.json and the cases' questions), set by migration 0016, each name a
    heading of the question's own page, and the feedback links there."""
    import json
    from pathlib import Path

    from quizzes.models import Question

    root = Path(__file__).resolve().parents[2]
    bank = json.loads((root / "quizzes/starter/questions.json").read_text(encoding="utf-8"))["questions"]
    cases = json.loads((root / "cases/starter/cases.json").read_text(encoding="utf-8"))["cases"]
    rows = bank + [q for case in cases for stage in case["stages"] for q in stage.get("questions", [])]
    wanted = {row["slug"]: row.get("anchor", "") for row in rows}
    assert sum(1 for a in wanted.values() if a) >= 200
    stored = {q.slug: q for q in Question.objects.filter(slug__in=wanted).select_related("section")}
    assert set(stored) == set(wanted)
    wrong = {}
    for slug, anchor in wanted.items():
        question = stored[slug]
        if question.anchor != anchor or (anchor and anchor not in question.section.headings()):
            wrong[slug] = (anchor, question.anchor)
        elif anchor:
            assert question.reading()[0].endswith(f"#{anchor}")
    assert wrong == {}


def test_import_refuses_a_heading_the_page_lacks_when_the_headings_are_known():
    question = {
        "slug": "q", "kind": "single", "topic": "type", "stem": "Which?", "teaching_point": "This.",
        "section": "dystrophic", "anchor": "causes", "about": {},
        "choices": [{"text": t, "correct": t == "A", "explanation": "."} for t in "ABCD"],
    }  # fmt: skip
    known = Knowledge(sections=frozenset({"dystrophic"}), headings={"dystrophic": frozenset({"causes", "mechanism"})})
    assert validate_row(question, known) == []
    problems = validate_row({**question, "anchor": "cause"}, known)
    assert problems == ["Question 'q': section 'dystrophic' has no heading 'cause' (its headings: causes, mechanism)."]
    assert validate_row({**question, "anchor": ""}, known) == []  # empty is no anchor, as the loader reads it
    assert validate_row({**question, "section": ["x"]}, known)  # refused, never a crash
