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
    client.post(f"/volunteers/shifts/{shift.pk}/cancel/", {"next": "/volunteers/mine/"})
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
