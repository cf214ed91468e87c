"""The same name in the same compound without an ID number telling them apart is asked about, not
taken as a new person (one owner, two heads in a vote): on the API (409 with the candidate,
overridable), on the page and in a households ledger."""

import pytest
from django.utils import timezone

from property.models import Residency, Resident
from property.register import services
from property.register.permissions import phone_for_viewer
from tests.factories import BuildingFactory, CompoundFactory, HouseholdFactory

pytestmark = pytest.mark.django_db
ID = "110101199003074514"
OTHER_ID = "110101199003078670"


@pytest.fixture
def zhang(estate, worker):
    """张伟, owner of 1-101 in compound A, registered without an ID number."""
    return services.resident_create(
        actor=worker,
        name="张伟",
        phone="13911112222",
        household=estate.household_a,
        relation="owner",
        started_on=timezone.localdate(),
    )


def register(api, worker, household, **fields):
    body = {"name": "张伟", "household": household.pk, "started_on": "2026-01-01", **fields}
    return api(worker).post("/api/v1/property/residents", body, content_type="application/json")


def test_the_api_asks_before_a_second_person_of_the_same_name_in_the_compound(api, estate, worker, zhang):
    asked = register(api, worker, estate.household_a2)
    assert (asked.status_code, asked.json()["code"], list(asked.json()["fields"])) == (
        409,
        "possible_duplicate",
        ["name"],
    )
    assert asked.json()["candidates"] == [
        {
            "id": zhang.pk,
            "name": "张伟",
            "phone": "139****2222",
            "units": [{"household": estate.household_a.pk, "name": str(estate.household_a)}],
        }
    ]
    assert Resident.objects.filter(name="张伟").count() == 1
    confirmed = register(api, worker, estate.household_a2, confirm_new=True)
    assert (confirmed.status_code, Resident.objects.filter(name="张伟").count()) == (201, 2)


def test_a_different_id_number_tells_namesakes_apart_and_nobody_is_asked(api, estate, worker):
    services.resident_create(
        actor=worker,
        name="张伟",
        id_number=ID,
        household=estate.household_a,
        relation="owner",
        started_on=timezone.localdate(),
    )
    assert register(api, worker, estate.household_a2, id_number=OTHER_ID).status_code == 201


def test_an_id_number_on_one_side_only_does_not_tell_them_apart(api, estate, worker, zhang):
    asked = register(api, worker, estate.household_a2, id_number=ID)
    assert (asked.status_code, asked.json()["code"]) == (409, "possible_duplicate")


def test_a_namesake_in_another_compound_is_not_asked_about(api, estate, worker, zhang):
    elsewhere = HouseholdFactory(
        building=BuildingFactory(compound=CompoundFactory(community=estate.community_a, name="机械厂家属院"))
    )
    assert register(api, worker, elsewhere).status_code == 201


def test_the_page_asks_and_the_worker_picks_the_same_person_or_a_different_one(client, estate, worker, zhang):
    client.force_login(worker)
    add = f"/property/households/{estate.household_a2.pk}/residents/add/"
    body = {"name": "张伟", "relation": "owner", "started_on": "2026-01-01"}
    offered = client.post(add, body).content.decode()
    phone = phone_for_viewer(worker, zhang, estate.community_a)
    shown = ('data-testid="matches"' in offered, phone in offered, str(estate.household_a) in offered)
    assert (shown, bool(phone)) == ((True, True, True), True)
    assert Resident.objects.filter(name="张伟").count() == 1
    same = client.post(f"/property/households/{estate.household_a2.pk}/residents/{zhang.pk}/", body)
    assert same.status_code == 302
    assert set(Residency.objects.filter(resident=zhang).values_list("household_id", flat=True)) == {
        estate.household_a.pk,
        estate.household_a2.pk,
    }
    other = HouseholdFactory(building=estate.building_a, unit_label="1-103")
    add = f"/property/households/{other.pk}/residents/add/"
    assert 'data-testid="matches"' in client.post(add, body).content.decode()
    assert client.post(add, {**body, "someone_else": "1"}).status_code == 302
    assert Resident.objects.filter(name="张伟").count() == 2


HEADERS = (
    "楼栋,单元,房号,楼层,建筑面积（㎡）,套内面积,面积来源,户主姓名,关系,手机号码,身份证号,党员,入住日期,未售"
)


