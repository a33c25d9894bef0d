"""Body-map keys agree with the graded knowledge model, and every grade's reference is named on a reference page.

Checked on the database the migrations built, so the starter bank, the starter cases and the loaders are all
covered: a typical site is the key, a recognised site is neutral, any other site is wrong.
"""

import xml.etree.ElementTree as ET

import pytest

from calcinosis.models import BodySite, Grade, Section, SiteGrade
from quizzes import exchange
from quizzes.models import Kind, Question

pytestmark = pytest.mark.django_db


def _bodymaps() -> list[Question]:
    return list(
        Question.objects.filter(kind=Kind.BODYMAP)
        .prefetch_related("choices__site", "conditions", "types")
        .order_by("slug")
    )


def _expected(question: Question) -> tuple[set[str], set[str]]:
    grades = SiteGrade.objects.for_subjects(conditions=question.conditions.all(), types=question.types.all())
    typical = {g.site.slug for g in grades.select_related("site") if g.grade == Grade.TYPICAL}
    recognised = {g.site.slug for g in grades.select_related("site") if g.grade == Grade.RECOGNISED} - typical
    return typical, recognised


def test_the_starter_content_has_body_maps_in_the_bank_and_in_cases():
    questions = _bodymaps()
    assert sum(q.case_id is None for q in questions) >= 8
    assert sum(q.case_id is not None for q in questions) >= 3


def test_every_body_map_is_keyed_from_the_graded_model():
    problems = []
    for question in _bodymaps():
        typical, recognised = _expected(question)
        choices = list(question.choices.all())
        correct = {c.site.slug for c in choices if c.is_correct}
        neutral = {c.site.slug for c in choices if c.is_neutral}
        if not typical:
            problems.append(f"{question.slug}: what it is about has no typical site in the model")
        if correct != typical:
            problems.append(f"{question.slug}: key {sorted(correct)}, model's typical sites {sorted(typical)}")
        if neutral != recognised:
            problems.append(
                f"{question.slug}: neutral {sorted(neutral)}, model's recognised sites {sorted(recognised)}"
            )
        if missing := set(BodySite.objects.values_list("slug", flat=True)) - {c.site.slug for c in choices}:
            problems.append(f"{question.slug}: no option for {sorted(missing)}")
    assert problems == []


def test_every_grade_names_a_reference_listed_on_a_reference_page():
    sources = "\n".join(Section.objects.published().values_list("sources", flat=True))
    cited = {g.reference for g in SiteGrade.objects.select_related("reference")}
    assert cited, "the model has no grades"
    assert [r.short for r in cited if r.citation not in sources] == []


def test_the_distribution_page_lists_every_reference_a_grade_cites():
    sources = Section.objects.get(slug="distribution").sources
    cited = {g.reference for g in SiteGrade.objects.select_related("reference")}
    assert [r.short for r in cited if r.citation not in sources] == []


def test_the_moodle_export_never_takes_credit_back_for_a_typical_or_recognised_site():
    questions = _bodymaps()
    root = ET.fromstring(exchange.to_moodle_xml(questions))
    exported = {q.findtext("idnumber"): q for q in root.findall("question") if q.get("type") == "multichoice"}
    problems = []
    for question in questions:
        typical, recognised = _expected(question)
        for answer in exported[question.slug].findall("answer"):
            region = exchange.slugify(answer.findtext("text") or "")
            fraction = float(answer.get("fraction"))
            if region in typical | recognised and fraction < 0:
                problems.append(f"{question.slug}: {region} has fraction {fraction}")
            if region in recognised and fraction != 0:
                problems.append(f"{question.slug}: recognised {region} should be worth 0, not {fraction}")
    assert problems == []


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml"])
def test_moodle_formats_carry_the_graded_key_both_ways(fmt):
    """A body map exported to Moodle and read back keeps its typical and recognised regions."""
    questions = _bodymaps()
    write, read = {
        "gift": (exchange.to_gift, exchange.from_gift),
        "moodle-xml": (exchange.to_moodle_xml, exchange.from_moodle_xml),
    }[fmt]
    back = {row["slug"]: row for row in read(write(questions))}
    for question in questions:
        typical, recognised = _expected(question)
        assert set(back[question.slug]["sites"]["correct"]) == typical, question.slug
        assert set(back[question.slug]["sites"]["recognised"]) == recognised, question.slug
