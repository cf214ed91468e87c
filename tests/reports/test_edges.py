"""Figures at the edges (issue 22): a deadline at the end of a period's last day, a period not over,
rates rounded once from their parts, a community's figure equal to its records, and one answer for
the bulletin's overdue units. Each expected figure is hand-counted from the records made here."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from io import BytesIO

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document

from core import rates
from core.periods import day_start, week_start
from grid import selectors as grid_selectors
from grid import services as grid_services
from grid.models import Incident
from grid.services import deadline_for
from property.models import Bill, FeeItem, Payment, PaymentAllocation
from reports import bulletin, indicators, records, selectors, services
from reports.indicators import Month
from reports.models import Level, Snapshot
from tests.factories import BuildingFactory, HouseholdFactory
from tests.renovation.test_site import site  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
NOVEMBER = date(2025, 11, 1)
MONDAY = date(2025, 11, 24)  # the ISO week 24-30 November 2025
END_OF_30_NOV = day_start(date(2025, 12, 1))  # "by the end of 30 November", as it is stored


def local(day: date, hour: int, minute: int = 0):
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_incident(grids, category, owner, *, deadline, status="rectifying", closed_at=None, unit=None, grid=None):
    return Incident.objects.create(
        grid=grid or grids.a,
        category=category,
        place="北门",
        description="x",
        reporter=owner,
        reported_at=deadline - timedelta(days=2),
        status=status,
        unit=unit or grids.cleaning,
        deadline=deadline,
        closed_at=closed_at,
    )


@pytest.fixture
def due_end_of_30_november(grids, category, owner, settings):
    """Two incidents due by the end of 30 November 2025: one closed that evening (on time), one
    still open. Nothing else is due in November or December."""
    settings.GRID_DEADLINE_DAYS = {**settings.GRID_DEADLINE_DAYS, category.severity: 0}
    assert deadline_for(category, local(date(2025, 11, 30), 10)) == END_OF_30_NOV
    on_time = make_incident(
        grids, category, owner, deadline=END_OF_30_NOV, status="closed", closed_at=local(date(2025, 11, 30), 20)
    )
    still_open = make_incident(grids, category, owner, deadline=END_OF_30_NOV)
    return on_time, still_open


def test_an_incident_due_by_the_end_of_30_november_counts_in_novembers_index_and_records(
    estate, due_end_of_30_november
):
    november = Month([estate.compound_a.pk], NOVEMBER)
    december = Month([estate.compound_a.pk], date(2025, 12, 1))
    figure = indicators.incidents_on_time(november)[estate.compound_a.pk]
    # hand count: 2 due in November, 1 of them closed by its deadline
    assert (figure.value, figure.records) == (Decimal(1) / Decimal(2), 2)
    assert indicators.incidents_on_time(december)[estate.compound_a.pk].records == 0
    queryset, _row = records.incidents_on_time(november)
    assert sorted(queryset.values_list("pk", flat=True)) == sorted(i.pk for i in due_end_of_30_november)
    assert records.incidents_on_time(december)[0].count() == 0


def test_an_incident_due_by_the_end_of_30_november_counts_in_that_weeks_bulletin(estate, due_end_of_30_november):
    data = bulletin.bulletin_data(estate.subdistrict, MONDAY)
    a = next(c for c in data["communities"] if c["id"] == estate.community_a.pk)
    # due 2, on time 1, the open one overdue at the week's end (Monday 1 December 00:00)
    assert (a["incidents"]["due"], a["incidents"]["closed_on_time"], a["incidents"]["overdue"]) == (2, 1, 1)
    after = bulletin.bulletin_data(estate.subdistrict, MONDAY + timedelta(days=7))
    a_after = next(c for c in after["communities"] if c["id"] == estate.community_a.pk)
    assert (a_after["incidents"]["due"], a_after["incidents"]["overdue"]) == (0, 1)


def test_an_incident_due_by_the_end_of_30_november_counts_in_that_days_report(estate, due_end_of_30_november):
    day = grid_selectors.daily_report(estate.community_a, date(2025, 11, 30))
    assert (day["totals"]["due"], day["totals"]["overdue"]) == (2, 1)
    next_day = grid_selectors.daily_report(estate.community_a, date(2025, 12, 1))
    assert (next_day["totals"]["due"], next_day["totals"]["overdue"]) == (0, 1)
    before = grid_selectors.daily_report(estate.community_a, date(2025, 11, 29))
    assert (before["totals"]["due"], before["totals"]["overdue"]) == (0, 0)


def _later_today_and_this_week():
    """A moment after now that is still within both today and this ISO week."""
    now = timezone.now()
    today_ends = day_start(timezone.localdate() + timedelta(days=1))
    return now + (today_ends - now) / 2


def test_the_week_in_progress_judges_overdue_now_and_counts_due_so_far(estate, grids, category, owner):
    make_incident(grids, category, owner, deadline=_later_today_and_this_week())  # not yet due
    make_incident(grids, category, owner, deadline=timezone.now() - timedelta(minutes=1))  # due and overdue
    data = bulletin.bulletin_data(estate.subdistrict, week_start(timezone.localdate()))
    a = next(c for c in data["communities"] if c["id"] == estate.community_a.pk)
    past_this_week = timezone.now() - timedelta(minutes=1) > day_start(week_start(timezone.localdate()))
    assert (a["incidents"]["due"], a["incidents"]["overdue"]) == (1 if past_this_week else 0, 1)


def test_todays_daily_report_counts_what_falls_due_today_and_judges_overdue_now(estate, grids, category, owner):
    make_incident(grids, category, owner, deadline=_later_today_and_this_week())  # due later today
    # due by the end of today, the usual deadline: stored as tomorrow 00:00
    make_incident(grids, category, owner, deadline=day_start(timezone.localdate() + timedelta(days=1)))
    report = grid_selectors.daily_report(estate.community_a, timezone.localdate())
    assert (report["totals"]["due"], report["totals"]["overdue"]) == (2, 0)


# --- a rate is rounded once, half up, from its exact parts ----------------------------------------


@pytest.fixture
def collected_74454(estate, collector):
    """November 2025's bills of compound A: 1,000.00 yuan billed, 744.54 paid: 0.74454 exactly."""
    item = FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_household",
        unit_price=Decimal(1),
        effective_from=date(2025, 1, 1),
    )
    bill = Bill.objects.create(
        household=estate.household_a,
        fee_item=item,
        period_start=NOVEMBER,
        months=1,
        amount=Decimal("1000.00"),
        basis="t",
        due_on=date(2025, 11, 28),
    )
    payment = Payment.objects.create(
        household=estate.household_a,
        compound=estate.compound_a,
        receipt_seq=1,
        amount=Decimal("744.54"),
        method="cash",
        received_by=collector,
        received_at=local(date(2025, 11, 25), 10),
    )
    PaymentAllocation.objects.create(payment=payment, bill=bill, amount=Decimal("744.54"))
    return estate


