"""Register facts through the API (issue 12, part 1): a person with several units, co-owners of one
unit, units still held by the developer, and an area corrected after a survey, kept as history,
while a vote's frozen roll keeps the area it froze."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from core.periods import in_force
from governance import services as governance
from governance.models import RollUnit
from property.models import Household, Residency, Resident

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_a_person_gets_another_unit_and_lists_both(api, estate, worker, owner):
    person = Resident.objects.get(user=owner)
    client = api(worker)
    body = {
        "resident": person.pk,
        "household": estate.household_a2.pk,
        "relation": "owner",
        "started_on": "2026-01-01",
    }
    made = client.post("/api/v1/property/residencies", body, content_type=JSON)
    assert made.status_code == 201 and made.json()["household"] == estate.household_a2.pk
    units = client.get(f"/api/v1/property/residents?household={estate.household_a2.pk}").json()["items"]
    mine = next(r for r in units if r["id"] == person.pk)
    assert sorted(r["household"] for r in mine["residencies"]) == sorted(
        [estate.household_a.pk, estate.household_a2.pk]
    )
    again = client.post("/api/v1/property/residencies", body, content_type=JSON)
    assert again.status_code == 409  # already registered in that unit
    assert Resident.objects.count() == 1  # one person, two units


def test_co_owners_of_one_unit_are_two_owners(api, estate, worker, owner):
    spouse = api(worker).post(
        "/api/v1/property/residents",
        {
            "name": "王建国",
            "household": estate.household_a.pk,
            "relation": "owner",
            "started_on": "2026-01-01",
        },
        content_type=JSON,
    )
    assert spouse.status_code == 201
    owners = Residency.objects.filter(
        in_force(timezone.localdate()), household=estate.household_a, relation="owner"
    )
    assert owners.count() == 2


def test_a_unit_the_developer_holds_is_marked_on_creation_and_by_patch(api, estate, worker):
    client = api(worker)
    made = client.post(
        "/api/v1/property/households",
        {"building": estate.building_a.pk, "unit_label": "6-601", "floor": 6, "held_by_developer": True},
        content_type=JSON,
    )
    assert made.status_code == 201 and made.json()["held_by_developer"] is True
    sold = client.patch(
        f"/api/v1/property/households/{made.json()['id']}", {"held_by_developer": False}, content_type=JSON
    )
    assert sold.status_code == 200 and sold.json()["held_by_developer"] is False
    assert Household.objects.get(pk=made.json()["id"]).held_by_developer is False


def test_an_area_corrected_after_a_survey_names_its_source_and_is_kept_as_history(api, estate, worker):
    client = api(worker)
    url = f"/api/v1/property/households/{estate.household_a.pk}"
    refused = client.patch(url, {"building_area": "88.40"}, content_type=JSON)
    assert refused.status_code == 422 and "area_source" in refused.json()["fields"]
    before = estate.household_a.building_area
    done = client.patch(url, {"building_area": "88.40", "area_source": "survey"}, content_type=JSON)
    assert done.status_code == 200
    assert done.json()["building_area"] == "88.40" and done.json()["area_source"] == "survey"
    event = AuditEvent.objects.get(action="household.update", object_id=estate.household_a.pk)
    assert event.actor == worker
    assert event.data["before"]["building_area"] == (str(before) if before is not None else None)
    assert event.data["after"] == {"building_area": "88.40", "area_source": "survey"}
    inner = client.patch(url, {"inner_area": "100.00", "area_source": "survey"}, content_type=JSON)
    assert inner.status_code == 422  # the inner area cannot exceed the building area
    assert client.patch(url, {"area_source": None}, content_type=JSON).status_code == 422


def test_a_votes_frozen_roll_keeps_the_area_it_froze(api, estate, worker, owner):
    Household.objects.filter(pk=estate.household_a.pk).update(building_area=Decimal("70.00"))
    now = timezone.now()
    vote = governance.vote_create(
        actor=worker,
        compound=estate.compound_a,
        title="续聘物业",
        matter="hire_property_company",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=7),
    )
    frozen = RollUnit.objects.get(vote=vote, household=estate.household_a).area
    assert frozen == Decimal("70.00")
    url = f"/api/v1/property/households/{estate.household_a.pk}"
    assert (
        api(worker)
        .patch(url, {"building_area": "75.00", "area_source": "survey"}, content_type=JSON)
        .status_code
        == 200
    )
    assert RollUnit.objects.get(vote=vote, household=estate.household_a).area == frozen


def test_another_communitys_worker_cannot_correct_a_unit_or_add_one(api, estate, worker_b, owner):
    client = api(worker_b)
    patch = client.patch(
        f"/api/v1/property/households/{estate.household_a.pk}", {"held_by_developer": True}, content_type=JSON
    )
    assert patch.status_code == 404
    person = Resident.objects.get(user=owner)
    body = {
        "resident": person.pk,
        "household": estate.household_b.pk,
        "relation": "tenant",
        "started_on": str(date.today()),
    }
    added = client.post("/api/v1/property/residencies", body, content_type=JSON)
    assert added.status_code == 422 and "resident" in added.json()["fields"]
    assert Household.objects.get(pk=estate.household_a.pk).held_by_developer is False
    assert Residency.objects.filter(resident=person).count() == 1
