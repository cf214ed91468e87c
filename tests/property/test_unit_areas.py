"""A unit's inner area is within its building area: one rule (services.areas_check) for the API,
the page and the ledger import, answered as bad input naming the field in words a person reads; the
database's check, should it still refuse a write, answers the same way (422 on the field)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from property.models import Household
from property.register import services

pytestmark = pytest.mark.django_db
JSON = "application/json"


def create(api, worker, estate, **areas):
    body = {"building": estate.building_a.pk, "unit_label": "2-301", "floor": 3, **areas}
    return api(worker).post("/api/v1/property/households", body, content_type=JSON)


def refused_on_inner_area(answer) -> bool:
    body = answer.json()
    return (
        answer.status_code == 422
        and list(body.get("fields", {})) == ["inner_area"]
        and "constraint" not in body["detail"].lower()
        and "property_household" not in body["detail"]
    )


def test_the_api_names_the_inner_area_when_it_is_above_the_building_area(api, worker, estate):
    assert refused_on_inner_area(create(api, worker, estate, building_area="60.00", inner_area="60.01"))
    assert not Household.objects.filter(unit_label="2-301").exists()
    url = f"/api/v1/property/households/{estate.household_a.pk}"
    Household.objects.filter(pk=estate.household_a.pk).update(building_area=Decimal("80.00"))
    patched = api(worker).patch(url, {"inner_area": "80.50", "area_source": "survey"}, content_type=JSON)
    assert refused_on_inner_area(patched)
    equal = api(worker).patch(url, {"inner_area": "80.00", "area_source": "survey"}, content_type=JSON)
    assert equal.status_code == 200


def test_the_page_shows_the_refusal_on_the_inner_area(client, worker, estate):
    client.force_login(worker)
    url = f"/property/households/{estate.household_a.pk}/edit/"
    page = client.post(url, {"building_area": "50.00", "inner_area": "60.00", "area_source": "survey"})
    form = page.context["form"]
    assert (list(form.errors), form.non_field_errors()) == (["inner_area"], [])


def test_the_database_check_if_it_still_refuses_answers_422_on_the_field(api, worker, estate, monkeypatch):
    monkeypatch.setattr(services, "areas_check", lambda building_area, inner_area: None)
    monkeypatch.setattr(services, "validate_model", lambda *args, **kwargs: None)
    answer = create(api, worker, estate, building_area="60.00", inner_area="70.00")
    assert refused_on_inner_area(answer)


def test_an_integrity_error_naming_no_check_is_not_taken_for_one():
    from core.errors import constraint_refusal

    unique = IntegrityError("UNIQUE constraint failed: property_household.building_id")
    assert constraint_refusal(unique) is None


def test_the_database_refuses_an_inner_area_above_the_building_area_and_it_reads_as_the_field(estate):
    from core.errors import constraint_refusal

    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        Household.objects.filter(pk=estate.household_a.pk).update(
            building_area=Decimal("50.00"), inner_area=Decimal("60.00")
        )
    invalid = constraint_refusal(refused.value)
    assert (invalid.status, list(invalid.fields)) == (422, ["inner_area"])


def test_the_database_check_if_it_still_refuses_shows_on_the_pages_field(client, worker, estate, monkeypatch):
    monkeypatch.setattr(services, "areas_check", lambda building_area, inner_area: None)
    monkeypatch.setattr(services, "validate_model", lambda *args, **kwargs: None)
    client.force_login(worker)
    url = f"/property/households/{estate.household_a.pk}/edit/"
    page = client.post(url, {"building_area": "50.00", "inner_area": "60.00", "area_source": "survey"})
    assert (page.status_code, list(page.context["form"].errors)) == (200, ["inner_area"])
