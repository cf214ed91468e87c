from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.errors import Invalid
from grid import selectors, services
from grid.models import DutyShift, DutyTemplate, Finding, Incident, Swap

pytestmark = pytest.mark.django_db


def at(hour, minute=0, day=None):
    day = day or timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def roster(api, user, assignment, start, end):
    return api(user).post(
        "/api/v1/grid/duty-shifts",
        {"assignment": assignment.pk, "starts_at": start.isoformat(), "ends_at": end.isoformat()},
        content_type="application/json",
    )


def test_an_overlapping_duty_shift_is_refused_and_back_to_back_is_fine(api, grids, worker):
    assert roster(api, worker, grids.cleaner_a, at(6), at(10)).status_code == 201
    overlap = roster(api, worker, grids.cleaner_a, at(9), at(11))
    assert (overlap.status_code, overlap.json()["code"]) == (409, "overlap")
    assert roster(api, worker, grids.cleaner_a, at(10), at(12)).status_code == 201
    assert DutyShift.objects.count() == 2


@pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="the exclusion constraint is PostgreSQL's")
def test_the_database_itself_refuses_overlapping_shifts(grids):
    from django.db import IntegrityError, transaction

    a = grids.cleaner_a
    DutyShift.objects.create(
        assignment=a, staff_id=a.user_id, grid_id=a.grid_id, role=a.role, starts_at=at(6), ends_at=at(10)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyShift.objects.create(
            assignment=a, staff_id=a.user_id, grid_id=a.grid_id, role=a.role, starts_at=at(8), ends_at=at(9)
        )


def test_a_cleaner_of_grid_a_gets_404_starting_a_shift_of_grid_b(api, grids, worker, cleaner):
    b = grids.cleaner_b
    shift = services.duty_shift_create(
        actor=worker, assignment=b, starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=2)
    )
    assert (
        api(cleaner)
        .post(f"/api/v1/grid/duty-shifts/{shift.pk}/start", {}, content_type="application/json")
        .status_code
        == 404
    )


def test_a_late_start_is_flagged_and_the_end_records_findings(api, grids, worker, cleaner):
    start = timezone.now() - timedelta(minutes=settings.GRID_LATE_MINUTES + 5)
    shift = services.duty_shift_create(
        actor=worker, assignment=grids.cleaner_a, starts_at=start, ends_at=start + timedelta(hours=4)
    )
    client = api(cleaner)
    started = client.post(
        f"/api/v1/grid/duty-shifts/{shift.pk}/start", {"place_note": "东门"}, content_type="application/json"
    )
    assert (
        started.status_code == 200
        and started.json()["late"] is True
        and started.json()["status"] == "started"
    )
    again = client.post(f"/api/v1/grid/duty-shifts/{shift.pk}/start", {}, content_type="application/json")
    assert again.status_code == 409
    ended = client.post(
        f"/api/v1/grid/duty-shifts/{shift.pk}/end",
        {"notes": "路面已清扫", "findings": [{"text": "3号楼北侧垃圾堆放", "place": "3号楼"}]},
        content_type="application/json",
    )
    # Ended some 3 h 45 min before its planned end: left early, not done.
    assert ended.status_code == 200 and ended.json()["status"] == "left_early"
    finding = Finding.objects.get()
    made = client.post(
        f"/api/v1/grid/findings/{finding.pk}/incident", {"category": 1}, content_type="application/json"
    )
    assert made.status_code == 201 and made.json()["description"] == "3号楼北侧垃圾堆放"
    assert (
        client.post(
            f"/api/v1/grid/findings/{finding.pk}/incident", {"category": 1}, content_type="application/json"
        ).status_code
        == 409
    )
    assert Incident.objects.count() == 1


