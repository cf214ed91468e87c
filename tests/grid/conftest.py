from dataclasses import dataclass
from datetime import date

import pytest

from accounts.models import Role
from grid import services
from grid.models import Category, Grid, Unit
from tests.conftest import _staff
from tests.factories import CompoundFactory


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
    compound_b = CompoundFactory(community=estate.community_a, name="机械厂家属院")
    a = services.grid_create(
        actor=worker, community=estate.community_a, name="第一网格", compounds=[estate.compound_a]
    )
    b = services.grid_create(
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
        return services.staff_assign(
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
