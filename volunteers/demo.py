"""Demo volunteers: 60 approved volunteers, a month of past and future shifts, some full."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from property.demo import DEMO_PASSWORD, Estate, person_name, phone_number
from property.models import Household, Relation, Residency, Resident
from volunteers import defaults
from volunteers.models import RegistrationStatus, ServiceType, Shift, Signup, SignupStatus, Volunteer

SLOTS = [
    ("patrol", time(19, 0), 2, "东门岗亭"),
    ("garbage-sorting", time(7, 0), 2, "3号楼垃圾分类亭"),
    ("parking", time(17, 30), 2, "北门停车场"),
]


def seed_volunteers(estate: Estate, now: datetime) -> list[tuple[str, str]]:
    community = estate.communities[0]
    compound = estate.compounds[0]
    if Volunteer.objects.filter(community=community).exists():
        return _printed()
    rng = random.Random("volunteers")
    homes = list(Household.objects.filter(building__compound__community=community).order_by("id"))
    volunteers = []
    demo_user = User.objects.get(username="volunteer")
    password = make_password(DEMO_PASSWORD)  # hashed once: 60 demo accounts share it
    volunteers.append(
        Volunteer.objects.create(
            resident=demo_user.resident,
            community=community,
            status=RegistrationStatus.APPROVED,
            skills="急救",
            availability="晚上",
            decided_at=now,
        )
    )
    for n in range(1, 61):
        resident = Resident.objects.create(
            name=person_name(rng), phone=phone_number(rng), is_party_member=n % 3 == 0
        )
        Residency.objects.create(
            resident=resident,
            household=rng.choice(homes),
            relation=Relation.FAMILY,
            started_on=(now - timedelta(days=3000)).date(),
        )
        user = User.objects.create(username=f"volunteer{n:02d}", name=resident.name, password=password)
        resident.user = user
        resident.save(update_fields=["user"])
        volunteers.append(
            Volunteer.objects.create(
                resident=resident,
                community=community,
                status=RegistrationStatus.APPROVED,
                decided_at=now,
            )
        )
    # The data migration creates these; ensure() keeps the demo whole where a test flushed them.
    defaults.ensure(ServiceType)
    types = {t.code: t for t in ServiceType.objects.filter(community=None)}
    today = timezone.localtime(now).date()
    compounds = [c for c in estate.compounds if c.community_id == community.pk] or [compound]
    for day in range(-14, 15):
        for code, start, hours, point in SLOTS:
            if (day + len(code)) % 2:
                continue
            starts = timezone.make_aware(datetime.combine(today + timedelta(days=day), start))
            shift = Shift.objects.create(
                community=community,
                compound=compounds[(day + len(code)) // 2 % len(compounds)],
                service_type=types[code],
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                meeting_point=point,
                capacity=rng.choice([4, 6, 8]),
            )
            wanted = rng.randint(2, shift.capacity + 3)  # some shifts full, with a waitlist
            chosen = rng.sample(volunteers[1:], wanted)
            Signup.objects.bulk_create([_signup(shift, v, i, now, rng) for i, v in enumerate(chosen)])
    return _printed()


def _signup(shift, volunteer, place, now, rng) -> Signup:
    """A place on the shift; on a past shift most came (hours served) and about one in eight did not."""
    if place >= shift.capacity:
        return Signup(shift=shift, volunteer=volunteer, status=SignupStatus.WAITLISTED)
    if shift.ends_at > now:
        return Signup(shift=shift, volunteer=volunteer, status=SignupStatus.CONFIRMED)
    if rng.random() < 0.125:
        return Signup(shift=shift, volunteer=volunteer, status=SignupStatus.NO_SHOW)
    return Signup(
        shift=shift,
        volunteer=volunteer,
        status=SignupStatus.CONFIRMED,
        checked_in_at=shift.starts_at + timedelta(minutes=rng.randint(-10, 15)),
        checked_out_at=shift.ends_at - timedelta(minutes=rng.randint(0, 30)),
    )


def _printed():
    return [("volunteer01", "… volunteer60: approved volunteers of 幸福社区 (about a third party members)")]
