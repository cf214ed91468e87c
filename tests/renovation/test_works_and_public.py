"""Works notices reach exactly the people of the buildings named; the public view of a compound's
renovation needs no sign-in and shows stage, items and progress, money, units and upcoming works."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Notification
from renovation.models import Project, WorksNotice
from tests.factories import BuildingFactory, HouseholdFactory, ResidencyFactory, ResidentFactory, UserFactory
from tests.renovation.test_projects import item_id, ok, patch, photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(world):
    """Compound A's project in construction (tests/world.py)."""
    return world.project("construction")


def lives_in(household, username, **extra):
    user = UserFactory(username=username)
    ResidencyFactory(resident=ResidentFactory(user=user), household=household, **extra)
    return user


def notice_body(project, compound, buildings, **extra):
    start = timezone.now() + timedelta(days=1)
    return {
        "project": project.pk,
        "compound": compound.pk,
        "buildings": [b.pk for b in buildings],
        "kind": "water",
        "title": "3号楼停水",
        "body": "更换给水立管，请提前储水。",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=8)).isoformat(),
        **extra,
    }


def test_a_works_notice_reaches_exactly_the_people_living_in_the_buildings_named(
    api, world, site, django_capture_on_commit_callbacks
):
    estate = world.estate
    target = BuildingFactory(compound=estate.compound_a, name="3号楼")
    other = BuildingFactory(compound=estate.compound_a, name="4号楼")
    unit_1, unit_2 = (
        HouseholdFactory(building=target, unit_label="3-101"),
        HouseholdFactory(building=target, unit_label="3-102"),
    )
    told = {lives_in(unit_1, "zhang"), lives_in(unit_1, "zhang_son"), lives_in(unit_2, "li")}
    lives_in(HouseholdFactory(building=other, unit_label="4-101"), "neighbour")
    lives_in(unit_2, "moved_out", started_on=date(2020, 1, 1), ended_on=date(2024, 1, 1))
    ResidencyFactory(resident=ResidentFactory(), household=unit_2)  # no account: nothing to send to
    with django_capture_on_commit_callbacks(execute=True):
        data = ok(
            api(world.users["worker"]).post(
                "/api/v1/renovation/works-notices",
                notice_body(site, estate.compound_a, [target]),
                content_type="application/json",
            ),
            201,
        )
    sent = Notification.objects.filter(dedupe_key=f"works-notice:{data['id']}")
    assert {n.user for n in sent} == told
    assert sent.count() == 3 and "停水" in sent.first().body
    assert WorksNotice.objects.get(pk=data["id"]).sent_to == 3
    from renovation.services import works_notice_send

    assert works_notice_send(data["id"]) == 0  # sent again (a retried task): nobody twice
    assert Notification.objects.filter(dedupe_key=f"works-notice:{data['id']}").count() == 3


def test_a_works_notice_with_bad_dates_or_buildings_is_422_and_writes_nothing(api, world, site):
    estate = world.estate
    worker = api(world.users["worker"])
    building = BuildingFactory(compound=estate.compound_a, name="3号楼")
    elsewhere = BuildingFactory(compound=estate.compound_b, name="9号楼")
    now = timezone.now()
    cases = [
        (
            notice_body(site, estate.compound_a, [building], ends_at=(now + timedelta(hours=1)).isoformat()),
            "ends_at",
        ),
        (
            notice_body(
                site,
                estate.compound_a,
                [building],
                starts_at=(now - timedelta(days=2)).isoformat(),
                ends_at=(now - timedelta(days=1)).isoformat(),
            ),
            "ends_at",
        ),
        (notice_body(site, estate.compound_a, [elsewhere]), "buildings"),
        ({**notice_body(site, estate.compound_a, [building]), "buildings": [999999]}, "buildings"),
        ({**notice_body(site, estate.compound_a, [building]), "buildings": []}, "buildings"),
        ({**notice_body(site, estate.compound_a, [building]), "kind": "flood"}, "kind"),
        (notice_body(site, estate.compound_b, [elsewhere]), "compound"),
    ]
    for body, field in cases:
        answer = worker.post("/api/v1/renovation/works-notices", body, content_type="application/json")
        assert answer.status_code == 422 and field in answer.json()["fields"], (field, answer.json())
    assert not WorksNotice.objects.exists() and not Notification.objects.exists()


def test_the_public_view_of_a_compound_shows_its_project_and_upcoming_works_without_sign_in(
    api, world, site, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    worker = world.users["worker"]
    roads = site.items.get(item__code="site-roads")
    ok(
        api(worker).post(
            f"/api/v1/renovation/projects/{site.pk}/progress",
            {"item": roads.pk, "percent": 70, "note": "沥青摊铺完成", "photos": [photo()]},
        ),
        201,
    )
    building = BuildingFactory(compound=world.estate.compound_a, name="3号楼")
    ok(
        api(worker).post(
            "/api/v1/renovation/works-notices",
            notice_body(site, world.estate.compound_a, [building]),
            content_type="application/json",
        ),
        201,
    )
    WorksNotice.objects.create(  # over yesterday: no longer shown
        project=site,
        compound=world.estate.compound_a,
        kind="power",
        title="昨日停电",
        starts_at=timezone.now() - timedelta(days=1, hours=4),
        ends_at=timezone.now() - timedelta(days=1),
        created_by=worker,
    )
    data = ok(Client().get(f"/api/v1/renovation/public/compounds/{world.estate.compound_a.pk}"))
    (project,) = data["projects"]
    assert (project["stage"], project["totals"]["percent_done"]) == ("construction", 35)
    item = next(i for i in project["items"] if i["name"] == roads.item.name)
    assert (item["percent"], item["note"], len(item["photos"])) == (70, "沥青摊铺完成", 1)
    assert Client().get(item["photos"][0]).status_code == 200
    assert {u["role"] for u in project["units"]} == {"construction", "supervision"}
    assert [w["title"] for w in data["works"]] == ["3号楼停水"]
    page = Client().get(f"/c/{world.estate.compound_a.pk}/").content.decode()
    assert "3号楼停水" in page and "昨日停电" not in page
    assert "沥青摊铺完成" in page and 'value="70"' in page and "tel:13700001111" in page
    assert Client().get("/api/v1/renovation/public/compounds/999999").status_code == 404


def test_changes_made_after_hand_over_are_refused(api, world, site):
    Project.objects.filter(pk=site.pk).update(stage="handed_over")
    answer = patch(
        api,
        world.users["worker"],
        {"id": site.pk},
        {"items": [{"item": item_id("site-roads"), "budget": "1.00"}]},
    )
    assert answer.status_code == 409 and answer.json()["code"] == "wrong_state"
