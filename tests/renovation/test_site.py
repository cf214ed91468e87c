"""Site inspections, their findings run through grid's closed loop by the responsible unit's contact, the
acceptance with residents' representatives and its punch list, and the daily report's construction
section (issue 14)."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from core.periods import day_start
from grid import services as grid
from grid.models import Category, Incident, IncidentStatus, Unit
from grid.services import deadline_for
from renovation import defaults
from renovation.models import Contract, Project, SiteFinding, SiteInspection
from renovation.selectors import unit_figures
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ok(answer, status=200):
    assert answer.status_code == status, answer.content.decode()
    return answer.json()


@pytest.fixture
def site(world):
    """Compound A's project in construction: `builder` is the construction company's contact,
    `supervisor` the supervision company's."""
    defaults.ensure_categories(Category)
    project = world.project("construction")
    builder, supervisor = UserFactory(username="builder"), UserFactory(username="supervisor")
    contracts = {c.role: c for c in project.contracts.all()}
    Contract.objects.filter(pk=contracts["construction"].pk).update(contact_user=builder)
    Contract.objects.filter(pk=contracts["supervision"].pk).update(contact_user=supervisor)
    return {"project": project, "builder": builder, "supervisor": supervisor, **contracts}


def step(client, incident_id, action, note=""):
    return client.post(
        f"/api/v1/grid/incidents/{incident_id}/{action}", {"note": note}, content_type="application/json"
    )


def inspect(api, user, site, findings, compound=None):
    project = site["project"]
    return api(user).post(
        f"/api/v1/renovation/projects/{project.pk}/inspections",
        {"compound": compound or project.compounds.get().pk, "note": "例行巡查", "findings": findings},
        content_type="application/json",
    )


def test_findings_go_to_the_contracts_unit_with_deadlines_and_its_contact_runs_the_loop(
    api, world, site, owner
):
    today = timezone.localdate()
    findings = [
        {
            "contract": site["construction"].pk,
            "category": "works_quality",
            "place": "3号楼屋面",
            "text": "防水卷材搭接不足",
            "due_on": str(today + timedelta(days=5)),
        },
        {"contract": site["construction"].pk, "category": "works_safety", "text": "脚手架未设防护网"},
    ]
    data = ok(inspect(api, site["supervisor"], site, findings), 201)
    assert [f["status"] for f in data["findings"]] == ["dispatched", "dispatched"]
    assert {f["unit"] for f in data["findings"]} == {"宏达建设"}
    quality, safety = (Incident.objects.get(pk=f["incident"]) for f in data["findings"])
    assert quality.grid == world.grids.a and quality.place == "3号楼屋面"
    assert quality.deadline == day_start(today + timedelta(days=6))
    assert safety.deadline == deadline_for(safety.category, safety.reported_at)
    assert [s.action for s in quality.steps.order_by("id")] == ["report", "dispatch"]
    # the builder sees them and takes the unit's steps; the supervisor checks the work
    builder = api(site["builder"])
    listed = {i["id"] for i in ok(builder.get("/api/v1/grid/incidents"))["items"]}
    assert {quality.pk, safety.pk} <= listed
    ok(step(builder, quality.pk, "accept"))
    ok(step(builder, quality.pk, "resolve", "重新搭接并闭水试验"))
    assert step(builder, quality.pk, "verify").status_code == 403
    ok(step(api(site["supervisor"]), quality.pk, "verify"))
    quality.refresh_from_db()
    assert quality.status == IncidentStatus.CLOSED
    # the builder of another unit, a resident and the builder inspecting are refused
    other = UserFactory(username="other_builder")
    assert step(api(other), safety.pk, "accept").status_code in (403, 404)
    assert inspect(api, owner, site, []).status_code in (403, 404)
    assert inspect(api, site["builder"], site, []).status_code == 403
    # once the incident is sent to another unit, the contact no longer acts on it
    Incident.objects.filter(pk=safety.pk).update(
        unit=Unit.objects.create(name="别的公司", kind="construction")
    )
    assert step(builder, safety.pk, "accept").status_code in (403, 404)


