"""Sending again the work a dead worker left behind (the beat's stuck sweep): each object at most
once every STUCK_AFTER_SECONDS, however many beats see it waiting."""

from django.conf import settings
from django.core.cache import cache


def resend_due(kind: str, ids) -> list[int]:
    """The ids not sent again within STUCK_AFTER_SECONDS, now marked as sent."""
    return [pk for pk in ids if cache.add(f"resent:{kind}:{pk}", 1, settings.STUCK_AFTER_SECONDS)]
