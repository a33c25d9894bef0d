"""The apps depend one way: calcinosis (knowledge, reference) <- quizzes (the engine) <- cases <- teach.

A lower app never imports a higher one; it offers hooks (quizzes/hooks.py) that the higher app fills in its
AppConfig.ready(). Beside the chain, pages (the site shell: home, health, accounts) stands on calcinosis alone
and links to the other apps by URL name, never by import; config (settings, root URLs) is the top and may
import anything, and nothing imports it. Checked on the source, so an import hidden inside a function counts too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["calcinosis", "quizzes", "cases", "teach"]
# What each of the project's packages may import: a layer the layers beneath it, pages the reference alone, config all.
MAY_IMPORT = {app: set(LAYERS[:i]) for i, app in enumerate(LAYERS)} | {
    "pages": {"calcinosis"},
    "config": {*LAYERS, "pages"},
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


@pytest.mark.parametrize("app", MAY_IMPORT)
def test_an_app_imports_only_the_apps_beneath_it(app):
    forbidden = set(MAY_IMPORT) - MAY_IMPORT[app] - {app}
    offending = {
        f"{path.relative_to(ROOT)} imports {', '.join(sorted(_imports(path) & forbidden))}"
        for path in _modules(app)
        if _imports(path) & forbidden
    }
    assert not offending, "\n".join(sorted(offending))


def test_the_guard_sees_every_app():
    for app in MAY_IMPORT:
        assert _modules(app), f"no modules found for {app}"


def test_the_guard_catches_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from cases.models import Case\n    import teach.views\n")
    assert _imports(module) == {"cases", "teach"}
