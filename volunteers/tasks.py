from celery import shared_task
from django.utils import timezone

from volunteers import services


@shared_task
def shifts_mark_no_shows() -> int:
    return services.shifts_mark_no_shows(timezone.now())


@shared_task
def shift_reminders_send() -> int:
    """Safe to run twice: each reminder is stored under a key that admits it once."""
    return services.shift_reminders_send(timezone.now())


@shared_task
def shift_templates_materialise() -> int:
    """Daily: the repeating shifts of the next four weeks (idempotent)."""
    return services.shift_templates_materialise(timezone.localdate())