def test_a_rate_of_0_74454_reads_74_5_percent_on_the_bulletin_page_and_docx(client, officer, collected_74454):
    estate = collected_74454
    data = bulletin.bulletin_data(estate.subdistrict, MONDAY)
    a = next(c for c in data["communities"] if c["id"] == estate.community_a.pk)
    assert Decimal(a["fees"]["collection_rate"]) == Decimal("0.7445")  # the API's rate: once, 4 places
    client.force_login(officer)
    query = {"subdistrict": estate.subdistrict.pk, "week": "2025-W48"}
    page = client.get("/reports/bulletin/", query).content.decode()
    assert "74.5%" in page and "74.4%" not in page
    document = Document(BytesIO(client.get("/reports/bulletin.docx", query).content))
    row = next(r for r in document.tables[0].rows if r.cells[0].text == estate.community_a.name)
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert row.cells[header.index(str(_("collection rate")))].text == "74.5%"


def test_a_rate_of_0_74454_reads_74_5_percent_on_the_index_page_and_0_7445_in_the_api(
    api, client, worker, collected_74454
):
    estate = collected_74454
    query = {"compound": estate.compound_a.pk, "period": "2025-11"}
    answer = api(worker).get("/api/v1/governance/five-co", query).json()
    fees = next(i for co in answer["scores"] for i in co["indicators"] if i["code"] == "fee_collection_rate")
    assert Decimal(fees["value"]) == Decimal("0.7445")
    client.force_login(worker)
    page = client.get("/reports/", query).content.decode()
    assert "74.5%" in page and "74.4%" not in page


