from celery import shared_task

from accounts import services


@shared_task
def probe() -> dict:
    """A round trip through the broker and the worker, with a database read: used by the smoke test."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"database": "ok"}


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def api_tokens_prune() -> int:
    """Delete tokens that expired or were revoked more than 30 days ago; idempotent."""
    return services.token_prune()
