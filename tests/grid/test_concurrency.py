"""Two overlapping duty shifts of one person written at once: needs PostgreSQL and real threads."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.errors import Conflict
from grid import services
from grid.models import DutyShift

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="concurrency is tested on PostgreSQL"),
]


def test_overlapping_shifts_written_at_once_leave_one(grids, worker):
    start = timezone.now() + timedelta(days=1)
    barrier, outcomes = threading.Barrier(8), []

    def write(offset):
        barrier.wait()
        try:
            services.duty_shift_create(
                actor=worker,
                assignment=grids.cleaner_a,
                starts_at=start + timedelta(minutes=offset),
                ends_at=start + timedelta(hours=2, minutes=offset),
            )
            outcomes.append("made")
        except Conflict as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n * 5,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made"] + ["overlap"] * 7
    assert DutyShift.objects.count() == 1