def test_the_rate_helper_rounds_once_half_up_from_the_parts():
    assert rates.rate(74454, 100000) == Decimal("0.7445")
    assert rates.percent(74454, 100000) == "74.5%"
    assert rates.percent(Decimal("744.54"), Decimal("1000.00")) == "74.5%"
    assert rates.percent(74449, 100000) == "74.4%"  # not 74.5 through 0.7445
    assert rates.percent(1, 0) == "—" and rates.rate(1, 0) is None
    assert rates.percent(1, 8) == "12.5%"  # half up, not half even


# --- a community's figure is the one its records add up to ------------------------------------------


@pytest.fixture
def on_time_in_community_a(estate, grids, category, owner, worker):
    """Community A: compound A (2 households, grid A) and 机械厂家属院 (3 households, grid B); grid C
    covers both. Incidents due in November 2025 - grid A: 1, on time 1; grid B: 3, on time 0;
    grid C: 2, on time 1. The community's records: 6 due, 2 on time."""
    other = grids.b.compounds.get()
    building = BuildingFactory(compound=other, name="2号楼")
    for i in range(3):
        HouseholdFactory(building=building, unit_label=f"2-10{i}")
    both = grid_services.grid_create(
        actor=worker, community=estate.community_a, name="第三网格", compounds=[estate.compound_a, other]
    )
    due = local(date(2025, 11, 10), 12)
    for grid, on_time, late in ((grids.a, 1, 0), (grids.b, 0, 3), (both, 1, 1)):
        for closed in [due - timedelta(hours=1)] * on_time + [due + timedelta(hours=1)] * late:
            make_incident(grids, category, owner, deadline=due, status="closed", closed_at=closed, grid=grid)
    return estate, other


def test_a_communitys_on_time_figure_is_its_records_added_up(api, client, worker, on_time_in_community_a):
    estate, other = on_time_in_community_a
    query = {"community": estate.community_a.pk, "period": "2025-11"}
    answer = api(worker).get("/api/v1/governance/five-co", query).json()
    row = next(i for co in answer["scores"] for i in co["indicators"] if i["code"] == "incidents_on_time")
    listed = api(worker).get("/api/v1/governance/five-co/records", {**query, "indicator": "incidents_on_time"})
    items = listed.json()["items"]
    on_time = sum(1 for i in items if i["detail"] == str(_("closed on time")))
    assert (on_time, listed.json()["count"]) == (2, 6)  # hand count
    assert Decimal(row["value"]) == rates.rate(on_time, len(items)) == Decimal("0.3333")
    assert row["value_basis"] == "summed_parts"
    # the score stays the household-weighted mean of the compounds' scores, and says so
    assert answer["score_basis"] == "household_weighted_mean"
    client.force_login(worker)
    page = client.get("/reports/", query).content.decode()
    assert "33.3%" in page and 'data-testid="score-basis"' in page


def test_a_kept_community_month_stores_its_records_added_up(on_time_in_community_a):
    estate, _other = on_time_in_community_a
    services.snapshots_fill(period=NOVEMBER)
    kept = selectors.scores_for(Level.COMMUNITY, [estate.community_a.pk], NOVEMBER)[estate.community_a.pk]
    row = kept.indicators["incidents_on_time"]
    assert (row["part"], row["whole"], row["value"]) == (2, 6, Decimal("0.3333"))
    sub = selectors.scores_for(Level.SUBDISTRICT, [estate.subdistrict.pk], NOVEMBER)[estate.subdistrict.pk]
    assert sub.indicators["incidents_on_time"]["value"] == Decimal("0.3333")  # community B has none


def test_a_month_kept_before_the_parts_reads_as_it_was_kept(api, client, worker, estate):
    """A community's month kept by the old rule (no parts): its value reads back as kept, marked."""
    Snapshot.objects.create(
        level=Level.COMMUNITY,
        place_id=estate.community_a.pk,
        period=NOVEMBER,
        households=5,
        overall=Decimal("53.3"),
        management=Decimal("53.3"),
        indicators=[
            {
                "code": "incidents_on_time",
                "co": "management",
                "value": "0.5332",
                "records": 19,
                "score": "59.2",
                "target": "0.9000",
                "weight": "1.00",
                "lower_is_better": False,
            }
        ],
        computed_at=timezone.now(),
    )
    query = {"community": estate.community_a.pk, "period": "2025-11"}
    answer = api(worker).get("/api/v1/governance/five-co", query).json()
    row = next(i for co in answer["scores"] for i in co["indicators"] if i["code"] == "incidents_on_time")
    assert (Decimal(row["value"]), row["value_basis"]) == (Decimal("0.5332"), "household_weighted_mean")
    client.force_login(worker)
    page = client.get("/reports/", query)
    assert page.status_code == 200 and "53.3%" in page.content.decode()


