from datetime import date
from decimal import Decimal

import pytest

from accounts.models import AuditEvent, Role
from property.fees import selectors
from property.fees import services as billing
from property.models import Adjustment, Bill, FeeItem
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(estate):
    item = FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_household",
        unit_price=Decimal("1"),
        effective_from=date(2026, 1, 1),
    )
    return Bill.objects.create(
        household=estate.household_a,
        fee_item=item,
        period_start=date(2026, 1, 1),
        months=1,
        amount=Decimal("100.00"),
        basis="t",
        due_on=date(2026, 1, 31),
    )


@pytest.fixture
def second_collector(estate):
    user = UserFactory(username="collector2")
    PostFactory(user=user, role=Role.FEE_COLLECTOR, community=estate.community_a)
    return user


def adjust(client, household, **body):
    return client.post(
        "/api/v1/property/adjustments", {"household": household.pk, **body}, content_type="application/json"
    )


def test_a_waiver_for_a_low_income_household_takes_effect_at_once(collector, estate, bill, api):
    response = adjust(
        api(collector), estate.household_a, kind="waiver", amount="100.00", reason="低保户减免", bill=bill.pk
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["requested_by"], body["reason"]) == (
        "approved",
        collector.display_name,
        "低保户减免",
    )
    bill.refresh_from_db()
    assert bill.status == "waived"
    assert selectors.open_balances(estate.household_a.pk) == []
    assert AuditEvent.objects.filter(action="adjustment.approved").count() == 1


def test_a_reason_is_required(collector, estate, bill, api):
    response = adjust(
        api(collector), estate.household_a, kind="waiver", amount="10.00", reason="", bill=bill.pk
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["reason"]
    assert not Adjustment.objects.exists()


def test_a_write_off_waits_for_a_second_person(collector, second_collector, estate, bill, api):
    created = adjust(
        api(collector),
        estate.household_a,
        kind="write_off",
        amount="100.00",
        reason="房屋灭失，无法追缴",
        bill=bill.pk,
    ).json()
    assert created["status"] == "pending"
    bill.refresh_from_db()
    assert bill.status == "open"  # not yet in effect
    url = f"/api/v1/property/adjustments/{created['id']}/approve"
    same = api(collector).post(url, {}, content_type="application/json")
    assert same.status_code == 409
    assert same.json()["code"] == "same_person"
    approved = api(second_collector).post(url, {"note": "核实无误"}, content_type="application/json")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by"]) == (
        "approved",
        second_collector.display_name,
    )
    bill.refresh_from_db()
    assert bill.status == "waived"
    again = api(second_collector).post(url, {}, content_type="application/json")
    assert again.status_code == 409


def test_a_rejected_write_off_changes_nothing(collector, second_collector, estate, bill, api):
    created = adjust(
        api(collector), estate.household_a, kind="write_off", amount="50.00", reason="x", bill=bill.pk
    )
    url = f"/api/v1/property/adjustments/{created.json()['id']}/reject"
    assert api(second_collector).post(url, {"note": ""}, content_type="application/json").status_code == 422
    assert (
        api(second_collector).post(url, {"note": "证据不足"}, content_type="application/json").status_code
        == 200
    )
    assert selectors.open_balances(estate.household_a.pk)[0][1] == Decimal("100.00")


def test_an_adjustment_cannot_exceed_what_is_owed(collector, estate, bill, api):
    billing.payment_record(
        actor=collector, household=estate.household_a, amount=Decimal("70.00"), method="cash"
    )
    response = adjust(
        api(collector), estate.household_a, kind="credit", amount="40.00", reason="服务补偿", bill=bill.pk
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["amount"]
    ok = adjust(
        api(collector), estate.household_a, kind="credit", amount="30.00", reason="服务补偿", bill=bill.pk
    )
    assert ok.status_code == 201
    bill.refresh_from_db()
    assert bill.status == "waived"


def test_a_refund_of_prepaid_credit_needs_approval_and_cannot_exceed_the_credit(
    collector, second_collector, estate, bill, api
):
    payment = billing.payment_record(
        actor=collector, household=estate.household_a, amount=Decimal("130.00"), method="cash", prepay=True
    )
    too_much = adjust(
        api(collector), estate.household_a, kind="refund", amount="31.00", reason="退预缴", payment=payment.pk
    )
    assert too_much.status_code == 422
    refund = adjust(
        api(collector), estate.household_a, kind="refund", amount="30.00", reason="退预缴", payment=payment.pk
    ).json()
    assert refund["status"] == "pending"
    url = f"/api/v1/property/adjustments/{refund['id']}/approve"
    assert api(second_collector).post(url, {}, content_type="application/json").status_code == 200
    second = adjust(
        api(collector), estate.household_a, kind="refund", amount="1.00", reason="再退", payment=payment.pk
    )
    assert second.status_code == 422  # the whole credit was refunded


def test_a_bill_of_another_household_cannot_be_adjusted(collector, estate, bill, api):
    response = adjust(
        api(collector), estate.household_a2, kind="waiver", amount="1.00", reason="x", bill=bill.pk
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["bill"]


def test_waived_amounts_leave_the_arrears(collector, estate, bill, api):
    from property.fees import selectors

    adjust(api(collector), estate.household_a, kind="waiver", amount="60.00", reason="部分减免", bill=bill.pk)
    row = selectors.arrears(Bill.objects.all(), date(2026, 11, 25)).get()
    assert row["owed"] == Decimal("40.00")
