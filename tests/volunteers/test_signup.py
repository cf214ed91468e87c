from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from tests.volunteers.conftest import make_volunteer
from volunteers.models import Shift, Signup

pytestmark = pytest.mark.django_db


def signup(api, volunteer, shift):
    return api(volunteer.resident.user).post(f"/api/v1/volunteers/shifts/{shift.pk}/signup")


def test_places_then_the_waitlist(volunteers, shift, api):
    a, b, c = volunteers(3)
    assert [signup(api, v, shift).json()["status"] for v in (a, b, c)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    body = api(a.resident.user).get("/api/v1/volunteers/shifts").json()["items"][0]
    assert (body["capacity"], body["taken"], body["waitlisted"]) == (2, 2, 1)


def test_signing_up_twice_is_409_and_writes_nothing(volunteers, shift, api):
    (a,) = volunteers(1)
    assert signup(api, a, shift).status_code == 201
    again = signup(api, a, shift)
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    assert Signup.objects.count() == 1


def test_an_overlapping_shift_is_refused(volunteers, shift, api):
    (a,) = volunteers(1)
    signup(api, a, shift)
    overlapping = Shift.objects.create(
        community=shift.community,
        service_type=shift.service_type,
        starts_at=shift.starts_at + timedelta(hours=1),
        ends_at=shift.ends_at + timedelta(hours=1),
        meeting_point="西门",
        capacity=5,
    )
    response = signup(api, a, overlapping)
    assert response.status_code == 409 and response.json()["code"] == "overlap"
    back_to_back = Shift.objects.create(
        community=shift.community,
        service_type=shift.service_type,
        starts_at=shift.ends_at,
        ends_at=shift.ends_at + timedelta(hours=2),
        meeting_point="西门",
        capacity=5,
    )
    assert signup(api, a, back_to_back).status_code == 201  # periods are half-open


def test_cancelling_a_place_promotes_and_notifies_the_first_on_the_waitlist(volunteers, shift, api):
    a, b, c, d = volunteers(4)
    for v in (a, b, c, d):
        signup(api, v, shift)
    assert api(a.resident.user).delete(f"/api/v1/volunteers/shifts/{shift.pk}/signup").status_code == 204
    statuses = dict(Signup.objects.values_list("volunteer_id", "status"))
    assert statuses == {a.pk: "cancelled", b.pk: "confirmed", c.pk: "confirmed", d.pk: "waitlisted"}
    assert Notification.objects.filter(user=c.resident.user).count() == 1
    assert not Notification.objects.filter(user=d.resident.user).exists()


def test_cancelling_a_waitlist_position_promotes_nobody(volunteers, shift, api):
    a, b, c = volunteers(3)
    for v in (a, b, c):
        signup(api, v, shift)
    api(c.resident.user).delete(f"/api/v1/volunteers/shifts/{shift.pk}/signup")
    assert Signup.objects.filter(status="confirmed").count() == 2
    assert not Notification.objects.exists()


def test_no_sign_up_or_cancel_after_the_start(volunteers, shift, api):
    (a,) = volunteers(1)
    signup(api, a, shift)
    Shift.objects.filter(pk=shift.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    cancel = api(a.resident.user).delete(f"/api/v1/volunteers/shifts/{shift.pk}/signup")
    assert cancel.status_code == 409 and cancel.json()["code"] == "started"
    (b,) = volunteers(1, prefix="late")
    assert signup(api, b, shift).json()["code"] == "started"


def test_members_only_shifts_refuse_other_communities(estate, shift, api):
    outsider = make_volunteer(estate, "vb", household=estate.household_b, community=estate.community_b)
    assert signup(api, outsider, shift).status_code == 404  # not even visible outside community A
    shift.members_only = False
    shift.save()
    assert signup(api, outsider, shift).status_code == 404  # still not their community's shift list


def test_unknown_shift_is_404_and_unapproved_volunteers_are_403(estate, volunteers, shift, api):
    (a,) = volunteers(1)
    assert api(a.resident.user).post("/api/v1/volunteers/shifts/999999/signup").status_code == 404
    pending = make_volunteer(estate, "pending", status="pending")
    response = signup(api, pending, shift)
    assert response.status_code == 403 and response.json()["code"] == "not_approved"
    assert not Signup.objects.filter(volunteer=pending).exists()


def test_signing_up_again_after_cancelling_goes_to_the_end_of_the_queue(volunteers, shift, api):
    a, b, c = volunteers(3)
    for v in (a, b, c):
        signup(api, v, shift)
    api(a.resident.user).delete(f"/api/v1/volunteers/shifts/{shift.pk}/signup")
    assert signup(api, a, shift).json()["status"] == "waitlisted"


def test_a_worker_creates_a_shift_and_bad_capacity_is_422(worker, estate, patrol, api):
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    payload = {
        "community": estate.community_a.pk,
        "service_type": patrol.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "meeting_point": "北门",
        "capacity": 8,
    }
    client = api(worker)
    assert (
        client.post("/api/v1/volunteers/shifts", payload, content_type="application/json").status_code == 201
    )
    bad = client.post(
        "/api/v1/volunteers/shifts", {**payload, "capacity": -1}, content_type="application/json"
    )
    assert bad.status_code == 422 and list(bad.json()["fields"]) == ["capacity"]
    backwards = client.post(
        "/api/v1/volunteers/shifts",
        {**payload, "ends_at": start.isoformat()},
        content_type="application/json",
    )
    assert backwards.status_code == 422
    assert Shift.objects.count() == 1


def test_registration_and_approval(worker, owner, estate, api):
    created = api(owner).post(
        "/api/v1/volunteers/registrations",
        {"community": estate.community_a.pk, "skills": "急救", "availability": "周末"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "pending"
    elsewhere = api(owner).post(
        "/api/v1/volunteers/registrations",
        {"community": estate.community_b.pk},
        content_type="application/json",
    )
    assert elsewhere.status_code in (409, 422)
    registration = created.json()["id"]
    assert api(owner).post(f"/api/v1/volunteers/registrations/{registration}/approve").status_code == 403
    approved = api(worker).post(f"/api/v1/volunteers/registrations/{registration}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert Notification.objects.filter(user=owner).count() == 1


def test_a_sign_up_costs_a_fixed_handful_of_queries(volunteers, shift, api, django_assert_num_queries):
    """The hot path of the sign-up benchmark, pinned: with the token cached, 1 the volunteer, 2 the
    shift in scope, then in the transaction (a savepoint in tests) 3-4 the two row locks, 5 my row,
    my clashes and the places taken in one query, 6 the insert, 7 the history row."""
    (a,) = volunteers(1)
    client = api(a.resident.user)
    client.get("/api/v1/me")  # caches the token with its user and scope
    with django_assert_num_queries(9):  # the 7 above + SAVEPOINT and RELEASE
        answer = client.post(f"/api/v1/volunteers/shifts/{shift.pk}/signup")
    assert answer.status_code == 201 and answer.json()["status"] == "confirmed"


def test_the_shift_list_query_count_is_fixed(volunteers, shift, api, django_assert_num_queries):
    from volunteers.models import Shift

    for n in range(12):
        Shift.objects.create(
            community=shift.community,
            service_type=shift.service_type,
            starts_at=shift.starts_at + timedelta(days=n + 1),
            ends_at=shift.ends_at + timedelta(days=n + 1),
            meeting_point="东门",
            capacity=3,
        )
    (a,) = volunteers(1)
    client = api(a.resident.user)
    client.get("/api/v1/volunteers/shifts")
    for limit in (2, 10):
        # 1 query: the page with places taken and waitlisted counted, and the total (COUNT(*) OVER ()).
        with django_assert_num_queries(1):
            body = client.get(f"/api/v1/volunteers/shifts?limit={limit}").json()
        assert len(body["items"]) == limit and body["count"] == 13