def test_bad_findings_are_422_naming_the_field_and_nothing_is_written(api, world, site):
    today = timezone.localdate()
    good = {"contract": site["construction"].pk, "category": "works_quality", "text": "裂缝"}
    cases = [
        ([{**good, "contract": site["supervision"].pk}], None, "findings.0.contract"),
        ([{**good, "contract": 999999}], None, "findings.0.contract"),
        ([good, {**good, "due_on": str(today - timedelta(days=1))}], None, "findings.1.due_on"),
        ([{**good, "text": "  "}], None, "findings.0.text"),
        ([good], world.estate.compound_b.pk, "compound"),
    ]
    for findings, compound, field in cases:
        answer = inspect(api, world.users["worker"], site, findings, compound)
        assert answer.status_code == 422, answer.content.decode()
        assert list(answer.json()["fields"]) == [field]
    answer = inspect(api, world.users["worker"], site, [{**good, "category": "gossip"}])
    assert answer.status_code == 422 and "category" in str(answer.json())
    assert SiteInspection.objects.count() == 0 and SiteFinding.objects.count() == 0
    assert not Incident.objects.filter(category__code__startswith="works_").exists()
    Project.objects.filter(pk=site["project"].pk).update(stage="tender")
    assert inspect(api, world.users["worker"], site, [good]).json()["code"] == "wrong_state"


def test_a_finding_added_from_a_phone_keeps_its_photo(api, site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspection = ok(inspect(api, site["supervisor"], site, []), 201)
    assert inspection["findings"] == []
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 40, 40)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "crack.jpg"
    data = ok(
        api(site["supervisor"]).post(
            f"/api/v1/renovation/inspections/{inspection['id']}/findings",
            {
                "contract": site["construction"].pk,
                "category": "works_disturbance",
                "place": "2号楼",
                "text": "夜间施工噪音",
                "photo": buffer,
            },
        ),
        201,
    )
    incident = Incident.objects.get(pk=data["incident"])
    assert incident.photo.name.startswith("incidents/") and incident.unit.name == "宏达建设"
    assert (
        ok(api(site["builder"]).get(f"/api/v1/renovation/inspections/{inspection['id']}"))["findings"][0][
            "incident"
        ]
        == incident.pk
    )


def test_overdue_findings_count_against_the_unit_for_the_blacklist(api, world, site):
    good = {"contract": site["construction"].pk, "category": "works_quality", "text": "裂缝"}
    ok(inspect(api, site["supervisor"], site, [good, good, good]), 201)
    later = timezone.now() + timedelta(days=30)
    grid.incidents_escalate(later)
    unit = site["construction"].unit
    assert unit_figures(later)[unit.pk]["rectifications"] == 3


def test_the_daily_report_shows_each_site_with_its_inspections_and_findings(api, world, site):
    good = {"contract": site["construction"].pk, "category": "works_quality", "text": "裂缝"}
    ok(inspect(api, site["supervisor"], site, [good, {**good, "category": "works_schedule"}]), 201)
    ok(inspect(api, world.users["worker"], site, []), 201)
    report = ok(
        api(world.users["worker"]).get(f"/api/v1/grid/reports/daily?community={world.estate.community_a.pk}")
    )
    (section,) = report["sections"]
    assert section["key"] == "construction"
    assert section["rows"] == [[site["project"].name, 2, 2, 2, 0]]
    # past their deadlines: overdue in today's report (a day not over is judged now, issue 22, so
    # a day 40 days ahead no longer shows them overdue in advance)
    Incident.objects.filter(site_finding__isnull=False).update(deadline=timezone.now() - timedelta(minutes=1))
    later = ok(
        api(world.users["worker"]).get(f"/api/v1/grid/reports/daily?community={world.estate.community_a.pk}")
    )
    assert later["sections"][0]["rows"] == [[site["project"].name, 2, 2, 2, 2]]
    browser = Client()
    browser.force_login(world.users["worker"])
    page = browser.get(f"/grid/reports/daily/?community={world.estate.community_a.pk}").content.decode()
    assert 'data-testid="daily-construction"' in page and site["project"].name in page
    assert "未整改" in page and "未缴" not in page  # a defect is open, not an unpaid bill


