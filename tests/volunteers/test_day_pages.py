from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from volunteers import selectors, services
from volunteers.models import Shift, Signup

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_check_in_and_out_from_my_shifts_then_hours_on_the_certificate_and_leaderboard(volunteers, shift):
    (a,) = volunteers(1)
    services.signup_create(actor=a.resident.user, volunteer=a, shift=shift)
    start = timezone.now() - timedelta(minutes=5)
    Shift.objects.filter(pk=shift.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
    client = signed_in(a.resident.user)
    assert "签到" in client.get("/volunteers/mine/").content.decode()
    client.post(f"/volunteers/shifts/{shift.pk}/check-in/")
    client.post(f"/volunteers/shifts/{shift.pk}/check-out/")
    signup = Signup.objects.get()
    assert signup.checked_in_at and signup.checked_out_at
    Signup.objects.filter(pk=signup.pk).update(
        checked_out_at=signup.checked_in_at + timedelta(hours=1, minutes=30)
    )
    certificate = client.get("/volunteers/certificate/")
    assert certificate.context["total"] == selectors.credited_hours(Signup.objects.get())
    board = client.get("/volunteers/leaderboard/").context["rows"]
    assert [(r["volunteer"], r["shifts"]) for r in board] == [(a.pk, 1)]


def test_the_organiser_sees_who_came_and_a_volunteer_does_not(volunteers, shift, worker):
    a, b = volunteers(2)
    services.signup_create(actor=a.resident.user, volunteer=a, shift=shift)
    page = signed_in(worker).get(f"/volunteers/shifts/{shift.pk}/")
    assert page.status_code == 200 and 'data-testid="who-came"' in page.content.decode()
    assert signed_in(b.resident.user).get(f"/volunteers/shifts/{shift.pk}/").status_code == 403


def test_an_unknown_check_action_is_404(volunteers, shift):
    (a,) = volunteers(1)
    assert (
        signed_in(a.resident.user).post(f"/volunteers/shifts/{shift.pk}/check-sideways/").status_code == 404
    )


def test_the_calendar_feed_lists_my_shifts_by_a_secret_url(volunteers, shift):
    from icalendar import Calendar

    a, b = volunteers(2)
    services.signup_create(actor=a.resident.user, volunteer=a, shift=shift)
    page = signed_in(a.resident.user).get("/volunteers/mine/")
    url = page.context["calendar_url"]
    response = Client().get(url.replace("http://testserver", ""))  # a phone calendar: no session
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["location"]) for e in events] == ["纺织厂生活区 东门岗亭"]
    assert events[0].decoded("dtstart") == shift.starts_at.replace(microsecond=0)  # iCalendar keeps seconds
    services.signup_cancel(actor=a.resident.user, volunteer=a, shift=shift)
    assert Calendar.from_ical(Client().get(url.replace("http://testserver", "")).content).walk("VEVENT") == []
    assert Client().get("/volunteers/calendar/not-a-token.ics").status_code == 404


