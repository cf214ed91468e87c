"""A billing run whose whole Celery worker is killed (kill -9, as the out-of-memory killer does)
finishes within minutes of a worker being back (issue 13): its transaction died with the worker,
so nothing is half-written, and the beat's stuck sweep sends it again instead of leaving it
"pending" for the broker's visibility timeout. A real worker on PostgreSQL and Redis."""

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app as celery_app
from property import tasks
from property.fees import services as billing
from property.models import Bill, BillingRun, FeeItem, Household, RunStatus

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not settings.DB_IS_POSTGRES or settings.BROKER_IS_EMBEDDED,
        reason="a worker is killed on PostgreSQL and Redis",
    ),
]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker(tmp_path, name: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=_database_url(), REDIS_URL=settings.REDIS_URL, LOG_LEVEL="WARNING")
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency=1",
            "--loglevel=INFO",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the pool's children die with it
    )


def _waiting_on_a_lock(timeout=60) -> bool:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction sees one snapshot
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s",
                [connection.settings_dict["NAME"]],
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.2)
    return False


def _until(predicate, timeout=90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def real_broker():
    """This process sends its tasks to Redis instead of running them in place; what a killed worker
    left unacknowledged there is removed afterwards."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = saved
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


def test_a_billing_run_whose_worker_is_killed_finishes_when_a_worker_is_back(
    estate, collector, real_broker, tmp_path, settings
):
    FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_household",
        unit_price="30",
        effective_from=date(2026, 1, 1),
    )
    first = second = None
    try:
        with transaction.atomic():  # the run asked for: its task goes to the broker on commit
            run = billing.billing_run_request(
                actor=collector, period=date(2026, 1, 1), compound=estate.compound_a
            )
        with transaction.atomic():  # held, so that the worker is in the middle of it when killed
            BillingRun.objects.select_for_update().get(pk=run.pk)
            first = _worker(tmp_path, "first")
            assert _waiting_on_a_lock(), (tmp_path / "first.log").read_text()
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(10)
        run.refresh_from_db()
        assert run.status == RunStatus.PENDING and not Bill.objects.exists()  # nothing half-written

        second = _worker(tmp_path, "second")
        settings.STUCK_AFTER_SECONDS = 1
        BillingRun.objects.filter(pk=run.pk).update(requested_at=timezone.now() - timedelta(seconds=5))
        assert tasks.stuck_sweep() == {"billing_runs": 1, "imports": 0}  # what the beat does each minute
        done = _until(lambda: BillingRun.objects.get(pk=run.pk).status == RunStatus.DONE)
        assert done, (tmp_path / "second.log").read_text()[-3000:]
        households = Household.objects.filter(building__compound=estate.compound_a).count()
        assert Bill.objects.filter(run=run).count() == households  # each household billed once
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(20)
        connection.close()


def test_the_visibility_timeout_fits_the_tasks():
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT
    )
    assert (
        settings.CELERY_VISIBILITY_TIMEOUT <= 30 * 60
        and settings.STUCK_AFTER_SECONDS < settings.CELERY_VISIBILITY_TIMEOUT
    )
