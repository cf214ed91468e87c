"""Shared fixtures: a small estate with two communities, and one user for each role."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from accounts.models import Role
from accounts.services import token_issue
from config.celery import app as celery_app
from governance import services as governance_services
from governance.models import BodyKind
from tests.factories import (
    BuildingFactory,
    CommunityFactory,
    CompoundFactory,
    HouseholdFactory,
    PostFactory,
    ResidencyFactory,
    ResidentFactory,
    SubdistrictFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Ids repeat across tests (rolled-back transactions); cached scopes must not."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery():
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False


@dataclass
class Estate:
    subdistrict: object
    community_a: object
    community_b: object
    compound_a: object
    compound_b: object
    building_a: object
    building_b: object
    household_a: object
    household_a2: object
    household_b: object


@pytest.fixture
def estate(db):
    subdistrict = SubdistrictFactory(name="东风街道")
    community_a = CommunityFactory(subdistrict=subdistrict, name="幸福社区")
    community_b = CommunityFactory(subdistrict=subdistrict, name="和平社区")
    compound_a = CompoundFactory(community=community_a, name="纺织厂生活区")
    compound_b = CompoundFactory(community=community_b, name="教师新村")
    building_a = BuildingFactory(compound=compound_a, name="1号楼")
    building_b = BuildingFactory(compound=compound_b, name="1号楼")
    return Estate(
        subdistrict=subdistrict,
        community_a=community_a,
        community_b=community_b,
        compound_a=compound_a,
        compound_b=compound_b,
        building_a=building_a,
        building_b=building_b,
        household_a=HouseholdFactory(building=building_a, unit_label="1-101"),
        household_a2=HouseholdFactory(building=building_a, unit_label="1-102"),
        household_b=HouseholdFactory(building=building_b, unit_label="1-101"),
    )


def _staff(username, role, **scope):
    user = UserFactory(username=username)
    PostFactory(user=user, role=role, **scope)
    return user


@pytest.fixture
def officer(estate):
    return _staff("officer", Role.SUBDISTRICT_OFFICER, subdistrict=estate.subdistrict, community=None)


@pytest.fixture
def worker(estate):
    """A community worker of community A."""
    return _staff("worker", Role.COMMUNITY_WORKER, community=estate.community_a)


@pytest.fixture
def worker_b(estate):
    return _staff("worker_b", Role.COMMUNITY_WORKER, community=estate.community_b)


@pytest.fixture
def collector(estate):
    return _staff("collector", Role.FEE_COLLECTOR, community=estate.community_a)


@pytest.fixture
def cleaner(estate):
    return _staff("cleaner", Role.CLEANER, community=estate.community_a)


@pytest.fixture
def owner(estate):
    """A resident who owns household A (and the committee member of later issues)."""
    user = UserFactory(username="owner")
    resident = ResidentFactory(name="王秀英", phone="13812341234", user=user)
    ResidencyFactory(resident=resident, household=estate.household_a)
    return user


@pytest.fixture
def committee_member(owner):
    return owner


@pytest.fixture
def volunteer(estate):
    user = UserFactory(username="volunteer")
    resident = ResidentFactory(name="李强", phone="13900001111", user=user, is_party_member=True)
    ResidencyFactory(resident=resident, household=estate.household_a2)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


@pytest.fixture
def api():
    """api(user) -> a test client that sends that user's bearer token; api(None) sends none."""

    def make(user=None):
        if user is None:
            return Client()
        _token, raw = token_issue(user=user, name="test")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    return make


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
    body = governance_services.body_create(
        actor=worker,
        kind=BodyKind.OWNERS_COMMITTEE,
        name="纺织厂生活区第一届业主委员会",
        compound=estate.compound_a,
        term_start=date(2024, 1, 1),
        term_end=date(2029, 1, 1),
        filed_on=date(2024, 1, 15),
    )
    governance_services.member_add(
        actor=worker,
        body=body,
        resident=committee_member.resident,
        role="director",
        started_on=date(2024, 1, 1),
    )
    for resident in owners(4):
        governance_services.member_add(
            actor=worker, body=body, resident=resident, started_on=date(2024, 1, 1)
        )
    return body
