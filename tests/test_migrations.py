"""Migrations are frozen, and a fresh migrate loads the whole starter content.

A migration may import only the standard library, Django and the frozen helpers of its own app or of an app below
it (underscore modules of a `migrations` package, which Django's loader skips), so editing a live loader never
changes what an old migration does. The content tests compare the database the migrations built with the starter
JSON the live loaders read: a frozen loader that fell behind the JSON shows up here.
"""

import ast
import sys
from collections import Counter
from pathlib import Path

import pytest

from calcinosis import starter as reference
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
from cases import starter as cases_starter
from cases.models import Case, Stage
from quizzes import starter as bank
from quizzes.models import Choice, Question

ROOT = Path(__file__).resolve().parent.parent
APPS = ("calcinosis", "quizzes", "cases")
# Third-party libraries a frozen helper may call, each pinned in requirements.txt (the Markdown renderer's): an
# upgrade is a reviewed change of the pin, not a silent edit of what a migration does.
PINNED_LIBRARIES = {"markdown", "nh3"}

# A schema migration names a field's validator by its import path, and Django's autodetector compares it with the
# model's own, so it must stay the live function (a frozen copy would call for a new migration). It never runs
# during migrate. Only the names listed may be used from such a module.
FIELD_REFERENCES = {"calcinosis/migrations/0001_initial.py": {"calcinosis.models": {"validate_section_slug"}}}

# Names of the knowledge.json lists -> the model that holds their rows.
DYNAMIC_IMPORTS = {"__import__", "import_module", "importlib.import_module"}

KNOWLEDGE_ROWS = {
    "sections": Section,
    "references": Reference,
    "extents": Extent,
    "sites": BodySite,
    "conditions": Condition,
    "types": CalcinosisType,
    "differentials": Differential,
    "treatments": Treatment,
}


def _migration_files() -> list[str]:
    files = (path for app in APPS for path in (ROOT / app / "migrations").glob("*.py"))
    return sorted(path.relative_to(ROOT).as_posix() for path in files)


def _allowed(module: str, app: str) -> bool:
    """The standard library, Django, and the frozen helpers of this app or of an app below it (which its migrations
    depend on, so those helpers never change under it either)."""
    if module.partition(".")[0] in {*sys.stdlib_module_names, "django", *PINNED_LIBRARIES}:
        return True
    for lower in APPS[: APPS.index(app) + 1]:
        prefix = f"{lower}.migrations."
        if module.startswith(prefix) and module[len(prefix) :].startswith("_"):
            return True
    return False


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (base := _dotted(node.value)):
        return f"{base}.{node.attr}"
    return None


