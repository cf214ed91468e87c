"""A duty shift ended well before its planned end is left early (早退): counted apart from done in
the daily report, the bulletin and the five-co duty rate. Hand-counted: three four-hour shifts on the
Monday of the last full week, one worked to the end, one ended in the minute it started, one after
two hours."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import last_full_week, month_start
from grid import selectors as grid_selectors
from grid import services
from reports import bulletin, bulletin_text, indicators
from reports.indicators import Month
from reports.scoring import Figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday():
    return last_full_week(timezone.localdate())


@pytest.fixture
def worked(grids, worker, cleaner, monday, settings):
    settings.GRID_LEFT_EARLY_MINUTES = 30

    def shift(hour, minutes_worked):
        begins = timezone.make_aware(datetime.combine(monday, time(hour)))
        made = services.duty_shift_create(
            actor=worker, assignment=grids.cleaner_a, starts_at=begins, ends_at=begins + timedelta(hours=4)
        )
        services.duty_start(actor=cleaner, shift=made, now=begins)
        return services.duty_end(actor=cleaner, shift=made, now=begins + timedelta(minutes=minutes_worked))

    return [shift(0, 240), shift(6, 0), shift(12, 120)]


def test_the_shifts_end_done_left_early_left_early(worked):
    ends = [(s.status, s.minutes_worked) for s in worked]
    assert ends == [("done", 240), ("left_early", 0), ("left_early", 120)]


def test_the_daily_report_counts_left_early_apart_from_done(worked, estate, monday):
    report = grid_selectors.daily_report(estate.community_a, monday)
    expected = {"planned": 3, "done": 1, "left_early": 2, "on_duty": 0, "late": 0, "missed": 0}
    grid_a = next(g for g in report["grids"] if g["name"] == "第一网格")
    assert (grid_a["duty"]["cleaner"], report["totals"]["duty"]["cleaner"]) == (expected, expected)


def test_the_bulletin_counts_left_early_apart_from_done(worked, estate, monday):
    data = bulletin.bulletin_data(estate.subdistrict, monday)
    a = next(c for c in data["communities"] if c["id"] == estate.community_a.pk)
    expected = {"planned": 3, "done": 1, "left_early": 2, "late": 0, "missed": 0}
    assert (a["duty"], data["totals"]["duty"]) == (expected, expected)
    head, rows = bulletin_text.rows_for(data)
    row = next(r for r in rows if r[0] == estate.community_a.name)
    assert row[head.index(_("left early"))] == "2"


def test_the_duty_rate_does_not_count_left_early_as_done(worked, estate, monday):
    a = estate.compound_a
    rate = indicators.duty_done_rate(Month([a.pk], month_start(monday)))[a.pk]
    assert rate == Figure(Decimal(1) / Decimal(3), 3)
