"""Broker health: ping Redis, or check that the embedded broker's folder is writable."""

import os
from functools import cache

from django.conf import settings


@cache
def _redis_client():
    import redis

    return redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)


def broker_status() -> str:
    if settings.BROKER_IS_EMBEDDED:
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]
        return "embedded" if os.access(folder, os.W_OK) else "error"
    import redis

    try:
        return "ok" if _redis_client().ping() else "error"
    except redis.RedisError:
        return "error"
