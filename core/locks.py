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
    renovation:     project > its items, contracts, the compounds' renovation records
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
escaped a service without `retried` into the same answer). SQLite takes no row locks
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


def is_retryable(exc: BaseException) -> bool:
    """A deadlock or a serialization failure: the transaction was rolled back and may run again."""
    cause = exc.__cause__ if isinstance(exc, OperationalError) else None
    return getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES


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
