from datetime import date
from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from property.models import Bill, FeeItem, Payment, PaymentAllocation

pytestmark = pytest.mark.django_db


def make_bills(household, amounts, start_month=1):
    item = FeeItem.objects.get_or_create(
        compound=household.building.compound,
        name="物业服务费",
        defaults={"kind": "per_household", "unit_price": Decimal("1"), "effective_from": date(2025, 1, 1)},
    )[0]
    return [
        Bill.objects.create(
            household=household,
            fee_item=item,
            period_start=date(2025, start_month + i, 1),
            months=1,
            amount=Decimal(a),
            basis="test",
            due_on=date(2025, start_month + i, 28),
        )
        for i, a in enumerate(amounts)
    ]


def pay(client, household, amount, key="k1", **extra):
    return client.post(
        "/api/v1/property/payments",
        {"household": household.pk, "amount": amount, "method": "wechat", **extra},
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def test_payment_settles_the_oldest_bills_first(collector, estate, api):
    january, february, march = make_bills(estate.household_a, ["100.00", "100.00", "100.00"])
    response = pay(api(collector), estate.household_a, "250.00")
    assert response.status_code == 201
    body = response.json()
    assert body["allocations"] == [
        {"bill": january.pk, "amount": "100.00"},
        {"bill": february.pk, "amount": "100.00"},
        {"bill": march.pk, "amount": "50.00"},
    ]
    assert body["credit"] == "0.00"
    statuses = dict(Bill.objects.values_list("id", "status"))
    assert statuses == {january.pk: "paid", february.pk: "paid", march.pk: "partly_paid"}
    second = pay(api(collector), estate.household_a, "50.00", key="k2").json()
    assert second["allocations"] == [{"bill": march.pk, "amount": "50.00"}]
    assert Bill.objects.get(pk=march.pk).status == "paid"
    assert AuditEvent.objects.filter(action="payment.record").count() == 2


def test_more_than_owed_is_refused_unless_it_is_a_prepayment(collector, estate, api):
    make_bills(estate.household_a, ["80.00"])
    client = api(collector)
    refused = pay(client, estate.household_a, "100.00")
    assert refused.status_code == 422
    assert list(refused.json()["fields"]) == ["amount"]
    assert not Payment.objects.exists()
    accepted = pay(client, estate.household_a, "100.00", key="k2", prepay=True)
    assert accepted.status_code == 201
    assert accepted.json()["credit"] == "20.00"


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.001", "abc"])
def test_zero_negative_or_malformed_amounts_are_422_and_write_nothing(collector, estate, api, amount):
    make_bills(estate.household_a, ["80.00"])
    response = pay(api(collector), estate.household_a, amount)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["amount"]
    assert not Payment.objects.exists() and not PaymentAllocation.objects.exists()


def test_unknown_household_and_a_collector_of_another_community_get_404(collector, worker_b, estate, api):
    make_bills(estate.household_a, ["80.00"])
    response = api(collector).post(
        "/api/v1/property/payments",
        {"household": 999999, "amount": "1.00", "method": "cash"},
        content_type="application/json",
        headers={"Idempotency-Key": "x"},
    )
    assert response.status_code == 404
    assert pay(api(worker_b), estate.household_a, "80.00").status_code == 404
    assert not Payment.objects.exists()


def test_a_cleaner_of_the_community_may_not_take_money(cleaner, estate, api):
    make_bills(estate.household_a, ["80.00"])
    # The register is not a cleaner's to read (REGISTER_ROLES): the household is hidden, so 404.
    assert pay(api(cleaner), estate.household_a, "80.00").status_code == 404
    assert Payment.objects.count() == 0


def test_the_same_key_and_body_replay_the_first_answer(collector, estate, api):
    make_bills(estate.household_a, ["80.00", "80.00"])
    client = api(collector)
    first = pay(client, estate.household_a, "80.00", key="same")
    again = pay(client, estate.household_a, "80.00", key="same")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Payment.objects.count() == 1


def test_the_same_key_with_another_body_is_409(collector, estate, api):
    make_bills(estate.household_a, ["80.00", "80.00"])
    client = api(collector)
    assert pay(client, estate.household_a, "80.00", key="same").status_code == 201
    conflict = pay(client, estate.household_a, "70.00", key="same")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_mismatch"
    assert Payment.objects.count() == 1


def test_a_payment_without_an_idempotency_key_is_422(collector, estate, api):
    make_bills(estate.household_a, ["80.00"])
    response = api(collector).post(
        "/api/v1/property/payments",
        {"household": estate.household_a.pk, "amount": "80.00", "method": "cash"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["Idempotency-Key"]


def test_a_refused_payment_frees_its_key(collector, estate, api):
    make_bills(estate.household_a, ["80.00"])
    client = api(collector)
    assert pay(client, estate.household_a, "90.00", key="k").status_code == 422
    assert pay(client, estate.household_a, "80.00", key="k").status_code == 201


def test_receipt_numbers_run_per_compound_without_gaps(collector, officer, estate, api):
    make_bills(estate.household_a, ["10.00"] * 3)
    make_bills(estate.household_b, ["10.00"])
    client = api(collector)
    numbers = [pay(client, estate.household_a, "10.00", key=f"a{i}").json()["receipt_no"] for i in range(3)]
    compound = estate.compound_a.pk
    assert numbers == [f"{compound:04d}-000001", f"{compound:04d}-000002", f"{compound:04d}-000003"]
    other = pay(api(officer), estate.household_b, "10.00", key="b").json()["receipt_no"]
    assert other == f"{estate.compound_b.pk:04d}-000001"


def test_residents_see_their_own_payments_only(collector, owner, estate, api):
    make_bills(estate.household_a, ["10.00"])
    make_bills(estate.household_a2, ["10.00"])
    client = api(collector)
    pay(client, estate.household_a, "10.00", key="1")
    pay(client, estate.household_a2, "10.00", key="2")
    mine = api(owner).get("/api/v1/property/payments").json()
    assert [p["household"] for p in mine["items"]] == [estate.household_a.pk]
    assert api(collector).get("/api/v1/property/payments").json()["count"] == 2


def test_a_collector_serving_named_compounds_acts_only_there(estate, api):
    from accounts.models import Role
    from tests.factories import BuildingFactory, CompoundFactory, HouseholdFactory, PostFactory, UserFactory

    other = HouseholdFactory(building=BuildingFactory(compound=CompoundFactory(community=estate.community_a)))
    make_bills(estate.household_a, ["10.00"])
    make_bills(other, ["10.00"])
    user = UserFactory(username="collector_a")
    post = PostFactory(user=user, role=Role.FEE_COLLECTOR, community=estate.community_a)
    post.compounds.set([estate.compound_a])
    client = api(user)
    assert pay(client, estate.household_a, "10.00", key="a").status_code == 201
    assert pay(client, other, "10.00", key="b").status_code == 403
    community_run = client.post(
        "/api/v1/property/billing-runs",
        {"community": estate.community_a.pk, "period": "2026-01"},
        content_type="application/json",
    )
    assert community_run.status_code == 403
