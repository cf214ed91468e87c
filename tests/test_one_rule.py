"""Each rule written once: "in force" (started, and not ended by the day) is spelled out only by
core.periods; the models' constraints say it in the database's terms."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "migrations", "tests", "node_modules", "var", ".git"}
ALLOWED = {Path("core/periods.py")}  # the one helper
PATTERN = re.compile(r"ended_on__isnull|ended_on=None\b")


def _project_files():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts[:-1]):
            continue
        yield relative


def test_in_force_is_spelled_out_only_by_the_one_helper_and_the_models():
    found = [
        f"{relative}:{number}: {line.strip()}"
        for relative in _project_files()
        if relative not in ALLOWED and relative.name != "models.py"
        for number, line in enumerate((ROOT / relative).read_text(encoding="utf-8").splitlines(), start=1)
        if PATTERN.search(line)
    ]
    assert found == []


def test_the_walk_sees_the_project_and_the_helper():
    files = set(_project_files())
    assert {Path("core/periods.py"), Path("governance/services.py"), Path("property/register/views.py")} <= files
    assert not any(".venv" in f.parts or "migrations" in f.parts for f in files)
