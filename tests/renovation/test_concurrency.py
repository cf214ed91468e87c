"""Two taps on "next stage" at once: needs PostgreSQL and real threads (issue 22)."""


import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.services import token_issue
from renovation.models import Project
from tests.threads import at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.DB_IS_POSTGRES, reason="concurrency is tested on PostgreSQL"),
]


@pytest.mark.parametrize("run", range(10))
def test_two_taps_at_once_on_next_stage_move_the_project_one_stage(run, world, catalogue):
    """At feasibility with design's conditions met and tender's too (the plan is adopted), two taps on
    "Move to design" move it to design once: the other is refused as already there."""
    project = world.project("planned")
    Project.objects.filter(pk=project.pk).update(
        stage="feasibility", plan_adopted_on=timezone.localdate(), plan_basis="consultation"
    )
    raw = token_issue(user=world.users["worker"], name="race")[1]

    def tap(_i):
        return Client(headers={"Authorization": f"Bearer {raw}"}).post(
            f"/api/v1/renovation/projects/{project.pk}/advance",
            {"to": "design"},
            content_type="application/json",
        )

    answers = sorted(at_once(2, tap), key=lambda a: a.status_code)
    assert [a.status_code for a in answers] == [200, 409]
    assert (answers[1].json()["code"], answers[1].json()["detail"]) == ("stage", "项目已处于“设计”阶段。")
    project.refresh_from_db()
    assert project.stage == "design"
    assert project.stage_dates.get(stage="tender").reached_on is None
