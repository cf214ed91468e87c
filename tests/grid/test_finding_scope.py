"""A finding becomes an incident only at the hands of those who may record the grid's inspection.

Before the fix, `POST grid/findings/{id}/incident` checked only that the user could see the grid:
a cleaner of grid B, a resident whose compound grid A covers and a collector of the community each
turned grid A's finding into an incident under their own name (201).
"""

import pytest
from django.utils import timezone

from grid import selectors, services
from grid.models import Finding, Incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(grids, cleaner):
    inspection = services.inspection_record(
        actor=cleaner,
        grid=grids.a,
        results=[
            {"item": item.pk, "passed": n != 0, "finding": "垃圾未清" if n == 0 else "", "place": "3号楼"}
            for n, item in enumerate(selectors.checklist_for(grids.a.community))
        ],
        now=timezone.now(),
    )
    return Finding.objects.get(inspection=inspection)


@pytest.mark.parametrize("who", ["cleaner_of_grid_b", "resident_of_grid_a", "collector"])
def test_only_the_grids_inspectors_turn_its_finding_into_an_incident(
    api, grids, finding, category, owner, collector, who
):
    user = {
        "cleaner_of_grid_b": grids.cleaner_b.user,
        "resident_of_grid_a": owner,  # lives in compound A, which grid A covers
        "collector": collector,
    }[who]
    response = api(user).post(
        f"/api/v1/grid/findings/{finding.pk}/incident",
        {"category": category.pk},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert Incident.objects.count() == 0
    finding.refresh_from_db()
    assert finding.incident_id is None


@pytest.mark.parametrize("who", ["cleaner", "grid_worker"])
def test_the_grids_cleaner_and_its_grid_worker_may(api, grids, finding, category, cleaner, who):
    user = cleaner if who == "cleaner" else grids.grid_worker_a.user
    response = api(user).post(
        f"/api/v1/grid/findings/{finding.pk}/incident",
        {"category": category.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Incident.objects.get().reporter == user


def test_the_page_refuses_an_outsider_of_the_grid_too(client, grids, finding, category):
    client.force_login(grids.cleaner_b.user)
    response = client.post(f"/grid/findings/{finding.pk}/incident/", {"category": category.pk}, follow=True)
    assert Incident.objects.count() == 0
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_reporting_needs_a_home_or_a_post_in_the_grids_community(grids, category, outsider, worker_b):
    for user in (outsider, worker_b):
        with pytest.raises(services.Forbidden):
            services.incident_report(
                actor=user, grid=grids.a, category=category, place="北门", description="占道"
            )
    assert Incident.objects.count() == 0
