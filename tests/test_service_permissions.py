"""Authorization lives in the services: a caller that skips the API (a page, the import, a task)
meets the same refusal. Before this, property's and volunteers' services checked nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import Forbidden, Invalid
from property.fees import services as billing
from property.models import Building, FeeItem, Payment, Resident
from property.register import services
from volunteers import services as volunteer_services
from volunteers.models import ServiceType, Shift, Volunteer

pytestmark = pytest.mark.django_db


def test_the_register_refuses_a_collector_and_another_communitys_worker(estate, collector, worker_b):
    for user in (collector, worker_b):
        with pytest.raises(Forbidden):
            services.building_create(actor=user, compound=estate.compound_a, name="9号楼", floors=6)
        with pytest.raises(Forbidden):
            services.resident_create(
                actor=user, name="张三", household=estate.household_a, started_on=date(2026, 1, 1)
            )
    assert not Building.objects.filter(name="9号楼").exists()
    assert not Resident.objects.filter(name="张三").exists()


def test_fees_refuse_a_worker_of_another_community(estate, worker_b):
    with pytest.raises(Forbidden):
        billing.fee_item_create(
            actor=worker_b,
            compound=estate.compound_a,
            name="物业服务费",
            kind="per_area",
            unit_price=Decimal("0.5"),
            cycle_months=1,
            effective_from=date(2026, 1, 1),
        )
    with pytest.raises(Forbidden):
        billing.payment_record(
            actor=worker_b, household=estate.household_a, amount=Decimal("10"), method="cash"
        )
    with pytest.raises(Forbidden):
        billing.billing_run_request(actor=worker_b, period=date(2026, 1, 1), compound=estate.compound_a)
    assert FeeItem.objects.count() == Payment.objects.count() == 0


def test_a_resident_registers_only_where_they_live(estate, volunteer):
    with pytest.raises(Invalid) as caught:
        volunteer_services.registration_create(
            actor=volunteer, resident=volunteer.resident, community=estate.community_b
        )
    assert list(caught.value.fields) == ["community"]
    assert Volunteer.objects.count() == 0


def test_nobody_registers_someone_else(estate, volunteer, owner):
    with pytest.raises(Forbidden):
        volunteer_services.registration_create(
            actor=owner, resident=volunteer.resident, community=estate.community_a
        )
    assert Volunteer.objects.count() == 0


def test_shifts_are_organised_only_by_the_communitys_workers(estate, cleaner, worker_b):
    patrol = ServiceType.objects.get(code="patrol")
    starts = timezone.now() + timedelta(days=1)
    for user in (cleaner, worker_b):
        with pytest.raises(Forbidden):
            volunteer_services.shift_create(
                actor=user,
                community=estate.community_a,
                service_type=patrol,
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                capacity=5,
                meeting_point="北门",
            )
    assert Shift.objects.count() == 0


def test_a_volunteer_signs_up_only_for_themself(estate, volunteer, owner, worker):
    approved = volunteer_services.registration_create(
        actor=volunteer, resident=volunteer.resident, community=estate.community_a
    )
    volunteer_services.registration_decide(actor=worker, volunteer=approved, status="approved")
    starts = timezone.now() + timedelta(days=1)
    shift = volunteer_services.shift_create(
        actor=worker,
        community=estate.community_a,
        service_type=ServiceType.objects.get(code="patrol"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=5,
        meeting_point="北门",
    )
    with pytest.raises(Forbidden):
        volunteer_services.signup_create(actor=owner, volunteer=approved, shift=shift)
    assert shift.signups.count() == 0