def test_an_on_time_start_is_not_late(grids, worker, cleaner):
    start = timezone.now() - timedelta(minutes=2)
    shift = services.duty_shift_create(
        actor=worker, assignment=grids.cleaner_a, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    assert services.duty_start(actor=cleaner, shift=shift).late is False


def test_celery_flags_late_then_missed_shifts_after_the_fact(grids, worker):
    now = timezone.now()
    shift = services.duty_shift_create(
        actor=worker,
        assignment=grids.cleaner_a,
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(minutes=30),
    )
    assert services.duty_flag(now) == (1, 0)
    assert services.duty_flag(now) == (0, 0)
    assert services.duty_flag(now + timedelta(minutes=31)) == (0, 1)
    shift.refresh_from_db()
    assert (shift.late, shift.status) == (True, "missed")


def test_someone_else_cannot_start_my_shift(api, grids, worker):
    shift = services.duty_shift_create(
        actor=worker,
        assignment=grids.cleaner_a,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    refused = api(grids.grid_worker_a.user).post(
        f"/api/v1/grid/duty-shifts/{shift.pk}/start", {}, content_type="application/json"
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "not_yours")


def test_a_swap_with_a_colleague_is_approved_by_the_grid_worker(api, grids, worker, cleaner):
    from accounts.models import Role
    from tests.conftest import _staff

    colleague = services.staff_assign(
        actor=worker,
        grid=grids.a,
        user=_staff("cleaner3", Role.CLEANER, community=grids.a.community),
        role="cleaner",
        unit=grids.cleaning,
        started_on=date(2025, 1, 1),
    )
    shift = services.duty_shift_create(
        actor=worker, assignment=grids.cleaner_a, starts_at=at(6), ends_at=at(10)
    )
    wrong = api(cleaner).post(
        f"/api/v1/grid/duty-shifts/{shift.pk}/swap",
        {"to": grids.police_a.pk, "reason": "家中有事"},
        content_type="application/json",
    )
    assert wrong.status_code == 422 and "to" in wrong.json()["fields"]
    asked = api(cleaner).post(
        f"/api/v1/grid/duty-shifts/{shift.pk}/swap",
        {"to": colleague.pk, "reason": "家中有事"},
        content_type="application/json",
    )
    assert asked.status_code == 201
    swap = Swap.objects.get()
    assert (
        api(cleaner)
        .post(f"/api/v1/grid/swaps/{swap.pk}/decide", {"approve": True}, content_type="application/json")
        .status_code
        == 403
    )
    assert (
        api(grids.grid_worker_a.user)
        .post(f"/api/v1/grid/swaps/{swap.pk}/decide", {"approve": True}, content_type="application/json")
        .status_code
        == 200
    )
    shift.refresh_from_db()
    assert (shift.staff_id, shift.assignment_id) == (colleague.user_id, colleague.pk)


def test_templates_put_two_weeks_on_the_roster_once(grids, worker):
    template = services.duty_template_create(
        actor=worker,
        assignment=grids.cleaner_a,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        start_time=time(6),
        minutes=240,
    )
    today = timezone.localdate()
    assert services.roster_generate(today, days=14) == 14
    assert services.roster_generate(today, days=14) == 0
    assert DutyShift.objects.filter(template=template).count() == 14
    bad = DutyTemplate.objects.count()
    with pytest.raises(Invalid):
        services.duty_template_create(
            actor=worker, assignment=grids.cleaner_a, weekdays=[7], start_time=time(6), minutes=60
        )
    assert DutyTemplate.objects.count() == bad


def test_a_grid_missing_a_role_is_a_gap(api, grids, worker):
    gaps = {g["name"]: set(g["missing"]) for g in api(worker).get("/api/v1/grid/gaps").json()}
    assert gaps["第一网格"] == {"property_manager", "law_enforcement"}
    assert gaps["第二网格"] == {"property_manager", "police", "law_enforcement", "grid_worker"}
    services.staff_assign(
        actor=worker,
        grid=grids.a,
        user=worker,
        role="property_manager",
        unit=grids.property,
        started_on=date(2025, 1, 1),
    )
    assert selectors.grid_gaps([grids.a])[0][1] == ["law_enforcement"]


def test_a_staff_member_who_leaves_comes_off_the_roster_from_that_day(api, grids, worker):
    template = services.duty_template_create(
        actor=worker,
        assignment=grids.cleaner_a,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        start_time=time(6),
        minutes=240,
    )
    services.roster_generate(timezone.localdate(), days=10)
    leaves = timezone.localdate() + timedelta(days=4)
    answer = api(worker).post(
        f"/api/v1/grid/staff/{grids.cleaner_a.pk}/end",
        {"ended_on": str(leaves)},
        content_type="application/json",
    )
    assert answer.status_code == 200 and answer.json()["ended_on"] == str(leaves)
    kept = DutyShift.objects.filter(template=template).exclude(status="cancelled")
    assert kept.count() == 4 and all(timezone.localdate(s.starts_at) < leaves for s in kept)
    template.refresh_from_db()
    assert template.active is False
    again = api(worker).post(
        f"/api/v1/grid/staff/{grids.cleaner_a.pk}/end",
        {"ended_on": str(leaves)},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert (
        api(grids.cleaner_b.user)
        .post(
            f"/api/v1/grid/staff/{grids.cleaner_b.pk}/end",
            {"ended_on": str(leaves)},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_a_community_adds_its_own_inspection_item(api, grids, worker, cleaner):
    made = api(worker).post(
        "/api/v1/grid/checklist-items",
        {"community": grids.a.community_id, "code": "fire_lanes_clear", "text": "消防通道畅通"},
        content_type="application/json",
    )
    assert made.status_code == 201
    dup = api(worker).post(
        "/api/v1/grid/checklist-items",
        {"community": grids.a.community_id, "code": "roads_clean", "text": "重复"},
        content_type="application/json",
    )
    assert dup.status_code == 409
    codes = [
        i["code"]
        for i in api(cleaner).get(f"/api/v1/grid/checklist-items?community={grids.a.community_id}").json()
    ]
    assert codes[-1] == "fire_lanes_clear" and len(codes) == 5
    assert (
        api(cleaner)
        .post(
            "/api/v1/grid/checklist-items",
            {"community": grids.a.community_id, "code": "x", "text": "x"},
            content_type="application/json",
        )
        .status_code
        == 403
    )


def test_a_shift_swaps_to_a_colleague_leaving_after_it_but_not_to_one_gone_by_then(
    api, grids, worker, cleaner
):
    from accounts.models import Role
    from tests.conftest import _staff

    def colleague(username):
        return services.staff_assign(
            actor=worker,
            grid=grids.a,
            user=_staff(username, Role.CLEANER, community=grids.a.community),
            role="cleaner",
            unit=grids.cleaning,
            started_on=date(2025, 1, 1),
        )

    shift = services.duty_shift_create(
        actor=worker, assignment=grids.cleaner_a, starts_at=at(6), ends_at=at(10)
    )
    shift_day = timezone.localdate(shift.starts_at)
    leaving_later, gone = colleague("cleaner3"), colleague("cleaner4")
    services.staff_end(actor=worker, assignment=leaving_later, ended_on=shift_day + timedelta(days=1))
    services.staff_end(actor=worker, assignment=gone, ended_on=shift_day)

    def ask(to):
        return api(cleaner).post(
            f"/api/v1/grid/duty-shifts/{shift.pk}/swap",
            {"to": to.pk, "reason": "家中有事"},
            content_type="application/json",
        )

    refused = ask(gone)
    assert (refused.status_code, list(refused.json()["fields"])) == (422, ["to"])
    assert ask(leaving_later).status_code == 201


def test_a_four_hour_shift_started_and_ended_in_the_same_minute_left_early(
    api, client, grids, worker, cleaner, settings
):
    settings.GRID_LEFT_EARLY_MINUTES = 30
    start = timezone.now() - timedelta(minutes=1)
    shift = services.duty_shift_create(
        actor=worker, assignment=grids.cleaner_a, starts_at=start, ends_at=start + timedelta(hours=4)
    )
    browser, client = client, api(cleaner)
    client.post(f"/api/v1/grid/duty-shifts/{shift.pk}/start", {}, content_type="application/json")
    ended = client.post(f"/api/v1/grid/duty-shifts/{shift.pk}/end", {}, content_type="application/json")
    answer = ended.json()
    assert (ended.status_code, answer["status"], answer["minutes_worked"]) == (200, "left_early", 0)
    browser.force_login(cleaner)
    card = browser.get(reverse("grid:mine")).content.decode().split(f'data-shift="{shift.pk}"')[1]
    assert ("早退" in card, 'data-testid="worked">0<' in card) == (True, True)


def test_a_shift_ended_within_the_threshold_before_its_end_is_done_and_beyond_it_left_early(
    grids, worker, cleaner, settings
):
    settings.GRID_LEFT_EARLY_MINUTES = 30
    start = timezone.now() - timedelta(hours=5)

    def worked(offset_hours, minutes_before_end):
        begins = start + timedelta(hours=offset_hours)
        shift = services.duty_shift_create(
            actor=worker, assignment=grids.cleaner_a, starts_at=begins, ends_at=begins + timedelta(hours=1)
        )
        services.duty_start(actor=cleaner, shift=shift, now=begins)
        ends = begins + timedelta(hours=1) - timedelta(minutes=minutes_before_end)
        return services.duty_end(actor=cleaner, shift=shift, now=ends)

    on_the_line, past_it = worked(0, 30), worked(2, 31)
    assert (on_the_line.status, on_the_line.minutes_worked) == ("done", 30)
    assert (past_it.status, past_it.minutes_worked) == ("left_early", 29)
