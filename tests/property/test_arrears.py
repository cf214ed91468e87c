"""Arrears and collection rates on hand-made data."""

from datetime import date
from decimal import Decimal

import pytest

from property.fees import selectors
from property.fees import services as billing
from property.models import Bill, FeeItem

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


def bill(household, period, amount, due_on, status="open"):
    item, _ = FeeItem.objects.get_or_create(
        compound=household.building.compound,
        name="物业服务费",
        defaults={"kind": "per_household", "unit_price": Decimal("1"), "effective_from": date(2024, 1, 1)},
    )
    return Bill.objects.create(
        household=household,
        fee_item=item,
        period_start=period,
        months=1,
        amount=Decimal(amount),
        basis="t",
        due_on=due_on,
        status=status,
    )


def test_arrears_are_aged_by_months_past_due(estate, collector):
    h = estate.household_a
    bill(h, date(2025, 9, 1), "100.00", date(2025, 10, 1))  # over 12 months overdue
    bill(h, date(2026, 3, 1), "50.00", date(2026, 4, 1))  # 6-12
    bill(h, date(2026, 6, 1), "30.00", date(2026, 6, 30))  # 3-6 (almost 5 months)
    bill(h, date(2026, 10, 1), "20.00", date(2026, 10, 31))  # 0-3
    bill(h, date(2026, 11, 1), "10.00", date(2026, 12, 1))  # not yet due: not arrears
    bill(h, date(2026, 9, 1), "40.00", date(2026, 9, 30))  # 0-3
    # Oldest first: 100 settles September 2025, then 15 of March 2026's 50.
    billing.payment_record(actor=collector, household=h, amount=Decimal("100.00"), method="cash")
    billing.payment_record(actor=collector, household=h, amount=Decimal("15.00"), method="cash")

    rows = list(selectors.arrears(Bill.objects.all(), TODAY))
    assert rows == [
        {
            "household_id": h.pk,
            "owed": Decimal("125.00"),
            "oldest_period": date(2026, 3, 1),
            "bills": 4,
            "households": 1,
            "months_0_3": Decimal("60.00"),
            "months_3_6": Decimal("30.00"),
            "months_6_12": Decimal("35.00"),
            "months_over_12": Decimal("0.00"),
        }
    ]


def test_bucket_edges_are_exact(estate):
    h = estate.household_a
    bill(h, date(2026, 8, 1), "1.00", date(2026, 8, 25))  # exactly 3 months before TODAY: 0-3
    bill(h, date(2026, 7, 1), "2.00", date(2026, 8, 24))  # one day more: 3-6
    bill(h, date(2025, 11, 1), "4.00", date(2025, 11, 25))  # exactly 12 months: 6-12
    bill(h, date(2025, 10, 1), "8.00", date(2025, 11, 24))  # one day more: over 12
    row = selectors.arrears(Bill.objects.all(), TODAY).get()
    assert (row["months_0_3"], row["months_3_6"], row["months_6_12"], row["months_over_12"]) == (
        Decimal("1.00"),
        Decimal("2.00"),
        Decimal("4.00"),
        Decimal("8.00"),
    )


def test_collection_rate_by_household_and_by_amount(estate, collector):
    period = date(2026, 10, 1)
    bill(estate.household_a, period, "100.00", date(2026, 10, 31))
    bill(estate.household_a2, period, "60.00", date(2026, 10, 31))
    billing.payment_record(
        actor=collector, household=estate.household_a, amount=Decimal("100.00"), method="cash"
    )
    billing.payment_record(
        actor=collector, household=estate.household_a2, amount=Decimal("20.00"), method="cash"
    )
    rate = selectors.collection_rate(Bill.objects.filter(period_start=period))
    assert rate == {
        "households_billed": 2,
        "households_paid": 1,
        "household_rate": Decimal("0.5000"),
        "amount_billed": Decimal("160.00"),
        "amount_paid": Decimal("120.00"),
        "amount_rate": Decimal("0.7500"),
    }


def test_arrears_and_rates_over_the_api_are_scoped(
    estate, collector, worker_b, api, django_assert_num_queries
):
    bill(estate.household_a, date(2026, 1, 1), "88.00", date(2026, 1, 31))
    bill(estate.household_b, date(2026, 1, 1), "77.00", date(2026, 1, 31))
    client = api(collector)
    client.get("/api/v1/property/arrears")
    with django_assert_num_queries(1):  # the aggregated page with its count
        body = client.get("/api/v1/property/arrears").json()
    assert body["count"] == 1
    assert body["items"][0]["household"] == estate.household_a.pk
    assert body["items"][0]["owed"] == "88.00"
    assert body["items"][0]["oldest_period"] == "2026-01"
    rate = client.get("/api/v1/property/collection-rate?period=2026-01").json()
    assert (rate["households_billed"], rate["amount_billed"], rate["amount_rate"]) == (1, "88.00", "0.0000")
    other = api(worker_b).get("/api/v1/property/arrears").json()
    assert [r["household"] for r in other["items"]] == [estate.household_b.pk]
    assert api(collector).get("/api/v1/property/collection-rate?period=2026-1").status_code == 422
