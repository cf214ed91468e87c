"""The one calendar: months, ISO weeks and local days."""

from datetime import date, datetime, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from core import periods
from core.errors import Invalid


def test_a_period_is_the_first_of_its_month():
    assert periods.period_parse("2026-02") == date(2026, 2, 1)
    assert periods.month_bounds(date(2026, 12, 17)) == (date(2026, 12, 1), date(2027, 1, 1))
    assert periods.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)


@pytest.mark.parametrize("value", ["2026-13", "2026-00", "2026-1", "26-01", "2026/01", "", "2026-01-01"])
def test_a_period_not_in_yyyy_mm_names_its_field(value):
    with pytest.raises(Invalid) as caught:
        periods.period_parse(value, field="month")
    assert list(caught.value.fields) == ["month"]


def test_months_before_keeps_the_day_or_takes_the_shorter_months_last():
    assert periods.months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert periods.months_before(date(2026, 3, 15), 12) == date(2025, 3, 15)


def test_iso_weeks_start_on_monday_and_cross_the_year():
    # 2026-12-31 is a Thursday in ISO week 2026-W53; 2027-01-04 starts 2027-W01.
    assert periods.week_parse("2026-W53") == date(2026, 12, 28)
    assert periods.week_label(date(2026, 12, 28)) == "2026-W53"
    assert periods.week_parse("2027-W01") == date(2027, 1, 4)
    assert periods.week_bounds(date(2026, 12, 31)) == (date(2026, 12, 28), date(2027, 1, 4))
    assert periods.last_full_week(date(2026, 12, 2)) == date(2026, 11, 23)


@pytest.mark.parametrize("value", ["2025-W53", "2026-W00", "2026-48", "2026W48", "2026-W5"])
def test_a_week_that_does_not_exist_names_its_field(value):
    with pytest.raises(Invalid) as caught:
        periods.week_parse(value)
    assert list(caught.value.fields) == ["week"]


def test_a_local_day_is_24_hours_from_local_midnight():
    start, end = periods.day_bounds(date(2026, 12, 1))
    assert timezone.localtime(start).replace(tzinfo=None) == datetime(2026, 12, 1)
    assert end - start == timedelta(days=1)
    assert start.utcoffset() == timedelta(hours=8)


def test_in_force_counts_a_row_until_its_end_day_even_when_that_day_is_still_to_come():
    from types import SimpleNamespace

    from core.periods import in_force, in_force_from, is_in_force

    row = SimpleNamespace(started_on=date(2026, 1, 1), ended_on=date(2026, 3, 1))
    days = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 2, 28), date(2026, 3, 1)]
    assert [is_in_force(row, d) for d in days] == [False, True, True, False]
    assert str(in_force(date(2026, 2, 1), "members")) == str(
        Q(members__started_on__lte=date(2026, 2, 1))
        & (Q(members__ended_on__isnull=True) | Q(members__ended_on__gt=date(2026, 2, 1)))
    )
    assert str(in_force_from(date(2026, 2, 1), "members__")) == str(
        Q(members__ended_on__isnull=True) | Q(members__ended_on__gt=date(2026, 2, 1))
    )
