"""The register's facts on the worker's pages: correcting a unit (kept as history), a person's page
with all their units and another unit added, and an existing person offered before a second record."""

from decimal import Decimal

import pytest
from django.utils import timezone

from property.models import Household, Residency, Resident
from property.register import services

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"


def test_a_worker_corrects_a_units_area_and_the_page_shows_the_history(client, estate, worker, worker_b):
    client.force_login(worker)
    url = f"/property/households/{estate.household_a.pk}/edit/"
    before = Household.objects.get(pk=estate.household_a.pk).building_area
    refused = client.post(url, {"building_area": "50.00", "inner_area": "60.00", "area_source": "survey"})
    assert refused.status_code == 200 and 'class="errorlist' in refused.content.decode()
    assert Household.objects.get(pk=estate.household_a.pk).building_area == before  # nothing half-written
    done = client.post(url, {"building_area": "77.70", "area_source": "survey", "held_by_developer": "on"})
    assert done.status_code == 302
    unit = Household.objects.get(pk=estate.household_a.pk)
    assert unit.building_area == Decimal("77.70")
    assert unit.held_by_developer is True and unit.area_source == "survey"
    page = client.get(f"/property/households/{estate.household_a.pk}/").content.decode()
    assert 'data-testid="history"' in page and "77.70" in page
    client.force_login(worker_b)
    assert client.get(url).status_code == 404


def test_a_persons_page_lists_their_units_and_takes_another(client, estate, worker, owner):
    person = Resident.objects.get(user=owner)
    client.force_login(worker)
    url = f"/property/residents/{person.pk}/"
    assert str(estate.household_a) in client.get(url).content.decode()
    missing = client.post(
        url,
        {
            "building": estate.building_a.pk,
            "unit_label": "9-999",
            "relation": "owner",
            "started_on": "2026-01-01",
        },
    )
    assert (
        "9-999" not in [r.household.unit_label for r in person.residencies.all()]
        and missing.status_code == 200
    )
    added = client.post(
        url,
        {
            "building": estate.building_a.pk,
            "unit_label": estate.household_a2.unit_label,
            "relation": "owner",
            "started_on": "2026-01-01",
        },
    )
    assert added.status_code == 302
    assert set(person.residencies.values_list("household_id", flat=True)) == {
        estate.household_a.pk,
        estate.household_a2.pk,
    }
    assert str(estate.household_a2) in client.get(url).content.decode()


def test_the_same_id_number_offers_the_registered_person_instead_of_a_second_record(client, estate, worker):
    person = services.resident_create(
        actor=worker,
        name="周丽",
        id_number=ID,
        household=estate.household_a,
        relation="owner",
        started_on=timezone.localdate(),
    )
    client.force_login(worker)
    add = f"/property/households/{estate.household_a2.pk}/residents/add/"
    body = {"name": "周丽", "id_number": ID, "relation": "owner", "started_on": "2026-01-01"}
    offered = client.post(add, body).content.decode()
    assert 'data-testid="matches"' in offered and "周丽" in offered
    assert Resident.objects.filter(name="周丽").count() == 1
    here = client.post(f"/property/households/{estate.household_a2.pk}/residents/{person.pk}/", body)
    assert here.status_code == 302
    assert Residency.objects.filter(resident=person, household=estate.household_a2).exists()
    assert Resident.objects.filter(name="周丽").count() == 1


def test_the_same_name_and_phone_is_offered_and_someone_else_can_still_be_registered(client, estate, worker):
    services.resident_create(
        actor=worker,
        name="孙强",
        phone="13911112222",
        household=estate.household_a,
        relation="owner",
        started_on=timezone.localdate(),
    )
    client.force_login(worker)
    add = f"/property/households/{estate.household_a2.pk}/residents/add/"
    body = {"name": "孙强", "phone": "13911112222", "relation": "family", "started_on": "2026-01-01"}
    assert 'data-testid="matches"' in client.post(add, body).content.decode()
    assert Resident.objects.filter(name="孙强").count() == 1
    assert client.post(add, {**body, "someone_else": "1"}).status_code == 302
    assert Resident.objects.filter(name="孙强").count() == 2
