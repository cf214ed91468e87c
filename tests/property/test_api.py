from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from property.models import Building, Community, Compound, Household, Residency, Resident
from tests.factories import HouseholdFactory, ResidencyFactory, ResidentFactory

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"


def test_worker_of_community_a_gets_404_on_a_household_of_community_b(worker, estate, api):
    response = api(worker).get(f"/api/v1/property/households/{estate.household_b.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。", "code": "not_found"}


def test_unknown_household_answers_like_a_hidden_one(worker, api):
    assert api(worker).get("/api/v1/property/households/999999").json()["code"] == "not_found"


def test_household_list_shows_only_the_workers_community(worker, estate, api):
    body = api(worker).get("/api/v1/property/households").json()
    assert body["count"] == 2
    assert {h["id"] for h in body["items"]} == {estate.household_a.pk, estate.household_a2.pk}


def test_officer_sees_every_community_of_the_subdistrict(officer, estate, api):
    body = api(officer).get("/api/v1/property/households").json()
    assert body["count"] == 3
    assert api(officer).get(f"/api/v1/property/households/{estate.household_b.pk}").status_code == 200


def test_outsider_sees_nothing(outsider, estate, api):
    assert api(outsider).get("/api/v1/property/communities").json() == {"items": [], "count": 0}
    assert api(outsider).get(f"/api/v1/property/households/{estate.household_a.pk}").status_code == 404


def test_resident_sees_only_their_own_household(owner, estate, api):
    client = api(owner)
    assert client.get(f"/api/v1/property/households/{estate.household_a.pk}").status_code == 200
    assert client.get(f"/api/v1/property/households/{estate.household_a2.pk}").status_code == 404
    assert [h["id"] for h in client.get("/api/v1/property/households").json()["items"]] == [
        estate.household_a.pk
    ]


def test_phone_is_masked_except_for_the_person_and_community_staff(
    owner, worker, worker_b, collector, officer, estate, api
):
    family = ResidentFactory(name="王小明", phone="13900002222")
    ResidencyFactory(resident=family, household=estate.household_a, relation="family")

    def phones(user):
        body = api(user).get(f"/api/v1/property/households/{estate.household_a.pk}").json()
        return {r["name"]: r["phone"] for r in body["residents"]}

    assert phones(owner) == {"王秀英": "13812341234", "王小明": "139****2222"}
    assert phones(worker) == {"王秀英": "13812341234", "王小明": "13900002222"}
    assert phones(officer)["王小明"] == "13900002222"
    assert phones(collector) == {"王秀英": "138****1234", "王小明": "139****2222"}
    assert api(worker_b).get(f"/api/v1/property/households/{estate.household_a.pk}").status_code == 404


def test_resident_list_masks_phones_for_other_communities_officer_does_not(worker, estate, api):
    ResidencyFactory(resident=ResidentFactory(phone="13700003333"), household=estate.household_a2)
    items = api(worker).get(f"/api/v1/property/residents?household={estate.household_a2.pk}").json()["items"]
    assert [r["phone"] for r in items] == ["13700003333"]


