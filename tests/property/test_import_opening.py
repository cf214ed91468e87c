"""Opening arrears (期初欠费) brought in from the office's ledger (issue 12): each row a bill of its
own through billing.opening_balance_record, never charged again by a billing run, never shown as a
fee standard; the same file again changes nothing; another amount for a recorded month is refused
(a bill is never edited: an adjustment corrects it)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from property.fees import selectors
from property.fees import services as billing
from property.models import Bill, BillingRun, FeeKind, LedgerImport
from tests.imports import import_ledger

pytestmark = pytest.mark.django_db


def arrears(*rows, headers="楼栋,房号,期初欠费,所属期间"):
    return SimpleUploadedFile("欠费.csv", ("\n".join([headers, *rows]) + "\n").encode("gb18030"))


def send(client, file, compound, capture, dry_run=False):
    return import_ledger(
        client, capture, file=file, kind="opening_arrears", compound=compound.pk, dry_run=dry_run
    )


def test_opening_arrears_become_bills_of_their_own_and_again_change_nothing(
    api, estate, collector, django_capture_on_commit_callbacks
):
    client = api(collector)
    rows = ("1号楼,1-101,1260.00,2025-12", "1号楼,1-102,￥88.5,2025年11月")
    done = send(client, arrears(*rows), estate.compound_a, django_capture_on_commit_callbacks)
    assert (done["status"], done["created"]) == ("done", 2), done
    assert done["changes"][1]["fields"] == [["期初欠费", None, "88.50"], ["所属期间", None, "2025-11"]]
    bills = Bill.objects.filter(fee_item__kind=FeeKind.OPENING).order_by("household__unit_label")
    assert [(b.household.unit_label, b.amount, b.period_start) for b in bills] == [
        ("1-101", Decimal("1260.00"), date(2025, 12, 1)),
        ("1-102", Decimal("88.50"), date(2025, 11, 1)),
    ]
    owed = dict(selectors.arrears(Bill.objects.all(), date(2026, 6, 1)).values_list("household_id", "owed"))
    assert owed[estate.household_a.pk] == Decimal("1260.00")  # counted as arrears like any bill
    again = send(client, arrears(*rows), estate.compound_a, django_capture_on_commit_callbacks)
    assert (again["status"], again["unchanged"], Bill.objects.count()) == ("done", 2, 2)
    other = send(
        client, arrears("1号楼,1-101,1300,2025-12"), estate.compound_a, django_capture_on_commit_callbacks
    )
    assert other["status"] == "invalid" and "调整" in other["errors"][0]["message"]
    assert Bill.objects.get(household=estate.household_a).amount == Decimal("1260.00")


def test_bad_rows_are_named_and_nothing_is_written(
    api, estate, collector, django_capture_on_commit_callbacks
):
    rows = (
        "1号楼,9-999,100,2025-12",  # row 2: no such unit
        "1号楼,1-101,-5,2025-12",  # row 3: not above 0
        "1号楼,1-101,100,2099-01",  # row 4: a month to come
        "1号楼,1-102,100,2025-12",
        "1号楼,1-102,120,2025/12",  # row 6: the same unit and month again
    )
    done = send(api(collector), arrears(*rows), estate.compound_a, django_capture_on_commit_callbacks)
    assert {(e["row"], e["column"]) for e in done["errors"]} == {
        (2, "房号"),
        (3, "期初欠费"),
        (4, "所属期间"),
        (6, "所属期间"),
    }
    assert not Bill.objects.exists()


def test_billing_runs_and_fee_standards_leave_the_opening_item_alone(
    api, estate, collector, django_capture_on_commit_callbacks
):
    send(
        api(collector),
        arrears("1号楼,1-101,50,2025-12"),
        estate.compound_a,
        django_capture_on_commit_callbacks,
    )
    assert list(selectors.fee_standards(estate.compound_a.pk, date(2026, 1, 1))) == []
    run = BillingRun.objects.create(compound=estate.compound_a, period_start=date(2025, 12, 1))
    billing.billing_run_execute(run.pk)
    assert Bill.objects.count() == 1  # the opening balance only
    made = api(collector).post(
        "/api/v1/property/fee-items",
        {
            "compound": estate.compound_a.pk,
            "name": "期初",
            "kind": "opening",
            "unit_price": "1",
            "effective_from": "2026-01-01",
        },
        content_type="application/json",
    )
    assert made.status_code == 422 and "kind" in made.json()["fields"]


def test_only_those_who_collect_the_compounds_fees_bring_its_arrears_in(api, estate, worker_b, cleaner):
    for user in (worker_b, cleaner):
        answer = api(user).post(
            "/api/v1/property/imports",
            {
                "file": arrears("1号楼,1-101,50,2025-12"),
                "kind": "opening_arrears",
                "compound": estate.compound_a.pk,
            },
        )
        assert answer.status_code in (403, 422)
    assert not LedgerImport.objects.exists()
