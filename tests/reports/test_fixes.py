"""The pages the gap alerts send people to: recording a compound's management plan, and putting a
staff member on a grid that misses a role; each clears its alert."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, StaffRole
from grid.models import Assignment
from property.models import ManagementPlan
from reports.alerts import alerts
from tests.factories import PostFactory, UserFactory, renovated

pytestmark = pytest.mark.django_db


def kinds(community):
    return {a["kind"] for a in alerts([community.pk])}


def test_recording_the_management_plan_clears_the_alerts(client, api, estate, worker, committee):
    renovated(estate.compound_a, 2024)
    assert {"no_management_plan", "no_property_service"} <= kinds(estate.community_a)
    client.force_login(worker)
    url = f"/property/compounds/{estate.compound_a.pk}/plan/"
    refused = client.post(
        url,
        {
            "adopted_on": str(timezone.localdate() + timedelta(days=3)),
            "text": "方案",
            "management_mode": "red_property",
        },
    )
    assert refused.status_code == 200 and ManagementPlan.objects.count() == 0  # a plan not adopted yet
    done = client.post(
        url,
        {"adopted_on": str(timezone.localdate()), "text": "红色物业托管", "management_mode": "red_property"},
    )
    assert done.status_code == 302
    assert not {"no_management_plan", "no_property_service"} & kinds(estate.community_a)
    assert AuditEvent.objects.filter(action="management_plan.adopt").count() == 1
    member = committee.members.get(role="director").resident.user
    client.force_login(member)
    assert client.get(url).status_code == 403
    body = {"adopted_on": str(timezone.localdate()), "text": "  "}
    answer = api(worker).post(
        f"/api/v1/property/compounds/{estate.compound_a.pk}/management-plans",
        body,
        content_type="application/json",
    )
    assert answer.status_code == 422 and "text" in answer.json()["fields"]


def test_putting_someone_on_the_grid_clears_its_missing_role(client, estate, worker, grids, cleaner):
    missing = next(
        a
        for a in alerts([estate.community_a.pk])
        if a["kind"] == "grid_role_missing" and a["name"] == grids.a.name
    )
    assert missing["fix"] == f"/grid/grids/{grids.a.pk}/staff/?role=property_manager"
    manager = UserFactory(username="manager", name="钱物业")
    PostFactory(user=manager, role="property_manager", community=estate.community_a)
    client.force_login(worker)
    page = client.get(missing["fix"]).content.decode()
    assert "钱物业" in page and 'value="property_manager" selected' in page
    client.post(
        missing["fix"],
        {
            "role": "property_manager",
            "user": manager.pk,
            "unit": grids.property.pk,
            "started_on": str(timezone.localdate()),
        },
    )
    assert Assignment.objects.filter(grid=grids.a, user=manager, role="property_manager").exists()
    left = next(
        a
        for a in alerts([estate.community_a.pk])
        if a["kind"] == "grid_role_missing" and a["name"] == grids.a.name
    )
    assert left["detail"] == str(StaffRole.LAW_ENFORCEMENT.label)  # the one role still missing
    client.force_login(cleaner)
    assert client.get(missing["fix"]).status_code in (403, 404)
