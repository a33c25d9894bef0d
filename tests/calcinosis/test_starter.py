"""The starter content arrives by migration, and loading it again neither duplicates nor overwrites."""

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group

from calcinosis import starter
from calcinosis.models import (
    BodySite,
    CalcinosisType,
    Condition,
    Differential,
    Extent,
    Reference,
    Section,
    SiteGrade,
    Treatment,
)

pytestmark = pytest.mark.django_db


def _counts():
    models = [Section, CalcinosisType, Extent, Condition, BodySite, Differential, Treatment, Reference, SiteGrade]
    return {m.__name__: m.objects.count() for m in models} | {
        "links": CalcinosisType.conditions.through.objects.count()
    }


def test_migrate_leaves_the_whole_starter_reference():
    data = starter.read_knowledge()
    counts = _counts()
    assert counts["Section"] == len(data["sections"])
    assert counts["Condition"] == len(data["conditions"])
    assert counts["Extent"] == 2
    assert counts["links"] > 0
    graded = sum(len(row["sites"]) for key in ("conditions", "types") for row in data[key])
    assert counts["SiteGrade"] == graded > 0
    assert counts["Reference"] == len(data["references"])


def test_loading_again_keeps_an_instructors_grades():
    condition = Condition.objects.get(slug="systemic-sclerosis")
    condition.site_grades.exclude(site__slug="fingertips").delete()
    starter.load(global_apps)
    assert list(condition.site_grades.values_list("site__slug", flat=True)) == ["fingertips"]


def test_loading_again_duplicates_nothing_and_keeps_an_instructors_edit():
    before = _counts()
    Section.objects.filter(slug="overview").update(title="Edited by an instructor")
    ctype = CalcinosisType.objects.get(slug="dystrophic")
    removed = ctype.conditions.count()
    ctype.conditions.clear()
    starter.load(global_apps)
    assert _counts() == before | {"links": before["links"] - removed}
    assert Section.objects.get(slug="overview").title == "Edited by an instructor"
    assert not ctype.conditions.exists()


def test_every_slug_named_in_the_content_exists():
    data = starter.read_knowledge()
    slugs = {key: {row["slug"] for row in rows} for key, rows in data.items()}
    for key, rows in data.items():
        for row in rows:
            if "section" in row:
                assert row["section"] in slugs["sections"], (key, row["slug"])
            for link in ("conditions", "types"):
                for slug in row.get(link, []) if key != link else []:
                    assert slug in slugs[link], (key, row["slug"], slug)
            if key in ("conditions", "types"):
                for grade in row["sites"]:
                    assert grade["site"] in slugs["sites"], (key, row["slug"], grade)
                    assert grade["reference"] in slugs["references"], (key, row["slug"], grade)
                    assert grade["grade"] in ("typical", "recognised"), (key, row["slug"], grade)


def test_the_instructors_group_can_author_the_reference():
    codenames = set(Group.objects.get(name="Instructors").permissions.values_list("codename", flat=True))
    assert {"change_section", "add_condition", "view_differential", "delete_treatment"} <= codenames
    assert {"add_sitegrade", "change_sitegrade", "change_reference"} <= codenames
