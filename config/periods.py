"""Periods shared by every app: records in force on a day, and the starts of a weekly schedule."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone


def in_force(on: date, path: str = "") -> Q:
    """Rows (reached by `path`) with `started_on` <= on < `ended_on` (no end: still in force).

    Posts, residencies, seats on a body and grid assignments all keep their history this way.
    """
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}started_on__lte": on}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on})
    )


def weekly_starts(first_day: date, days: int, weekdays, start_time: time):
    """The local start times of a weekly schedule (weekdays: 0 is Monday) over `days` days."""
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() in weekdays:
            yield day, timezone.make_aware(datetime.combine(day, start_time))
