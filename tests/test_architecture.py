"""The apps depend one way: calcinosis (knowledge, reference) <- quizzes (the engine) <- cases <- teach <- lti (the
LMS side: launches fill teach's cohorts and start quizzes and cases; scores come back through the engine's hooks).

A lower app never imports a higher one; it offers hooks (quizzes/hooks.py) that the higher app fills in its
AppConfig.ready(). Beside the chain, pages (the site shell: home, health, navigation) stands on calcinosis alone
and links to the other apps by URL name, never by import. accounts (sign-up, a learner's own data, deleting an
account) sits above cases, beside teach: it reads and deletes what a learner did in calcinosis, quizzes and cases,
and nothing imports it. ops (operations commands: backup) may import anything beneath it, and nothing imports it.
config (settings, root URLs) is the top and may import anything, and nothing imports it. Checked on the source, so
an import hidden inside a function counts too.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["calcinosis", "quizzes", "cases", "teach", "lti"]

# The one link that still points up, by name: a question asked inside a case records its case and stage on the
# question itself. Moving that link into the cases app (a table of its own) would end it; until then it is listed
# here, and nothing else may name a model of a higher app.
KNOWN_UPWARD_NAMES = {"quizzes/models.py": {"cases.Case", "cases.Stage"}}
MODEL_NAME_RE = re.compile(r"""get_model\(\s*["'](\w+)["']\s*,\s*["'](\w+)["']|["'](\w+)\.([A-Z]\w*)["']""")
# What each of the project's packages may import: a layer the layers beneath it, pages the reference alone, config all.
MAY_IMPORT = {app: set(LAYERS[:i]) for i, app in enumerate(LAYERS)} | {
    "pages": {"calcinosis"},
    "accounts": {"calcinosis", "quizzes", "cases"},
    "ops": {*LAYERS, "pages", "accounts"},
    "config": {*LAYERS, "pages", "accounts", "ops"},
}


def _imports(path: Path) -> set[str]:
    """The top-level package of every module the file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _modules(app: str) -> list[Path]:
    return sorted((ROOT / app).rglob("*.py"))


def _model_names(path: Path) -> set[str]:
    """Models named by string ("cases.Case", apps.get_model("cases", "Case")), as app.Model."""
    names = set()
    for match in MODEL_NAME_RE.finditer(path.read_text(encoding="utf-8")):
        app, model = (match[1], match[2]) if match[1] else (match[3], match[4])
        names.add(f"{app}.{model}")
    return names


@pytest.mark.parametrize("app", MAY_IMPORT)
def test_an_app_imports_only_the_apps_beneath_it(app):
    forbidden = set(MAY_IMPORT) - MAY_IMPORT[app] - {app}
    offending = {
        f"{path.relative_to(ROOT)} imports {', '.join(sorted(_imports(path) & forbidden))}"
        for path in _modules(app)
        if _imports(path) & forbidden
    }
    assert not offending, "\n".join(sorted(offending))


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_never_names_a_model_of_an_app_above_it(app):
    """Outside the migrations (which record history as it was), a lower app names no higher app's model."""
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    offending = set()
    for path in _modules(app):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        for name in _model_names(path) - KNOWN_UPWARD_NAMES.get(relative, set()):
            if name.split(".")[0] in above:
                offending.add(f"{relative} names {name}")
    assert not offending, "\n".join(sorted(offending))


def test_the_guard_sees_every_app():
    for app in MAY_IMPORT:
        assert _modules(app), f"no modules found for {app}"


def test_the_guard_catches_a_model_named_by_string(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('case = models.ForeignKey("cases.Case")\nStage = apps.get_model("cases", "Stage")\n')
    assert _model_names(module) == {"cases.Case", "cases.Stage"}


def test_the_guard_catches_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from cases.models import Case\n    import teach.views\n")
    assert _imports(module) == {"cases", "teach"}
