"""Shared fixtures: a small estate with two communities, and one user for each role."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from accounts.services import token_issue
from config.celery import app as celery_app
from governance import services as governance_services
from governance.models import Body, BodyKind
from grid import defaults as grid_defaults
from grid import services as grid_services
from grid.models import Category, ChecklistItem, Grid, Unit
from property.fees.services import fee_item_create
from property.models import ServiceContract, ServiceProvider
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


def committee_of(actor, compound, director, name: str):
    """A filed owners' committee of `compound` (2024-2029) directed by `director` (a user who owns there)."""
    body = governance_services.body_create(
        actor=actor,
        kind=BodyKind.OWNERS_COMMITTEE,
        name=name,
        compound=compound,
        term_start=date(2024, 1, 1),
        term_end=date(2029, 1, 1),
    )
    governance_services.member_add(
        actor=actor, body=body, resident=director.resident, role="director", started_on=date(2024, 1, 1)
    )
    # On record as filed (the fixture's history; body_file's rule is tested on its own).
    Body.objects.filter(pk=body.pk).update(filed_on=date(2024, 1, 15))
    body.filed_on = date(2024, 1, 15)
    return body


@pytest.fixture
def committee(estate, worker, owners, committee_member):
    """A filed owners' committee of compound A with 5 members; the `committee_member` is its director."""
    body = committee_of(worker, estate.compound_a, committee_member, "纺织厂生活区第一届业主委员会")
    for resident in owners(4):
        governance_services.member_add(
            actor=worker, body=body, resident=resident, started_on=date(2024, 1, 1)
        )
    return body


@dataclass
class Grids:
    a: Grid
    b: Grid
    cleaning: Unit
    property: Unit
    police_station: Unit
    community_unit: Unit
    cleaner_a: object  # assignments
    cleaner_b: object
    grid_worker_a: object
    police_a: object


@pytest.fixture
def grids(estate, worker, cleaner):
    """Grid A covers compound A, grid B another compound of community A. The `cleaner` works in A,
    `cleaner2` in B; `gridworker` runs A; `police` patrols A for the police station."""
    grid_defaults.ensure(ChecklistItem, Category)  # a transactional test's flush removes migration data
    compound_b = CompoundFactory(community=estate.community_a, name="机械厂家属院")
    a = grid_services.grid_create(
        actor=worker, community=estate.community_a, name="第一网格", compounds=[estate.compound_a]
    )
    b = grid_services.grid_create(
        actor=worker, community=estate.community_a, name="第二网格", compounds=[compound_b]
    )
    units = {
        name: Unit.objects.create(name=name, kind=kind)
        for name, kind in [
            ("东风环卫", "cleaning"),
            ("安居物业", "property"),
            ("东风派出所", "police"),
            ("幸福社区居委会", "community"),
        ]
    }
    start = date(2025, 1, 1)
    cleaner2 = _staff("cleaner2", Role.CLEANER, community=estate.community_a)
    gridworker = _staff("gridworker", Role.GRID_WORKER, community=estate.community_a)
    police = _staff("police", Role.POLICE, community=estate.community_a)

    def assign(grid, user, role, unit):
        return grid_services.staff_assign(
            actor=worker, grid=grid, user=user, role=role, unit=units[unit], started_on=start
        )

    return Grids(
        a=a,
        b=b,
        cleaning=units["东风环卫"],
        property=units["安居物业"],
        police_station=units["东风派出所"],
        community_unit=units["幸福社区居委会"],
        cleaner_a=assign(a, cleaner, "cleaner", "东风环卫"),
        cleaner_b=assign(b, cleaner2, "cleaner", "东风环卫"),
        grid_worker_a=assign(a, gridworker, "grid_worker", "幸福社区居委会"),
        police_a=assign(a, police, "police", "东风派出所"),
    )


@pytest.fixture
def category():
    return Category.objects.get(code="sanitation")


# The whole-API world (tests/world.py) is a fixture for every test module.
from tests.world import world  # noqa: E402, F401


@pytest.fixture
def managed_compound(estate, worker):
    """Compound A as the gate's QR page should describe it with nobody having published a notice."""
    today = timezone.localdate()
    community = estate.community_a
    community.phone, community.address = "0510-8123 4567", "幸福路 12 号"
    community.save(update_fields=["phone", "address"])
    compound = estate.compound_a
    compound.management_mode = "property_company"
    compound.save(update_fields=["management_mode"])
    provider = ServiceProvider.objects.create(
        name="安居物业", contact_name="李经理", contact_phone="0510-8765 4321"
    )
    ServiceContract.objects.create(
        provider=provider,
        compound=compound,
        starts_on=today - timedelta(days=400),
        ends_on=today + timedelta(days=300),
        service_standard="二级服务标准",
    )
    ServiceContract.objects.create(  # expired: not the one serving today
        provider=ServiceProvider.objects.create(name="旧物业公司"),
        compound=compound,
        starts_on=today - timedelta(days=1200),
        ends_on=today - timedelta(days=400),
        service_standard="三级",
    )
    first = today.replace(day=1) - timedelta(days=31)
    fee_item_create(
        actor=worker,
        compound=compound,
        name="物业服务费",
        kind="per_area",
        unit_price="0.85",
        effective_from=first.replace(day=1),
    )
    fee_item_create(
        actor=worker,
        compound=compound,
        name="旧标准",
        kind="per_household",
        unit_price="5",
        effective_from=date(first.year - 2, 1, 1),
        effective_to=first.replace(day=1),
    )
    return compound
