"""Races decided by the database: needs PostgreSQL and real threads."""

import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from accounts.services import token_issue
from property.models import Household

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="concurrency is tested on PostgreSQL"),
]


def test_eight_concurrent_creates_of_one_unit_make_one_household_and_seven_409s(worker, estate):
    _token, raw = token_issue(user=worker, name="race")
    barrier = threading.Barrier(8)
    statuses = []

    def create():
        client = Client(headers={"Authorization": f"Bearer {raw}"})
        barrier.wait()
        try:
            response = client.post(
                "/api/v1/property/households",
                {
                    "building": estate.building_a.pk,
                    "unit_label": "7-701",
                    "floor": 6,
                    "building_area": "66.00",
                },
                content_type="application/json",
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * 7
    assert Household.objects.filter(building=estate.building_a, unit_label="7-701").count() == 1
