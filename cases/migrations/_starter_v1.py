"""Frozen copy of the starter case loader (`cases.starter`) as of migration 0006; a stage's questions are created,
and body maps graded, by the quiz engine's frozen loader (`quizzes/migrations/_starter_v1.py`). Never edit it.

Used by 0002_starter_cases and 0005_starter_grades, so what those migrations do no longer follows the live loaders.
It reads the cases where they live today (`cases/starter/cases.json`): the content is data, and a fresh install gets
the current cases. The JSON may only grow in ways this loader reads or ignores (new rows, new keys):
tests/test_migrations.py compares a fresh migrate with the JSON, so a change it cannot follow fails there. A change
that needs new loading code gets a new migration with a new frozen loader (`_starter_v2.py`), never an edit here.

Works with the historical models (`apps`) at any schema from cases 0001 on: a case is created only when its slug
is absent, with its stages and questions; an existing case is left as an instructor may have edited it.
"""

import json
from pathlib import Path

from quizzes.migrations._starter_v1 import apply_grades, load_rows

__all__ = ["apply_grades", "load", "read_cases"]

CASES = Path(__file__).resolve().parent.parent / "starter" / "cases.json"


def read_cases() -> list[dict]:
    return json.loads(CASES.read_text(encoding="utf-8"))["cases"]


def load(apps) -> None:
    Case = apps.get_model("cases", "Case")
    for row in read_cases():
        if Case.objects.filter(slug=row["slug"]).exists():
            continue
        _create_case(apps, Case, row)


def _create_case(apps, Case, row: dict) -> None:
    get = _getter(apps)
    diagnosis = row.get("diagnosis", {})
    case = Case.objects.create(
        slug=row["slug"],
        title=row["title"],
        difficulty=row["difficulty"],
        presentation=row["presentation"],
        objectives=row["objectives"],
        debrief=row["debrief"],
        diagnosis_type=get("CalcinosisType", diagnosis.get("type")),
        diagnosis_differential=get("Differential", diagnosis.get("differential")),
        extent=get("Extent", diagnosis.get("extent")),
        is_published=True,
    )
    teaches = row.get("teaches", {})
    for field, model_name in (("sites", "BodySite"), ("conditions", "Condition"), ("differentials", "Differential")):
        model = apps.get_model("calcinosis", model_name)
        getattr(case, field).set(model.objects.filter(slug__in=teaches.get(field, [])))
    Stage = apps.get_model("cases", "Stage")
    Question = apps.get_model("quizzes", "Question")
    for order, spec in enumerate(row["stages"], 1):
        decision = spec.get("decision") or {}
        stage = Stage.objects.create(
            case=case,
            order=order,
            kind=spec["kind"],
            title=spec["title"],
            body=spec["body"],
            decision=decision.get("kind", ""),
            decision_prompt=decision.get("prompt", ""),
            expert_reasoning=decision.get("reasoning", ""),
            **_expert(apps, Stage, decision.get("expert")),
        )
        if decision.get("mimics") and any(f.name == "mimics" for f in Stage._meta.get_fields()):
            stage.mimics.set(apps.get_model("calcinosis", "Differential").objects.filter(slug__in=decision["mimics"]))
        questions = spec.get("questions", [])
        load_rows(apps, questions)
        slugs = [q["slug"] for q in questions]
        Question.objects.filter(slug__in=slugs, case__isnull=True).update(case=case, stage=stage)


def _expert(apps, Stage, slug: str | None) -> dict:
    """The expert's answer in the schema at hand: a slug before cases 0006, a link to a type or a mimic after."""
    if not any(f.name == "expert_type" for f in Stage._meta.get_fields()):
        return {"expert_answer": slug or ""}
    if not slug:
        return {}
    ctype = apps.get_model("calcinosis", "CalcinosisType").objects.filter(slug=slug).first()
    if ctype:
        return {"expert_type": ctype}
    return {"expert_mimic": apps.get_model("calcinosis", "Differential").objects.get(slug=slug)}


def _getter(apps):
    def get(model_name: str, slug: str | None):
        if not slug:
            return None
        return apps.get_model("calcinosis", model_name).objects.get(slug=slug)

    return get
