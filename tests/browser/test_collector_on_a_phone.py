from datetime import date
from decimal import Decimal

import pytest

from property.models import Bill, FeeItem, Payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_collector_records_a_payment_on_a_phone_and_sees_the_receipt(
    live_server, phone, screenshot, collector, estate
):
    item = FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_area",
        unit_price=Decimal("0.50"),
        effective_from=date(2026, 1, 1),
    )
    for month in (1, 2, 3):
        Bill.objects.create(
            household=estate.household_a2,
            fee_item=item,
            period_start=date(2026, month, 1),
            months=1,
            amount=Decimal("44.25"),
            basis="88.50 m² × 0.5 × 1",
            due_on=date(2026, month, 28),
        )

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill("collector")
    phone.get_by_label("密码").fill("pw-test-1234")
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("link", name="收费").click()
    phone.get_by_placeholder("房号或姓名").fill("1-102")
    phone.get_by_test_id("found").get_by_role("link").first.click()
    assert phone.get_by_test_id("owed").inner_text() == "¥132.75"
    assert phone.get_by_label("金额（元）").input_value() == "132.75"
    phone.get_by_label("支付方式").select_option("cash")
    screenshot("collector-payment")
    phone.get_by_role("button", name="确认收款").click()

    receipt = phone.get_by_test_id("receipt")
    receipt.wait_for()
    payment = Payment.objects.get()
    assert phone.get_by_test_id("receipt-no").inner_text() == payment.receipt_no
    assert phone.get_by_test_id("receipt-amount").inner_text() == "¥132.75"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("receipt")
    assert set(Bill.objects.values_list("status", flat=True)) == {"paid"}
