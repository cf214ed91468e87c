from celery import shared_task
from django.utils import timezone

from governance import services


@shared_task
def votes_advance() -> list[int]:
    """Every minute: open votes whose time has come, close and publish those whose time is up."""
    return list(services.votes_advance(timezone.now()))


@shared_task
def actions_remind() -> int:
    """Daily: remind assignees of follow-up actions due today or overdue (once per action and day kind)."""
    return services.actions_remind(timezone.localdate())


@shared_task
def terms_warn() -> int:
    """Daily: tell community workers of committees whose term ends within the warning period (once)."""
    return services.terms_warn(timezone.localdate())
