"""Frozen copy of the starter bank loader (`quizzes.starter`) as of migration 0008. Never edit it.

Used by 0002_starter_bank and 0006_starter_grades, so what those migrations do no longer follows the live loader
(which `import_questions` also uses). It reads the bank where it lives today (`quizzes/starter/questions.json`): the
content is data, and a fresh install gets the current bank. The JSON may only grow in ways this loader reads or
ignores (new rows, new keys): tests/test_migrations.py compares a fresh migrate with the JSON, so a change it cannot
follow fails there. A change that needs new loading code gets a new migration with a new frozen loader
(`_starter_v2.py`), never an edit here.

Works with the historical models (`apps`): a question is created only when its slug is absent, so loading again
duplicates nothing and overwrites no edit. Only what the migrations need is kept: the live loader's handling of a
case question's `"case"` and `"stage"` (rows from `export_questions`) is left out, as the starter bank has none.
"""

import json
from pathlib import Path

BANK = Path(__file__).resolve().parent.parent / "starter" / "questions.json"
KNOWLEDGE = {"types": "CalcinosisType", "conditions": "Condition", "sites": "BodySite", "differentials": "Differential"}


def read_bank() -> list[dict]:
    return json.loads(BANK.read_text(encoding="utf-8"))["questions"]


def load(apps) -> None:
    """Create the questions of the starter bank whose slug is new."""
    load_rows(apps, read_bank())


def load_rows(apps, rows: list[dict]) -> None:
    """Create the questions among `rows` whose slug is new (the cases' frozen loader creates a stage's with it)."""
    Question = apps.get_model("quizzes", "Question")
    Choice = apps.get_model("quizzes", "Choice")
    Section = apps.get_model("calcinosis", "Section")
    BodySite = apps.get_model("calcinosis", "BodySite")
    CalcinosisType = apps.get_model("calcinosis", "CalcinosisType")
    sections = {s.slug: s for s in Section.objects.all()}
    sites = {s.slug: s for s in BodySite.objects.order_by("order")}
    types = {t.slug: t for t in CalcinosisType.objects.all()}
    for row in rows:
        if Question.objects.filter(slug=row["slug"]).exists():
            continue
        question = Question.objects.create(
            slug=row["slug"],
            kind=row["kind"],
            topic=row["topic"],
            stem=row["stem"],
            teaching_point=row["teaching_point"],
            section=sections.get(row.get("section")),
            answer=row.get("answer"),
            tolerance=row.get("tolerance"),
            unit=row.get("unit", ""),
            is_published=row.get("is_published", True),
        )
        for field, model_name in KNOWLEDGE.items():
            slugs = row.get("about", {}).get(field, [])
            if slugs:
                model = apps.get_model("calcinosis", model_name)
                getattr(question, field).set(model.objects.filter(slug__in=slugs))
        Choice.objects.bulk_create(_choices(Choice, question, row, sites, types))


def _choices(Choice, question, row: dict, sites: dict, types: dict) -> list:
    if row["kind"] == "bodymap":
        spec = row["sites"]
        return [
            Choice(
                question=question,
                order=i,
                text=site.name,
                is_correct=slug in spec["correct"],
                explanation=spec.get("explanations", {}).get(slug, ""),
                site=site,
                **_neutral(Choice, slug in spec.get("recognised", [])),
            )
            for i, (slug, site) in enumerate(sites.items(), 1)
        ]
    return [
        Choice(
            question=question,
            order=i,
            text=c["text"],
            is_correct=c["correct"],
            explanation=c.get("explanation", ""),
            ctype=types.get(c.get("type")),
        )
        for i, c in enumerate(row.get("choices", []), 1)
    ]


def _neutral(Choice, value: bool) -> dict:
    """Set `is_neutral` where the schema has it; the migrations that load before it exist leave it to a later one."""
    return {"is_neutral": value} if any(f.name == "is_neutral" for f in Choice._meta.get_fields()) else {}


def apply_grades(apps, rows: list[dict]) -> None:
    """Bring starter body maps up to the graded key: options for regions added since they were loaded, and their
    recognised regions made neutral. Correct regions an instructor may have changed are left alone."""
    Question = apps.get_model("quizzes", "Question")
    Choice = apps.get_model("quizzes", "Choice")
    sites = list(apps.get_model("calcinosis", "BodySite").objects.order_by("order"))
    for row in rows:
        question = Question.objects.filter(slug=row["slug"], kind="bodymap").first()
        if question is None or row["kind"] != "bodymap":
            continue
        spec = row["sites"]
        present = set(question.choices.values_list("site_id", flat=True))
        Choice.objects.bulk_create(
            Choice(
                question=question,
                order=site.order,
                text=site.name,
                is_correct=site.slug in spec["correct"],
                is_neutral=site.slug in spec.get("recognised", []),
                explanation=spec.get("explanations", {}).get(site.slug, ""),
                site=site,
            )
            for site in sites
            if site.pk not in present
        )
        recognised = spec.get("recognised", [])
        question.choices.filter(site__slug__in=recognised, is_correct=False).update(is_neutral=True)
        choices = list(question.choices.select_related("site").filter(site__isnull=False))
        for choice in choices:
            choice.order = choice.site.order
        Choice.objects.bulk_update(choices, ["order"])
