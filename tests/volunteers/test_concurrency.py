"""Capacity under concurrent sign-ups: needs PostgreSQL and real threads."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.services import token_issue
from volunteers.models import Signup

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="concurrency is tested on PostgreSQL"),
]


def test_fifty_volunteers_for_ten_places_make_ten_confirmed_and_forty_waitlisted(volunteers, shift):
    shift.capacity = 10
    shift.save(update_fields=["capacity"])
    people = volunteers(50)
    tokens = [token_issue(user=v.resident.user, name="race")[1] for v in people]
    barrier, statuses = threading.Barrier(50), []

    def sign_up(token):
        client = Client(headers={"Authorization": f"Bearer {token}"})
        barrier.wait()
        try:
            response = client.post(f"/api/v1/volunteers/shifts/{shift.pk}/signup")
            statuses.append((response.status_code, response.json().get("status")))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [(201, "confirmed")] * 10 + [(201, "waitlisted")] * 40
    assert Signup.objects.filter(shift=shift, status="confirmed").count() == 10
