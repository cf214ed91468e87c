"""Gap alerts: each kind against a hand-made case, its fix page, who reads which list, and a fixed
number of queries whatever the compounds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import StaffRole
from core.periods import last_full_month
from governance import services as governance
from governance.models import Action, Member, Notice
from grid.models import Incident
from property.models import Bill, FeeItem, ManagementPlan, Payment, PaymentAllocation
from reports.alerts import alerts
from tests.factories import CompoundFactory, HouseholdFactory, renovated

pytestmark = pytest.mark.django_db
URL = "/api/v1/governance/alerts"


def kinds(items, name):
    return sorted(a["kind"] for a in items if a["name"] == name)


def today():
    return timezone.localdate()


def test_a_compound_without_a_governing_body_or_disclosure_is_listed(estate):
    items = alerts([estate.community_a.pk, estate.community_b.pk])
    assert kinds(items, estate.compound_b.name) == ["no_finance_disclosure", "no_governing_body"]
    entry = next(a for a in items if a["kind"] == "no_governing_body" and a["name"] == estate.compound_b.name)
    assert entry["fix"] == f"/governance/compounds/{estate.compound_b.pk}/votes/new/?matter=elect_committee"
    assert entry["community"] == estate.community_b.pk and entry["compound"] == estate.compound_b.pk


def test_a_committee_whose_term_ended_or_ends_within_90_days(estate, committee):
    committee.term_end = today() - timedelta(days=3)
    committee.save(update_fields=["term_end"])
    items = alerts([estate.community_a.pk])
    assert "term_ended" in kinds(items, estate.compound_a.name)
    assert "no_governing_body" not in kinds(items, estate.compound_a.name)  # one alert, the precise one
    committee.term_end = today() + timedelta(days=60)
    committee.save(update_fields=["term_end"])
    items = alerts([estate.community_a.pk])
    assert "term_ending" in kinds(items, estate.compound_a.name)
    committee.term_end = today() + timedelta(days=120)
    committee.save(update_fields=["term_end"])
    assert "term_ending" not in kinds(alerts([estate.community_a.pk]), estate.compound_a.name)


def test_a_renovated_compound_needs_a_plan_and_somebody_managing_it(estate):
    a = estate.compound_a
    assert "no_management_plan" not in kinds(alerts([estate.community_a.pk]), a.name)  # not renovated
    renovated(a, 2024)
    assert {"no_management_plan", "no_property_service"} <= set(
        kinds(alerts([estate.community_a.pk]), a.name)
    )
    ManagementPlan.objects.create(compound=a, adopted_on=today() - timedelta(days=1), text="方案")
    a.management_mode = "red_property"
    a.save(update_fields=["management_mode"])
    assert not {"no_management_plan", "no_property_service"} & set(
        kinds(alerts([estate.community_a.pk]), a.name)
    )


def test_the_last_full_months_collection_under_the_floor(estate, collector, settings):
    settings.ALERT_COLLECTION_RATE_PERCENT = 80
    month = last_full_month(today())
    item = FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_household",
        unit_price=1,
        effective_from=month,
    )
    bills = [
        Bill.objects.create(
            household=h,
            fee_item=item,
            period_start=month,
            months=1,
            amount=Decimal("100.00"),
            basis="t",
            due_on=month,
        )
        for h in (estate.household_a, estate.household_a2)
    ]
    payment = Payment.objects.create(
        household=estate.household_a,
        compound=estate.compound_a,
        receipt_seq=1,
        amount=Decimal("159.00"),
        method="cash",
        received_by=collector,
    )
    PaymentAllocation.objects.create(payment=payment, bill=bills[0], amount=Decimal("100.00"))
    PaymentAllocation.objects.create(payment=payment, bill=bills[1], amount=Decimal("59.00"))
    low = [a for a in alerts([estate.community_a.pk]) if a["kind"] == "low_collection"]
    assert len(low) == 1 and "79.5%" in low[0]["detail"]
    assert low[0]["fix"] == f"/property/compounds/{estate.compound_a.pk}/fees/"
    PaymentAllocation.objects.filter(bill=bills[1]).update(amount=Decimal("60.00"))  # 80 %: not under
    assert not [a for a in alerts([estate.community_a.pk]) if a["kind"] == "low_collection"]


def test_grids_missing_a_role_and_overdue_incidents(estate, grids, category, owner):
    Incident.objects.create(
        grid=grids.a,
        category=category,
        place="北门",
        description="x",
        reporter=owner,
        reported_at=timezone.now() - timedelta(days=5),
        status="rectifying",
        unit=grids.cleaning,
        deadline=timezone.now() - timedelta(days=1),
    )
    items = alerts([estate.community_a.pk])
    missing = next(a for a in items if a["kind"] == "grid_role_missing" and a["name"] == grids.a.name)
    assert missing["compound"] is None
    assert missing["detail"] == "、".join(
        str(r.label) for r in (StaffRole.PROPERTY_MANAGER, StaffRole.LAW_ENFORCEMENT)
    )
    overdue = [a for a in items if a["kind"] == "incidents_overdue"]
    assert [a["name"] for a in overdue] == [grids.a.name]
    assert overdue[0]["fix"] == f"/grid/incidents/?grid={grids.a.pk}&overdue=on"


def test_overdue_actions_and_no_meeting_in_three_months(estate, committee, committee_member):
    members = list(Member.objects.filter(body=committee))
    items = alerts([estate.community_a.pk])
    assert "no_meeting" in kinds(items, estate.compound_a.name)
    governance.meeting_record(
        actor=committee_member,
        body=committee,
        title="例会",
        held_at=timezone.now() - timedelta(days=10),
        place="议事厅",
        attendance=[{"member": m.pk, "presence": "present", "proxy_name": ""} for m in members],
        actions=[{"title": "修路灯", "assignee": members[0].pk, "due_on": today() - timedelta(days=2)}],
    )
    items = alerts([estate.community_a.pk])
    assert "no_meeting" not in kinds(items, estate.compound_a.name)
    overdue = next(a for a in items if a["kind"] == "actions_overdue")
    assert overdue["since"] == today() - timedelta(days=2)
    assert overdue["fix"] == f"/governance/bodies/{committee.pk}/"
    Action.objects.update(closed_at=timezone.now())
    assert "actions_overdue" not in kinds(alerts([estate.community_a.pk]), estate.compound_a.name)


def test_a_finance_disclosure_in_six_months_clears_the_alert(estate):
    Notice.objects.create(
        compound=estate.compound_b,
        kind="finance",
        title="收支公示",
        published_on=today() - timedelta(days=200),
        author_name="社区",
    )
    entry = next(a for a in alerts([estate.community_b.pk]) if a["kind"] == "no_finance_disclosure")
    assert entry["since"] == today() - timedelta(days=200)
    Notice.objects.create(
        compound=estate.compound_b,
        kind="finance",
        title="收支公示",
        published_on=today() - timedelta(days=20),
        author_name="社区",
    )
    assert "no_finance_disclosure" not in kinds(alerts([estate.community_b.pk]), estate.compound_b.name)


def test_each_reads_their_own_list_and_every_fix_opens(
    api, client, estate, worker, officer, committee, grids
):
    mine = api(worker).get(URL).json()
    assert {a["community"] for a in mine["items"]} == {estate.community_a.pk}
    assert mine["count"] == len(mine["items"])
    assert api(worker).get(URL, {"community": estate.community_b.pk}).status_code == 422
    every = api(officer).get(URL).json()
    assert {a["community"] for a in every["items"]} == {estate.community_a.pk, estate.community_b.pk}
    assert api(committee.members.get(role="director").resident.user).get(URL).status_code == 403
    client.force_login(worker)
    for alert in mine["items"]:
        assert client.get(alert["fix"]).status_code == 200, alert["kind"]
    page = client.get("/reports/alerts/").content.decode()
    assert page.count('class="button" href=') >= mine["count"]


def test_the_list_costs_the_same_queries_for_2_or_12_compounds(estate, grids, django_assert_num_queries):
    def count():
        return len(alerts([estate.community_a.pk]))

    # compounds 1; bodies governing 1, ended 1, ending 1, meetings 1, actions overdue 1, disclosures 1,
    # last disclosure 1; renovated 1, with a plan 1; billed 1, paid 1; grids 1, roles held 1, overdue 1;
    # renovation projects at acceptance 1
    with django_assert_num_queries(16):
        few = count()
    for i in range(10):
        compound = CompoundFactory(community=estate.community_a, name=f"小区{i}")
        HouseholdFactory(building__compound=compound)
    with django_assert_num_queries(16):
        assert count() > few


def test_a_project_at_acceptance_that_may_not_be_handed_over_is_an_alert_with_what_it_lacks(world):
    from renovation.models import Project

    project = world.project("construction")
    Project.objects.filter(pk=project.pk).update(stage="acceptance")
    found = [a for a in alerts([world.estate.community_a.pk]) if a["kind"] == "handover_blocked"]
    assert [a["name"] for a in found] == [project.name]
    assert found[0]["fix"] == f"/renovation/projects/{project.pk}/"
    assert "验收" in found[0]["detail"] and "社区工作者" in found[0]["detail"]
    Project.objects.filter(pk=project.pk).update(stage="construction")
    assert not [a for a in alerts([world.estate.community_a.pk]) if a["kind"] == "handover_blocked"]