@pytest.fixture
def at_acceptance(site):
    project = site["project"]
    project.items.update(percent=100)
    Project.objects.filter(pk=project.pk).update(stage="acceptance")
    project.stage_dates.filter(stage="acceptance").update(reached_on=timezone.localdate())
    return site


def accept(api, user, project, body):
    return api(user).post(
        f"/api/v1/renovation/projects/{project.pk}/acceptance", body, content_type="application/json"
    )


def test_acceptance_needs_residents_representatives_and_hand_over_waits_for_the_punch_list(
    api, world, at_acceptance, owners
):
    site, worker = at_acceptance, world.users["worker"]
    project = site["project"]
    today = timezone.localdate()
    reps = [r.pk for r in owners(3, prefix="rep")]
    punch = {
        "compound": world.estate.compound_a.pk,
        "contract": site["construction"].pk,
        "category": "works_quality",
        "place": "1号楼楼道",
        "text": "墙面空鼓",
        "due_on": str(today + timedelta(days=10)),
    }
    body = {"held_on": str(today), "representatives": reps[:2], "punch_list": [punch]}
    assert list(accept(api, worker, project, body).json()["fields"]) == ["representatives"]
    stranger = UserFactory(username="stranger")
    from tests.factories import ResidentFactory

    outsider = ResidentFactory(user=stranger)
    body["representatives"] = [*reps[:2], outsider.pk]
    assert list(accept(api, worker, project, body).json()["fields"]) == ["representatives"]
    body["representatives"] = reps
    no_due = {**body, "punch_list": [{k: v for k, v in punch.items() if k != "due_on"}]}
    assert accept(api, worker, project, no_due).status_code == 422
    later = {**body, "held_on": str(today + timedelta(days=1))}
    assert list(accept(api, worker, project, later).json()["fields"]) == ["held_on"]
    assert accept(api, site["supervisor"], project, body).status_code == 403
    assert not SiteFinding.objects.exists() and Project.objects.get(pk=project.pk).accepted_on is None
    data = ok(accept(api, worker, project, body), 201)
    assert data["representatives"] == sorted(reps)
    (item,) = data["punch_list"]
    assert item["punch_list"] and item["unit"] == "宏达建设"
    assert accept(api, worker, project, body).json()["code"] == "duplicate"
    refused = api(worker).post(
        f"/api/v1/renovation/projects/{project.pk}/advance",
        {"to": "handed_over"},
        content_type="application/json",
    )
    codes = [m["code"] for m in refused.json()["missing"]]
    assert "findings_open" in codes and "acceptance" not in codes
    # the builder puts it right and the supervisor checks it: the punch list no longer holds it back
    incident = Incident.objects.get(pk=item["incident"])
    for step in ("accept", "resolve"):
        grid.incident_step(actor=site["builder"], incident=incident, action=step, note="已返修")
    grid.incident_step(actor=site["supervisor"], incident=incident, action="verify")
    refused = api(worker).post(
        f"/api/v1/renovation/projects/{project.pk}/advance",
        {"to": "handed_over"},
        content_type="application/json",
    )
    assert "findings_open" not in [m["code"] for m in refused.json().get("missing", [])]


