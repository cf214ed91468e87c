from celery import shared_task
from django.utils import timezone

from core.periods import add_months, last_full_month
from reports import services
from reports.models import Fill, FillState


@shared_task
def snapshots_fill_due() -> list[str]:
    """Beat, daily after the monthly billing run: keep the last full month, and finish any month of
    the last year whose fill was interrupted."""
    last = last_full_month(timezone.localdate())
    months = {last} | set(
        Fill.objects.filter(state=FillState.STARTED, period__gte=add_months(last, -11)).values_list(
            "period", flat=True
        )
    )
    return [f"{services.snapshots_fill(period=m).period:%Y-%m}" for m in sorted(months)]