def test_the_leaderboard_narrows_to_one_compound(volunteers, shift, estate):
    from property.models import Compound

    (a,) = volunteers(1)
    other = Compound.objects.create(community=shift.community, name="东区")
    elsewhere = Shift.objects.create(
        community=shift.community,
        compound=other,
        service_type=shift.service_type,
        starts_at=shift.starts_at + timedelta(hours=5),
        ends_at=shift.ends_at + timedelta(hours=5),
        meeting_point="东门",
        capacity=3,
    )
    for s, minutes in ((shift, 60), (elsewhere, 90)):
        services.signup_create(actor=a.resident.user, volunteer=a, shift=s)
        start = timezone.make_aware(datetime(2026, 10, 10, 9)) + (s.starts_at - shift.starts_at)
        Shift.objects.filter(pk=s.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
        Signup.objects.filter(shift=s).update(
            checked_in_at=start, checked_out_at=start + timedelta(minutes=minutes)
        )
    client = signed_in(a.resident.user)
    month = "?month=2026-10"
    whole = client.get("/volunteers/leaderboard/" + month).context["rows"]
    only = client.get(f"/volunteers/leaderboard/{month}&compound={other.pk}").context["rows"]
    assert [(r["hours"], r["shifts"]) for r in whole] == [(Decimal("2.50"), 2)]
    assert [(r["hours"], r["shifts"]) for r in only] == [(Decimal("1.50"), 1)]


def test_a_worker_approves_and_declines_registrations_on_a_page(volunteers, worker, worker_b):
    from volunteers.models import RegistrationStatus, Volunteer

    first, second = volunteers(2, status=RegistrationStatus.PENDING)
    client = signed_in(worker)
    page = client.get("/volunteers/registrations/").content.decode()
    assert f'data-volunteer="{first.pk}"' in page and f'data-volunteer="{second.pk}"' in page
    client.post(f"/volunteers/registrations/{first.pk}/approved/")
    refused = client.post(f"/volunteers/registrations/{second.pk}/declined/", {"reason": ""}, follow=True)
    assert Volunteer.objects.get(pk=second.pk).status == "pending"
    assert "请填写原因" in refused.content.decode()
    client.post(f"/volunteers/registrations/{second.pk}/declined/", {"reason": "不在本社区居住"})
    statuses = dict(Volunteer.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk]) == ("approved", "declined")
    # A worker of another community cannot see or decide them.
    assert (
        signed_in(worker_b)
        .post(f"/volunteers/registrations/{first.pk}/suspended/", {"reason": "x"})
        .status_code
        == 404
    )


def test_an_organiser_opens_a_shift_on_a_page_and_bad_times_name_the_field(estate, worker, patrol):
    client = signed_in(worker)
    start = timezone.localtime() + timedelta(days=2)
    data = {
        "community": estate.community_a.pk,
        "compound": estate.compound_a.pk,
        "service_type": patrol.pk,
        "starts_at": f"{start:%Y-%m-%dT19:00}",
        "ends_at": f"{start:%Y-%m-%dT18:00}",
        "meeting_point": "东门",
        "capacity": 5,
        "members_only": "on",
    }
    bad = client.post("/volunteers/shifts/new/", data)
    assert bad.status_code == 200 and Shift.objects.count() == 0
    assert bad.context["form"].errors
    data["ends_at"] = f"{start:%Y-%m-%dT21:00}"
    made = client.post("/volunteers/shifts/new/", data)
    shift = Shift.objects.get()
    assert made.status_code == 302 and (shift.capacity, shift.created_by) == (5, worker)
    assert client.get("/volunteers/shifts/new/").status_code == 200


def test_a_volunteer_cannot_open_a_shift(volunteers):
    (a,) = volunteers(1)
    assert signed_in(a.resident.user).get("/volunteers/shifts/new/").status_code == 403


def test_registrations_are_searched_by_name_or_phone_and_paged(volunteers, worker):
    from volunteers.models import RegistrationStatus

    people = volunteers(35, status=RegistrationStatus.APPROVED)
    pending = volunteers(1, prefix="p", status=RegistrationStatus.PENDING)[0]
    client = signed_in(worker)
    first = client.get("/volunteers/registrations/").content.decode()
    assert first.count("data-volunteer=") == 30 and f'data-volunteer="{pending.pk}"' in first  # waiting first
    second = client.get("/volunteers/registrations/?page=2").content.decode()
    assert second.count("data-volunteer=") == 6 and "第 2 / 2 页 · 共 36 位志愿者" in second
    target = people[7].resident
    found = client.get(f"/volunteers/registrations/?q={target.name}").content.decode()
    assert f'data-volunteer="{people[7].pk}"' in found
    by_phone = client.get(f"/volunteers/registrations/?q={target.phone}").content.decode()
    assert by_phone.count("data-volunteer=") == 1 and f'data-volunteer="{people[7].pk}"' in by_phone
    waiting = client.get("/volunteers/registrations/?status=pending").content.decode()
    assert waiting.count("data-volunteer=") == 1