def _imported(node: ast.Import | ast.ImportFrom, app: str) -> list[str]:
    """The full names an import statement brings in, relative imports resolved against `<app>.migrations`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        package = [app, "migrations"][: 3 - node.level] if node.level <= 2 else ["<outside the project>"]
        base = ".".join([*package, *([node.module] if node.module else [])])
    else:
        base = node.module
    return [f"{base}.{alias.name}" for alias in node.names]


def forbidden_imports(source: str, *, path: str) -> list[str]:
    """What a migration module imports beyond the standard library, Django and its own frozen helpers."""
    app = path.split("/")[0]
    references = FIELD_REFERENCES.get(path, {})
    problems = []
    tree = ast.parse(source, filename=path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            if any(not _allowed(name, app) and name not in references for name in _imported(node, app)):
                problems.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Call) and _dotted(node.func) in DYNAMIC_IMPORTS:
            problems.append((node.lineno, f"{ast.unparse(node)} (an import the guard cannot check)"))
        elif isinstance(node, ast.Attribute) and (name := _dotted(node)):
            for module, allowed in references.items():
                if name.startswith(f"{module}.") and name[len(module) + 1 :].split(".")[0] not in allowed:
                    problems.append((node.lineno, f"{name} (only {sorted(allowed)} may be used from {module})"))
    return [f"line {line}: {text}" for line, text in sorted(problems)]


@pytest.mark.parametrize("path", _migration_files())
def test_a_migration_imports_only_the_standard_library_django_and_its_frozen_helpers(path):
    source = (ROOT / path).read_text(encoding="utf-8")
    assert forbidden_imports(source, path=path) == [], path


def test_the_guard_names_each_forbidden_import():
    source = "\n".join(
        [
            "import json",
            "from django.db import migrations",
            "from quizzes.migrations import _starter_v1",
            "from ._instructors_v1 import grant_to_instructors",
            "from quizzes import starter",
            "import calcinosis.markup",
            "from cases.migrations import _starter_v1",
            "from calcinosis.migrations._instructors_v1 import grant_to_instructors",
            "from quizzes.migrations import helpers",
            "from . import helpers",
            "def load(apps):",
            "    from quizzes.versions import content_of",
            "    importlib.import_module('quizzes.starter')",
        ]
    )
    assert forbidden_imports(source, path="quizzes/migrations/0099_example.py") == [
        "line 5: from quizzes import starter",
        "line 6: import calcinosis.markup",
        "line 7: from cases.migrations import _starter_v1",
        "line 9: from quizzes.migrations import helpers",
        "line 10: from . import helpers",
        "line 12: from quizzes.versions import content_of",
        "line 13: importlib.import_module('quizzes.starter') (an import the guard cannot check)",
    ]


def test_the_guard_allows_a_field_reference_and_nothing_else_from_its_module():
    source = "\n".join(
        [
            "import calcinosis.models",
            "validators = [calcinosis.models.validate_section_slug]",
            "calcinosis.models.Section",
        ]
    )
    assert forbidden_imports(source, path="calcinosis/migrations/0001_initial.py") == [
        "line 3: calcinosis.models.Section (only ['validate_section_slug'] may be used from calcinosis.models)"
    ]
    assert forbidden_imports(source, path="calcinosis/migrations/0002_starter_content.py") == [
        "line 1: import calcinosis.models"
    ]


# The content a fresh migrate leaves, against the starter JSON.


def _case_questions() -> list[tuple[str, int, dict]]:
    return [
        (case["slug"], order, q)
        for case in cases_starter.read_cases()
        for order, stage in enumerate(case["stages"], 1)
        for q in stage.get("questions", [])
    ]


def _expected_choices(row: dict, sites: list[dict]) -> list[tuple]:
    if row["kind"] != "bodymap":
        return [(row["slug"], i, c["text"], c["correct"], False) for i, c in enumerate(row.get("choices", []), 1)]
    spec = row["sites"]
    return [
        (row["slug"], s["order"], s["name"], s["slug"] in spec["correct"], s["slug"] in spec.get("recognised", []))
        for s in sites
    ]


@pytest.mark.django_db
def test_a_fresh_migrate_loads_every_knowledge_row_and_link():
    data = reference.read_knowledge()
    for key, model in KNOWLEDGE_ROWS.items():
        assert sorted(model.objects.values_list("slug", flat=True)) == sorted(row["slug"] for row in data[key]), key
    links = {(c["slug"], t) for c in data["conditions"] for t in c.get("types", [])}
    links |= {(c, t["slug"]) for t in data["types"] for c in t.get("conditions", [])}
    in_db = CalcinosisType.conditions.through.objects.values_list("condition__slug", "calcinosistype__slug")
    assert Counter(in_db) == Counter(links)


@pytest.mark.django_db
def test_a_fresh_migrate_loads_every_site_grade():
    data = reference.read_knowledge()
    expected = [
        (row["slug"] if key == "conditions" else "", row["slug"] if key == "types" else "")
        + (g["site"], g["grade"], g["reference"])
        for key in ("conditions", "types")
        for row in data[key]
        for g in row["sites"]
    ]
    in_db = SiteGrade.objects.values_list("condition__slug", "ctype__slug", "site__slug", "grade", "reference__slug")
    assert Counter(tuple(v or "" for v in row) for row in in_db) == Counter(expected)


@pytest.mark.django_db
def test_a_fresh_migrate_loads_the_bank_and_the_case_questions_with_their_options():
    sites = sorted(reference.read_knowledge()["sites"], key=lambda s: s["order"])
    bank_rows = bank.read_bank()
    case_rows = _case_questions()
    assert sorted(Question.objects.filter(case__isnull=True).values_list("slug", flat=True)) == sorted(
        row["slug"] for row in bank_rows
    )
    in_cases = Question.objects.filter(case__isnull=False).values_list("slug", "case__slug", "stage__order")
    assert Counter(in_cases) == Counter((q["slug"], case, order) for case, order, q in case_rows)
    expected = [c for row in [*bank_rows, *(q for _, _, q in case_rows)] for c in _expected_choices(row, sites)]
    in_db = Choice.objects.values_list("question__slug", "order", "text", "is_correct", "is_neutral")
    assert Counter(in_db) == Counter(expected)


def _slug(row) -> str:
    return row.slug if row else ""


@pytest.mark.django_db
def test_a_fresh_migrate_loads_every_case_and_stage():
    rows = cases_starter.read_cases()
    assert sorted(Case.objects.values_list("slug", flat=True)) == sorted(row["slug"] for row in rows)
    expected = [
        (row["slug"], order, spec["kind"], spec["title"], (spec.get("decision") or {}).get("expert") or "")
        for row in rows
        for order, spec in enumerate(row["stages"], 1)
    ]
    stages = Stage.objects.select_related("case", "expert_type", "expert_mimic")
    in_db = [(s.case.slug, s.order, s.kind, s.title, _slug(s.expert_type or s.expert_mimic)) for s in stages]
    assert Counter(in_db) == Counter(expected)
