from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import ResidencyFactory, ResidentFactory, UserFactory
from volunteers.models import RegistrationStatus, ServiceType, Shift, Volunteer


@pytest.fixture
def patrol(db):
    return ServiceType.objects.get_or_create(code="patrol", community=None, defaults={"name": "治安巡逻"})[0]


def make_volunteer(estate, username, household=None, community=None, status=RegistrationStatus.APPROVED):
    user = UserFactory(username=username)
    resident = ResidentFactory(user=user)
    ResidencyFactory(resident=resident, household=household or estate.household_a)
    return Volunteer.objects.create(
        resident=resident, community=community or estate.community_a, status=status
    )


@pytest.fixture
def volunteers(estate):
    def make(n, prefix="v", **kw):
        return [make_volunteer(estate, f"{prefix}{i:02d}", **kw) for i in range(n)]

    return make


@pytest.fixture
def shift(estate, patrol):
    start = timezone.now() + timedelta(days=1)
    return Shift.objects.create(
        community=estate.community_a,
        compound=estate.compound_a,
        service_type=patrol,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        meeting_point="东门岗亭",
        capacity=2,
    )
