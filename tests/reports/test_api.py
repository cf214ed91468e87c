"""GET governance/five-co, /trend and /records, POST /recompute: who reads which place, the answer's
shape, the records behind an indicator, and query counts that do not grow with the places."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.periods import add_months, last_full_month, period_label
from grid.models import Incident
from reports import services
from reports.models import Fill, Level, Snapshot
from tests.factories import CompoundFactory, HouseholdFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/governance/five-co"


def last_month():
    return last_full_month(timezone.localdate())


def test_each_role_opens_on_its_own_place(api, estate, officer, worker, committee):
    answer = api(officer).get(URL).json()
    assert answer["level"] == "subdistrict" and answer["place"]["id"] == estate.subdistrict.pk
    assert [c["name"] for c in answer["children"]] == ["和平社区", "幸福社区"]
    assert answer["period"] == period_label(last_month())
    assert [s["co"] for s in answer["scores"]] == [
        "planning",
        "building",
        "management",
        "evaluation",
        "sharing",
    ]
    assert api(worker).get(URL).json()["place"]["id"] == estate.community_a.pk
    mine = api(committee.members.get(role="director").resident.user).get(URL).json()
    assert (mine["level"], mine["place"]["id"]) == ("compound", estate.compound_a.pk)
    assert mine["children"] == []


def test_a_committee_member_reads_their_compound_only(api, estate, committee):
    client = api(committee.members.get(role="director").resident.user)
    assert client.get(URL, {"compound": estate.compound_a.pk}).status_code == 200
    refused = client.get(URL, {"compound": estate.compound_b.pk})
    assert refused.status_code == 422 and "compound" in refused.json()["fields"]
    assert client.get(URL, {"community": estate.community_a.pk}).status_code == 422


def test_a_worker_reads_their_community_and_its_compounds_only(api, estate, worker):
    client = api(worker)
    assert client.get(URL, {"compound": estate.compound_a.pk}).status_code == 200
    assert client.get(URL, {"compound": estate.compound_b.pk}).status_code == 422
    assert client.get(URL, {"community": estate.community_b.pk}).status_code == 422
    assert client.get(URL, {"subdistrict": estate.subdistrict.pk}).status_code == 422


def test_others_are_refused_and_bad_periods_name_the_field(api, estate, officer, cleaner, owner):
    assert api(cleaner).get(URL).status_code == 403
    assert api(owner).get(URL).status_code == 403  # a resident who sits on no body
    client = api(officer)
    future = period_label(add_months(last_month(), 2))
    for period in (future, "2026-13", "soon"):
        answer = client.get(URL, {"period": period})
        assert answer.status_code == 422 and "period" in answer.json()["fields"]
    two = client.get(URL, {"compound": estate.compound_a.pk, "community": estate.community_a.pk})
    assert two.status_code == 422 and "community" in two.json()["fields"]


def test_each_indicator_opens_to_the_records_behind_it(api, estate, worker, grids, category, owner):
    first = last_month()
    deadline = timezone.make_aware(timezone.datetime(first.year, first.month, 10, 12))
    overdue = Incident.objects.create(
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
    client = api(worker)
    answer = client.get(URL, {"community": estate.community_a.pk}).json()
    management = next(s for s in answer["scores"] if s["co"] == "management")
    on_time = next(i for i in management["indicators"] if i["code"] == "incidents_on_time")
    assert on_time["value"] == "0.0000" and on_time["score"] == "0.0" and on_time["sufficient"] is True
    records = client.get(on_time["records"]).json()
    assert records["count"] == 1
    assert records["items"][0]["id"] == overdue.pk
    assert records["items"][0]["page"] == f"/grid/incidents/{overdue.pk}/"
    for indicator in [i for s in answer["scores"] for i in s["indicators"]]:
        listed = client.get(indicator["records"])
        assert listed.status_code == 200, indicator["code"]
    assert client.get(URL + "/records", {"indicator": "nope"}).status_code == 422


def test_the_change_is_against_the_month_before_and_the_trend_reads_the_snapshots(api, estate, officer):
    last = last_month()
    services.snapshots_fill(period=add_months(last, -1))
    services.snapshots_fill(period=last)
    client = api(officer)
    trend = client.get(URL + "/trend", {"months": 3}).json()
    assert [m["period"] for m in trend["months"]] == [period_label(add_months(last, -k)) for k in (2, 1, 0)]
    assert [m["filled"] for m in trend["months"]] == [False, True, True]
    kept = Snapshot.objects.get(level=Level.SUBDISTRICT, period=last)
    assert trend["months"][2]["overall"] == (None if kept.overall is None else str(kept.overall))
    assert client.get(URL + "/trend", {"months": 37}).status_code == 422


def test_a_kept_month_costs_the_same_queries_for_2_or_12_communities(
    api, estate, officer, django_assert_num_queries
):
    last = last_month()
    for extra in (0, 10):
        for i in range(extra):
            compound = CompoundFactory(community__subdistrict=estate.subdistrict, name=f"小区{i}")
            HouseholdFactory(building__compound=compound)
        Snapshot.objects.all().delete()
        Fill.objects.all().delete()
        for period in (add_months(last, -1), last):
            services.snapshots_fill(period=period)
        client = api(officer)  # a new token each time: the same first-use queries
        # the token with its user 1 and its last use 1, posts 2 (and the compounds they name), homes 1;
        # the subdistrict 1; its month and the month before 1; the communities 1 and their month 1
        with django_assert_num_queries(9):
            assert client.get(URL).status_code == 200


def test_recomputing_through_the_api_is_for_officers(api, estate, officer, worker):
    period = period_label(last_month())
    services.snapshots_fill(period=last_month())
    body = {"subdistrict": estate.subdistrict.pk, "period": period, "reason": "补录"}
    assert api(worker).post(URL + "/recompute", body, content_type="application/json").status_code == 403
    done = api(officer).post(URL + "/recompute", body, content_type="application/json")
    assert done.status_code == 200 and done.json()["period"] == period
    this_month = {**body, "period": period_label(date.today().replace(day=1))}
    refused = api(officer).post(URL + "/recompute", this_month, content_type="application/json")
    assert refused.status_code == 422 and "period" in refused.json()["fields"]


def test_a_committee_member_sees_the_figures_behind_a_score_not_who_is_behind_them(
    api, estate, committee, collector, grids, category, owner
):
    from decimal import Decimal

    from property.models import Bill, FeeItem

    first = last_month()
    item = FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_household",
        unit_price=1,
        effective_from=first,
    )
    Bill.objects.create(
        household=estate.household_a,
        fee_item=item,
        period_start=first,
        months=1,
        amount=Decimal("80.00"),
        basis="t",
        due_on=first,
    )
    deadline = timezone.make_aware(timezone.datetime(first.year, first.month, 10, 12))
    Incident.objects.create(
        grid=grids.a,
        category=category,
        place="3号楼北侧",
        description="x",
        reporter=owner,
        reported_at=deadline - timedelta(days=3),
        status="rectifying",
        unit=grids.cleaning,
        deadline=deadline,
    )
    member = api(committee.members.get(role="director").resident.user)
    query = {"compound": estate.compound_a.pk, "period": period_label(first)}
    bills = member.get(URL + "/records", {**query, "indicator": "fee_collection_rate"}).json()["items"]
    assert [b["title"] for b in bills] == [estate.building_a.name]  # the building, not the unit
    incidents = member.get(URL + "/records", {**query, "indicator": "incidents_on_time"}).json()["items"]
    assert incidents[0]["title"] == category.name and incidents[0]["page"] is None  # not its place
    worker = api(estate_worker(estate))
    bills = worker.get(URL + "/records", {**query, "indicator": "fee_collection_rate"}).json()["items"]
    assert bills[0]["title"] == str(estate.household_a)


def estate_worker(estate):
    from accounts.models import Post

    return Post.objects.get(role="community_worker", community=estate.community_a).user


def test_years_out_of_range_are_bad_input_not_a_server_error(api, client, estate, officer):
    for path, params in (
        (URL, {"period": "0001-01"}),
        (URL + "/trend", {"period": "0001-06"}),
        (URL + "/records", {"period": "0001-06", "indicator": "notices_published"}),
        ("/api/v1/governance/bulletins", {"week": "0001-W10"}),
    ):
        answer = api(officer).get(path, params)
        assert answer.status_code == 422, path
    client.force_login(officer)
    assert client.get("/reports/", {"period": "0001-12"}).status_code == 404
    assert client.get("/reports/bulletin/", {"week": "0001-W01"}).status_code == 404
    assert client.get("/grid/reports/daily/", {"community": "abc", "date": "2026-02-30"}).status_code == 200
