import re

import pytest
from django.test import Client

from volunteers.models import Signup, Volunteer

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_volunteer_signs_up_in_one_tap_sees_it_in_my_shifts_and_cancels(volunteers, shift):
    (v,) = volunteers(1)
    client = signed_in(v.resident.user)
    page = client.get("/volunteers/").content.decode()
    assert f'data-testid="shift-{shift.pk}"' in page and "报名" in page
    assert client.post(f"/volunteers/shifts/{shift.pk}/signup/").status_code == 302
    assert Signup.objects.get().status == "confirmed"
    mine = client.get("/volunteers/mine/").content.decode()
    assert "东门岗亭" in mine
    asked = client.post(f"/volunteers/shifts/{shift.pk}/cancel/", {"next": "/volunteers/mine/"})
    assert asked.status_code == 200 and "确定取消" in asked.content.decode()  # asked first
    assert Signup.objects.get().status == "confirmed"
    client.post(f"/volunteers/shifts/{shift.pk}/cancel/", {"next": "/volunteers/mine/", "confirm": "1"})
    assert Signup.objects.get().status == "cancelled"


def test_a_resident_registers_from_the_page(owner, estate, patrol):
    client = signed_in(owner)
    response = client.post(
        "/volunteers/register/",
        {"community": estate.community_a.pk, "service_types": [patrol.pk], "skills": "摄影"},
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(resident__user=owner)
    assert (volunteer.status, list(volunteer.service_types.all())) == ("pending", [patrol])


def test_home_shows_volunteers_their_shifts(volunteers):
    (v,) = volunteers(1)
    home = signed_in(v.resident.user).get("/").content.decode()
    assert "/volunteers/" in home and "志愿者" in home


def test_every_open_shift_can_be_reached_and_filtered_by_service_and_compound(volunteers, estate, patrol):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import CompoundFactory
    from volunteers import defaults
    from volunteers.models import ServiceType, Shift

    defaults.ensure(ServiceType)
    parking = ServiceType.objects.get(code="parking")
    other = CompoundFactory(community=estate.community_a, name="机械厂家属院")
    start = timezone.now() + timedelta(days=1)
    for n in range(60):  # more than the 50 the page used to stop at
        Shift.objects.create(
            community=estate.community_a,
            compound=estate.compound_a if n % 2 else other,
            service_type=parking if n == 59 else patrol,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=90),
            meeting_point=f"岗{n}",
            capacity=2,
        )
    (v,) = volunteers(1)
    client = signed_in(v.resident.user)
    first = client.get("/volunteers/").content.decode()
    assert re.search(r"岗1(?!\d)", first) and not re.search(r"岗0(?!\d)", first)  # one's own compound first
    last = client.get("/volunteers/?page=3").content.decode()
    assert "岗58" in last and "第 3 / 3 页 · 共 60 个班次" in last  # the 60th shift is reached
    only_parking = client.get(f"/volunteers/?service_type={parking.pk}").content.decode()
    assert "岗59" in only_parking and "岗58" not in only_parking
    in_a = client.get(f"/volunteers/?compound={estate.compound_a.pk}&page=2").content.decode()
    assert "岗59" in in_a and "岗58" not in in_a  # the other compound's shifts are left out


def test_dates_read_in_english_on_an_english_page(volunteers, shift):
    from django.utils import timezone

    (v,) = volunteers(1)
    client = signed_in(v.resident.user)
    chinese = client.get("/volunteers/").content.decode()
    day = timezone.localtime(shift.starts_at)
    assert f"{day.month}月{day.day}日" in chinese
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # what the header's "English" sets
    english = client.get("/volunteers/").content.decode()
    assert f"{day:%b} {day.day} " in english and "月" not in english.split("<main")[1]
