"""Loads the starter reference into a fresh database, from knowledge.json and sections/*.md.

It runs inside a data migration with the historical models (`apps`), so it works at any later schema.
A row is created only when its slug is absent, and links are set only on rows it created: running it
again adds nothing twice and undoes no edit made in admin.
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
_LINKS = {"conditions": ["sites", "types"], "types": ["conditions", "sites"]}
_LINK_MODELS = {"sites": "BodySite", "conditions": "Condition", "types": "CalcinosisType"}


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
            fields = {k: v for k, v in row.items() if k not in links and k not in ("slug", "section")}
            fields["section"] = sections.get(row.get("section"))
            obj, created = model.objects.get_or_create(slug=row["slug"], defaults=fields)
            if created:
                pending += [(obj, name, slugs) for name, slugs in links.items()]
    # Links wait until every row exists, so either side of a relation may name the other.
    for obj, name, slugs in pending:
        target = apps.get_model("calcinosis", _LINK_MODELS[name])
        getattr(obj, name).add(*target.objects.filter(slug__in=slugs))
