from datetime import date, timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from governance import services
from governance.models import Action, Attendance, Body, Meeting, Member, Resolution
from tests.factories import ResidencyFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def meeting_payload(body, marks=None, **extra):
    members = list(Member.objects.filter(body=body).order_by("id"))
    marks = marks or ["present", "present", "present", "excused", "proxy"]
    data = {
        "body": body.pk,
        "kind": "regular",
        "title": "第三次例会",
        "held_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "place": "社区议事厅",
        "agenda": ["屋面防水维修", "停车管理"],
        "minutes": "讨论了屋面防水维修方案。",
        "attendance": [
            {"member": m.pk, "presence": mark, "proxy_name": "张三" if mark == "proxy" else ""}
            for m, mark in zip(members, marks, strict=False)
        ],
        "resolutions": [
            {"text": "同意申请使用维修资金", "votes_for": 3, "votes_against": 0, "abstentions": 1}
        ],
        "actions": [
            {
                "title": "联系施工单位报价",
                "assignee": members[-1].pk,
                "due_on": str(timezone.localdate() + timedelta(days=7)),
            }
        ],
    }
    data.update(extra)
    return data


def post_meeting(api, user, data):
    return api(user).post("/api/v1/governance/meetings", data, content_type="application/json")


def written():
    return (
        Meeting.objects.count(),
        Attendance.objects.count(),
        Resolution.objects.count(),
        Action.objects.count(),
    )


def test_a_committee_member_logs_a_whole_meeting_and_the_quorum_is_shown(api, committee, committee_member):
    answer = post_meeting(api, committee_member, meeting_payload(committee))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["quorum"] == {"present": 4, "members": 5, "met": True}
    assert [r["adopted"] for r in body["resolutions"]] == [True]
    assert body["actions"][0]["title"] == "联系施工单位报价"
    assert written() == (1, 5, 1, 1)
    assert AuditEvent.objects.filter(action="meeting.record").count() == 1


def test_without_a_quorum_the_meeting_says_so(api, committee, committee_member):
    data = meeting_payload(
        committee, marks=["present", "present", "absent", "excused", "absent"], resolutions=[]
    )
    assert post_meeting(api, committee_member, data).json()["quorum"] == {
        "present": 2,
        "members": 5,
        "met": False,
    }


def test_a_meeting_without_a_body_is_422_and_nothing_is_written(api, committee, committee_member):
    data = meeting_payload(committee)
    del data["body"]
    answer = post_meeting(api, committee_member, data)
    assert answer.status_code == 422 and "body" in answer.json()["fields"]
    assert written() == (0, 0, 0, 0)


def test_every_member_must_be_marked_and_nothing_is_half_written(api, committee, committee_member):
    data = meeting_payload(committee)
    data["attendance"] = data["attendance"][:4]
    answer = post_meeting(api, committee_member, data)
    assert answer.status_code == 422 and "attendance" in answer.json()["fields"]
    assert written() == (0, 0, 0, 0)


def test_more_votes_than_members_present_is_422(api, committee, committee_member):
    data = meeting_payload(
        committee, resolutions=[{"text": "x", "votes_for": 5, "votes_against": 0, "abstentions": 0}]
    )
    answer = post_meeting(api, committee_member, data)
    assert answer.status_code == 422 and "resolutions.0" in answer.json()["fields"]
    assert written() == (0, 0, 0, 0)


def test_a_proxy_must_be_named(api, committee, committee_member):
    data = meeting_payload(committee)
    data["attendance"][4]["proxy_name"] = ""
    answer = post_meeting(api, committee_member, data)
    assert answer.status_code == 422 and "attendance.4.proxy_name" in answer.json()["fields"]


def test_every_refusal_of_a_meeting_is_given_at_once_and_nothing_is_written(api, committee, committee_member):
    data = meeting_payload(
        committee, resolutions=[{"text": "x", "votes_for": 5, "votes_against": 0, "abstentions": 0}]
    )
    data["attendance"][4]["proxy_name"] = ""
    data["attendance"][0]["proxy_name"] = "李四"  # present in person: a proxy's name is a mistake
    answer = post_meeting(api, committee_member, data)
    assert answer.status_code == 422
    assert set(answer.json()["fields"]) == {
        "attendance.0.proxy_name",
        "attendance.4.proxy_name",
        "resolutions.0",
    }
    assert written() == (0, 0, 0, 0)


def test_residents_cannot_log_meetings(api, committee, volunteer):
    answer = post_meeting(api, volunteer, meeting_payload(committee))
    assert answer.status_code == 403
    assert written() == (0, 0, 0, 0)


