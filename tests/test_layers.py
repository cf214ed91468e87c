"""The dependency direction of DESIGN.md, read from the imports of every module (ast, not grep)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app and what it may import (besides itself, Django and third-party packages).
ALLOWED = {
    "core": set(),
    "accounts": {"core", "property"},  # a post names a community: the two are tied at the model level
    "property": {"core", "accounts"},
    "volunteers": {"core", "accounts", "property"},
    "grid": {"core", "accounts", "property"},
    "renovation": {"core", "accounts", "property", "grid"},
    "governance": {"core", "accounts", "property", "volunteers", "grid", "renovation"},
    "reports": {"core", "accounts", "property", "volunteers", "grid", "renovation", "governance"},
}
PROJECT = set(ALLOWED) | {"config"}  # nothing imports reports


def imports_of(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for module, line in imports_of(path):
            if module in PROJECT and module != app and module not in ALLOWED[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert wrong == []


def test_config_holds_no_shared_helpers_any_more():
    # What apps share lives in core/ (which imports no app); config/ is wiring only.
    leftovers = {p.name for p in (ROOT / "config").glob("*.py")} & {
        "errors.py",
        "pagination.py",
        "validation.py",
        "periods.py",
        "vendor_sql.py",
        "idempotency.py",
        "openapi.py",
    }
    assert leftovers == set()
