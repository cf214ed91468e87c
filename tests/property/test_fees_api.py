from datetime import date
from decimal import Decimal

import pytest

from property.models import Bill, BillingRun, FeeItem

pytestmark = pytest.mark.django_db


def post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


@pytest.fixture
def fee(estate):
    return FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_area",
        unit_price=Decimal("0.50"),
        effective_from=date(2026, 1, 1),
    )


def test_collector_publishes_a_fee_item(collector, estate, api):
    response = post(
        api(collector),
        "/api/v1/property/fee-items",
        {
            "compound": estate.compound_a.pk,
            "name": "物业服务费",
            "kind": "per_area",
            "unit_price": "1.20",
            "cycle_months": 3,
            "effective_from": "2026-01-01",
            "vacancy_discount": "50",
        },
    )
    assert response.status_code == 201
    assert response.json()["unit_price"] == "1.2000"
    assert FeeItem.objects.get().cycle_months == 3


@pytest.mark.parametrize(
    "change,field",
    [
        ({"unit_price": "0"}, "unit_price"),
        ({"unit_price": "-1"}, "unit_price"),
        ({"kind": "per_person"}, "kind"),
        ({"cycle_months": 5}, "cycle_months"),
        ({"effective_from": "2026-01-15"}, "effective_from"),
        ({"vacancy_discount": "120"}, "vacancy_discount"),
    ],
)
def test_bad_fee_items_are_refused_by_field_and_not_written(worker, estate, api, change, field):
    payload = {
        "compound": estate.compound_a.pk,
        "name": "x",
        "kind": "per_area",
        "unit_price": "1.00",
        "effective_from": "2026-01-01",
        **change,
    }
    response = post(api(worker), "/api/v1/property/fee-items", payload)
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert not FeeItem.objects.exists()


def test_cleaner_cannot_publish_fees(cleaner, estate, api):
    response = post(
        api(cleaner),
        "/api/v1/property/fee-items",
        {
            "compound": estate.compound_a.pk,
            "name": "x",
            "kind": "fixed",
            "unit_price": "1",
            "effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 403


def test_billing_run_answers_202_and_the_worker_issues_the_bills(
    collector, estate, fee, api, django_capture_on_commit_callbacks
):
    client = api(collector)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(
            client,
            "/api/v1/property/billing-runs",
            {"compound": estate.compound_a.pk, "period": "2026-01", "months": 1},
        )
    assert response.status_code == 202
    assert len(callbacks) == 1
    body = response.json()
    assert (body["status"], body["period"]) == ("pending", "2026-01")
    detail = client.get(f"/api/v1/property/billing-runs/{body['id']}").json()
    assert (detail["status"], detail["issued"], detail["households"]) == ("done", 2, 2)
    bills = client.get("/api/v1/property/bills?period=2026-01").json()
    assert bills["count"] == 2
    assert bills["items"][0]["amount"] == "44.25"  # 88.50 m² x 0.50
    assert bills["items"][0]["period"] == "2026-01"


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "202601"])
def test_a_billing_run_with_a_bad_period_is_422_and_writes_nothing(collector, estate, api, period):
    response = post(
        api(collector), "/api/v1/property/billing-runs", {"compound": estate.compound_a.pk, "period": period}
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["period"]
    assert not BillingRun.objects.exists()


def test_a_billing_run_needs_exactly_one_scope(collector, estate, api):
    both = {"compound": estate.compound_a.pk, "community": estate.community_a.pk, "period": "2026-01"}
    assert post(api(collector), "/api/v1/property/billing-runs", both).status_code == 422


def test_a_billing_run_for_another_community_is_refused(collector, estate, api):
    response = post(
        api(collector),
        "/api/v1/property/billing-runs",
        {"compound": estate.compound_b.pk, "period": "2026-01"},
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["compound"]


def test_residents_see_only_their_own_bills(
    owner, worker_b, estate, fee, api, django_capture_on_commit_callbacks
):
    from property.fees import services as billing

    run = BillingRun.objects.create(compound=estate.compound_a, period_start=date(2026, 1, 1))
    billing.billing_run_execute(run.pk)
    mine = api(owner).get("/api/v1/property/bills").json()
    assert [b["household"] for b in mine["items"]] == [estate.household_a.pk]
    assert api(worker_b).get("/api/v1/property/bills").json()["count"] == 0
    other = api(owner).get(f"/api/v1/property/bills?household={estate.household_a2.pk}").json()
    assert other["count"] == 0
    assert api(worker_b).get(f"/api/v1/property/billing-runs/{run.pk}").status_code == 404


def test_bills_list_query_count_does_not_grow(worker, estate, fee, api, django_assert_num_queries):
    from property.fees import services as billing
    from tests.factories import HouseholdFactory

    for n in range(30):
        HouseholdFactory(building=estate.building_a, unit_label=f"5-{n:03d}")
    billing.billing_run_execute(
        BillingRun.objects.create(compound=estate.compound_a, period_start=date(2026, 1, 1)).pk
    )
    client = api(worker)
    client.get("/api/v1/property/bills")
    for limit in (3, 30):
        with django_assert_num_queries(1):  # the page with its count
            assert len(client.get(f"/api/v1/property/bills?limit={limit}").json()["items"]) == limit
    assert Bill.objects.count() == 32
