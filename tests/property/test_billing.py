from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent
from core import periods
from property.fees import services as billing
from property.models import Bill, BillingRun, FeeItem, ParkingSpace
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def item(compound, **fields):
    defaults = {
        "name": "物业服务费",
        "kind": "per_area",
        "unit_price": Decimal("1.20"),
        "cycle_months": 1,
        "effective_from": date(2026, 1, 1),
    }
    return FeeItem.objects.create(compound=compound, **{**defaults, **fields})


def run(compound, period="2026-01", months=1):
    requested = BillingRun.objects.create(
        compound=compound, period_start=periods.period_parse(period), months=months
    )
    return billing.billing_run_execute(requested.pk)


def amounts(run_):
    return {b.household_id: b.amount for b in Bill.objects.filter(run=run_)}


def test_amount_is_exact_to_the_fen(estate):
    household = HouseholdFactory(
        building=estate.building_a, unit_label="9-901", building_area=Decimal("67.35")
    )
    item(estate.compound_a, cycle_months=3)
    done = run(estate.compound_a)
    bill = Bill.objects.get(run=done, household=household)
    assert bill.amount == Decimal("242.46")
    assert bill.basis == "67.35 m² × 1.2 × 3"
    assert (bill.period_start, bill.months, bill.due_on) == (date(2026, 1, 1), 3, date(2026, 1, 31))


@pytest.mark.parametrize(
    "area,price,expected",
    [
        ("10.01", "0.5000", "5.01"),  # 5.005: half up, not to even
        ("33.33", "0.4500", "15.00"),  # 14.9985
        ("80.00", "0.3333", "26.66"),  # 26.664
    ],
)
def test_rounding_is_half_up_at_the_fen(estate, area, price, expected):
    household = HouseholdFactory(building=estate.building_a, unit_label="9-902", building_area=Decimal(area))
    item(estate.compound_a, unit_price=Decimal(price))
    assert amounts(run(estate.compound_a))[household.pk] == Decimal(expected)


def test_a_second_run_for_the_same_months_issues_nothing(estate):
    item(estate.compound_a)
    first = run(estate.compound_a)
    assert first.issued == 2  # household_a and household_a2
    second = run(estate.compound_a)
    assert (second.issued, second.already_issued) == (0, 2)
    assert Bill.objects.count() == 2


def test_the_database_itself_refuses_a_second_bill_for_one_cycle(estate):
    fee = item(estate.compound_a)
    run(estate.compound_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bill.objects.create(
            household=estate.household_a,
            fee_item=fee,
            period_start=date(2026, 1, 1),
            months=1,
            amount=Decimal("1.00"),
            basis="x",
            due_on=date(2026, 1, 31),
        )


def test_a_quarterly_item_is_billed_at_the_start_of_its_cycles_only(estate):
    item(estate.compound_a, cycle_months=3)
    assert run(estate.compound_a, "2026-02").issued == 0
    assert run(estate.compound_a, "2026-04").issued == 2
    assert run(estate.compound_a, "2026-01", months=6).issued == 2  # January; April was issued already


def test_vacant_units_get_the_items_discount(estate):
    vacant = HouseholdFactory(
        building=estate.building_a, unit_label="9-903", building_area=Decimal("100.00"), is_vacant=True
    )
    item(estate.compound_a, unit_price=Decimal("1.00"), vacancy_discount=Decimal("30"))
    bill = Bill.objects.get(household=vacant, run=run(estate.compound_a))
    assert bill.amount == Decimal("70.00")
    assert "30%" in bill.basis


def test_a_full_vacancy_discount_issues_no_bill(estate):
    vacant = HouseholdFactory(building=estate.building_a, unit_label="9-904", is_vacant=True)
    item(estate.compound_a, vacancy_discount=Decimal("100"))
    assert vacant.pk not in amounts(run(estate.compound_a))


def test_no_area_means_no_per_area_bill_and_a_listed_warning(estate):
    unknown = HouseholdFactory(building=estate.building_a, unit_label="9-905", building_area=None)
    per_area = item(estate.compound_a)
    per_household = item(estate.compound_a, name="垃圾清运费", kind="per_household", unit_price=Decimal("5"))
    done = run(estate.compound_a)
    assert done.warnings == [{"household": unknown.pk, "fee_item": per_area.pk, "reason": "no_area"}]
    assert list(Bill.objects.filter(household=unknown).values_list("fee_item", flat=True)) == [
        per_household.pk
    ]


def test_per_space_and_fixed_items(estate):
    ParkingSpace.objects.create(compound=estate.compound_a, code="A-01", household=estate.household_a)
    ParkingSpace.objects.create(compound=estate.compound_a, code="A-02", household=estate.household_a)
    ParkingSpace.objects.create(compound=estate.compound_a, code="A-03")
    spaces = item(
        estate.compound_a, name="停车费", kind="per_space", unit_price=Decimal("60"), cycle_months=3
    )
    fixed = item(
        estate.compound_a, name="门禁卡工本费", kind="fixed", unit_price=Decimal("20"), cycle_months=12
    )
    done = run(estate.compound_a)
    by_item = {(b.fee_item_id, b.household_id): b.amount for b in Bill.objects.filter(run=done)}
    assert by_item[(spaces.pk, estate.household_a.pk)] == Decimal("360.00")  # 2 spaces x 60 x 3
    assert (spaces.pk, estate.household_a2.pk) not in by_item
    assert by_item[(fixed.pk, estate.household_a2.pk)] == Decimal("20.00")


def test_items_not_yet_or_no_longer_in_force_are_not_billed(estate):
    item(estate.compound_a, effective_from=date(2026, 3, 1))
    item(estate.compound_a, name="旧标准", effective_from=date(2025, 1, 1), effective_to=date(2026, 1, 1))
    assert run(estate.compound_a, "2026-01").issued == 0


def test_a_community_run_bills_every_compound_of_the_community(estate):
    item(estate.compound_a)
    item(estate.compound_b)
    requested = BillingRun.objects.create(community=estate.community_a, period_start=date(2026, 1, 1))
    done = billing.billing_run_execute(requested.pk)
    assert done.issued == 2
    assert set(Bill.objects.values_list("household__building__compound", flat=True)) == {estate.compound_a.pk}


def test_a_finished_run_is_not_carried_out_twice(estate):
    item(estate.compound_a)
    done = run(estate.compound_a)
    Bill.objects.filter(run=done).delete()
    again = billing.billing_run_execute(done.pk)
    assert again.issued == 2 and Bill.objects.count() == 0
    assert AuditEvent.objects.filter(action="billing_run.done", object_id=done.pk).count() == 1


def test_monthly_beat_requests_one_run_per_compound_with_items(estate, django_capture_on_commit_callbacks):
    item(estate.compound_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert billing.billing_runs_for_month(date(2026, 1, 1)) == 1
    assert BillingRun.objects.get().status == "done"
    assert billing.billing_runs_for_month(date(2026, 1, 1)) == 0


@pytest.mark.parametrize("value", ["2026-13", "26-01", "2026-1", "2026/01", "", "abcd-ef"])
def test_a_period_not_in_yyyy_mm_is_refused(value):
    from core.errors import Invalid

    with pytest.raises(Invalid) as caught:
        periods.period_parse(value)
    assert caught.value.fields == {"period": [str(caught.value.message)]}
