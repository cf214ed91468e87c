from celery import shared_task
from django.utils import timezone

from core.periods import add_months, last_full_month, last_full_week, week_label
from property.models import Subdistrict
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


@shared_task
def bulletins_publish_weekly() -> list[str]:
    """Beat, Mondays at 07:00: publish every subdistrict's bulletin of the last full ISO week."""
    week = last_full_week(timezone.localdate())
    return [
        f"{services.bulletin_publish(subdistrict=s, week=week).subdistrict_id} {week_label(week)}"
        for s in Subdistrict.objects.order_by("pk")
    ]
