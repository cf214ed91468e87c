"""What the home page opens with besides the role buttons: panels of numbers that other apps
provide (reports: the place's five-co scores, alerts and incidents), named by settings.HOME_PANELS
(core.hooks) so that accounts never imports them."""

from core.hooks import hook


def panels_for(user) -> list[dict]:
    """Each provider answers [{"template": "...", ...context}] for the user; [] shows nothing."""
    panels = []
    for provider in hook("HOME_PANELS"):
        panels.extend(provider(user))
    return panels
