"""The five-co pages: the dashboard of each role's place from the snapshots (a pinned number of
queries whatever the places), the drill-down to the records behind an indicator."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.periods import add_months, last_full_month
from grid.models import Incident
from reports import selectors, services
from reports.models import Fill, Snapshot
from tests.factories import CompoundFactory, HouseholdFactory

pytestmark = pytest.mark.django_db


def last_month():
    return last_full_month(timezone.localdate())


def fill_year():
    last = last_month()
    for k in range(11, -1, -1):
        services.snapshots_fill(period=add_months(last, -k))


def test_the_officer_dashboard_reads_the_snapshots_in_a_fixed_number_of_queries(
    client, estate, officer, django_assert_num_queries
):
    client.force_login(officer)
    for extra in (0, 8):
        for i in range(extra):
            compound = CompoundFactory(community__subdistrict=estate.subdistrict, name=f"小区{i}")
            HouseholdFactory(building__compound=compound)
        Snapshot.objects.all().delete()
        Fill.objects.all().delete()
        fill_year()
        # session 1, user 1, posts 2; the subdistrict 1; its two months 1; the communities 1 and their
        # month 1; twelve months of trend 1
        with django_assert_num_queries(9):
            page = client.get("/reports/")
        assert page.status_code == 200
    html = page.content.decode()
    assert "幸福社区" in html and "和平社区" in html
    assert html.count("<svg") >= 2 + 5  # two charts, a bar per co-


def test_a_committee_member_sees_their_compound_and_not_another(client, estate, committee):
    client.force_login(committee.members.get(role="director").resident.user)
    mine = client.get("/reports/")
    assert mine.status_code == 200 and estate.compound_a.name in mine.content.decode()
    assert f"/reports/?community={estate.community_a.pk}" not in mine.content.decode()  # no way up
    assert client.get("/reports/", {"compound": estate.compound_b.pk}).status_code == 404
    assert client.get("/reports/", {"community": estate.community_a.pk}).status_code == 404


def test_a_cleaner_has_no_dashboard(client, cleaner):
    client.force_login(cleaner)
    assert client.get("/reports/").status_code == 403


def test_a_score_drills_down_to_the_overdue_incident_behind_it(
    client, estate, worker, grids, category, owner
):
    first = last_month()
    deadline = timezone.make_aware(timezone.datetime(first.year, first.month, 10, 12))
    incident = Incident.objects.create(
        grid=grids.a,
        category=category,
        place="北门",
        description="垃圾堆放",
        reporter=owner,
        reported_at=deadline - timedelta(days=3),
        status="rectifying",
        unit=grids.cleaning,
        deadline=deadline,
    )
    client.force_login(worker)
    page = client.get("/reports/", {"community": estate.community_a.pk}).content.decode()
    link = f"/reports/records/?community={estate.community_a.pk}&amp;period={first:%Y-%m}&amp;indicator=incidents_on_time"
    assert link in page
    records = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'href="/grid/incidents/{incident.pk}/"' in records
    assert client.get(f"/grid/incidents/{incident.pk}/").status_code == 200


def test_the_home_pages_open_with_their_places_numbers(
    client, estate, officer, worker, committee, cleaner, grids, category, owner
):
    Incident.objects.create(
        grid=grids.a,
        category=category,
        place="北门",
        description="x",
        reporter=owner,
        reported_at=timezone.now() - timedelta(days=2),
        status="rectifying",
        unit=grids.cleaning,
        deadline=timezone.now() - timedelta(hours=1),
    )
    services.snapshots_fill(period=last_month())
    kept = Snapshot.objects.get(level="subdistrict", period=last_month())
    client.force_login(officer)
    home = client.get("/").content.decode()
    assert 'data-testid="home-numbers"' in home and estate.subdistrict.name in home
    assert str(kept.overall if kept.overall is not None else "—") in home
    alerts = len(selectors.alert_list("subdistrict", estate.subdistrict))
    assert f"<strong>{alerts}</strong>" in home
    client.force_login(worker)
    home = client.get("/").content.decode()
    assert estate.community_a.name in home and "1" in home
    client.force_login(committee.members.get(role="director").resident.user)
    home = client.get("/").content.decode()
    assert 'data-testid="home-numbers"' in home and estate.compound_a.name in home
    assert "/reports/alerts/" not in home  # the alerts are the worker's and the officer's
    client.force_login(cleaner)
    assert 'data-testid="home-numbers"' not in client.get("/").content.decode()


def test_the_daily_report_offers_the_communities_of_the_reader(client, estate, officer, worker):
    client.force_login(officer)
    page = client.get("/grid/reports/daily/", {"community": estate.community_b.pk}).content.decode()
    assert f'<option value="{estate.community_b.pk}" selected>' in page
    assert f'<option value="{estate.community_a.pk}">' in page
    client.force_login(worker)
    page = client.get("/grid/reports/daily/").content.decode()
    assert '<select name="community"' not in page  # one community: nothing to choose


def test_an_officer_recomputes_a_kept_month_from_the_dashboard_with_a_reason(client, estate, officer, worker):
    from accounts.models import AuditEvent

    services.snapshots_fill(period=last_month())
    client.force_login(officer)
    page = client.get("/reports/").content.decode()
    assert 'action="/reports/recompute/"' in page
    body = {
        "subdistrict": estate.subdistrict.pk,
        "period": f"{last_month():%Y-%m}",
        "reason": "十一月公示补录",
    }
    done = client.post("/reports/recompute/", body)
    assert done.status_code == 302
    assert AuditEvent.objects.get(action="five_co.recompute").data["reason"] == "十一月公示补录"
    client.force_login(worker)
    assert 'action="/reports/recompute/"' not in client.get("/reports/").content.decode()
    assert client.post("/reports/recompute/", body).status_code == 403
    assert AuditEvent.objects.filter(action="five_co.recompute").count() == 1


def test_the_records_list_costs_the_same_queries_for_few_or_many_records(
    api, estate, worker, grids, category, owner, django_assert_num_queries
):
    first = last_month()
    deadline = timezone.make_aware(timezone.datetime(first.year, first.month, 10, 12))
    url = "/api/v1/governance/five-co/records"
    query = {"community": estate.community_a.pk, "period": f"{first:%Y-%m}", "indicator": "incidents_on_time"}
    for n in (1, 20):
        for _ in range(n):
            Incident.objects.create(
                grid=grids.a,
                category=category,
                place="北门",
                description="x",
                reporter=owner,
                reported_at=deadline - timedelta(days=3),
                status="rectifying",
                unit=grids.cleaning,
                deadline=deadline,
            )
        client = api(worker)
        # the token with its user 1 and its last use 1, posts 2, homes 1; the community 1; its
        # compounds 1; the grids covering them 2; the count 1; the page of incidents with their category 1
        with django_assert_num_queries(11):
            assert client.get(url, query).status_code == 200


def test_a_recompute_refused_by_a_rule_of_the_domain_is_shown_as_a_refusal_not_a_500(
    client, estate, officer, monkeypatch
):
    """Any refusal of the service (here a conflict, as a month held by another write would give) reads
    as an error above the dashboard."""
    from django.contrib.messages import get_messages

    from core.errors import Conflict

    def refused(**_kw):
        raise Conflict("该月正在计算，请稍后再试。")

    services.snapshots_fill(period=last_month())
    monkeypatch.setattr(services, "snapshot_recompute", refused)
    client.force_login(officer)
    body = {"subdistrict": estate.subdistrict.pk, "period": f"{last_month():%Y-%m}", "reason": "补录"}
    answer = client.post("/reports/recompute/", body)
    assert answer.status_code == 302
    assert [(m.level_tag, str(m)) for m in get_messages(answer.wsgi_request)] == [
        ("error", "该月正在计算，请稍后再试。")
    ]


def test_the_month_in_progress_and_a_records_window_of_months_are_said_on_their_pages(client, estate, worker):
    """The dashboard of this month says the month is in progress (figures to today); the records of an
    indicator read over six months say which days they cover, a one-month indicator's do not."""
    import re

    from core.periods import add_months

    client.force_login(worker)
    today = timezone.localdate()
    this_month = today.replace(day=1)
    place = {"community": estate.community_a.pk}
    now = client.get("/reports/", {**place, "period": f"{this_month:%Y-%m}"}).content.decode()
    assert 'data-testid="in-progress"' in now and "本月进行中" in now
    before = client.get("/reports/", {**place, "period": f"{last_month():%Y-%m}"}).content.decode()
    assert 'data-testid="in-progress"' not in before
    page = client.get(
        "/reports/records/", {**place, "period": f"{last_month():%Y-%m}", "indicator": "consultations_held"}
    )
    window = re.search(r'data-testid="window">([^<]+)<', page.content.decode()).group(1)
    first = add_months(this_month, -6)
    last = this_month - timedelta(days=1)
    assert (
        window
        == f"{first.year}年{first.month}月1日 至 {last.year}年{last.month}月{last.day}日：截至本月末的 6 个月"
    )
    one = client.get(
        "/reports/records/", {**place, "period": f"{last_month():%Y-%m}", "indicator": "incidents_on_time"}
    )
    assert 'data-testid="window"' not in one.content.decode()
