"""Row locks: the one order every transaction takes them in, and a retry for the deadlock that
still happens.

A transaction that locks several rows (select_for_update) takes them from the outside in, as the
estate nests, and never locks upward after it has locked downward:

    subdistrict > community > compound > building > household > its residencies and bills > resident
    ledger import:  the LedgerImport row > its place (compound or community) > as above
    payment:        the compound (gapless receipt numbers) > the household's open bills
    governance:     vote > ballots; body > members; a meeting's action alone
    volunteers:     volunteer > shift > sign-ups
    grid:           swap > duty shift > the staff member's user row (the overlap check)
    renovation:     project > its items, contracts
    five-co index:  the month's Fill row > that month's snapshots (a fill's chunks and a recompute)

Two rules make the order hold:

- Lock only the rows you mean: `select_for_update(of=("self",))` whenever the query also joins
  (select_related). Without OF, PostgreSQL locks every joined row too (a household's building,
  compound and community), which takes the place after the unit: the opposite order.
- A service that locks a unit and writes within its place locks the place first, then the unit
  (household_update locks the compound as an import of it does, then the household).

PostgreSQL still detects a deadlock where a path was missed, or where foreign-key checks (an insert
takes a share lock on the row it points to) cross. `retried` reruns the whole transaction then, a
few times with a short jittered pause; a deadlock that outlasts them is `Busy` (409 `busy`, a
readable refusal), never the raw OperationalError (config.api and core.middleware turn one that
escaped a service without `retried` into the same answer). A person's single edit that may queue
behind a long writer (a unit edited while an import writes its compound) waits at most
LOCK_WAIT_SECONDS (`wait_at_most`), then is `Busy` too, instead of hanging the page. SQLite takes no row locks
(select_for_update and OF are ignored there) and writes one transaction at a time.
"""

import functools
import logging
import random
import time

from django.conf import settings
from django.db import OperationalError, connection
from django.utils.translation import gettext as _

from core.errors import Busy

log = logging.getLogger(__name__)
# deadlock_detected, serialization_failure (psycopg's DeadlockDetected, SerializationFailure)
RETRYABLE_SQLSTATES = {"40P01", "40001"}
# lock_not_available: a lock waited for longer than `wait_at_most` allowed (not run again: the
# holder is a long writer, and the person is better told at once)
LOCK_NOT_AVAILABLE = "55P03"


def is_retryable(exc: BaseException) -> bool:
    """A deadlock or a serialization failure: the transaction was rolled back and may run again."""
    cause = exc.__cause__ if isinstance(exc, OperationalError) else None
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


def is_busy(exc: BaseException) -> bool:
    """Rolled back for the moment's contention: a deadlock, a serialization failure or a lock waited
    for too long. The answer to it is `busy()`."""
    cause = exc.__cause__ if isinstance(exc, OperationalError) else None
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES | {LOCK_NOT_AVAILABLE}


def wait_at_most(seconds: float | None = None) -> None:
    """In the current transaction, wait for a row lock at most `seconds` (LOCK_WAIT_SECONDS), then
    fail with lock_not_available (is_busy). Only where the service's transaction is the outermost (a
    person's own edit, not a step of a larger writer such as an import, which waits as it always did).
    PostgreSQL only: SQLite writes one transaction at a time."""
    if connection.vendor != "postgresql" or len(connection.atomic_blocks) > 1:
        return
    seconds = settings.LOCK_WAIT_SECONDS if seconds is None else seconds
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(seconds * 1000)}ms"])


def busy() -> Busy:
    return Busy(_("Others are changing the same records at this moment; nothing was written. Try again."))


def retried(func):
    """Run `func`, a whole transaction (a service under @transaction.atomic, placed below this), again
    when the database rolled it back for a deadlock: up to LOCK_RETRIES times, after a short jittered
    pause that doubles. Inside an outer transaction it runs once, as part of it: only the outermost
    transaction can be run again (by the caller's own `retried`)."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        if connection.in_atomic_block:
            return func(*args, **kwargs)
        for attempt in range(settings.LOCK_RETRIES + 1):
            try:
                return func(*args, **kwargs)
            except OperationalError as exc:
                if not is_retryable(exc):
                    raise
                log.warning("%s rolled back (%s), attempt %d", func.__qualname__, exc, attempt + 1)
                if attempt == settings.LOCK_RETRIES:
                    raise busy() from exc
                pause = settings.LOCK_RETRY_PAUSE_MS / 1000 * 2**attempt
                time.sleep(random.uniform(0.5, 1.5) * pause)
        raise AssertionError("unreachable")  # pragma: no cover

    return run
