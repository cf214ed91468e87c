"""Reads about volunteers, scoped and counted in the query."""

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import Greatest, Least

from core.periods import in_force
from property.models import Household, Residency
from property.register.permissions import own_households
from volunteers.models import (
    RegistrationStatus,
    ServiceType,
    Shift,
    ShiftStatus,
    Signup,
    SignupStatus,
    Volunteer,
)


def volunteer_of(user) -> Volunteer | None:
    """The user's own volunteer registration, if any."""
    if not user.is_authenticated:
        return None
    return Volunteer.objects.filter(resident__user=user).select_related("resident", "community").first()


def home_communities(user) -> list[int]:
    return list(
        Household.objects.filter(id__in=own_households(user)).values_list(
            "building__compound__community_id", flat=True
        )
    )


def upcoming(now) -> Q:
    """A shift one may still sign up for (or join the waitlist of): scheduled and not yet started."""
    return Q(status=ShiftStatus.SCHEDULED, starts_at__gt=now)


def with_places(now) -> Q:
    """An open shift: upcoming with a place free (on a queryset of shifts_visible, which counts `taken`)."""
    return upcoming(now) & Q(taken__lt=F("capacity"))


def service_types_for(community_ids):
    return ServiceType.objects.filter(Q(community__isnull=True) | Q(community_id__in=community_ids))


def served(volunteer):
    """The volunteer's shifts with a check-in, newest first."""
    return (
        volunteer.signups.filter(checked_in_at__isnull=False)
        .select_related("shift__service_type")
        .order_by("-shift__starts_at")
    )


def served_between(start, end):
    """Sign-ups checked in and out on shifts that started in [start, end): the hours credited."""
    return Signup.objects.filter(
        shift__starts_at__gte=start,
        shift__starts_at__lt=end,
        checked_in_at__isnull=False,
        checked_out_at__isnull=False,
    )


def leaderboard(community_id: int, month_start, month_end, compound_id: int | None = None):
    """Volunteers by hours served in a month (from check-in to check-out, capped at the shift)."""
    signups = served_between(month_start, month_end).filter(shift__community_id=community_id)
    signups = signups.select_related("shift", "volunteer__resident")
    if compound_id is not None:
        signups = signups.filter(shift__compound_id=compound_id)
    return signups


def credited_hours(signup: Signup) -> Decimal:
    """Hours from the actual check-in and check-out, capped at the shift's own hours."""
    return hours_served(
        signup.checked_in_at, signup.checked_out_at, signup.shift.starts_at, signup.shift.ends_at
    )


def hours_served(checked_in_at, checked_out_at, starts_at, ends_at) -> Decimal:
    """THE rule of credited hours: check-in to check-out within the shift's hours, 2 places, rounded down."""
    if checked_in_at is None or checked_out_at is None:
        return Decimal(0)
    return hours_of(min(checked_out_at, ends_at) - max(checked_in_at, starts_at))