def utility_contract(world, site, contact):
    """The water company's contract on the same project, with its own contact."""
    from decimal import Decimal

    from renovation import services as renovation

    today = timezone.localdate()
    return renovation.contract_create(
        actor=world.users["worker"],
        project=site["project"],
        unit=None,
        unit_name="自来水公司",
        role="utility",
        items=[site["project"].items.first().pk],
        value=Decimal("50000.00"),
        starts_on=today,
        ends_on=today + timedelta(days=60),
        contact_name="王工",
        contact_phone="13700002222",
        contact_username=contact.username,
    )


def test_a_delegate_puts_right_and_checks_but_does_not_route_a_finding(api, world, site):
    """The builder's contact accepts, asks for time and resolves; the supervisor verifies, reopens and
    decides extensions. Returning, rejecting and dispatching stay with the grid's own people: a builder
    who returned a finding would lose sight of it, a supervisor who rejected one would close it unchecked."""
    good = {"contract": site["construction"].pk, "category": "works_quality", "text": "裂缝"}
    data = ok(inspect(api, site["supervisor"], site, [good]), 201)
    incident = Incident.objects.get(pk=data["findings"][0]["incident"])
    builder, supervisor = api(site["builder"]), api(site["supervisor"])
    assert grid.steps_open_to(site["builder"], incident) == ["accept", "extend"]
    assert step(builder, incident.pk, "return", "不归我们").status_code == 403
    page = Client()
    page.force_login(site["builder"])
    html = page.get(f"/grid/incidents/{incident.pk}/").content.decode()
    assert "/return" not in html and "/accept" in html
    # the builder asks for more time; the supervisor decides (on the page), the builder may not
    until = incident.deadline + timedelta(days=3)
    ok(
        builder.post(
            f"/api/v1/grid/incidents/{incident.pk}/extend",
            {"note": "材料未到", "until": until.isoformat()},
            content_type="application/json",
        )
    )
    decision = {"approve": True, "note": ""}
    answer = builder.post(
        f"/api/v1/grid/incidents/{incident.pk}/extension", decision, content_type="application/json"
    )
    assert answer.status_code == 403
    supervising = Client()
    supervising.force_login(site["supervisor"])
    assert "/approve/" in supervising.get(f"/grid/incidents/{incident.pk}/").content.decode()
    assert supervising.post(f"/grid/incidents/{incident.pk}/approve/", {"note": "同意"}).status_code == 302
    incident.refresh_from_db()
    assert incident.deadline == until
    # handed back to the grid (as the grid's own unit staff may): the supervisor neither rejects it nor
    # dispatches it again, the community's worker does
    worker = api(world.users["worker"])
    Incident.objects.filter(pk=incident.pk).update(status=IncidentStatus.REPORTED, unit=None, deadline=None)
    incident.refresh_from_db()
    assert grid.steps_open_to(site["supervisor"], incident) == []
    assert step(supervisor, incident.pk, "reject", "不是问题").status_code == 403
    assert grid.steps_open_to(world.users["worker"], incident) == ["dispatch", "reject"]
    ok(
        worker.post(
            f"/api/v1/grid/incidents/{incident.pk}/dispatch",
            {"unit": site["construction"].unit_id},
            content_type="application/json",
        )
    )
    ok(step(builder, incident.pk, "accept"))
    ok(step(builder, incident.pk, "resolve", "已修补"))
    incident.refresh_from_db()
    assert grid.steps_open_to(site["supervisor"], incident) == ["verify", "reopen"]
    assert grid.steps_open_to(site["builder"], incident) == []
    ok(step(supervisor, incident.pk, "reopen", "仍有裂缝"))
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RECTIFYING


