from celery import shared_task

from renovation import services


@shared_task
def works_notice_send(notice_id: int) -> int:
    """A works notice to the people of its buildings (once each: safe to retry)."""
    return services.works_notice_send(notice_id)


@shared_task
def blacklist_update() -> dict:
    """Daily: units of works on and off the published blacklist."""
    from django.utils import timezone

    return services.blacklist_update(timezone.now())
