"""Loads the starter cases (cases.json, format in README.md) into a fresh database.

A case is created only when its slug is absent, with its stages and questions; an existing case is left as
an instructor may have edited it.
"""

import json
from pathlib import Path

from quizzes import starter as bank

CASES = Path(__file__).resolve().parent / "cases.json"


def read_cases(path: Path = CASES) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["cases"]


def load(apps, rows: list[dict] | None = None) -> int:
    rows = read_cases() if rows is None else rows
    Case = apps.get_model("cases", "Case")
    created = 0
    for row in rows:
        if Case.objects.filter(slug=row["slug"]).exists():
            continue
        _create_case(apps, Case, row)
        created += 1
    return created


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
        bank.load(apps, rows=questions)
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
