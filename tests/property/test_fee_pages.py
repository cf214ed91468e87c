from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from property.models import Bill, FeeItem, Payment

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bills(estate):
    item = FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_household",
        unit_price=Decimal("1"),
        effective_from=date(2026, 1, 1),
    )
    return [
        Bill.objects.create(
            household=estate.household_a,
            fee_item=item,
            period_start=date(2026, m, 1),
            months=1,
            amount=Decimal("45.50"),
            basis="t",
            due_on=date(2026, m, 28),
        )
        for m in (1, 2)
    ]


def test_collector_records_a_payment_once_even_if_the_form_is_sent_twice(collector, estate, bills):
    client = signed_in(collector)
    page = client.get(f"/property/households/{estate.household_a.pk}/fees/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["amount"] == Decimal("91.00")
    data = {"amount": "91.00", "method": "cash", "key": form.initial["key"]}
    first = client.post(f"/property/households/{estate.household_a.pk}/fees/", data)
    again = client.post(f"/property/households/{estate.household_a.pk}/fees/", data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Payment.objects.count() == 1
    receipt = client.get(first["Location"]).content.decode()
    assert Payment.objects.get().receipt_no in receipt and "91.00" in receipt


def test_overpaying_on_the_page_shows_the_error_on_the_amount(collector, estate, bills):
    client = signed_in(collector)
    response = client.post(
        f"/property/households/{estate.household_a.pk}/fees/", {"amount": "500", "method": "cash", "key": "k"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["amount"]
    assert not Payment.objects.exists()


def test_resident_sees_their_bills_but_no_payment_form(owner, estate, bills):
    page = signed_in(owner).get(f"/property/households/{estate.household_a.pk}/fees/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "¥91.00" in body and 'data-testid="payment-form"' not in body
    refused = signed_in(owner).post(
        f"/property/households/{estate.household_a.pk}/fees/", {"amount": "91", "method": "cash", "key": "k"}
    )
    assert refused.status_code == 403
    assert signed_in(owner).get(f"/property/households/{estate.household_a2.pk}/fees/").status_code == 404


def test_collect_search_finds_households_by_unit_or_name(collector, owner, estate):
    client = signed_in(collector)
    by_unit = client.get(
        f"/property/collect/?compound={estate.compound_a.pk}&q=102", headers={"HX-Request": "true"}
    )
    assert "1-102" in by_unit.content.decode() and "1-101" not in by_unit.content.decode()
    by_name = client.get(f"/property/collect/?compound={estate.compound_a.pk}&q=王秀英").content.decode()
    assert f"/property/households/{estate.household_a.pk}/fees/" in by_name


def test_receipts_of_other_communities_are_404(worker_b, collector, estate, bills):
    from property.fees import services as billing

    payment = billing.payment_record(
        actor=collector, household=estate.household_a, amount=Decimal("45.50"), method="cash"
    )
    assert signed_in(worker_b).get(f"/property/payments/{payment.pk}/receipt/").status_code == 404


def test_household_page_shows_the_fee_standard_and_records_a_reminder(collector, estate, bills):
    client = signed_in(collector)
    page = client.get(f"/property/households/{estate.household_a.pk}/fees/").content.decode()
    assert 'data-testid="standards"' in page and "物业服务费" in page
    response = client.post(
        f"/property/households/{estate.household_a.pk}/reminders/", {"channel": "phone", "outcome": "已接通"}
    )
    assert response.status_code == 302
    assert estate.household_a.reminders.get().outcome == "已接通"
    assert "已接通" in client.get(response["Location"]).content.decode()


def test_arrears_overview_lists_compounds_with_totals(worker, estate, bills):
    page = signed_in(worker).get("/property/arrears/")
    rows = list(page.context["rows"])
    assert [(r["compound_name"], r["owed"], r["households"]) for r in rows] == [
        ("纺织厂生活区", Decimal("91.00"), 1)
    ]


def test_a_resident_sees_compound_aggregates_but_no_households(volunteer, collector, estate, bills):
    resident_page = signed_in(volunteer).get(f"/property/compounds/{estate.compound_a.pk}/fees/")
    assert resident_page.status_code == 200
    assert resident_page.context["arrears"]["owed"] == Decimal("91.00")
    assert list(resident_page.context["households"]) == []
    assert f"/property/households/{estate.household_a.pk}/fees/" not in resident_page.content.decode()
    staff_page = signed_in(collector).get(f"/property/compounds/{estate.compound_a.pk}/fees/")
    assert f"/property/households/{estate.household_a.pk}/fees/" in staff_page.content.decode()


def test_arrears_by_compound_show_every_aging_bucket_and_the_collection_rate(worker, estate, bills):
    from django.utils import timezone

    from core import periods

    month = periods.last_full_month(timezone.localdate())
    Bill.objects.create(
        household=estate.household_a2,
        fee_item=bills[0].fee_item,
        period_start=month,
        months=1,
        amount=Decimal("40.00"),
        basis="t",
        due_on=periods.add_months(month, 2),
    )
    page = signed_in(worker).get("/property/arrears/").content.decode()
    aging = page.split(f'data-testid="aging-{estate.compound_a.pk}"')[1].split("</dl>")[0]
    for label in ("3 个月以内", "3至6个月", "6至12个月", "12 个月以上"):
        assert label in aging
    row = next(r for r in signed_in(worker).get("/property/arrears/").context["rows"])
    expected = {"months_0_3": 0, "months_3_6": 0, "months_6_12": 0, "months_over_12": 0}
    today = timezone.localdate()
    cut3, cut6, cut12 = (periods.months_before(today, n) for n in (3, 6, 12))
    for bill in bills:  # January and February, due long ago (the November bill is not yet due)
        due = bill.due_on
        key = (
            "months_0_3"
            if due >= cut3
            else "months_3_6"
            if due >= cut6
            else "months_6_12"
            if due >= cut12
            else "months_over_12"
        )
        expected[key] += bill.amount
    assert {k: row[k] for k in expected} == expected
    assert f"{month:%Y-%m} 收缴率 0.0%" in page  # the month's bills, none paid yet


def test_the_compounds_fee_page_rounds_its_rate_once_from_the_exact_parts(collector, estate, bills):
    # 7,549.60 of 10,000.00 is 75.496 %: 75.5 %, not 76 % (the stored 0.7550 re-rounded as a float)
    from django.utils import timezone

    from core import periods
    from property.fees.services import payment_record

    month = periods.month_start(timezone.localdate())
    Bill.objects.create(
        household=estate.household_a2,
        fee_item=bills[0].fee_item,
        period_start=month,
        months=1,
        amount=Decimal("10000.00"),
        basis="t",
        due_on=periods.add_months(month, 1),
    )
    payment_record(actor=collector, household=estate.household_a2, amount=Decimal("7549.60"), method="cash")
    page = signed_in(collector).get(f"/property/compounds/{estate.compound_a.pk}/fees/").content.decode()
    row = page.split(f"<td>{month:%Y-%m}</td>")[1].split("</tr>")[0]
    assert "75.5%" in row and "76%" not in row
