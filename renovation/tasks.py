from celery import shared_task

from renovation import services


@shared_task
def works_notice_send(notice_id: int) -> int:
    """A works notice to the people of its buildings (once each: safe to retry)."""
    return services.works_notice_send(notice_id)
