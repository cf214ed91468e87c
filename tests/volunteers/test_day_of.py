from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Notification
from volunteers import selectors, services
from volunteers.models import Shift, Signup

pytestmark = pytest.mark.django_db


def start_now(shift, minutes_ago=0, hours=2):
    start = timezone.now() - timedelta(minutes=minutes_ago)
    Shift.objects.filter(pk=shift.pk).update(starts_at=start, ends_at=start + timedelta(hours=hours))
    shift.refresh_from_db()
    return shift


def test_hours_come_from_actual_times_capped_at_the_shift(volunteers, shift, api):
    (a,) = volunteers(1)
    services.signup_create(actor=a.resident.user, volunteer=a, shift=shift)
    start_now(shift, minutes_ago=10)
    client = api(a.resident.user)
    assert (
        client.post(
            f"/api/v1/volunteers/shifts/{shift.pk}/check-in", {}, content_type="application/json"
        ).status_code
        == 200
    )
    signup = Signup.objects.get()
    # Checked in 20 minutes before the start (capped to the start) and out 30 minutes after the end.
    Signup.objects.filter(pk=signup.pk).update(
        checked_in_at=shift.starts_at - timedelta(minutes=20),
        checked_out_at=shift.ends_at + timedelta(minutes=30),
    )
    hours = client.get("/api/v1/volunteers/me/hours").json()
    assert (hours["hours"], hours["points"]) == ("2.00", 2)
    Signup.objects.filter(pk=signup.pk).update(checked_out_at=shift.starts_at + timedelta(minutes=95))
    assert client.get("/api/v1/volunteers/me/hours").json()["hours"] == "1.58"