def hours_of(served: timedelta) -> Decimal:
    """A time served within the shift as credited hours (none when negative), 2 places, rounded down."""
    seconds = max(served.total_seconds(), 0)
    return (Decimal(seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def within_shift():
    """hours_served()'s time as a database expression (for many sign-ups at once: one value a row)."""
    return ExpressionWrapper(
        Least("checked_out_at", "shift__ends_at") - Greatest("checked_in_at", "shift__starts_at"),
        output_field=DurationField(),
    )


def points_for(hours: Decimal) -> int:
    return int(hours * settings.VOLUNTEER_POINTS_PER_HOUR)


def leaderboard_rows(signups) -> list[dict]:
    """Sum credited hours and points per volunteer, most hours first."""
    totals: dict[int, dict] = {}
    for signup in signups:
        row = totals.setdefault(
            signup.volunteer_id,
            {
                "volunteer": signup.volunteer_id,
                "name": signup.volunteer.resident.name,
                "is_party_member": signup.volunteer.resident.is_party_member,
                "hours": Decimal(0),
                "shifts": 0,
            },
        )
        row["hours"] += credited_hours(signup)
        row["shifts"] += 1
    rows = sorted(totals.values(), key=lambda r: (-r["hours"], r["name"]))
    for row in rows:
        row["points"] = points_for(row["hours"])
    return rows


# --- figures per compound, for the five-co index (reports) -------------------------------------------


def volunteer_homes(compound_ids, on):
    """Homes in the compounds, on the day, of approved volunteers."""
    return Residency.objects.filter(
        in_force(on),
        household__building__compound_id__in=compound_ids,
        resident__volunteer__status=RegistrationStatus.APPROVED,
    )


def volunteers_living_by_compound(compound_ids, on) -> dict[int, int]:
    """Of volunteer_homes(), the volunteers per compound."""
    return dict(
        volunteer_homes(compound_ids, on)
        .values_list("household__building__compound_id")
        .annotate(n=Count("resident_id", distinct=True))
        .order_by()
    )


def hours_by_compound(compound_ids, start, end) -> dict[int, Decimal]:
    """Hours credited on the shifts of each compound that started in [start, end)."""
    hours: dict[int, Decimal] = {}
    served = (
        served_between(start, end)
        .filter(shift__compound_id__in=compound_ids)
        .annotate(served=within_shift())
        .values_list("shift__compound_id", "served")
    )
    for compound_id, time_served in served:
        hours[compound_id] = hours.get(compound_id, Decimal(0)) + hours_of(time_served)
    return hours


def party_member_homes(compound_ids, on, since, until):
    """Homes in the compounds, on the day, of party members, each with `served`: checked in on a
    shift in [since, until)."""
    served = Signup.objects.filter(
        volunteer__resident_id=OuterRef("resident_id"), checked_in_at__gte=since, checked_in_at__lt=until
    )
    return Residency.objects.filter(
        in_force(on), household__building__compound_id__in=compound_ids, resident__is_party_member=True
    ).annotate(served=Exists(served))


def party_members_serving_by_compound(compound_ids, on, since, until) -> dict[int, tuple[int, int]]:
    """Of party_member_homes(): (those who served, all) per compound."""
    rows = (
        party_member_homes(compound_ids, on, since, until)
        .values("household__building__compound_id")
        .annotate(
            serving=Count("resident_id", distinct=True, filter=Q(served=True)),
            members=Count("resident_id", distinct=True),
        )
        .order_by()
    )
    return {r["household__building__compound_id"]: (r["serving"], r["members"]) for r in rows}


def shifts_held(compound_ids, start, end):
    """The compounds' shifts starting in [start, end), not cancelled."""
    return Shift.objects.filter(
        compound_id__in=compound_ids, starts_at__gte=start, starts_at__lt=end
    ).exclude(status=ShiftStatus.CANCELLED)


def places_filled_by_compound(compound_ids, start, end) -> dict[int, tuple[int, int]]:
    """Shifts of each compound starting in [start, end), not cancelled: (places confirmed, places)."""
    shifts = shifts_held(compound_ids, start, end)
    places = dict(shifts.values_list("compound_id").annotate(n=Sum("capacity")).order_by())
    confirmed = dict(
        Signup.objects.filter(shift__in=shifts, status=SignupStatus.CONFIRMED)
        .values_list("shift__compound_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {cid: (confirmed.get(cid, 0), n) for cid, n in places.items()}


def hours_by_community(community_ids, start, end) -> dict[int, Decimal]:
    """Hours credited on each community's shifts that started in [start, end)."""
    hours: dict[int, Decimal] = {}
    served = (
        served_between(start, end)
        .filter(shift__community_id__in=community_ids)
        .annotate(served=within_shift())
        .values_list("shift__community_id", "served")
    )
    for community_id, time_served in served:
        hours[community_id] = hours.get(community_id, Decimal(0)) + hours_of(time_served)
    return hours