# --- the bulletin's overdue units: one definition, one answer ----------------------------------------


def test_the_overdue_units_column_and_list_name_the_same_units(client, officer, worker_b, estate, grids, category, owner):
    """At the end of the week 24-30 November 2025: in 幸福社区, 东风环卫 has 2 incidents overdue and
    安居物业 1; in 和平社区, 东风环卫 1. Nobody reached the 90-day list's threshold (3 marks)."""
    grid_b = grid_services.grid_create(
        actor=worker_b, community=estate.community_b, name="和平一网格", compounds=[estate.compound_b]
    )
    due = local(date(2025, 11, 27), 0)
    for grid, unit in ((grids.a, grids.cleaning), (grids.a, grids.cleaning), (grids.a, grids.property)):
        make_incident(grids, category, owner, deadline=due, unit=unit, grid=grid)
    make_incident(grids, category, owner, deadline=due, unit=grids.cleaning, grid=grid_b)
    data = bulletin.bulletin_data(estate.subdistrict, MONDAY)
    column = {c["name"]: c["overdue_units"] for c in data["communities"]}
    assert column == {"幸福社区": 2, "和平社区": 1}
    listed = {u["name"]: (u["overdue"], u["communities"]) for u in data["overdue_units"]}
    assert listed == {"东风环卫": (3, ["和平社区", "幸福社区"]), "安居物业": (1, ["幸福社区"])}
    for name, count in column.items():  # each community's count is the units the list names there
        assert count == sum(1 for _n, (_k, where) in listed.items() if name in where)
    assert data["totals"]["overdue_units"] == len(listed) == 2  # a unit in two communities is one unit
    client.force_login(officer)
    page = client.get("/reports/bulletin/", {"subdistrict": estate.subdistrict.pk, "week": "2025-W48"})
    text = page.content.decode()
    listed_part = text.split(str(_("Units on the overdue list")))[1]
    assert "东风环卫" in listed_part and "安居物业" in listed_part


def test_todays_construction_section_judges_its_findings_overdue_now(api, world, site):  # noqa: F811
    from tests.renovation.test_site import inspect, ok

    finding = {"contract": site["construction"].pk, "category": "works_quality", "text": "裂缝"}
    ok(inspect(api, site["supervisor"], site, [finding]), 201)
    Incident.objects.filter(site_finding__isnull=False).update(deadline=_later_today_and_this_week())
    query = f"community={world.estate.community_a.pk}"
    report = ok(api(world.users["worker"]).get(f"/api/v1/grid/reports/daily?{query}"))
    # inspections 1, findings 1, open 1, overdue 0: due later today, not yet overdue
    assert report["sections"][0]["rows"] == [[site["project"].name, 1, 1, 1, 0]]


def test_exact_parts_read_back_exactly_from_their_text():
    for value in (Fraction(97127, 4), Fraction(1, 3), 5, Decimal("12.50"), Fraction(-3, 8)):
        assert rates.exact(rates.exact_text(value)) == rates.exact(value)
    assert rates.exact_text(Fraction(97127, 4)) == "24281.75"


def test_the_month_in_progress_counts_due_so_far(estate, grids, category, owner):
    make_incident(grids, category, owner, deadline=_later_today_and_this_week())  # due later today
    make_incident(
        grids, category, owner, deadline=timezone.now() - timedelta(seconds=1), status="closed",
        closed_at=timezone.now() - timedelta(minutes=5),
    )
    this_month = Month([estate.compound_a.pk], timezone.localdate().replace(day=1))
    figure = indicators.incidents_on_time(this_month)[estate.compound_a.pk]
    past_this_month = timezone.now() - timedelta(seconds=1) > day_start(timezone.localdate().replace(day=1))
    assert (figure.part, figure.whole) == ((1, 1) if past_this_month else (0, 0))


def test_due_in_a_period_is_written_once():
    """A window's lower bound on deadlines is due_between's alone (grid/selectors.py)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(root)}:{number}"
        for app in ("accounts", "core", "governance", "grid", "property", "renovation", "reports", "volunteers")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "deadline__gt" in line
    ]
    assert len(found) == 1 and found[0].startswith("grid/selectors.py:"), found