def test_invalid_household_names_each_field_and_writes_nothing(worker, estate, api):
    before = Household.objects.count()
    response = api(worker).post(
        "/api/v1/property/households",
        {"building": estate.building_a.pk, "unit_label": "", "floor": "x", "building_area": "-3"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"unit_label", "floor", "building_area"}
    assert Household.objects.count() == before


def test_malformed_json_is_422_not_500(worker, api):
    response = api(worker).post("/api/v1/property/households", "{bad", content_type="application/json")
    assert response.status_code == 422
    assert "body" in response.json()["fields"]


def test_area_with_three_decimals_is_refused(worker, estate, api):
    response = api(worker).post(
        "/api/v1/property/households",
        {"building": estate.building_a.pk, "unit_label": "2-101", "floor": 1, "building_area": "88.123"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["building_area"]


def test_worker_creates_a_household_with_exact_area_and_history(worker, estate, api):
    response = api(worker).post(
        "/api/v1/property/households",
        {
            "building": estate.building_a.pk,
            "unit_label": "2-301",
            "floor": 3,
            "building_area": "76.35",
            "inner_area": "60.10",
            "area_source": "survey",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["building_area"] == "76.35"
    household = Household.objects.get(pk=body["id"])
    assert household.building_area == Decimal("76.35")
    event = AuditEvent.objects.get(action="household.create", object_id=household.pk)
    assert event.actor == worker


def test_floor_above_the_building_is_refused(worker, estate, api):
    response = api(worker).post(
        "/api/v1/property/households",
        {"building": estate.building_a.pk, "unit_label": "9-901", "floor": 9, "building_area": "70.00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["floor"]


def test_duplicate_unit_in_a_building_is_409(worker, estate, api):
    response = api(worker).post(
        "/api/v1/property/households",
        {"building": estate.building_a.pk, "unit_label": "1-101", "floor": 1, "building_area": "70.00"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


def test_worker_cannot_add_to_another_communitys_building(worker, estate, api):
    response = api(worker).post(
        "/api/v1/property/households",
        {"building": estate.building_b.pk, "unit_label": "5-101", "floor": 1, "building_area": "70.00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["building"]
    assert not Household.objects.filter(unit_label="5-101").exists()


def test_collector_may_read_but_not_register(collector, estate, api):
    client = api(collector)
    assert client.get(f"/api/v1/property/households/{estate.household_a.pk}").status_code == 200
    response = client.post(
        "/api/v1/property/buildings",
        {"compound": estate.compound_a.pk, "name": "8号楼", "floors": 6},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Building.objects.filter(name="8号楼").exists()


def test_resident_with_a_bad_id_number_writes_nothing(worker, estate, api):
    before = (Resident.objects.count(), Residency.objects.count())
    response = api(worker).post(
        "/api/v1/property/residents",
        {
            "name": "张伟",
            "phone": "13511112222",
            "id_number": "110105194912310021",
            "household": estate.household_a.pk,
            "started_on": "2024-05-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["id_number"]
    assert (Resident.objects.count(), Residency.objects.count()) == before


def test_resident_is_registered_with_a_masked_id_and_a_residency(worker, estate, api):
    response = api(worker).post(
        "/api/v1/property/residents",
        {
            "name": "张伟",
            "phone": "13511112222",
            "id_number": VALID_ID.lower(),
            "is_party_member": True,
            "household": estate.household_a.pk,
            "relation": "tenant",
            "started_on": "2024-05-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    resident = Resident.objects.get(pk=response.json()["id"])
    assert resident.id_number_masked == "110***********002X"
    assert VALID_ID not in {resident.id_number_masked, resident.id_number_digest}
    assert response.json()["residencies"] == [
        {
            "id": resident.residencies.get().pk,
            "household": estate.household_a.pk,
            "relation": "tenant",
            "started_on": "2024-05-01",
            "ended_on": None,
        }
    ]
    again = api(worker).post(
        "/api/v1/property/residents",
        {
            "name": "张伟",
            "id_number": VALID_ID,
            "household": estate.household_a2.pk,
            "started_on": "2024-05-01",
        },
        content_type="application/json",
    )
    assert again.status_code == 409
    assert list(again.json()["fields"]) == ["id_number"]


def test_ending_a_residency_keeps_it_as_history(worker, owner, estate, api):
    residency = Residency.objects.get(resident__user=owner)
    client = api(worker)
    response = client.post(
        f"/api/v1/property/residencies/{residency.pk}/end",
        {"ended_on": "2025-06-30"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["ended_on"] == "2025-06-30"
    repeat = client.post(
        f"/api/v1/property/residencies/{residency.pk}/end",
        {"ended_on": "2025-07-30"},
        content_type="application/json",
    )
    assert repeat.status_code == 409
    detail = client.get(f"/api/v1/property/households/{estate.household_a.pk}").json()
    assert [(r["name"], r["ended_on"]) for r in detail["residents"]] == [("王秀英", "2025-06-30")]
    # the former owner no longer sees the household
    assert api(owner).get(f"/api/v1/property/households/{estate.household_a.pk}").status_code == 404


def test_compound_patch_by_worker_is_recorded(worker, estate, api):
    response = api(worker).patch(
        f"/api/v1/property/compounds/{estate.compound_a.pk}",
        {"management_mode": "red_property"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["management_mode"] == "red_property"
    event = AuditEvent.objects.get(action="compound.update")
    assert event.data == {"before": {"management_mode": "none"}, "after": {"management_mode": "red_property"}}


def test_compound_patch_with_an_unknown_mode_names_the_field(worker, estate, api):
    response = api(worker).patch(
        f"/api/v1/property/compounds/{estate.compound_a.pk}",
        {"management_mode": "magic"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["management_mode"]
    assert Compound.objects.get(pk=estate.compound_a.pk).management_mode == "none"


def test_compound_patch_by_worker_of_another_community_is_404(worker_b, estate, api):
    response = api(worker_b).patch(
        f"/api/v1/property/compounds/{estate.compound_a.pk}",
        {"name": "改名"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_compound_detail_has_counts(worker, estate, api):
    body = api(worker).get(f"/api/v1/property/compounds/{estate.compound_a.pk}").json()
    assert (body["building_count"], body["household_count"]) == (1, 2)
    assert body["management_plan"] is None


def test_household_list_query_count_does_not_grow_with_the_page(
    worker, estate, api, django_assert_num_queries
):
    for n in range(60):
        HouseholdFactory(building=estate.building_a, unit_label=f"3-{n:03d}")
    client = api(worker)
    url = f"/api/v1/property/households?compound={estate.compound_a.pk}"
    # The first request reads the token (with its user), records its use, reads the worker's
    # posts and homes; all of them are cached for a minute.
    client.get(url)
    for limit in (5, 50):
        # 1 query: the page with its count (COUNT(*) OVER ()).
        with django_assert_num_queries(1):
            body = client.get(f"{url}&limit={limit}").json()
        assert len(body["items"]) == limit
        assert body["count"] == 62


def test_limit_over_the_maximum_is_422(worker, api):
    response = api(worker).get("/api/v1/property/households?limit=100000")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["limit"]


def test_openapi_documents_every_operation_and_its_errors(db):
    from django.test import Client

    schema = Client().get("/api/v1/openapi.json").json()
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 15
    for path, method, op in operations:
        if path.endswith("/health"):
            continue
        codes = set(op["responses"])
        if not path.endswith("/auth/token") and "/public/" not in path:
            assert "401" in codes, (path, method)
        if method in {"post", "patch"} or "{" in path or op.get("parameters"):
            assert "422" in codes, (path, method)
        if "{" in path:
            assert "404" in codes, (path, method)


def test_count_is_right_on_every_page_and_past_the_end(worker, estate, api):
    for n in range(7):
        HouseholdFactory(building=estate.building_a, unit_label=f"4-{n:03d}")
    client = api(worker)
    pages = [client.get(f"/api/v1/property/households?limit=4&offset={o}").json() for o in (0, 4, 8, 12)]
    assert [p["count"] for p in pages] == [9, 9, 9, 9]
    assert [len(p["items"]) for p in pages] == [4, 4, 1, 0]
    ids = [h["id"] for p in pages for h in p["items"]]
    assert len(set(ids)) == 9


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/property/households/99999999999999999999",
        "/api/v1/property/households?compound=99999999999999999999",
        "/api/v1/property/households?compound=abc",
        "/api/v1/property/compounds/abc",
    ],
)
def test_odd_ids_get_a_4xx_answer_never_a_500(worker, api, path):
    response = api(worker).get(path)
    if response.status_code == 200:  # PostgreSQL: Django answers an out-of-range filter with no rows
        assert response.json() == {"items": [], "count": 0}
    else:
        assert response.status_code in (404, 422)
        assert response.json()["code"] in ("invalid", "not_found")


def test_a_json_list_instead_of_an_object_is_422(worker, api):
    response = api(worker).post("/api/v1/property/buildings", [1, 2], content_type="application/json")
    assert response.status_code == 422


def test_officer_registers_a_community_and_a_worker_may_not(officer, worker, estate, api):
    payload = {"subdistrict": estate.subdistrict.pk, "name": "文化社区"}
    # The worker's own subdistrict is no secret to them: refused as not allowed (the service's check).
    refused = api(worker).post("/api/v1/property/communities", payload, content_type="application/json")
    assert refused.status_code == 403
    assert Community.objects.filter(name="文化社区").count() == 0
    created = api(officer).post("/api/v1/property/communities", payload, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["subdistrict_name"] == "东风街道"
    again = api(officer).post("/api/v1/property/communities", payload, content_type="application/json")
    assert again.status_code == 409


def test_worker_registers_a_compound_and_a_building_in_their_community(worker, estate, api):
    client = api(worker)
    compound = client.post(
        "/api/v1/property/compounds",
        {
            "community": estate.community_a.pk,
            "name": "粮食局宿舍",
            "year_built": 1992,
            "is_old": True,
            "management_mode": "self_managed",
        },
        content_type="application/json",
    )
    assert compound.status_code == 201
    building = client.post(
        "/api/v1/property/buildings",
        {"compound": compound.json()["id"], "name": "2号楼", "floors": 6},
        content_type="application/json",
    )
    assert building.status_code == 201
    assert building.json()["compound"] == compound.json()["id"]
    elsewhere = client.post(
        "/api/v1/property/compounds",
        {"community": estate.community_b.pk, "name": "别处"},
        content_type="application/json",
    )
    assert elsewhere.status_code == 422
    assert list(elsewhere.json()["fields"]) == ["community"]