def ledger(client, capture, compound, *rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.imports import import_ledger

    data = ("\n".join([HEADERS, *rows]) + "\n").encode("gb18030")
    file = SimpleUploadedFile("台账.csv", data, "text/csv")
    return import_ledger(
        client, capture, file=file, kind="households", compound=compound.pk, dry_run=False, accept="all"
    )


def test_a_ledger_row_of_a_namesake_with_nothing_to_tell_them_apart_is_refused(
    api, estate, worker, zhang, django_capture_on_commit_callbacks
):
    client, capture = api(worker), django_capture_on_commit_callbacks
    refused = ledger(client, capture, estate.compound_a, "1号楼,1,102,1,60,,,张伟,业主,,,否,,")
    assert (refused["status"], [(e["row"], e["column"]) for e in refused["errors"]]) == (
        "invalid",
        [(2, "户主姓名")],
    )
    assert str(estate.household_a) in refused["errors"][0]["message"]
    assert Resident.objects.filter(name="张伟").count() == 1
    same = ledger(client, capture, estate.compound_a, "1号楼,1,102,1,60,,,张伟,业主,13911112222,,否,,")
    assert same["status"] == "done"
    assert (Resident.objects.filter(name="张伟").count(), zhang.residencies.count()) == (1, 2)
    # An ID number where the registered one has none tells nobody apart; another mobile does.
    unsure = ledger(client, capture, estate.compound_a, f"1号楼,1,103,1,60,,,张伟,家属,,{ID},否,,")
    assert unsure["status"] == "invalid"
    other = ledger(client, capture, estate.compound_a, "1号楼,1,103,1,60,,,张伟,家属,13800000009,,否,,")
    assert (other["status"], Resident.objects.filter(name="张伟").count()) == ("done", 2)


def test_two_new_namesakes_in_one_ledger_must_be_told_apart(
    api, estate, worker, django_capture_on_commit_callbacks
):
    client, capture = api(worker), django_capture_on_commit_callbacks
    rows = ("1号楼,1,201,2,60,,,李娜,业主,,,否,,", "1号楼,1,202,2,60,,,李娜,业主,,,否,,")
    refused = ledger(client, capture, estate.compound_a, *rows)
    assert (refused["status"], [e["row"] for e in refused["errors"]]) == ("invalid", [3])
    told = (
        "1号楼,1,201,2,60,,,李娜,业主,13900000001,,否,,",
        "1号楼,1,202,2,60,,,李娜,业主,13900000002,,否,,",
    )
    assert ledger(client, capture, estate.compound_a, *told)["status"] == "done"
    assert Resident.objects.filter(name="李娜").count() == 2


def test_one_rule_tells_namesakes_apart_on_the_api_and_in_a_ledger(
    api, client, estate, worker, zhang, django_capture_on_commit_callbacks
):
    """register.selectors.told_apart: a different mobile on both sides is someone else, on the API as
    in a ledger; no mobile, or the same one, may be the same person, and both ask (the import refuses)."""
    assert register(api, worker, estate.household_a2).status_code == 409  # no mobile: asked
    assert register(api, worker, estate.household_a2, phone="13911112222").status_code == 409  # same mobile
    assert register(api, worker, estate.household_a2, phone="13733334444").status_code == 201  # told apart
    other = HouseholdFactory(building=estate.building_a, unit_label="1-109")
    client.force_login(worker)
    asked = ledger(
        client, django_capture_on_commit_callbacks, estate.compound_a, "1号楼,1,1-109,1,60,,,张伟,业主,,,,,"
    )
    apart = ledger(
        client,
        django_capture_on_commit_callbacks,
        estate.compound_a,
        "1号楼,1,1-109,1,60,,,张伟,业主,13755556666,,,,",
    )
    assert asked["status"] == "invalid" and apart["status"] == "done", (asked, apart)
    assert Resident.objects.filter(name="张伟", residencies__household=other).count() == 1


def test_the_prompt_tells_two_namesakes_apart_and_keeps_the_phone_typed(client, estate, worker):
    """Each 'the same person' button names the unit the person lives in (two 李娜 read apart), and the
    phone typed on the form is kept when the person offered had none."""
    import re

    first, second = (
        services.resident_create(
            actor=worker,
            name="李娜",
            household=h,
            relation="owner",
            started_on=timezone.localdate(),
            confirm_new=True,
        )
        for h in (estate.household_a, estate.household_a2)
    )
    client.force_login(worker)
    other = HouseholdFactory(building=estate.building_a, unit_label="1-108")
    body = {"name": "李娜", "phone": "13800001111", "relation": "tenant", "started_on": "2026-01-01"}
    page = client.post(f"/property/households/{other.pk}/residents/add/", body).content.decode()
    buttons = re.findall(r'<button type="submit" class="button primary">([^<]+)</button>', page)
    assert len(buttons) == 2 and buttons[0] != buttons[1], buttons
    assert str(estate.household_a) in buttons[0] and str(estate.household_a2) in buttons[1]
    assert 'name="phone" value="13800001111"' in page
    client.post(f"/property/households/{other.pk}/residents/{second.pk}/", body)
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.phone, first.phone) == ("13800001111", "")
    assert Residency.objects.filter(resident=second, household=other, relation="tenant").exists()
