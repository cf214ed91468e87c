"""Indicator figures against hand-counted data (the ones built so far), and their fixed query cost."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from governance import services as governance
from governance.models import Evaluation, Member, Notice
from grid.models import Grid, Incident, Step
from property.models import Bill, FeeItem, ManagementPlan, Payment, PaymentAllocation
from reports import indicators, selectors
from reports.indicators import Month
from reports.scoring import Figure
from tests.factories import CompoundFactory, HouseholdFactory

pytestmark = pytest.mark.django_db
MONTH = date(2026, 11, 1)
D = Decimal


def notice(compound, day, kind="progress"):
    return Notice.objects.create(
        compound=compound, kind=kind, title="公示", published_on=day, author_name="业委会"
    )


def test_notices_published_counts_the_months_notices(estate):
    a, b = estate.compound_a, estate.compound_b
    notice(a, date(2026, 11, 1))
    notice(a, date(2026, 11, 30))
    notice(a, date(2026, 12, 1))  # next month
    notice(a, date(2026, 10, 31))  # month before
    figures = indicators.notices_published(Month([a.pk, b.pk], MONTH))
    assert figures[a.pk] == Figure(D(2), 2)
    assert figures[b.pk] == Figure(D(0), 0)


def test_finance_disclosed_looks_back_six_months_from_the_months_end(estate):
    a, b = estate.compound_a, estate.compound_b
    notice(a, date(2026, 6, 1), kind="finance")  # within [2026-06-01, 2026-12-01)
    notice(b, date(2026, 5, 31), kind="finance")  # a day too early
    notice(b, date(2026, 11, 2), kind="progress")  # not a disclosure
    figures = indicators.finance_disclosed(Month([a.pk, b.pk], MONTH))
    assert figures[a.pk].value == 1 and figures[b.pk].value == 0


def test_fee_collection_rate_is_paid_over_billed_for_the_months_bills(estate, collector):
    a = estate.compound_a
    item = FeeItem.objects.create(
        compound=a, name="物业服务费", kind="per_household", unit_price=D(1), effective_from=date(2026, 1, 1)
    )
    bills = [
        Bill.objects.create(
            household=h,
            fee_item=item,
            period_start=MONTH,
            months=1,
            amount=D("100.00"),
            basis="t",
            due_on=date(2026, 11, 28),
        )
        for h in (estate.household_a, estate.household_a2)
    ]
    other_month = Bill.objects.create(
        household=estate.household_a,
        fee_item=item,
        period_start=date(2026, 10, 1),
        months=1,
        amount=D("100.00"),
        basis="t",
        due_on=date(2026, 10, 28),
    )
    payment = Payment.objects.create(
        household=estate.household_a,
        compound=a,
        receipt_seq=1,
        amount=D("145.00"),
        method="cash",
        received_by=collector,
    )
    PaymentAllocation.objects.create(payment=payment, bill=bills[0], amount=D("95.00"))
    PaymentAllocation.objects.create(payment=payment, bill=other_month, amount=D("50.00"))
    figures = indicators.fee_collection_rate(Month([a.pk, estate.compound_b.pk], MONTH))
    assert figures[a.pk].value == D("95.00") / D("200.00")  # October's bill and its payment do not count
    assert figures[estate.compound_b.pk] == Figure(None, 0)  # no bills: insufficient data, not 0


def test_a_governing_body_and_management_count_at_the_months_end(estate, committee):
    a, b = estate.compound_a, estate.compound_b
    governing = indicators.governing_body_in_office(Month([a.pk, b.pk], MONTH))
    assert governing[a.pk].value == 1 and governing[b.pk].value == 0
    ManagementPlan.objects.create(compound=a, adopted_on=date(2026, 11, 30), text="方案")
    ManagementPlan.objects.create(compound=b, adopted_on=date(2026, 12, 1), text="方案")  # after the month
    a.management_mode = "property_company"
    a.save(update_fields=["management_mode"])
    b.management_mode = "property_company"
    b.save(update_fields=["management_mode"])
    managed = indicators.management_in_place(Month([a.pk, b.pk], MONTH))
    assert managed[a.pk].value == 1 and managed[b.pk].value == 0
    a.management_mode = "none"  # 三无: a plan on paper, nobody managing
    a.save(update_fields=["management_mode"])
    assert indicators.management_in_place(Month([a.pk], MONTH))[a.pk].value == 0


def test_minutes_published_is_the_share_of_the_six_months_meetings(estate, committee, committee_member):
    members = list(Member.objects.filter(body=committee))
    for days_ago, public in ((10, True), (40, False), (60, True), (200, True)):  # the last is too old
        governance.meeting_record(
            actor=committee_member,
            body=committee,
            title="例会",
            held_at=timezone.make_aware(datetime(2026, 12, 1)) - timedelta(days=days_ago),
            place="议事厅",
            public=public,
            attendance=[{"member": m.pk, "presence": "present", "proxy_name": ""} for m in members],
        )
    figure = indicators.minutes_published(Month([estate.compound_a.pk], MONTH))[estate.compound_a.pk]
    assert figure == Figure(D(2) / D(3), 3)


def test_scores_per_co_from_the_indicators_built(estate, committee):
    notice(estate.compound_a, date(2026, 11, 5))
    notice(estate.compound_a, date(2026, 11, 6), kind="finance")  # disclosed (100); two notices (100)
    scores = selectors.compound_scores([estate.compound_a.pk], MONTH)[estate.compound_a.pk]
    by_code = {code: r["score"] for code, r in scores.indicators.items()}
    assert by_code["notices_published"] == D("100.0")
    assert by_code["finance_disclosed"] == D("100.0")
    assert by_code["fee_collection_rate"] is None  # no bills: left out
    assert by_code["minutes_published"] is None  # no meetings: left out
    assert scores.scores["sharing"] == D("100.0")
    # co-management: a committee in office (100), no management plan (0), no grid covering it so no
    # role held (0); actions, duty and incidents have no records and are left out: (100 + 0 + 0) / 3
    assert scores.scores["management"] == D("33.3")
    # co-planning: nobody answered a solicitation (0 of 7 households), no consultation (0), no vote
    assert scores.scores["planning"] == D("0.0")
    assert scores.scores["evaluation"] is None  # no round, no rated incident: no score, never 0
    # co-building: no volunteer among 7 households (0), no hours (0); no party member, no shift: left out
    assert scores.scores["building"] == D("0.0")
    assert scores.overall == D("33.3")  # (100 + 33.3 + 0 + 0) / 4


def test_the_figures_cost_the_same_queries_for_3_or_30_compounds(estate, worker, django_assert_num_queries):
    few = [c.pk for c in CompoundFactory.create_batch(3, community=estate.community_a)]
    many = few + [c.pk for c in CompoundFactory.create_batch(27, community=estate.community_a)]
    for compound_id in many:
        HouseholdFactory(building__compound_id=compound_id)
    grid = Grid.objects.create(community=estate.community_a, name="第一网格")
    grid.compounds.set(many)
    Evaluation.objects.create(
        community=estate.community_a,
        subject="property_service",
        title="满意度",
        opens_on=date(2026, 10, 1),
        closes_on=date(2026, 10, 31),
        created_by=worker,
    )
    for ids in (few, many):
        # 1 the indicators; governed 1, managed 1; finance 1, notices 1, minutes 1, collection 2;
        # households 1, answers 1, votes 1, consultations 1, actions 1; grids covering 2, roles 1,
        # duty 1, incidents due 1, rework 1, incident ratings 1; the latest round 3 (communities,
        # rounds, ratings); volunteers living 1, hours 1, party members 1, places 2
        with django_assert_num_queries(28):
            selectors.compound_scores(ids, MONTH)


def test_grid_roles_covered_counts_the_core_roles_held_on_the_covering_grids(estate, grids):
    # grid A covers compound A: a cleaner, the grid worker and the police hold posts; no property
    # manager, no law-enforcement squad: 3 of 5
    figure = indicators.grid_roles_covered(Month([estate.compound_a.pk, estate.compound_b.pk], MONTH))
    assert figure[estate.compound_a.pk] == Figure(D(3) / D(5), 5)
    assert figure[estate.compound_b.pk].value == 0  # no grid covers it


def test_incidents_on_time_and_rework_count_through_the_grid(estate, grids, category, owner):
    def incident(deadline, closed_at=None, status="closed"):
        return Incident.objects.create(
            grid=grids.a,
            category=category,
            place="北门",
            description="x",
            reporter=owner,
            reported_at=deadline - timedelta(days=3),
            status=status,
            unit=grids.police_station,
            deadline=deadline,
            closed_at=closed_at,
        )

    nov = timezone.make_aware(datetime(2026, 11, 10, 12))
    incident(nov, closed_at=nov - timedelta(hours=1))  # on time
    incident(nov, closed_at=nov + timedelta(hours=1))  # late
    incident(nov, status="rectifying")  # still open past its deadline
    incident(nov - timedelta(days=20), closed_at=nov - timedelta(days=21))  # due in October
    late = incident(nov + timedelta(days=1), closed_at=nov)
    for action in ("resolve", "reopen", "resolve", "resolve"):
        Step.objects.create(incident=late, action=action, from_status="", to_status="", at=nov)
    month = Month([estate.compound_a.pk], MONTH)
    assert indicators.incidents_on_time(month)[estate.compound_a.pk] == Figure(D(2) / D(4), 4)
    assert indicators.rework_rate(month)[estate.compound_a.pk] == Figure(D(1) / D(3), 3)


def test_co_building_figures_against_hand_counts(estate, worker, volunteer):
    from volunteers.models import ServiceType, Shift, Signup, Volunteer

    # household A2's resident is an approved volunteer and a party member; household A's owner neither
    v = Volunteer.objects.create(resident=volunteer.resident, community=estate.community_a, status="approved")
    starts = timezone.make_aware(datetime(2026, 11, 7, 19))
    shift = Shift.objects.create(
        community=estate.community_a,
        compound=estate.compound_a,
        service_type=ServiceType.objects.get(code="patrol"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        meeting_point="北门",
        capacity=4,
        created_by=worker,
    )
    # checked in 10 minutes late, out 20 minutes after the end: 1.83 hours credited (capped at the end)
    Signup.objects.create(
        shift=shift,
        volunteer=v,
        status="confirmed",
        checked_in_at=starts + timedelta(minutes=10),
        checked_out_at=starts + timedelta(hours=2, minutes=20),
    )
    month = Month([estate.compound_a.pk], MONTH)
    a = estate.compound_a.pk
    assert indicators.volunteers_per_100(month)[a] == Figure(
        D(1) * 100 / D(2), 2
    )  # 1 volunteer, 2 households
    assert indicators.volunteer_hours_per_100(month)[a] == Figure(D("1.83") * 100 / D(2), 2)
    assert indicators.party_member_volunteering(month)[a] == Figure(D(1), 1)
    assert indicators.shift_fill_rate(month)[a] == Figure(D(1) / D(4), 4)


def test_party_members_who_served_only_after_the_month_do_not_count_for_it(estate, worker, volunteer):
    from volunteers.models import ServiceType, Shift, Signup, Volunteer

    v = Volunteer.objects.create(resident=volunteer.resident, community=estate.community_a, status="approved")
    starts = timezone.make_aware(datetime(2026, 12, 1, 19))  # the day after November ended
    shift = Shift.objects.create(
        community=estate.community_a,
        compound=estate.compound_a,
        service_type=ServiceType.objects.get(code="patrol"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        meeting_point="北门",
        capacity=4,
        created_by=worker,
    )
    Signup.objects.create(shift=shift, volunteer=v, status="confirmed", checked_in_at=starts)
    figure = indicators.party_member_volunteering(Month([estate.compound_a.pk], MONTH))
    assert figure[estate.compound_a.pk] == Figure(D(0), 1)
