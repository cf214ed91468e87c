"""Idempotency-Key for writes that move money (API.md): the same key and body replay the first
answer; the same key with another body is 409; concurrent requests with one key make one write.

The key's row is inserted first, inside the write's transaction: a concurrent request with the
same key waits on the unique index until the first commits, then finds the row and replays it.
If the write fails, its row rolls back with it and the key can be used again. A deadlock rolls
both back and runs them again (core.locks.retried): the write's own `retried` cannot, inside this
transaction.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import IdempotencyKey
from core.errors import Conflict, Invalid
from core.locks import retried

HEADER = "Idempotency-Key"


def request_digest(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def idempotent(
    request, payload: dict, write: Callable[[], tuple[int, dict]], *, key: str | None = None
) -> tuple[int, dict]:
    """Run write() once per key; `key` defaults to the Idempotency-Key header (pages pass a form field)."""
    key = (request.headers.get(HEADER, "") if key is None else key).strip()
    if not key or len(key) > 100:
        raise Invalid(_("Send an Idempotency-Key header (at most 100 characters)."), field=HEADER)
    digest = request_digest(payload)

    @retried  # the key's row and the write are one transaction: a deadlock runs both again
    def once() -> tuple[int, dict]:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(user=request.user, key=key, request_hash=digest)
            except IntegrityError:
                record = IdempotencyKey.objects.get(user=request.user, key=key)
                if record.request_hash != digest:
                    raise Conflict(
                        _("This Idempotency-Key was used for another request."), code="idempotency_mismatch"
                    ) from None
                return record.status_code, record.response
            status, body = write()
            record.status_code, record.response = status, body
            record.save(update_fields=["status_code", "response"])
        return status, body

    return once()
