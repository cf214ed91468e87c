from datetime import date
from decimal import Decimal

import pytest

from property.models import Bill, FeeItem, Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(estate):
    item = FeeItem.objects.create(
        compound=estate.compound_a,
        name="物业服务费",
        kind="per_household",
        unit_price=Decimal("1"),
        effective_from=date(2025, 1, 1),
    )
    return Bill.objects.create(
        household=estate.household_a,
        fee_item=item,
        period_start=date(2025, 1, 1),
        months=1,
        amount=Decimal("66.00"),
        basis="t",
        due_on=date(2025, 1, 31),
    )


def remind(client, household, channel, outcome=""):
    return client.post(
        "/api/v1/property/reminders",
        {"household": household.pk, "channel": channel, "outcome": outcome},
        content_type="application/json",
    )


def test_reminders_are_recorded_with_what_was_owed(collector, estate, overdue, api):
    response = remind(api(collector), estate.household_a, "phone", "答应月底缴清")
    assert response.status_code == 201
    body = response.json()
    assert (body["channel"], body["owed"], body["by"], body["outcome"]) == (
        "phone",
        "66.00",
        collector.display_name,
        "答应月底缴清",
    )


def test_escalation_comes_only_after_repeated_reminders(collector, estate, overdue, api, settings):
    settings.FEE_REMINDERS_BEFORE_ESCALATION = 2
    client = api(collector)
    early = remind(client, estate.household_a, "escalation")
    assert early.status_code == 409
    assert early.json()["code"] == "too_early"
    remind(client, estate.household_a, "notice")
    remind(client, estate.household_a, "visit", "不在家")
    assert remind(client, estate.household_a, "escalation").status_code == 201
    assert list(Reminder.objects.values_list("channel", flat=True).order_by("id")) == [
        "notice",
        "visit",
        "escalation",
    ]


def test_no_reminder_without_an_overdue_debt(collector, estate, api):
    response = remind(api(collector), estate.household_a2, "phone")
    assert response.status_code == 409
    assert response.json()["code"] == "nothing_owed"


def test_an_unknown_channel_is_422_and_cutting_off_utilities_is_not_a_channel(
    collector, estate, overdue, api
):
    response = remind(api(collector), estate.household_a, "cut_water")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["channel"]
