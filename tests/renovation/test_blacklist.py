"""The published blacklist (黑名单): a unit comes on past the thresholds (settings), with its figures
and the day, stays on as one entry, and comes off with the day once it catches up."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from grid.models import Incident, OverdueMark
from renovation.models import BlacklistEntry, Contract, ProjectItem
from renovation.services import blacklist_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(world, settings):
    """Compound A's project in construction, its contracts ended `days` ago with items unfinished."""
    settings.RENOVATION_BLACKLIST_LATE_DAYS = 14
    project = world.project("construction")

    def ended(days):
        end = timezone.localdate() - timedelta(days=days)
        Contract.objects.filter(project=project).update(starts_on=end - timedelta(days=120), ends_on=end)

    ended.project = project
    return ended


def builder(project):
    return Contract.objects.get(project=project, role="construction").unit


def test_a_unit_comes_on_the_blacklist_past_the_late_days_and_off_when_its_items_are_done(late):
    now = timezone.now()
    late(13)
    assert blacklist_update(now) == {"on": [], "off": []}  # 13 days late: under the threshold
    late(14)
    unit = builder(late.project)
    assert blacklist_update(now) == {"on": [unit.pk], "off": []}  # the supervisor is not the one late
    entry = BlacklistEntry.objects.get()
    assert (entry.came_on, entry.came_off, entry.milestones, entry.days_late) == (
        timezone.localdate(),
        None,
        1,
        14,
    )
    late(20)
    assert blacklist_update(now + timedelta(days=1)) == {"on": [], "off": []}  # still on: one entry
    assert BlacklistEntry.objects.get().days_late == 21  # counted a day later
    ProjectItem.objects.filter(project=late.project).update(percent=100)
    tomorrow = now + timedelta(days=2)
    assert blacklist_update(tomorrow) == {"on": [], "off": [unit.pk]}
    entry = BlacklistEntry.objects.get()
    assert entry.came_off == timezone.localdate(tomorrow) and entry.milestones == 0


def test_overdue_rectifications_put_a_unit_on_at_the_threshold(world, settings):
    settings.RENOVATION_BLACKLIST_RECTIFICATIONS = 3
    project = world.project("construction")
    unit = builder(project)
    now = timezone.now()

    def dispatched_to_builder():
        incident = world.incident("dispatched")
        Incident.objects.filter(pk=incident.pk).update(unit=unit)
        return incident

    for n in range(3):
        OverdueMark.objects.create(
            incident=dispatched_to_builder(), unit=unit, at=now - timedelta(days=n * 50)
        )
    assert blacklist_update(now)["on"] == []  # the third is outside the 90-day window
    OverdueMark.objects.create(incident=Incident.objects.last(), unit=world.grids.police_station, at=now)
    assert blacklist_update(now)["on"] == []  # a police station is no unit of works
    OverdueMark.objects.create(incident=dispatched_to_builder(), unit=unit, at=now)
    assert blacklist_update(now)["on"] == [unit.pk]
    assert BlacklistEntry.objects.get().rectifications == 3


def test_the_blacklist_is_published_without_sign_in_with_the_days_on_and_off(late):
    late(30)
    blacklist_update(timezone.now())
    data = Client().get("/api/v1/renovation/public/blacklist").json()
    assert [(e["unit"], e["milestones"], e["days_late"], e["came_off"]) for e in data] == [
        (builder(late.project).name, 1, 30, None)
    ]
    page = Client().get("/renovation/blacklist/").content.decode()
    assert builder(late.project).name in page and "30" in page


def test_the_published_page_also_names_units_of_any_kind_with_repeated_overdue_incidents(world, settings):
    settings.GRID_OVERDUE_LIST_THRESHOLD = 2
    now = timezone.now()
    police = world.grids.police_station
    for _ in range(2):
        incident = world.incident("dispatched")
        Incident.objects.filter(pk=incident.pk).update(unit=police)
        OverdueMark.objects.create(incident=incident, unit=police, at=now - timedelta(days=3))
    page = Client().get("/renovation/blacklist/").content.decode()
    listed = page.split('data-testid="overdue-units"')[1]
    assert police.name in listed and "2 次逾期" in listed
