"""What the home page opens with besides the role buttons: panels of numbers that other apps
provide (reports: the place's five-co scores, alerts and incidents), registered in their
AppConfig.ready() so that accounts never imports them."""

from collections.abc import Callable

# A provider answers [{"template": "...", ...context}] for the user; an empty list shows nothing.
PanelProvider = Callable[[object], list[dict]]
_providers: list[PanelProvider] = []


def register_home_panel(provider: PanelProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def panels_for(user) -> list[dict]:
    panels = []
    for provider in _providers:
        panels.extend(provider(user))
    return panels
