from celery import shared_task
from django.utils import timezone

from core import periods
from core.locks import busy, is_retryable
from property.fees import services as fees
from property.imports import runs as imports


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def billing_run_execute(self, run_id: int) -> dict:
    """Issue a run's bills; safe to retry (a done run is skipped, bills are unique per cycle)."""
    try:
        run = fees.billing_run_execute(run_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            fees.billing_run_fail(run_id, repr(exc))
        raise
    return {"run": run.pk, "issued": run.issued, "already_issued": run.already_issued}


@shared_task
def billing_runs_monthly() -> int:
    """On the first of each month: a run for every compound that has fee items, for this month."""
    return fees.billing_runs_for_month(periods.month_start(timezone.localdate()))


@shared_task
def import_execute(import_id: int) -> dict:
    """Check an uploaded ledger and, if every row is good and it is not a dry run, write it."""
    try:
        record = imports.import_execute(import_id)
    except Exception as exc:
        # what the worker reads: a deadlock that outlasted its retries in words, anything else as it is
        imports.import_fail(import_id, busy().message if is_retryable(exc) else repr(exc))
        raise
    return {"import": record.pk, "status": record.status}


@shared_task
def stuck_sweep() -> dict:
    """Every minute: billing runs and imports left waiting by a worker that died (killed, out of
    memory) are sent again; they finish within minutes of a worker being back."""
    runs, ledgers = fees.runs_stuck(timezone.now()), imports.imports_stuck(timezone.now())
    for run_id in runs:
        billing_run_execute.delay(run_id)
    for import_id in ledgers:
        import_execute.delay(import_id)
    return {"billing_runs": len(runs), "imports": len(ledgers)}


@shared_task
def imports_redact() -> int:
    """Hourly: the ID numbers in ledger files kept past IMPORT_KEEP_HOURS are masked."""
    return imports.imports_redact(timezone.now())