def test_a_committee_member_of_compound_a_gets_404_on_a_meeting_of_compound_b(
    api, committee, committee_member, estate, worker_b
):
    body_b = services.body_create(
        actor=worker_b,
        kind="residents_council",
        name="教师新村居民议事会",
        compound=estate.compound_b,
        term_start=date(2024, 1, 1),
    )
    member_b = ResidentFactory(user=UserFactory(username="b-member"))
    ResidencyFactory(resident=member_b, household=estate.household_b)
    services.member_add(actor=worker_b, body=body_b, resident=member_b, started_on=date(2024, 1, 1))
    data = meeting_payload(body_b, marks=["present"], resolutions=[], actions=[])
    made = post_meeting(api, worker_b, data)
    assert made.status_code == 201
    meeting_id = made.json()["id"]
    assert api(committee_member).get(f"/api/v1/governance/meetings/{meeting_id}").status_code == 404
    # Not even when it is published: it is not their compound.
    Meeting.objects.filter(pk=meeting_id).update(public=True)
    assert api(committee_member).get(f"/api/v1/governance/meetings/{meeting_id}").status_code == 404
    refused = post_meeting(
        api, committee_member, meeting_payload(body_b, marks=["present"], resolutions=[], actions=[])
    )
    assert refused.status_code == 422 and "body" in refused.json()["fields"]


def test_residents_read_published_meetings_of_their_compound_only(
    api, committee, committee_member, volunteer
):
    internal = post_meeting(api, committee_member, meeting_payload(committee)).json()["id"]
    public = post_meeting(
        api, committee_member, meeting_payload(committee, public=True, title="公开例会")
    ).json()["id"]
    seen = [m["id"] for m in api(volunteer).get("/api/v1/governance/meetings").json()["items"]]
    assert seen == [public]  # the internal one is hidden
    assert internal not in seen
    assert api(volunteer).get(f"/api/v1/governance/meetings/{internal}").status_code == 404


def test_actions_are_reminded_once_listed_when_overdue_and_closed_with_a_note(
    api, committee, committee_member
):
    post_meeting(api, committee_member, meeting_payload(committee))
    action = Action.objects.get()
    assignee = action.assignee.resident.user
    today = timezone.localdate()
    assert services.actions_remind(today) == 0  # not due yet
    assert services.actions_remind(action.due_on) == 1
    assert services.actions_remind(action.due_on) == 0
    assert services.actions_remind(action.due_on + timedelta(days=1)) == 1  # overdue, once more
    assert Notification.objects.filter(user=assignee).count() == 2
    Action.objects.filter(pk=action.pk).update(due_on=today - timedelta(days=1))
    overdue = api(committee_member).get("/api/v1/governance/actions?overdue=true").json()
    assert [a["id"] for a in overdue["items"]] == [action.pk]
    empty_note = api(committee_member).post(
        f"/api/v1/governance/actions/{action.pk}/close", {"note": ""}, content_type="application/json"
    )
    assert empty_note.status_code == 422
    closed = api(committee_member).post(
        f"/api/v1/governance/actions/{action.pk}/close",
        {"note": "已收到三家报价"},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["closing_note"] == "已收到三家报价"
    assert api(committee_member).get("/api/v1/governance/actions?overdue=true").json()["count"] == 0


def test_an_assignee_must_be_a_member(api, committee, committee_member, volunteer):
    data = meeting_payload(committee)
    data["actions"][0]["assignee"] = 999999
    answer = post_meeting(api, committee_member, data)
    assert answer.status_code == 422 and "actions.0.assignee" in answer.json()["fields"]
    assert Body.objects.count() == 1 and written() == (0, 0, 0, 0)


def test_a_community_meeting_is_counted_once_for_a_resident_with_homes_in_two_compounds(api, estate, worker):
    """The list's count rides on the page query: a join that repeats rows would count them twice."""
    from tests.factories import BuildingFactory, CompoundFactory, HouseholdFactory

    team = services.body_create(
        actor=worker,
        kind="party_team",
        name="党员联合管理队伍",
        community=estate.community_a,
        term_start=date(2024, 1, 1),
    )
    Meeting.objects.create(
        body=team,
        title="联合巡查部署会",
        held_at=timezone.now(),
        place="党群服务中心",
        public=True,
        recorded_by=worker,
    )
    resident = ResidentFactory(user=UserFactory(username="two-homes"))
    ResidencyFactory(resident=resident, household=estate.household_a)
    other = BuildingFactory(compound=CompoundFactory(community=estate.community_a, name="东区"))
    ResidencyFactory(resident=resident, household=HouseholdFactory(building=other, unit_label="2-201"))
    answer = api(resident.user).get("/api/v1/governance/meetings").json()
    assert (answer["count"], len(answer["items"])) == (1, 1)
