"""The one calendar every app uses: months (`YYYY-MM`), ISO weeks (`YYYY-Www`, the weekly bulletin),
local days (Asia/Shanghai) as half-open datetime bounds, records in force on a day, weekly schedules.

Periods are half-open: [start, end).
"""

import calendar
import re
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid

# --- days -------------------------------------------------------------------------------------------


def local(moment: datetime) -> datetime:
    """The moment on the local clock. One whose local time is past the last that Python holds (a
    9999-12-31 23:00 UTC stored before dates were bounded) is shown as that last time, 9999-12-31
    23:59, rather than raising OverflowError on every page that shows it."""
    try:
        return timezone.localtime(moment)
    except OverflowError:
        return datetime.max.replace(tzinfo=timezone.get_current_timezone())


def day_start(day: date) -> datetime:
    """Midnight at the start of a local day, timezone-aware."""
    return timezone.make_aware(datetime.combine(day, time.min))


def days_bounds(first: date, end: date) -> tuple[datetime, datetime]:
    """Local days [first, end) as datetimes."""
    return day_start(first), day_start(end)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local day as [midnight, next midnight)."""
    return days_bounds(day, day + timedelta(days=1))


# --- months -----------------------------------------------------------------------------------------

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


# Years Gongzhi records: the arithmetic on months and weeks (a year back, a week before) stays
# within what `date` holds, and a year like 0001 is bad input, not a 500.
YEARS = range(2000, 3000)


def period_parse(value: str, *, field: str = "period") -> date:
    """'2026-01' -> date(2026, 1, 1); anything else is invalid input naming the field."""
    match = PERIOD_RE.match(value or "")
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) not in YEARS:
        raise Invalid(_("Give the period as YYYY-MM, e.g. 2026-01."), field=field)
    return date(int(match[1]), int(match[2]), 1)


def period_label(first: date) -> str:
    return f"{first:%Y-%m}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(first: date, months: int) -> date:
    """The first of the month `months` after (or before) the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_bounds(first: date) -> tuple[date, date]:
    """The month as days [first, first of the next)."""
    first = month_start(first)
    return first, add_months(first, 1)


def last_full_month(today: date) -> date:
    return add_months(month_start(today), -1)


# --- ISO weeks --------------------------------------------------------------------------------------

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")


def week_parse(value: str, *, field: str = "week") -> date:
    """'2026-W48' -> the Monday of that ISO week; anything else is invalid input naming the field."""
    match = WEEK_RE.match(value or "")
    try:
        if match is None or int(match[1]) not in YEARS:
            raise ValueError
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise Invalid(_("Give the week as YYYY-Www, e.g. 2026-W48."), field=field) from None


def week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date) -> tuple[date, date]:
    """The ISO week as days [Monday, next Monday)."""
    monday = week_start(monday)
    return monday, monday + timedelta(days=7)


def last_full_week(today: date) -> date:
    return week_start(today) - timedelta(days=7)


# --- records with a history -------------------------------------------------------------------------


def _prefix(path: str) -> str:
    return f"{path.removesuffix('__')}__" if path else ""


def in_force_from(on: date, path: str = "") -> Q:
    """Rows (reached by `path`) not ended by `on`: in force on `on` or on a later day (`ended_on` is
    after `on`, or there is no end). What a new open-ended seat, residency or assignment from `on`
    would overlap. A row with an end date still to come is in force until that day, not ended."""
    prefix = _prefix(path)
    return Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gt": on})


def in_force(on: date, path: str = "") -> Q:
    """THE definition of "in force": rows (reached by `path`, e.g. "residencies" or "members") with
    `started_on` <= on < `ended_on` (no end: still in force). Posts, residencies, seats on a body and
    grid assignments all keep their history this way; nothing else spells the rule out."""
    return Q(**{f"{_prefix(path)}started_on__lte": on}) & in_force_from(on, path)


def is_in_force_from(row, on: date) -> bool:
    """in_force_from() for one row in hand: not ended by `on`."""
    return row.ended_on is None or on < row.ended_on


def is_in_force(row, on: date) -> bool:
    """in_force() for one row in hand (a posting, a seat, an assignment)."""
    return row.started_on <= on and is_in_force_from(row, on)


def weekly_starts(first_day: date, days: int, weekdays, start_time: time):
    """The local start times of a weekly schedule (weekdays: 0 is Monday) over `days` days."""
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() in weekdays:
            yield day, timezone.make_aware(datetime.combine(day, start_time))


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
