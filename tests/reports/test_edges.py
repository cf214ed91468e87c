"""Figures at the edges (issue 22): a deadline at the end of a period's last day, a period not over,
rates rounded once from their parts, a community's figure equal to its records, and one answer for
the bulletin's overdue units. Each expected figure is hand-counted from the records made here."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.periods import day_start, week_start
from grid import selectors as grid_selectors
from grid.models import Incident
from grid.services import deadline_for
from reports import bulletin, indicators, records
from reports.indicators import Month

pytestmark = pytest.mark.django_db
NOVEMBER = date(2025, 11, 1)
MONDAY = date(2025, 11, 24)  # the ISO week 24-30 November 2025
END_OF_30_NOV = day_start(date(2025, 12, 1))  # "by the end of 30 November", as it is stored


def local(day: date, hour: int, minute: int = 0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_incident(grids, category, owner, *, deadline, status="rectifying", closed_at=None, unit=None, grid=None):
    return Incident.objects.create(
        grid=grid or grids.a,
        category=category,
        place="北门",
        description="x",
        reporter=owner,
        reported_at=deadline - timedelta(days=2),
        status=status,
        unit=unit or grids.cleaning,
        deadline=deadline,
        closed_at=closed_at,
    )


@pytest.fixture
def due_end_of_30_november(grids, category, owner, settings):
    """Two incidents due by the end of 30 November 2025: one closed that evening (on time), one
    still open. Nothing else is due in November or December."""
    settings.GRID_DEADLINE_DAYS = {**settings.GRID_DEADLINE_DAYS, category.severity: 0}
    assert deadline_for(category, local(date(2025, 11, 30), 10)) == END_OF_30_NOV
    on_time = make_incident(
        grids, category, owner, deadline=END_OF_30_NOV, status="closed", closed_at=local(date(2025, 11, 30), 20)
    )
    still_open = make_incident(grids, category, owner, deadline=END_OF_30_NOV)
    return on_time, still_open


def test_an_incident_due_by_the_end_of_30_november_counts_in_novembers_index_and_records(
    estate, due_end_of_30_november
):
    november = Month([estate.compound_a.pk], NOVEMBER)
    december = Month([estate.compound_a.pk], date(2025, 12, 1))
    figure = indicators.incidents_on_time(november)[estate.compound_a.pk]
    # hand count: 2 due in November, 1 of them closed by its deadline
    assert (figure.value, figure.records) == (Decimal(1) / Decimal(2), 2)
    assert indicators.incidents_on_time(december)[estate.compound_a.pk].records == 0
    queryset, _row = records.incidents_on_time(november)
    assert sorted(queryset.values_list("pk", flat=True)) == sorted(i.pk for i in due_end_of_30_november)
    assert records.incidents_on_time(december)[0].count() == 0


def test_an_incident_due_by_the_end_of_30_november_counts_in_that_weeks_bulletin(estate, due_end_of_30_november):
    data = bulletin.bulletin_data(estate.subdistrict, MONDAY)
    a = next(c for c in data["communities"] if c["id"] == estate.community_a.pk)
    # due 2, on time 1, the open one overdue at the week's end (Monday 1 December 00:00)
    assert (a["incidents"]["due"], a["incidents"]["closed_on_time"], a["incidents"]["overdue"]) == (2, 1, 1)
    after = bulletin.bulletin_data(estate.subdistrict, MONDAY + timedelta(days=7))
    a_after = next(c for c in after["communities"] if c["id"] == estate.community_a.pk)
    assert (a_after["incidents"]["due"], a_after["incidents"]["overdue"]) == (0, 1)


def test_an_incident_due_by_the_end_of_30_november_counts_in_that_days_report(estate, due_end_of_30_november):
    day = grid_selectors.daily_report(estate.community_a, date(2025, 11, 30))
    assert (day["totals"]["due"], day["totals"]["overdue"]) == (2, 1)
    next_day = grid_selectors.daily_report(estate.community_a, date(2025, 12, 1))
    assert (next_day["totals"]["due"], next_day["totals"]["overdue"]) == (0, 1)
    before = grid_selectors.daily_report(estate.community_a, date(2025, 11, 29))
    assert (before["totals"]["due"], before["totals"]["overdue"]) == (0, 0)


def _later_today_and_this_week():
    """A moment after now that is still within both today and this ISO week."""
    now = timezone.now()
    today_ends = day_start(timezone.localdate() + timedelta(days=1))
    return now + (today_ends - now) / 2


def test_the_week_in_progress_judges_overdue_now_and_counts_due_so_far(estate, grids, category, owner):
    make_incident(grids, category, owner, deadline=_later_today_and_this_week())  # not yet due
    make_incident(grids, category, owner, deadline=timezone.now() - timedelta(minutes=1))  # due and overdue
    data = bulletin.bulletin_data(estate.subdistrict, week_start(timezone.localdate()))
    a = next(c for c in data["communities"] if c["id"] == estate.community_a.pk)
    past_this_week = timezone.now() - timedelta(minutes=1) > day_start(week_start(timezone.localdate()))
    assert (a["incidents"]["due"], a["incidents"]["overdue"]) == (1 if past_this_week else 0, 1)


def test_todays_daily_report_judges_overdue_now(estate, grids, category, owner):
    make_incident(grids, category, owner, deadline=_later_today_and_this_week())  # due later today
    report = grid_selectors.daily_report(estate.community_a, timezone.localdate())
    assert (report["totals"]["due"], report["totals"]["overdue"]) == (0, 0)
