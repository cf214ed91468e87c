"""Each volunteer's shifts as an iCalendar feed that phone calendars subscribe to by a secret URL."""

import secrets
from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from volunteers.models import ShiftStatus, Signup, SignupStatus, Volunteer


def calendar_token(volunteer: Volunteer) -> str:
    """The volunteer's feed secret, made on first use."""
    if not volunteer.calendar_token:
        volunteer.calendar_token = secrets.token_urlsafe(32)
        volunteer.save(update_fields=["calendar_token"])
    return volunteer.calendar_token


def feed(volunteer: Volunteer, host: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Gongzhi//volunteer shifts//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"志愿服务 · {volunteer.resident.name}")
    signups = Signup.objects.filter(
        volunteer=volunteer,
        status__in=[SignupStatus.CONFIRMED, SignupStatus.WAITLISTED],
        shift__ends_at__gte=timezone.now() - timedelta(days=30),
    ).select_related("shift__service_type", "shift__compound")
    for signup in signups:
        shift = signup.shift
        event = Event()
        event.add("uid", f"shift-{shift.pk}-volunteer-{volunteer.pk}@{host}")
        event.add(
            "summary",
            shift.service_type.name + ("（候补）" if signup.status == SignupStatus.WAITLISTED else ""),
        )
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("dtstamp", timezone.now())
        event.add(
            "location", " ".join(filter(None, [getattr(shift.compound, "name", ""), shift.meeting_point]))
        )
        event.add("status", "CANCELLED" if shift.status == ShiftStatus.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
