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


HOOKS = [
    "IMPORT_KINDS",
    "ROLE_PROVIDERS",
    "SCOPE_LOADERS",
    "HOME_PANELS",
    "INCIDENT_DELEGATIONS",
    "DAILY_REPORT_SECTIONS",
    "RENOVATION_CONDITIONS",
]


def test_no_app_wires_itself_from_ready():
    # The wiring between the apps is the hooks in settings (core.hooks), read in one place: an
    # AppConfig.ready() that registers something would hide it.
    wired = []
    for path in sorted(ROOT.glob("*/apps.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        wired += [
            f"{path.relative_to(ROOT)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name == "ready"
        ]
    assert wired == []


@pytest.mark.parametrize("name", HOOKS)
def test_each_hook_names_functions_of_apps_above_the_caller(name, settings):
    from core.hooks import hook, hook_map, hook_table
    from property.imports.runs import Kind

    if name == "IMPORT_KINDS":
        kinds = hook_table(name)
        assert kinds and all(isinstance(k, Kind) for k in kinds.values())
        return
    value = getattr(settings, name)
    functions = (
        [f for key in value for f in hook_map(name, key)] if isinstance(value, dict) else list(hook(name))
    )
    assert functions and all(callable(f) for f in functions)
