from celery import shared_task
from django.utils import timezone

from grid import services


@shared_task
def roster_generate() -> int:
    """Every 6 hours: the next two weeks of duty shifts from the templates (once per start)."""
    return services.roster_generate(timezone.localdate())


@shared_task
def duty_flag() -> list[int]:
    """Every 15 minutes: flag late starts and missed shifts after the fact."""
    return list(services.duty_flag(timezone.now()))


@shared_task
def incidents_escalate() -> list[int]:
    """Every 15 minutes: overdue incidents to the community, then to the subdistrict (once each)."""
    return list(services.incidents_escalate(timezone.now()))


@shared_task
def daily_reports() -> int:
    """Each evening: every community's daily inspection report, kept as it stood."""
    return services.daily_reports_store(timezone.localdate())
