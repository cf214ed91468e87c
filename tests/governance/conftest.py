from datetime import date

import pytest

from governance import services
from governance.models import BodyKind
from tests.factories import HouseholdFactory, ResidencyFactory, ResidentFactory, UserFactory


@pytest.fixture
def owners(estate):
    """owners(n): n owners of compound A, each with a unit and an account."""

    def make(n, prefix="o"):
        made = []
        for i in range(n):
            household = HouseholdFactory(building=estate.building_a, unit_label=f"{prefix}-{i:03d}")
            resident = ResidentFactory(user=UserFactory(username=f"{prefix}{i:03d}"))
            ResidencyFactory(resident=resident, household=household)
            made.append(resident)
        return made

    return make


@pytest.fixture
def committee(estate, worker, owners, committee_member):
    """A filed owners' committee of compound A with 5 members; the `committee_member` is its director."""
    body = services.body_create(
        actor=worker,
        kind=BodyKind.OWNERS_COMMITTEE,
        name="纺织厂生活区第一届业主委员会",
        compound=estate.compound_a,
        term_start=date(2024, 1, 1),
        term_end=date(2029, 1, 1),
        filed_on=date(2024, 1, 15),
    )
    services.member_add(
        actor=worker,
        body=body,
        resident=committee_member.resident,
        role="director",
        started_on=date(2024, 1, 1),
    )
    for resident in owners(4):
        services.member_add(actor=worker, body=body, resident=resident, started_on=date(2024, 1, 1))
    return body
