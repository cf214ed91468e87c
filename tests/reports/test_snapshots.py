"""Monthly snapshots: filled once, resumable after an interruption, roll-ups weighted by households,
the month in progress computed, and a past month recomputed only by an officer, with a reason, audited."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from core.errors import Forbidden, Invalid
from core.periods import add_months, last_full_month, month_start, period_label
from governance.models import Notice
from reports import selectors, services
from reports.models import Fill, Level, Snapshot
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db
OCTOBER = date(2026, 10, 1)
D = Decimal


def notice(compound, day, kind="progress"):
    Notice.objects.create(compound=compound, kind=kind, title="公示", published_on=day, author_name="业委会")


def rows(level=None):
    qs = Snapshot.objects.filter(period=OCTOBER)
    return qs.filter(level=level) if level else qs


def test_a_fill_keeps_every_compound_community_and_subdistrict_once(estate):
    notice(estate.compound_a, date(2026, 10, 3))
    services.snapshots_fill(period=OCTOBER)
    assert rows(Level.COMPOUND).count() == 2
    assert rows(Level.COMMUNITY).count() == 2
    assert rows(Level.SUBDISTRICT).count() == 1
    first = {(s.level, s.place_id): s.computed_at for s in rows()}
    notice(estate.compound_a, date(2026, 10, 4))  # a later record does not change a kept month
    services.snapshots_fill(period=OCTOBER)
    assert {(s.level, s.place_id): s.computed_at for s in rows()} == first
    a = rows(Level.COMPOUND).get(place_id=estate.compound_a.pk)
    kept = {i["code"]: i for i in a.indicators}
    assert kept["notices_published"]["value"] == "1.0000"
    assert kept["notices_published"]["score"] == "50.0"  # 1 of a target of 2
    assert Fill.objects.get(period=OCTOBER).state == "done"


def test_an_interrupted_fill_resumes_without_counting_twice(estate, settings, monkeypatch):
    settings.FIVE_CO_FILL_CHUNK = 1
    real = selectors.compound_scores
    calls = []

    def dies_on_the_second_chunk(ids, first):
        calls.append(ids)
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(ids, first)

    monkeypatch.setattr(selectors, "compound_scores", dies_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        services.snapshots_fill(period=OCTOBER)
    assert rows(Level.COMPOUND).count() == 1  # the first chunk was kept
    assert rows(Level.SUBDISTRICT).count() == 0
    assert Fill.objects.get(period=OCTOBER).state == "started"
    monkeypatch.setattr(selectors, "compound_scores", real)
    services.snapshots_fill(period=OCTOBER)
    assert sorted(rows(Level.COMPOUND).values_list("place_id", flat=True)) == sorted(
        [estate.compound_a.pk, estate.compound_b.pk]
    )
    assert rows(Level.SUBDISTRICT).get().households == 3  # 2 + 1, each compound counted once


def test_the_roll_up_weights_compounds_by_households(estate):
    for i in range(2):  # compound B: 3 households; compound A: 2
        HouseholdFactory(building=estate.building_b, unit_label=f"2-10{i}")
    notice(estate.compound_a, date(2026, 10, 3))  # A: one notice, 50; B: none, 0
    notice(estate.compound_a, date(2026, 10, 3), kind="finance")  # A: two notices: 100, disclosed
    services.snapshots_fill(period=OCTOBER)
    sub = selectors.from_snapshot(rows(Level.SUBDISTRICT).get())
    # notices: (100 x 2 + 0 x 3) / 5 = 40; finance disclosed: (100 x 2 + 0 x 3) / 5 = 40
    assert sub.indicators["notices_published"]["score"] == D("40.0")
    # the value is the figure its records add up to (issue 22): A's 2 notices + B's 0, not the
    # household-weighted mean of the compounds' values (2 x 2 + 0 x 3) / 5 = 0.8 it was
    assert sub.indicators["notices_published"]["value"] == D(2 + 0)
    assert sub.indicators["notices_published"]["records"] == 2
    assert sub.households == 5
    a = selectors.from_snapshot(rows(Level.COMPOUND).get(place_id=estate.compound_a.pk))
    b = selectors.from_snapshot(rows(Level.COMPOUND).get(place_id=estate.compound_b.pk))
    expected = ((a.scores["sharing"] * 2 + b.scores["sharing"] * 3) / 5).quantize(D("0.1"))
    assert sub.scores["sharing"] == expected


def test_the_month_in_progress_is_computed_not_kept(estate):
    with pytest.raises(Invalid) as refused:
        services.snapshots_fill(period=month_start(timezone.localdate()))
    assert refused.value.fields == {"period": [refused.value.message]}
    today = selectors.scores_for(Level.COMPOUND, [estate.compound_a.pk], month_start(timezone.localdate()))
    assert today[estate.compound_a.pk].households == 2
    assert not Snapshot.objects.exists()


def test_recomputing_a_past_month_is_for_an_officer_with_a_reason_and_audited(estate, officer, worker):
    services.snapshots_fill(period=OCTOBER)
    with pytest.raises(Forbidden):
        services.snapshot_recompute(actor=worker, subdistrict=estate.subdistrict, period=OCTOBER, reason="x")
    with pytest.raises(Invalid) as refused:
        services.snapshot_recompute(actor=officer, subdistrict=estate.subdistrict, period=OCTOBER, reason=" ")
    assert "reason" in refused.value.fields
    before = rows(Level.COMPOUND).get(place_id=estate.compound_a.pk).indicators
    notice(estate.compound_a, date(2026, 10, 20))  # entered late
    services.snapshot_recompute(
        actor=officer, subdistrict=estate.subdistrict, period=OCTOBER, reason="10月公示补录"
    )
    after = rows(Level.COMPOUND).get(place_id=estate.compound_a.pk).indicators
    assert before != after
    assert {i["code"]: i["value"] for i in after}["notices_published"] == "1.0000"
    assert rows(Level.COMPOUND).count() == 2 and rows(Level.SUBDISTRICT).count() == 1
    event = AuditEvent.objects.get(action="five_co.recompute")
    assert event.actor == officer
    assert event.data["reason"] == "10月公示补录" and event.data["period"] == "2026-10"


def test_the_beat_task_fills_the_last_full_month_and_resumes_interrupted_ones(estate):
    from reports.tasks import snapshots_fill_due

    last = last_full_month(timezone.localdate())
    interrupted = add_months(last, -2)
    Fill.objects.create(period=interrupted, started_at=timezone.now())
    Fill.objects.create(period=add_months(last, -13), started_at=timezone.now())  # too old to resume
    assert snapshots_fill_due() == [period_label(interrupted), period_label(last)]
    assert Fill.objects.filter(state="done").count() == 2
    assert Snapshot.objects.filter(period=interrupted, level=Level.SUBDISTRICT).count() == 1