def test_only_the_leader_checks_in_someone_else(volunteers, shift, api):
    a, b, leader = volunteers(3)
    shift.capacity = 3
    shift.leader = leader
    shift.save()
    for v in (a, b, leader):
        services.signup_create(actor=v.resident.user, volunteer=v, shift=shift)
    start_now(shift)
    url = f"/api/v1/volunteers/shifts/{shift.pk}/check-in"
    refused = api(a.resident.user).post(url, {"volunteer": b.pk}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_leader"
    assert (
        api(leader.resident.user).post(url, {"volunteer": b.pk}, content_type="application/json").status_code
        == 200
    )
    assert Signup.objects.get(volunteer=b).checked_in_at is not None
    assert Signup.objects.get(volunteer=a).checked_in_at is None


def test_no_check_in_long_before_the_shift(volunteers, shift, api):
    (a,) = volunteers(1)
    services.signup_create(actor=a.resident.user, volunteer=a, shift=shift)
    response = api(a.resident.user).post(
        f"/api/v1/volunteers/shifts/{shift.pk}/check-in", {}, content_type="application/json"
    )
    assert response.status_code == 409 and response.json()["code"] == "not_now"


def test_no_shows_are_marked_after_the_shift_once(volunteers, shift):
    a, b = volunteers(2)
    services.signup_create(actor=a.resident.user, volunteer=a, shift=shift)
    services.signup_create(actor=b.resident.user, volunteer=b, shift=shift)
    start_now(shift, minutes_ago=5)
    services.signup_check_in(actor=a.resident.user, by=a, shift=shift)
    start_now(shift, minutes_ago=200)
    assert services.shifts_mark_no_shows(timezone.now()) == 1
    assert services.shifts_mark_no_shows(timezone.now()) == 0
    assert dict(Signup.objects.values_list("volunteer_id", "status")) == {a.pk: "confirmed", b.pk: "no_show"}


def test_reminders_go_once_even_if_the_task_runs_twice_and_not_for_a_cancelled_shift(
    volunteers, shift, worker
):
    a, b = volunteers(2)
    services.signup_create(actor=a.resident.user, volunteer=a, shift=shift)
    services.signup_create(actor=b.resident.user, volunteer=b, shift=shift)
    now = shift.starts_at - timedelta(hours=23)
    assert services.shift_reminders_send(now) == 2
    assert services.shift_reminders_send(now) == 0
    assert services.shift_reminders_send(shift.starts_at - timedelta(minutes=50)) == 2  # the hour-before one
    assert Notification.objects.filter(user=a.resident.user).count() == 2
    services.shift_cancel(actor=worker, shift=shift, reason="暴雨")
    other_time = shift.starts_at - timedelta(minutes=30)
    assert services.shift_reminders_send(other_time) == 0


def test_a_moved_shift_is_reminded_again_for_its_new_time(volunteers, shift, worker):
    (a,) = volunteers(1)
    services.signup_create(actor=a.resident.user, volunteer=a, shift=shift)
    assert services.shift_reminders_send(shift.starts_at - timedelta(hours=23)) == 1
    new_start = shift.starts_at + timedelta(hours=3)
    services.shift_update(
        actor=worker, shift=shift, changes={"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)}
    )
    assert services.shift_reminders_send(new_start - timedelta(hours=23)) == 1


def test_fewer_places_move_the_latest_to_the_head_of_the_waitlist(volunteers, shift, worker, api):
    a, b, c, d = volunteers(4)
    shift.capacity = 3
    shift.save()
    for v in (a, b, c, d):
        services.signup_create(actor=v.resident.user, volunteer=v, shift=shift)
    response = api(worker).patch(
        f"/api/v1/volunteers/shifts/{shift.pk}", {"capacity": 1}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["taken"], response.json()["waitlisted"]) == (1, 3)
    assert Notification.objects.filter(user=b.resident.user).exists()
    services.signup_cancel(actor=a.resident.user, volunteer=a, shift=shift)
    assert Signup.objects.get(volunteer=b).status == "confirmed"  # b heads the waitlist, d stays behind


def test_capacity_below_one_is_422_and_changes_nothing(shift, worker, api):
    response = api(worker).patch(
        f"/api/v1/volunteers/shifts/{shift.pk}", {"capacity": 0}, content_type="application/json"
    )
    assert response.status_code == 422
    shift.refresh_from_db()
    assert shift.capacity == 2


def test_cancelling_a_shift_tells_everyone_on_it(volunteers, shift, worker, api):
    a, b, c = volunteers(3)
    for v in (a, b, c):
        services.signup_create(actor=v.resident.user, volunteer=v, shift=shift)
    response = api(worker).post(
        f"/api/v1/volunteers/shifts/{shift.pk}/cancel",
        {"reason": "暴雨预警"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert Notification.objects.filter(body="暴雨预警").count() == 3


def test_hours_need_a_check_out(volunteers, shift):
    (a,) = volunteers(1)
    signup = services.signup_create(actor=a.resident.user, volunteer=a, shift=shift)
    assert selectors.credited_hours(signup) == Decimal(0)


def test_a_repeating_shift_makes_its_shifts_ahead_once(
    worker, estate, patrol, api, django_capture_on_commit_callbacks
):
    payload = {
        "community": estate.community_a.pk,
        "compound": estate.compound_a.pk,
        "service_type": patrol.pk,
        "weekday": 1,
        "start_time": "19:00",
        "minutes": 120,
        "meeting_point": "东门",
        "capacity": 6,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api(worker).post(
            "/api/v1/volunteers/shift-templates", payload, content_type="application/json"
        )
    assert response.status_code == 201
    shifts = list(Shift.objects.filter(template_id=response.json()["id"]).order_by("starts_at"))
    assert 3 <= len(shifts) <= 4  # the Tuesdays of the next four weeks
    for shift in shifts:
        local = timezone.localtime(shift.starts_at)
        assert (local.weekday(), local.hour, local.minute) == (1, 19, 0)
        assert shift.ends_at - shift.starts_at == timedelta(hours=2)
    assert services.shift_templates_materialise(timezone.localdate()) == 0
    bad = api(worker).post(
        "/api/v1/volunteers/shift-templates", {**payload, "weekday": 7}, content_type="application/json"
    )
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["weekday"]
