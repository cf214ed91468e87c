from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from volunteers import services
from volunteers.models import Shift, Signup

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_check_in_and_out_from_my_shifts_then_hours_on_the_certificate_and_leaderboard(volunteers, shift):
    (a,) = volunteers(1)
    services.signup_create(volunteer=a, shift=shift)
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
    assert certificate.context["total"] == services.credited_hours(Signup.objects.get())
    board = client.get("/volunteers/leaderboard/").context["rows"]
    assert [(r["volunteer"], r["shifts"]) for r in board] == [(a.pk, 1)]


def test_the_organiser_sees_who_came_and_a_volunteer_does_not(volunteers, shift, worker):
    a, b = volunteers(2)
    services.signup_create(volunteer=a, shift=shift)
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
    services.signup_create(volunteer=a, shift=shift)
    page = signed_in(a.resident.user).get("/volunteers/mine/")
    url = page.context["calendar_url"]
    response = Client().get(url.replace("http://testserver", ""))  # a phone calendar: no session
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["location"]) for e in events] == ["纺织厂生活区 东门岗亭"]
    assert events[0].decoded("dtstart") == shift.starts_at.replace(microsecond=0)  # iCalendar keeps seconds
    services.signup_cancel(volunteer=a, shift=shift)
    assert Calendar.from_ical(Client().get(url.replace("http://testserver", "")).content).walk("VEVENT") == []
    assert Client().get("/volunteers/calendar/not-a-token.ics").status_code == 404
