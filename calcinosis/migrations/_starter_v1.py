"""Frozen copy of the starter reference loader (`calcinosis.starter`) as of migration 0005. Never edit it.

Used by 0002_starter_content and 0005_starter_grades, so what those migrations do no longer follows the live loader.
It reads the starter content where it lives today (`calcinosis/starter/knowledge.json` and `sections/*.md`): the
content is data, and a fresh install gets the current content. The JSON may only grow in ways this loader reads or
ignores (new rows, new keys): tests/test_migrations.py compares a fresh migrate with the JSON, so a change it cannot
follow fails there. A change that needs new loading code gets a new migration with a new frozen loader
(`_starter_v2.py`), never an edit here.

Works with the historical models (`apps`) at any schema from 0001 on: a row is created only when its slug is
absent, links are set only on rows it created, and site grades are loaded once the schema has them, only for a
condition or type that has no grade yet.
"""

import json
from pathlib import Path

STARTER = Path(__file__).resolve().parent.parent / "starter"

# knowledge.json key -> model name, in the order rows must exist for their links.
_ROWS = [
    ("extents", "Extent"),
    ("sites", "BodySite"),
    ("conditions", "Condition"),
    ("types", "CalcinosisType"),
    ("differentials", "Differential"),
    ("treatments", "Treatment"),
]
# Links by slug; a condition's "types" and a type's "conditions" are two views of one relation.
_LINKS = {"conditions": ["types"], "types": ["conditions"]}
_LINK_MODELS = {"conditions": "Condition", "types": "CalcinosisType"}
# Graded sites: knowledge.json key -> the SiteGrade field that points at the row.
_GRADED = {"conditions": "condition", "types": "ctype"}


def read_knowledge() -> dict:
    return json.loads((STARTER / "knowledge.json").read_text(encoding="utf-8"))


def section_body(slug: str) -> str:
    return (STARTER / "sections" / f"{slug}.md").read_text(encoding="utf-8")


def load(apps) -> None:
    data = read_knowledge()
    Section = apps.get_model("calcinosis", "Section")
    sections = {}
    for row in data["sections"]:
        fields = {k: v for k, v in row.items() if k != "slug"}
        fields["body"] = section_body(row["slug"])
        sections[row["slug"]], _ = Section.objects.get_or_create(slug=row["slug"], defaults=fields)
    pending = []
    for key, model_name in _ROWS:
        model = apps.get_model("calcinosis", model_name)
        for row in data[key]:
            links = {name: row.get(name, []) for name in _LINKS.get(key, [])}
            fields = {k: v for k, v in row.items() if k not in links and k not in ("slug", "section", "sites")}
            fields["section"] = sections.get(row.get("section"))
            obj, created = model.objects.get_or_create(slug=row["slug"], defaults=fields)
            if created:
                pending += [(obj, name, slugs) for name, slugs in links.items()]
    # Links wait until every row exists, so either side of a relation may name the other.
    for obj, name, slugs in pending:
        target = apps.get_model("calcinosis", _LINK_MODELS[name])
        getattr(obj, name).add(*target.objects.filter(slug__in=slugs))
    if _has_model(apps, "SiteGrade"):
        _load_grades(apps, data)


def _has_model(apps, name: str) -> bool:
    try:
        apps.get_model("calcinosis", name)
    except LookupError:
        return False
    return True


def _load_grades(apps, data: dict) -> None:
    Reference = apps.get_model("calcinosis", "Reference")
    SiteGrade = apps.get_model("calcinosis", "SiteGrade")
    references = {}
    for row in data.get("references", []):
        fields = {"short": row["short"], "citation": row["citation"]}
        references[row["slug"]], _ = Reference.objects.get_or_create(slug=row["slug"], defaults=fields)
    sites = {s.slug: s for s in apps.get_model("calcinosis", "BodySite").objects.all()}
    for key, field in _GRADED.items():
        model = apps.get_model("calcinosis", dict(_ROWS)[key])
        for row in data[key]:
            subject = model.objects.filter(slug=row["slug"]).first()
            if subject is None or SiteGrade.objects.filter(**{field: subject}).exists():
                continue
            SiteGrade.objects.bulk_create(
                SiteGrade(
                    **{field: subject},
                    site=sites[g["site"]],
                    grade=g["grade"],
                    reference=references.get(g["reference"]) or Reference.objects.get(slug=g["reference"]),
                )
                for g in row.get("sites", [])
            )
