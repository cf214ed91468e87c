"""The dependency direction of DESIGN.md, read from the imports of every module (ast, not grep)."""

import ast
import re
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
    "COMPOUND_RENOVATIONS",
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


READ_SCOPE = re.compile(r"_(visible|readable)(_|$)")


def _functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def _apps_files(name: str = "*.py"):
    for app in sorted(ALLOWED):
        yield from (p for p in sorted((ROOT / app).rglob(name)) if "migrations" not in p.parts)


def test_read_scopes_sit_beside_the_checks_in_permissions():
    # What a user may read (`*_visible`, `*_readable`) is a permission: it is found with the checks.
    found = {
        (path.stem, fn.name)
        for path in _apps_files()
        for fn in _functions(path)
        if READ_SCOPE.search(fn.name)
    }
    misplaced = sorted(name for module, name in found if module != "permissions")
    assert misplaced == []
    assert {"incidents_visible", "votes_visible", "projects_visible", "shifts_visible"} <= {
        n for _, n in found
    }


def _body(fn: ast.FunctionDef) -> list[ast.stmt]:
    first = fn.body[0]
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    return fn.body[1:] if docstring else fn.body


def _passes_on(fn: ast.FunctionDef) -> str | None:
    """The function this one hands its own arguments to unchanged (an alias of it), or None."""
    body = _body(fn)
    if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
        return None
    call = body[0].value
    params = [a.arg for a in fn.args.args]
    passed = [a.id if isinstance(a, ast.Name) else None for a in call.args]
    if call.keywords or passed != params:
        return None
    return ast.unparse(call.func)


def test_no_check_is_another_checks_alias():
    # One name per rule: a check that only hands its arguments to another, or that says word for word
    # what another says, is that other check under a second name.
    aliases, bodies = [], {}
    for path in _apps_files("permissions.py"):
        for fn in _functions(path):
            where = f"{path.relative_to(ROOT)}:{fn.name}"
            if (original := _passes_on(fn)) is not None:
                aliases.append(f"{where} = {original}")
            text = ast.unparse(ast.Module(body=_body(fn), type_ignores=[]))
            for i, arg in enumerate(fn.args.args):
                text = re.sub(rf"\b{arg.arg}\b", f"_{i}", text)
            bodies.setdefault(text, []).append(where)
    assert aliases == []
    assert [names for names in bodies.values() if len(names) > 1] == []
