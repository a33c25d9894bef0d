"""Loads the starter reference into a fresh database, from knowledge.json and sections/*.md.

It takes a model registry (`apps`): the browser tests run it on a flushed database. The data migrations run a frozen
copy (calcinosis/migrations/_starter_v1.py), so editing this changes what no migration does.
A row is created only when its slug is absent, and links are set only on rows it created: running it
again adds nothing twice and undoes no edit made in admin. Site grades are loaded once the schema has them
(a later migration runs this again), and only for a condition or type that has no grade yet.
"""

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

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
    return json.loads((HERE / "knowledge.json").read_text(encoding="utf-8"))


def section_body(slug: str) -> str:
    return (HERE / "sections" / f"{slug}.md").read_text(encoding="utf-8")


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
