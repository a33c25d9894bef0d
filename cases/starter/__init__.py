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
            expert_answer=decision.get("expert", ""),
            expert_reasoning=decision.get("reasoning", ""),
        )
        questions = spec.get("questions", [])
        bank.load(apps, rows=questions)
        slugs = [q["slug"] for q in questions]
        Question.objects.filter(slug__in=slugs, case__isnull=True).update(case=case, stage=stage)


def _getter(apps):
    def get(model_name: str, slug: str | None):
        if not slug:
            return None
        return apps.get_model("calcinosis", model_name).objects.get(slug=slug)

    return get
