import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from property.fees import services as billing
from property.models import Bill, FeeItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(estate, collector):
    item = FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_household",
        unit_price=Decimal("1"),
        effective_from=date(2026, 1, 1),
    )
    for household in (estate.household_a, estate.household_a2):
        Bill.objects.create(
            household=household,
            fee_item=item,
            period_start=date(2026, 1, 1),
            months=1,
            amount=Decimal("88.50"),
            basis="t",
            due_on=date(2026, 1, 31),
        )
    billing.payment_record(
        actor=collector, household=estate.household_a, amount=Decimal("88.50"), method="cash"
    )


def test_bills_ledger_as_csv_streams_every_bill_with_what_is_settled(collector, ledger, api):
    response = api(collector).get("/api/v1/property/ledgers/bills?format=csv&period=2026-01")
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["小区", "楼栋", "房号", "收费项目"]
    assert [(r[2], r[6], r[7], r[8]) for r in rows[1:]] == [
        ("1-101", "88.50", "88.50", "paid"),
        ("1-102", "88.50", "0.00", "open"),
    ]


def test_payments_ledger_as_xlsx(collector, ledger, api):
    response = api(collector).get("/api/v1/property/ledgers/payments?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "收据号"
    assert rows[1][0].endswith("-000001") and Decimal(str(rows[1][4])) == Decimal("88.50")


def test_ledgers_are_scoped_and_need_sign_in(worker_b, ledger, api):
    text = b"".join(api(worker_b).get("/api/v1/property/ledgers/bills").streaming_content).decode()
    assert len(list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))) == 1  # the header only
    assert Client().get("/api/v1/property/ledgers/bills").status_code == 401


def test_an_unknown_format_is_422(collector, ledger, api):
    response = api(collector).get("/api/v1/property/ledgers/bills?format=pdf")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["format"]
