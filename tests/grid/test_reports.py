"""Inspections, photos, the daily report against hand-counted data, list query counts."""

import io
import os
from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from grid import selectors, services
from grid.models import ChecklistItem, DutyShift, Finding, Incident, Inspection

pytestmark = pytest.mark.django_db


def png_bytes(size=(8, 8)):
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, format="PNG")
    return out.getvalue()


def report(api, user, grids, category, photo=None):
    data = {
        "grid": grids.a.pk,
        "category": category.pk,
        "place": "3号楼北侧",
        "description": "垃圾堆放未清运",
    }
    if photo is not None:
        data["photo"] = photo
    return api(user).post("/api/v1/grid/incidents", data)


def test_a_resident_reports_an_incident_with_a_photo_stored_under_a_name_we_choose(
    api, grids, owner, category, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    answer = report(
        api,
        owner,
        grids,
        category,
        SimpleUploadedFile("../../etc/passwd.png", png_bytes(), content_type="image/png"),
    )
    assert answer.status_code == 201, answer.content
    incident = Incident.objects.get()
    assert incident.photo.name.startswith("incidents/") and incident.photo.name.endswith(".png")
    assert "passwd" not in incident.photo.name and (tmp_path / incident.photo.name).exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg"),
        SimpleUploadedFile("photo.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"),
    ],
)
def test_an_upload_that_is_not_an_accepted_image_is_422_and_nothing_is_written(
    api, grids, owner, category, upload, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    answer = report(api, owner, grids, category, upload)
    assert answer.status_code == 422 and "photo" in answer.json()["fields"]
    assert not Incident.objects.exists() and not any(tmp_path.rglob("*.*"))


def test_a_photo_too_large_is_422(api, grids, owner, category, settings, tmp_path):
    settings.MEDIA_ROOT, settings.PHOTO_MAX_BYTES = tmp_path, 1000
    answer = report(
        api,
        owner,
        grids,
        category,
        SimpleUploadedFile("big.png", png_bytes((40, 40)), content_type="image/png"),
    )
    assert answer.status_code == 422 and "photo" in answer.json()["fields"]
    assert not Incident.objects.exists()


def test_someone_from_another_community_cannot_report_in_the_grid(api, grids, worker_b, category):
    answer = report(api, worker_b, grids, category)
    assert answer.status_code == 422 and "grid" in answer.json()["fields"]


def checklist(grid, failed=None):
    items = list(ChecklistItem.objects.filter(community__isnull=True))
    return [
        {
            "item": i.pk,
            "passed": i.code != failed,
            "finding": "门口占道摆摊" if i.code == failed else "",
            "place": "东门",
        }
        for i in items
    ]


def test_an_inspection_checks_every_item_and_a_failed_one_is_a_finding(api, grids, cleaner):
    client = api(cleaner)
    partial = client.post(
        "/api/v1/grid/inspections",
        {"grid": grids.a.pk, "results": checklist(grids.a)[:2]},
        content_type="application/json",
    )
    assert partial.status_code == 422 and "results" in partial.json()["fields"]
    no_text = checklist(grids.a, failed="no_street_vending")
    no_text[2]["finding"] = ""
    assert (
        client.post(
            "/api/v1/grid/inspections",
            {"grid": grids.a.pk, "results": no_text},
            content_type="application/json",
        ).status_code
        == 422
    )
    assert not Inspection.objects.exists()
    done = client.post(
        "/api/v1/grid/inspections",
        {"grid": grids.a.pk, "results": checklist(grids.a, failed="no_street_vending")},
        content_type="application/json",
    )
    assert done.status_code == 201
    assert [f["text"] for f in done.json()["findings"]] == ["门口占道摆摊"]


def test_the_daily_report_matches_hand_counted_figures(
    grids, worker, cleaner, owner, category, django_assert_num_queries
):
    day = timezone.localdate() - timedelta(days=1)

    def on(hour):
        return timezone.make_aware(datetime.combine(day, time(hour)))

    a, b = grids.cleaner_a, grids.cleaner_b
    for assignment, hour, status, late in [
        (a, 6, "done", False),
        (a, 11, "done", True),
        (a, 15, "missed", True),
        (grids.police_a, 19, "done", False),
        (b, 6, "missed", True),
    ]:
        DutyShift.objects.create(
            assignment=assignment,
            staff_id=assignment.user_id,
            grid_id=assignment.grid_id,
            role=assignment.role,
            starts_at=on(hour),
            ends_at=on(hour + 2),
            status=status,
            late=late,
        )
    DutyShift.objects.create(  # the next day: not in the report
        assignment=a,
        staff_id=a.user_id,
        grid_id=a.grid_id,
        role=a.role,
        starts_at=on(6) + timedelta(days=1),
        ends_at=on(8) + timedelta(days=1),
    )
    Inspection.objects.create(grid=grids.a, inspector=cleaner, done_at=on(9), day=day)
    Finding.objects.create(grid=grids.a, text="x", found_by=cleaner, found_at=on(9))
    Finding.objects.create(grid=grids.a, text="y", found_by=cleaner, found_at=on(9) - timedelta(days=1))
    runner = grids.grid_worker_a.user
    opened = services.incident_report(
        actor=owner, grid=grids.a, category=category, place="p", description="d", now=on(8)
    )
    old = services.incident_report(
        actor=owner,
        grid=grids.a,
        category=category,
        place="p",
        description="d",
        now=on(8) - timedelta(days=3),
    )
    services.incident_step(
        actor=runner,
        incident=old,
        action="dispatch",
        unit=grids.police_station,
        now=on(8) - timedelta(days=3),
    )
    closed = services.incident_report(
        actor=owner,
        grid=grids.b,
        category=category,
        place="p",
        description="d",
        now=on(7) - timedelta(days=1),
    )
    Incident.objects.filter(pk=closed.pk).update(status="closed", closed_at=on(12))
    resolved = services.incident_report(
        actor=owner,
        grid=grids.b,
        category=category,
        place="p",
        description="d",
        now=on(7) - timedelta(days=2),
    )
    # Fixed by the unit and waiting for the grid worker's check: not overdue any more.
    Incident.objects.filter(pk=resolved.pk).update(status="resolved", unit=grids.cleaning, deadline=on(0))
    with django_assert_num_queries(6):  # five, and renovation's projects on site (none here)
        figures = selectors.daily_report(grids.a.community, day)
    rows = {r["name"]: r for r in figures["grids"]}
    assert rows["第一网格"]["duty"] == {
        "cleaner": {"planned": 3, "done": 2, "left_early": 0, "on_duty": 0, "late": 2, "missed": 1},
        "police": {"planned": 1, "done": 1, "left_early": 0, "on_duty": 0, "late": 0, "missed": 0},
    }
    assert rows["第二网格"]["duty"] == {
        "cleaner": {"planned": 1, "done": 0, "left_early": 0, "on_duty": 0, "late": 1, "missed": 1}
    }
    assert (rows["第一网格"]["inspections"], rows["第一网格"]["findings"]) == (1, 1)
    assert (rows["第一网格"]["opened"], rows["第一网格"]["closed"], rows["第一网格"]["overdue"]) == (1, 0, 1)
    assert (rows["第二网格"]["opened"], rows["第二网格"]["closed"], rows["第二网格"]["overdue"]) == (0, 1, 0)
    assert figures["totals"]["duty"]["cleaner"]["missed"] == 2 and figures["totals"]["opened"] == 1
    assert opened.pk != old.pk


def test_the_daily_report_is_for_staff(api, grids, worker, owner):
    assert api(worker).get(f"/api/v1/grid/reports/daily?community={grids.a.community_id}").status_code == 200
    assert api(owner).get(f"/api/v1/grid/reports/daily?community={grids.a.community_id}").status_code == 403


def test_beat_keeps_each_evenings_report(grids):
    from grid.models import DailyReport

    day = date(2026, 11, 25)
    assert services.daily_reports_store(day) == 1
    assert services.daily_reports_store(day) == 1
    assert DailyReport.objects.get().figures["date"] == "2026-11-25"


@pytest.mark.parametrize(
    "url,queries",
    [
        # The page with its count; scopes are subqueries.
        ("/api/v1/grid/duty-shifts", 1),
        ("/api/v1/grid/incidents", 1),
        # ... and the compounds of the page's grids.
        ("/api/v1/grid/grids", 2),
    ],
)
def test_list_query_count_is_fixed(
    api, grids, worker, owner, category, django_assert_num_queries, url, queries
):
    now = timezone.now()
    for n in range(12):
        services.duty_shift_create(
            actor=worker,
            assignment=grids.cleaner_a,
            starts_at=now + timedelta(hours=3 * n),
            ends_at=now + timedelta(hours=3 * n + 2),
        )
        services.incident_report(actor=owner, grid=grids.a, category=category, place="p", description="d")
    client = api(worker)
    client.get(url)
    for limit in (1, 10):
        with django_assert_num_queries(queries):
            body = client.get(f"{url}?limit={limit}").json()
        assert len(body["items"]) == min(limit, body["count"])
