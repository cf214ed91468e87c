"""Hooks: where an app calls code of an app above it, which it may not import.

Each hook is a setting naming dotted paths (config/settings.py, "Hooks"), as NOTIFICATION_SENDER
names its class, so the wiring between the apps is read in one place; no app registers anything
from AppConfig.ready(). A hook's functions are imported the first time it is called.
"""

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@cache
def _imported(paths: tuple[str, ...]) -> tuple:
    return tuple(import_string(path) for path in paths)


def hook(name: str) -> tuple:
    """The functions the setting `name` lists, in its order."""
    return _imported(tuple(getattr(settings, name)))


def hook_table(name: str) -> dict:
    """The objects the setting `name` (a dict of one dotted path each) names, by their keys."""
    table = getattr(settings, name)
    return dict(zip(table, _imported(tuple(table.values())), strict=True))


def hook_map(name: str, key: str) -> tuple:
    """The functions the setting `name` (a dict of lists) lists under `key`."""
    return _imported(tuple(getattr(settings, name).get(key, ())))