def test_a_units_contact_reads_its_own_defects_and_residents_not_the_acceptance(
    api, world, at_acceptance, owner
):
    site = at_acceptance
    water = UserFactory(username="water")
    utility = utility_contract(world, site, water)
    today = timezone.localdate()
    punch = {"compound": world.estate.compound_a.pk, "category": "works_quality", "due_on": str(today)}
    body = {
        "held_on": str(today),
        "representatives": world.representatives(3),
        "punch_list": [
            {**punch, "contract": site["construction"].pk, "text": "墙面空鼓"},
            {**punch, "contract": utility.pk, "text": "水表井盖松动"},
        ],
    }
    ok(accept(api, world.users["worker"], site["project"], body), 201)
    url = f"/api/v1/renovation/projects/{site['project'].pk}/acceptance"
    texts = {
        who: {
            Incident.objects.get(pk=f["incident"]).description.split("：")[-1]
            for f in ok(api(u).get(url))["punch_list"]
        }
        for who, u in (("water", water), ("builder", site["builder"]), ("supervisor", site["supervisor"]))
    }
    assert texts == {
        "water": {"水表井盖松动"},
        "builder": {"墙面空鼓"},
        "supervisor": {"墙面空鼓", "水表井盖松动"},
    }
    assert api(owner).get(url).status_code == 404
    # the project's page lists the same: the water company's contact does not read the builder's defects
    page = Client()
    page.force_login(water)
    html = page.get(f"/renovation/projects/{site['project'].pk}/").content.decode()
    assert "水表井盖松动" in html and "墙面空鼓" not in html
    # an inspection that found only the builder's defect is not the water company's to read
    solo = [{"contract": site["construction"].pk, "category": "works_safety", "text": "脚手架"}]
    inspection = ok(inspect(api, site["supervisor"], site, solo), 201)
    assert api(water).get(f"/api/v1/renovation/inspections/{inspection['id']}").status_code == 404
    # one that found a defect of each: each contact reads its own, the supervisor both, by API and page
    mixed = [
        {"contract": site["construction"].pk, "category": "works_quality", "text": "栏杆松动"},
        {"contract": utility.pk, "category": "works_quality", "text": "阀门渗漏"},
    ]
    inspection = ok(inspect(api, site["supervisor"], site, mixed), 201)
    for user, units in (
        (site["builder"], ["宏达建设"]),
        (water, ["自来水公司"]),
        (site["supervisor"], ["宏达建设", "自来水公司"]),
    ):
        read = ok(api(user).get(f"/api/v1/renovation/inspections/{inspection['id']}"))
        assert [f["unit"] for f in read["findings"]] == units
        browser = Client()
        browser.force_login(user)
        html = browser.get(f"/renovation/inspections/{inspection['id']}/").content.decode()
        assert ("栏杆松动" in html, "阀门渗漏" in html) == ("宏达建设" in units, "自来水公司" in units)
    # the project list counts the open defects the user sees: none for a resident
    listing = Client()
    listing.force_login(owner)
    assert listing.get("/renovation/").context["rows"][0]["findings"] == 0
    listing.force_login(water)
    assert listing.get("/renovation/").context["rows"][0]["findings"] == 2
    # sent on by the grid to another unit, a finding leaves the contact's list as it leaves its board
    moved = SiteFinding.objects.get(incident__description__endswith="阀门渗漏").incident
    Incident.objects.filter(pk=moved.pk).update(unit=Unit.objects.create(name="燃气公司", kind="utility"))
    assert listing.get("/renovation/").context["rows"][0]["findings"] == 1
    # a contact of two of the project's contracts reads it once, with the defects of both
    Contract.objects.filter(pk=utility.pk).update(contact_user=site["builder"])
    both = ok(api(site["builder"]).get(url))["punch_list"]  # the rounds at acceptance too, less the one moved
    assert {f["unit"] for f in both} == {"宏达建设", "自来水公司"} and len(both) == 4


def test_one_finding_sent_by_itself_names_its_fields_plainly(api, site):
    inspection = ok(inspect(api, site["supervisor"], site, []), 201)
    answer = api(site["supervisor"]).post(
        f"/api/v1/renovation/inspections/{inspection['id']}/findings",
        {"contract": site["construction"].pk, "category": "works_quality", "text": " "},
    )
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["text"]
    assert not SiteFinding.objects.exists()
