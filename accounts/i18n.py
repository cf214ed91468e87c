"""The message catalogue without GNU gettext: extract with Babel (templates through Django's own
templatize, as makemessages does), merge into the .po, compile the .mo, and check completeness.

`manage.py compilemessages` and `makemessages` need GNU gettext, which a fresh machine lacks;
this does the same with Babel, a PyPI package, so `make run` and `make test` need only Python.
"""

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as babel_extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation.template import templatize

SOURCE_DIRS = ["config", "core", *settings.PROJECT_APPS, "templates"]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
LOCALE = "zh_Hans"
PO_PATH = Path(settings.BASE_DIR) / "locale" / LOCALE / "LC_MESSAGES" / "django.po"


def _source_files():
    base = Path(settings.BASE_DIR)
    for folder in SOURCE_DIRS:
        for path in sorted((base / folder).rglob("*")):
            if "migrations" in path.parts or path.suffix not in {".py", ".html", ".txt"}:
                continue
            yield path


def _messages_in(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix in {".html", ".txt"}:
        if "{% load i18n" not in text:
            return
        text = templatize(text, origin=str(path))
    found = babel_extract(
        "python", io.BytesIO(text.encode()), keywords=KEYWORDS, options={"encoding": "utf-8"}
    )
    for lineno, message, _comments, context in found:
        yield lineno, message, context


def extract() -> Catalog:
    """Every translatable string in the project's code and templates."""
    template = Catalog(locale=None, project="gongzhi", charset="utf-8")
    base = Path(settings.BASE_DIR)
    for path in _source_files():
        for lineno, message, context in _messages_in(path):
            if not message:
                continue
            flags = (
                ("python-format",) if "%(" in (message if isinstance(message, str) else message[0]) else ()
            )
            template.add(message, None, [(str(path.relative_to(base)), lineno)], flags=flags, context=context)
    return template


def read_catalog() -> Catalog:
    if not PO_PATH.exists():
        return Catalog(locale=LOCALE, project="gongzhi", charset="utf-8")
    with PO_PATH.open("rb") as f:
        return read_po(f, locale=LOCALE)


def update() -> Catalog:
    """Merge newly found strings into the .po (keeping translations) and drop vanished ones."""
    catalog = read_catalog()
    catalog.update(extract(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    PO_PATH.parent.mkdir(parents=True, exist_ok=True)
    with PO_PATH.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, sort_output=False)
    return catalog


def compile_mo() -> Path:
    catalog = read_catalog()
    mo_path = PO_PATH.with_suffix(".mo")
    with mo_path.open("wb") as f:
        write_mo(f, catalog, use_fuzzy=False)
    return mo_path


def missing() -> list[str]:
    """Strings in the code without a Chinese translation (absent, empty or fuzzy in the .po)."""
    catalog = read_catalog()
    problems = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        if found is None:
            problems.append(f"not in the .po: {message.id!r} ({message.locations[0][0]})")
            continue
        strings = found.string if isinstance(found.string, (tuple, list)) else (found.string,)
        if found.fuzzy or not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    return problems
