"""The beat's stuck sweep (issue 13): a billing run or an import a dead worker left waiting is sent
again after STUCK_AFTER_SECONDS, once per that window; fresh and finished ones are left alone."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from property import tasks
from property.models import BillingRun, ImportStatus, LedgerImport, RunStatus

pytestmark = pytest.mark.django_db


def test_a_run_left_waiting_is_sent_again_once_and_finishes(estate):
    stuck = BillingRun.objects.create(compound=estate.compound_a, period_start=date(2026, 1, 1))
    fresh = BillingRun.objects.create(compound=estate.compound_a, period_start=date(2026, 2, 1))
    long_ago = timezone.now() - timedelta(seconds=settings.STUCK_AFTER_SECONDS + 5)
    BillingRun.objects.filter(pk=stuck.pk).update(requested_at=long_ago)
    assert tasks.stuck_sweep() == {"billing_runs": 1, "imports": 0}  # the worker runs it (eager here)
    stuck.refresh_from_db(), fresh.refresh_from_db()
    assert (stuck.status, fresh.status) == (RunStatus.DONE, RunStatus.PENDING)
    BillingRun.objects.filter(pk=fresh.pk).update(requested_at=long_ago)
    assert tasks.stuck_sweep() == {"billing_runs": 1, "imports": 0}
    assert tasks.stuck_sweep() == {"billing_runs": 0, "imports": 0}  # nothing waiting now


def test_an_import_interrupted_while_writing_is_sent_again_and_done(estate, worker):
    record = LedgerImport.objects.create(
        kind="households",
        community=estate.community_a,
        compound=estate.compound_a,
        file_name="台账.csv",
        data="楼栋,房号,楼层\n1号楼,5-501,5\n".encode(),
        dry_run=False,
        rows=1,
        status=ImportStatus.WRITING,  # as a worker killed mid-write leaves it (its write rolled back)
        requested_by=worker,
    )
    long_ago = timezone.now() - timedelta(seconds=settings.STUCK_AFTER_SECONDS + 5)
    LedgerImport.objects.filter(pk=record.pk).update(requested_at=long_ago)
    assert tasks.stuck_sweep() == {"billing_runs": 0, "imports": 1}
    record.refresh_from_db()
    assert (record.status, record.created) == (ImportStatus.DONE, 1)


def test_each_is_sent_again_at_most_once_a_window():
    from core.resend import resend_due

    assert resend_due("thing", [1, 2]) == [1, 2]
    assert resend_due("thing", [1, 2, 3]) == [3]
