import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from grid import services
from grid.models import Incident, Inspection
from tests.grid.test_reports import png_bytes

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_resident_reports_with_a_photo_and_only_those_who_see_it_get_the_photo(
    grids, owner, category, worker_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    answer = signed_in(owner).post(
        "/grid/incidents/new/",
        {
            "grid": grids.a.pk,
            "category": category.pk,
            "place": "东门",
            "description": "路灯不亮",
            "photo": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
        },
    )
    incident = Incident.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/grid/incidents/{incident.pk}/"
    photo = signed_in(owner).get(f"/grid/incidents/{incident.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert signed_in(worker_b).get(f"/grid/incidents/{incident.pk}/photo/").status_code == 404


def test_a_bad_photo_is_shown_on_its_field(grids, owner, category, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    answer = signed_in(owner).post(
        "/grid/incidents/new/",
        {
            "grid": grids.a.pk,
            "category": category.pk,
            "place": "东门",
            "description": "x",
            "photo": SimpleUploadedFile("p.png", b"<script>", content_type="image/png"),
        },
    )
    assert answer.status_code == 200 and answer.context["form"].errors["photo"]
    assert not Incident.objects.exists()


def test_the_incident_page_offers_only_the_steps_the_user_may_take(grids, owner, category):
    incident = services.incident_report(
        actor=owner, grid=grids.a, category=category, place="x", description="y"
    )
    runner = signed_in(grids.grid_worker_a.user)
    assert runner.get(f"/grid/incidents/{incident.pk}/").context["actions"] == ["dispatch", "reject"]
    assert signed_in(owner).get(f"/grid/incidents/{incident.pk}/").context["actions"] == []
    runner.post(f"/grid/incidents/{incident.pk}/dispatch/", {"unit": grids.police_station.pk})
    police = signed_in(grids.police_a.user)
    assert police.get(f"/grid/incidents/{incident.pk}/").context["actions"] == ["accept", "return", "extend"]
    police.post(f"/grid/incidents/{incident.pk}/accept/")
    police.post(f"/grid/incidents/{incident.pk}/resolve/", {"note": "已更换灯泡"})
    runner.post(f"/grid/incidents/{incident.pk}/verify/")
    incident.refresh_from_db()
    assert (incident.status, incident.measures) == ("closed", "已更换灯泡")
    signed_in(owner).post(f"/grid/incidents/{incident.pk}/rate/", {"score": "4"})
    incident.refresh_from_db()
    assert incident.rating == 4


def test_the_board_filters_and_lists_what_my_unit_must_act_on(grids, owner, category, worker):
    late = services.incident_report(
        actor=owner,
        grid=grids.a,
        category=category,
        place="x",
        description="y",
        now=timezone.now() - timedelta(days=2),
    )
    services.incident_step(
        actor=worker,
        incident=late,
        action="dispatch",
        unit=grids.police_station,
        now=timezone.now() - timedelta(days=2),
    )
    services.incident_report(actor=owner, grid=grids.b, category=category, place="x", description="y")
    board = signed_in(worker).get("/grid/incidents/?overdue=on")
    assert [i.pk for i in board.context["incidents"]] == [late.pk]
    assert len(signed_in(worker).get(f"/grid/incidents/?grid={grids.b.pk}").context["incidents"]) == 1
    assert [i.pk for i in signed_in(grids.police_a.user).get("/grid/incidents/").context["mine"]] == [late.pk]


def test_the_cleaner_inspects_the_grid_on_a_page(grids, cleaner):
    from grid.models import ChecklistItem

    items = list(ChecklistItem.objects.filter(community__isnull=True))
    data = {f"item_{i.pk}": "pass" for i in items}
    data[f"item_{items[1].pk}"] = "fail"
    data[f"finding_{items[1].pk}"] = "消防通道被占"
    answer = signed_in(cleaner).post(f"/grid/grids/{grids.a.pk}/inspect/", data)
    assert answer.status_code == 302
    assert [f.text for f in Inspection.objects.get().findings.all()] == ["消防通道被占"]


def test_the_daily_report_page_prints_for_staff_only(grids, worker, owner):
    page = signed_in(worker).get(f"/grid/reports/daily/?community={grids.a.community_id}")
    assert page.status_code == 200 and 'data-testid="daily-report"' in page.content.decode()
    assert [g["name"] for g in page.context["report"]["grids"]] == ["第一网格", "第二网格"]
    assert [g.name for g, _missing in page.context["gaps"]] == [
        "第一网格",
        "第二网格",
    ]  # no property manager yet
    assert signed_in(owner).get(f"/grid/reports/daily/?community={grids.a.community_id}").status_code == 403


def test_the_overdue_unit_list_is_public(grids):
    assert Client().get("/grid/overdue-units/").status_code == 200


def test_start_duty_is_offered_only_when_it_can_be_taken_and_a_refusal_looks_like_one(world):
    later = world.duty(starts_in=timedelta(hours=20))  # tomorrow's shift
    soon = world.duty(starts_in=timedelta(minutes=10))
    client = signed_in(world.users["cleaner"])
    page = client.get("/grid/").content.decode()
    assert f"/grid/duty/{soon.pk}/start/" in page and f"/grid/duty/{later.pk}/start/" not in page
    opens = services.start_opens(later)
    assert "可于" in page and f"{timezone.localtime(opens):%H:%M}" in page  # when it can be
    refused = client.post(f"/grid/duty/{later.pk}/start/", follow=True).content.decode()
    assert 'class="flash error" role="alert"' in refused  # an error, not styled as a success


def test_the_board_names_community_grid_and_dates_and_its_grid_filter_is_unambiguous(world):
    from grid.models import Grid

    incident = world.incident("dispatched")
    Grid.objects.create(
        community=world.estate.community_b, name=world.grids.a.name
    )  # the same name elsewhere
    client = signed_in(world.users["officer"])
    page = client.get("/grid/incidents/").content.decode()
    grid = world.grids.a
    assert f"{grid.community.name} · {grid.name}" in page
    assert f"{timezone.localtime(incident.reported_at):%H:%M}" in page and "期限" in page
    options = re.findall(
        r'<option value="\d+">([^<]+)</option>', page.split('name="grid"')[1].split("</select>")[0]
    )
    assert len(options) == len(set(options)) >= 2  # 社区 · 网格, none named twice


def test_the_incident_page_shows_the_compound_and_leads_back_where_one_came_from(world):
    incident = world.incident("dispatched")
    client = signed_in(world.users["officer"])
    board = client.get("/grid/incidents/?status=dispatched").content.decode()
    link = re.search(rf'href="(/grid/incidents/{incident.pk}/\?next=[^"]+)"', board).group(1)
    page = client.get(link.replace("&amp;", "&")).content.decode()
    compound = world.grids.a.compounds.get()
    assert compound.name in page.split('data-testid="incident-compound"')[1][:200]
    back = re.search(r'href="([^"]+)" data-testid="back"', page).group(1)
    assert back.replace("&amp;", "&") == "/grid/incidents/?status=dispatched"
    elsewhere = client.get(f"/grid/incidents/{incident.pk}/?next=https://evil.example/").content.decode()
    assert re.search(r'href="([^"]+)" data-testid="back"', elsewhere).group(1) == "/grid/incidents/"


def test_a_finding_at_the_end_of_duty_carries_a_photo_into_its_incident(world, settings, tmp_path):
    from grid.models import Finding

    settings.MEDIA_ROOT = tmp_path
    shift = world.duty(started=True)
    client = signed_in(world.users["cleaner"])
    bad = client.post(
        f"/grid/duty/{shift.pk}/end/",
        {
            "finding_0": "井盖破损",
            "photo_0": SimpleUploadedFile("p.png", b"<script>", content_type="image/png"),
        },
    )
    assert bad.status_code == 200 and not Finding.objects.exists()  # refused, nothing written
    ended = client.post(
        f"/grid/duty/{shift.pk}/end/",
        {
            "finding_0": "井盖破损",
            "place_0": "2号楼南",
            "photo_0": SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
        },
    )
    assert ended.status_code == 302
    finding = Finding.objects.get()
    assert finding.photo.name.startswith("findings/") and finding.photo.name.endswith(".png")
    incident = services.finding_to_incident(
        actor=world.users["cleaner"], finding=finding, category=world.category
    )
    assert incident.photo.name == finding.photo.name
    assert client.get(f"/grid/incidents/{incident.pk}/photo/").status_code == 200
