"""The incident loop: every step, allowed and refused, per role; deadlines, extensions, escalation."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Notification
from grid import services
from grid.models import Category, Incident, IncidentStatus, OverdueMark, Step
from grid.permissions import incidents_visible

pytestmark = pytest.mark.django_db

STATES = [s.value for s in IncidentStatus]
# action -> (the states it starts from, who takes it, the state it leads to)
LOOP = {
    "dispatch": ({"reported"}, "runner", "dispatched"),
    "reject": ({"reported"}, "runner", "rejected"),
    "accept": ({"dispatched"}, "unit", "rectifying"),
    "return": ({"dispatched"}, "unit", "reported"),
    "extend": ({"dispatched", "rectifying"}, "unit", None),  # same state, a pending extension
    "resolve": ({"rectifying"}, "unit", "resolved"),
    "verify": ({"resolved"}, "runner", "closed"),
    "reopen": ({"resolved"}, "runner", "rectifying"),
}
ACTORS = ["runner", "unit", "reporter"]
CASES = [(action, state, actor) for action in LOOP for state in STATES for actor in ACTORS]


def expected(action, state, actor):
    starts, who, leads_to = LOOP[action]
    if actor != who:
        return 403, state
    if state not in starts:
        return 409, state
    return 200, leads_to or state


@pytest.fixture
def people(grids, owner):
    return {"runner": grids.grid_worker_a.user, "unit": grids.police_a.user, "reporter": owner}


@pytest.mark.parametrize("action,state,actor", CASES)
def test_every_step_from_every_state_by_every_role(api, grids, people, category, action, state, actor):
    incident = Incident.objects.create(
        grid=grids.a,
        category=category,
        place="3号楼北侧",
        description="垃圾堆放",
        reporter=people["reporter"],
        reported_at=timezone.now() - timedelta(hours=1),
        status=state,
        unit=grids.police_station,
        deadline=timezone.now() + timedelta(days=1),
    )
    body = {
        "note": "说明",
        "unit": grids.police_station.pk,
        "until": (timezone.now() + timedelta(days=5)).isoformat(),
    }
    answer = api(people[actor]).post(
        f"/api/v1/grid/incidents/{incident.pk}/{action}", body, content_type="application/json"
    )
    code, after = expected(action, state, actor)
    assert answer.status_code == code, answer.content
    incident.refresh_from_db()
    assert incident.status == after
    steps = Step.objects.filter(incident=incident).count()
    assert steps == (1 if code == 200 else 0)


def test_a_step_that_needs_a_reason_without_one_is_422_and_changes_nothing(api, grids, people, category):
    incident = services.incident_report(
        actor=people["reporter"], grid=grids.a, category=category, place="东门", description="占道经营"
    )
    answer = api(people["runner"]).post(
        f"/api/v1/grid/incidents/{incident.pk}/reject", {"note": " "}, content_type="application/json"
    )
    assert answer.status_code == 422 and "reason" in answer.json()["fields"]
    incident.refresh_from_db()
    assert incident.status == "reported" and Step.objects.filter(incident=incident).count() == 1  # the report


def test_someone_outside_the_grid_gets_404(api, grids, people, category, worker_b):
    incident = services.incident_report(
        actor=people["reporter"], grid=grids.a, category=category, place="东门", description="x"
    )
    assert (
        api(worker_b)
        .post(
            f"/api/v1/grid/incidents/{incident.pk}/dispatch",
            {"unit": grids.cleaning.pk},
            content_type="application/json",
        )
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    "code,deadline",
    [("sanitation", (2026, 11, 27)), ("street_vending", (2026, 11, 30)), ("illegal_building", (2026, 12, 4))],
)
def test_the_deadline_comes_from_the_category(grids, people, code, deadline):
    category = Category.objects.get(code=code)
    now = timezone.make_aware(datetime(2026, 11, 26, 10, 0))
    incident = services.incident_report(
        actor=people["reporter"], grid=grids.a, category=category, place="x", description="y", now=now
    )
    services.incident_step(
        actor=people["runner"], incident=incident, action="dispatch", unit=grids.cleaning, now=now
    )
    incident.refresh_from_db()
    assert timezone.localtime(incident.deadline) == timezone.make_aware(datetime(*deadline))


def dispatched(grids, people, category, now=None):
    incident = services.incident_report(
        actor=people["reporter"], grid=grids.a, category=category, place="x", description="y", now=now
    )
    return services.incident_step(
        actor=people["runner"], incident=incident, action="dispatch", unit=grids.police_station, now=now
    )


def test_an_extension_needs_a_reason_a_later_date_and_approval(grids, people, category, api):
    incident = dispatched(grids, people, category)
    unit, runner = api(people["unit"]), api(people["runner"])
    url = f"/api/v1/grid/incidents/{incident.pk}"
    early = unit.post(
        f"{url}/extend",
        {"note": "材料未到", "until": incident.deadline.isoformat()},
        content_type="application/json",
    )
    assert early.status_code == 422 and "until" in early.json()["fields"]
    later = incident.deadline + timedelta(days=2)
    assert (
        unit.post(
            f"{url}/extend", {"note": "材料未到", "until": later.isoformat()}, content_type="application/json"
        ).status_code
        == 200
    )
    again = unit.post(
        f"{url}/extend", {"note": "再延", "until": later.isoformat()}, content_type="application/json"
    )
    assert again.status_code == 409
    assert (
        unit.post(f"{url}/extension", {"approve": True}, content_type="application/json").status_code == 403
    )
    assert (
        runner.post(f"{url}/extension", {"approve": True}, content_type="application/json").status_code == 200
    )
    incident.refresh_from_db()
    assert incident.deadline == later
    assert (
        runner.post(f"{url}/extension", {"approve": True}, content_type="application/json").status_code == 409
    )


def test_overdue_incidents_escalate_to_the_community_then_the_subdistrict_once_each(
    grids, people, category, worker, officer
):
    now = timezone.now()
    # Dispatched yesterday to be fixed the same day: overdue since midnight, less than 24 hours.
    incident = dispatched(grids, people, category, now=now - timedelta(days=1))
    assert services.incidents_escalate(now) == (1, 0)
    assert services.incidents_escalate(now) == (0, 0)
    incident.refresh_from_db()
    assert (incident.escalation, incident.overdue) == (1, True)
    assert OverdueMark.objects.filter(incident=incident, unit=grids.police_station).count() == 1
    assert Notification.objects.filter(user=worker).count() == 1
    assert services.incidents_escalate(incident.deadline + timedelta(hours=25)) == (0, 1)
    assert services.incidents_escalate(incident.deadline + timedelta(hours=26)) == (0, 0)
    assert Notification.objects.filter(user=officer).count() == 1
    assert [s.action for s in incident.steps.all()] == ["report", "dispatch", "escalate", "escalate"]


def test_a_unit_with_repeated_overdue_incidents_is_on_the_published_list(
    grids, people, category, api, settings
):
    settings.GRID_OVERDUE_LIST_THRESHOLD = 3
    now = timezone.now()
    for _ in range(2):
        dispatched(grids, people, category, now=now - timedelta(days=4))
    services.incidents_escalate(now)
    assert api(None).get("/api/v1/grid/public/overdue-units").json() == []
    dispatched(grids, people, category, now=now - timedelta(days=4))
    services.incidents_escalate(now)
    listed = api(None).get("/api/v1/grid/public/overdue-units").json()
    assert [(u["name"], u["overdue"], u["dispatched"], u["open_overdue"]) for u in listed] == [
        ("东风派出所", 3, 3, 3)
    ]


def test_the_reporter_rates_a_closed_incident_once(grids, people, category, api):
    incident = dispatched(grids, people, category)
    for who, action, note in [
        ("unit", "accept", ""),
        ("unit", "resolve", "已清运"),
        ("runner", "verify", ""),
    ]:
        services.incident_step(actor=people[who], incident=incident, action=action, note=note)
    client = api(people["reporter"])
    assert (
        client.post(
            f"/api/v1/grid/incidents/{incident.pk}/rate", {"score": 5}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/grid/incidents/{incident.pk}/rate", {"score": 4}, content_type="application/json"
        ).status_code
        == 409
    )
    assert (
        api(people["runner"])
        .post(f"/api/v1/grid/incidents/{incident.pk}/rate", {"score": 1}, content_type="application/json")
        .status_code
        == 403
    )
    incident.refresh_from_db()
    assert (incident.status, incident.rating, incident.measures) == ("closed", 5, "已清运")


def test_the_timeline_cannot_be_edited(grids, people, category):
    from django.db import DatabaseError, transaction

    incident = dispatched(grids, people, category)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Step.objects.filter(incident=incident).update(note="改写")


def test_the_board_filters_overdue_incidents(grids, people, category, api, worker):
    late = dispatched(grids, people, category, now=timezone.now() - timedelta(days=3))
    dispatched(grids, people, category)
    answer = api(worker).get("/api/v1/grid/incidents?overdue=true").json()
    assert [i["id"] for i in answer["items"]] == [late.pk]
    assert incidents_visible(people["reporter"]).count() == 2
