"""The write-authorization matrix, generated from the OpenAPI schema.

Every POST, PATCH and DELETE of the API (sign-in aside) has an entry: the request that its rightful
actor makes on the objects of compound A / grid A (a positive control: it must succeed, so the body
is one that would be written), and the same request made by users of other scopes —

- `other_committee`: the director of another compound's committee (compound A2, same community),
- `other_cleaner`:   a cleaner of another grid (grid B, same community),
- `other_collector`: a fee collector whose post names only compound A2,
- `resident`:        a resident of another community (compound B),
- `other_worker`:    a community worker of another community —

each of which answers 403 or 404 (or 422 on the field, when the object is referenced in the body and
unknown to them) and changes no row of any table (compared row by row, not only counted). An
operation without an entry fails the test, so the next endpoint cannot forget it.
"""

import io
import json
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import ApiToken
from config.api import api as ninja_api
from core.periods import last_full_month, period_label
from governance import services as governance
from grid import selectors as grid_selectors
from grid.models import Unit
from property.models import Residency
from tests.world import Call
from volunteers import services as volunteering
from volunteers.models import ServiceType

pytestmark = pytest.mark.django_db

# Body fields that name another object by its id (the only fields a scope refusal may name in a 422).
REFERENCES = {
    "assignee",
    "assignment",
    "bill",
    "body",
    "building",
    "buildings",
    "category",
    "community",
    "compound",
    "compounds",
    "grid",
    "household",
    "item",
    "led_by",
    "member",
    "payment",
    "project",
    "resident",
    "service_type",
    "subdistrict",
    "to",
    "unit",
    "user",
    "volunteer",
}
OUTSIDERS = ["other_committee", "other_cleaner", "other_collector", "resident", "other_worker"]
# Tables a refused request may touch without writing anything: the token's last use, sign-in logs.
VOLATILE = {
    "accounts.apitoken",
    "axes.accesslog",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "sessions.session",
}


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "gray").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "p.png"
    return buffer


def step(w, status, action, actor, **body):
    return Call(actor, f"/grid/incidents/{w.incident(status).pk}/{action}", {"note": "说明", **body})


# Who may do what, one entry per write operation of the API: "METHOD /path/{param}" -> the call.
MATRIX = {
    "DELETE /auth/tokens/{token_id}": lambda w: Call(
        "worker", f"/auth/tokens/{ApiToken.objects.filter(user=w.users['worker']).first().pk}"
    ),
    "POST /property/communities": lambda w: Call(
        "officer", "/property/communities", {"subdistrict": w.estate.subdistrict.pk, "name": "文化社区"}
    ),
    "POST /property/compounds": lambda w: Call(
        "worker", "/property/compounds", {"community": w.estate.community_a.pk, "name": "新华小区"}
    ),
    "PATCH /property/compounds/{compound_id}": lambda w: Call(
        "worker", f"/property/compounds/{w.estate.compound_a.pk}", {"address": "新华路1号"}
    ),
    "POST /property/compounds/{compound_id}/management-plans": lambda w: Call(
        "worker",
        f"/property/compounds/{w.estate.compound_a.pk}/management-plans",
        {
            "adopted_on": str(w.today),
            "text": "红色物业托管，物业费每月每平方米0.5元",
            "management_mode": "red_property",
        },
    ),
    "POST /property/buildings": lambda w: Call(
        "worker", "/property/buildings", {"compound": w.estate.compound_a.pk, "name": "9号楼", "floors": 6}
    ),
    "POST /property/households": lambda w: Call(
        "worker",
        "/property/households",
        {"building": w.estate.building_a.pk, "unit_label": "1-601", "floor": 6, "building_area": "72.50"},
    ),
    "POST /property/residents": lambda w: Call(
        "worker",
        "/property/residents",
        {"name": "孙丽", "household": w.estate.household_a.pk, "started_on": str(w.today)},
    ),
    "POST /property/residencies": lambda w: Call(
        "worker",
        "/property/residencies",
        {
            "resident": Residency.objects.filter(household=w.estate.household_a).first().resident_id,
            "household": w.estate.household_a2.pk,
            "relation": "owner",
            "started_on": str(w.today),
        },
    ),
    "PATCH /property/households/{household_id}": lambda w: Call(
        "worker",
        f"/property/households/{w.estate.household_a.pk}",
        {"building_area": "91.20", "area_source": "survey", "held_by_developer": True},
    ),
    "POST /property/imports": lambda w: Call(
        "worker",
        "/property/imports",
        {
            "file": SimpleUploadedFile("台账.csv", "楼栋,房号,楼层\n1号楼,1-601,6\n".encode(), "text/csv"),
            "kind": "households",
            "compound": w.estate.compound_a.pk,
            "dry_run": "false",
        },
        multipart=True,
    ),
    "POST /property/residencies/{residency_id}/end": lambda w: Call(
        "worker",
        f"/property/residencies/{Residency.objects.get(household=w.estate.household_a).pk}/end",
        {"ended_on": str(w.today)},
    ),
    "POST /property/fee-items": lambda w: Call(
        "collector",
        "/property/fee-items",
        {
            "compound": w.estate.compound_a.pk,
            "name": "物业服务费",
            "kind": "per_area",
            "unit_price": "0.5",
            "effective_from": "2026-01-01",
        },
    ),
    "POST /property/billing-runs": lambda w: Call(
        "collector", "/property/billing-runs", {"compound": w.estate.compound_a.pk, "period": "2026-01"}
    ),
    "POST /property/payments": lambda w: (
        w.bills()
        and Call(
            "collector",
            "/property/payments",
            {"household": w.estate.household_a.pk, "amount": "80.00", "method": "cash"},
            headers={"Idempotency-Key": "matrix-1"},
        )
    ),
    "POST /property/adjustments": lambda w: Call(
        "collector",
        "/property/adjustments",
        {
            "household": w.estate.household_a.pk,
            "kind": "waiver",
            "amount": "10.00",
            "reason": "低保户减免",
            "bill": w.bills()[0].pk,
        },
    ),
    "POST /property/adjustments/{adjustment_id}/approve": lambda w: Call(
        "worker", f"/property/adjustments/{w.pending_write_off().pk}/approve", {"note": "同意"}
    ),
    "POST /property/adjustments/{adjustment_id}/reject": lambda w: Call(
        "worker", f"/property/adjustments/{w.pending_write_off().pk}/reject", {"note": "证据不足"}
    ),
    "POST /property/reminders": lambda w: (
        w.bills()
        and Call(
            "collector", "/property/reminders", {"household": w.estate.household_a.pk, "channel": "phone"}
        )
    ),
    # The director of compound A2's committee lives in community A: registering there is theirs to do.
    "POST /volunteers/registrations": lambda w: Call(
        "volunteer",
        "/volunteers/registrations",
        {"community": w.estate.community_a.pk},
        allowed=frozenset({"other_committee"}),
    ),
    "POST /volunteers/registrations/{registration_id}/approve": lambda w: Call(
        "worker", f"/volunteers/registrations/{w.registration().pk}/approve"
    ),
    "POST /volunteers/registrations/{registration_id}/decline": lambda w: Call(
        "worker", f"/volunteers/registrations/{w.registration().pk}/decline", {"reason": "信息不全"}
    ),
    "POST /volunteers/registrations/{registration_id}/suspend": lambda w: Call(
        "worker",
        f"/volunteers/registrations/{w.registration(approved=True).pk}/suspend",
        {"reason": "多次缺勤"},
    ),
    "POST /volunteers/shifts": lambda w: Call(
        "worker",
        "/volunteers/shifts",
        {
            "community": w.estate.community_a.pk,
            "service_type": ServiceType.objects.get(code="patrol").pk,
            "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
            "ends_at": (timezone.now() + timedelta(days=1, hours=2)).isoformat(),
            "meeting_point": "北门",
            "capacity": 5,
        },
    ),
    "POST /volunteers/shifts/{shift_id}/signup": lambda w: (
        w.registration(approved=True) and Call("volunteer", f"/volunteers/shifts/{w.shift().pk}/signup")
    ),
    "DELETE /volunteers/shifts/{shift_id}/signup": lambda w: Call(
        "volunteer", f"/volunteers/shifts/{w.shift(signed_up=True).pk}/signup"
    ),
    "POST /volunteers/shifts/{shift_id}/check-in": lambda w: Call(
        "volunteer",
        f"/volunteers/shifts/{w.shift(starts_in=timedelta(minutes=10), signed_up=True).pk}/check-in",
    ),
    "POST /volunteers/shifts/{shift_id}/check-out": lambda w: (
        lambda shift: (
            volunteering.signup_check_in(
                actor=w.users["volunteer"], by=w.users["volunteer"].resident.volunteer, shift=shift
            )
            and Call("volunteer", f"/volunteers/shifts/{shift.pk}/check-out")
        )
    )(w.shift(starts_in=timedelta(minutes=10), signed_up=True)),
    "PATCH /volunteers/shifts/{shift_id}": lambda w: Call(
        "worker", f"/volunteers/shifts/{w.shift().pk}", {"meeting_point": "南门"}
    ),
    "POST /volunteers/shifts/{shift_id}/cancel": lambda w: Call(
        "worker", f"/volunteers/shifts/{w.shift().pk}/cancel", {"reason": "暴雨"}
    ),
    "POST /volunteers/shift-templates": lambda w: Call(
        "worker",
        "/volunteers/shift-templates",
        {
            "community": w.estate.community_a.pk,
            "service_type": ServiceType.objects.get(code="patrol").pk,
            "weekday": 1,
            "start_time": "19:00",
            "minutes": 120,
            "meeting_point": "北门",
            "capacity": 5,
        },
    ),
    "POST /governance/bodies": lambda w: Call(
        "worker",
        "/governance/bodies",
        {
            "kind": "residents_council",
            "name": "居民议事会",
            "compound": w.estate.compound_a.pk,
            "term_start": "2026-01-01",
        },
    ),
    "POST /governance/bodies/{body_id}/file": lambda w: Call(
        "worker",
        f"/governance/bodies/{governance.body_create(actor=w.users['worker'], kind='residents_council', name='议事会', compound=w.estate.compound_a, term_start=date(2026, 1, 1)).pk}/file",
        {"filed_on": str(w.today)},
    ),
    "POST /governance/bodies/{body_id}/members": lambda w: Call(
        "worker",
        f"/governance/bodies/{w.committee.pk}/members",
        {"resident": w.users["volunteer"].resident.pk, "started_on": str(w.today)},
    ),
    "POST /governance/members/{member_id}/end": lambda w: Call(
        "worker", f"/governance/members/{w.members()[-1].pk}/end", {"ended_on": str(w.today)}
    ),
    "POST /governance/meetings": lambda w: Call(
        "committee",
        "/governance/meetings",
        {
            "body": w.committee.pk,
            "title": "例会",
            "held_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "place": "议事厅",
            "attendance": [{"member": m.pk, "presence": "present"} for m in w.members()],
        },
    ),
    "POST /governance/actions/{action_id}/close": lambda w: Call(
        "committee", f"/governance/actions/{w.meeting_action().pk}/close", {"note": "已完成"}
    ),
    "POST /governance/votes": lambda w: Call(
        "committee",
        "/governance/votes",
        {
            "compound": w.estate.compound_a.pk,
            "title": "续聘物业",
            "matter": "hire_property_company",
            "opens_at": (timezone.now() + timedelta(days=1)).isoformat(),
            "closes_at": (timezone.now() + timedelta(days=8)).isoformat(),
        },
    ),
    "POST /governance/votes/{vote_id}/ballots": lambda w: Call(
        "owner",
        f"/governance/votes/{w.vote().pk}/ballots",
        {"household": w.estate.household_a.pk, "choice": "for"},
    ),
    "POST /governance/notices": lambda w: Call(
        "committee",
        "/governance/notices",
        {"compound": w.estate.compound_a.pk, "kind": "progress", "title": "屋面维修进展", "body": "已开工"},
    ),
    "POST /governance/five-co/recompute": lambda w: Call(
        "officer",
        "/governance/five-co/recompute",
        {
            "subdistrict": w.estate.subdistrict.pk,
            "period": period_label(last_full_month(w.today)),
            "reason": "补录十月公示",
        },
    ),
    "POST /governance/solicitations": lambda w: Call(
        "committee",
        "/governance/solicitations",
        {
            "compound": w.estate.compound_a.pk,
            "title": "停车管理意见",
            "opens_on": str(w.today),
            "closes_on": str(w.today + timedelta(days=7)),
            "questions": [{"text": "是否同意", "kind": "single", "options": ["同意", "不同意"]}],
        },
    ),
    "POST /governance/solicitations/{solicitation_id}/responses": lambda w: Call(
        "owner",
        f"/governance/solicitations/{w.solicitation().pk}/responses",
        {"household": w.estate.household_a.pk, "answers": {"1": "同意"}},
    ),
    "POST /governance/evaluations": lambda w: Call(
        "worker",
        "/governance/evaluations",
        {
            "community": w.estate.community_a.pk,
            "subject": "property_service",
            "title": "物业服务满意度",
            "opens_on": str(w.today),
            "closes_on": str(w.today + timedelta(days=7)),
        },
    ),
    "POST /governance/evaluations/{evaluation_id}/ratings": lambda w: Call(
        "owner",
        f"/governance/evaluations/{w.evaluation().pk}/ratings",
        {"household": w.estate.household_a.pk, "score": 4},
    ),
    "POST /grid/grids": lambda w: Call(
        "worker", "/grid/grids", {"community": w.estate.community_a.pk, "name": "第三网格"}
    ),
    "POST /grid/grids/{grid_id}/staff": lambda w: Call(
        "worker",
        f"/grid/grids/{w.grids.a.pk}/staff",
        {"user": w.cleaner3.pk, "role": "cleaner", "unit": w.grids.cleaning.pk, "started_on": str(w.today)},
    ),
    "POST /grid/staff/{assignment_id}/end": lambda w: Call(
        "worker", f"/grid/staff/{w.grids.cleaner_a.pk}/end", {"ended_on": str(w.today)}
    ),
    "POST /grid/checklist-items": lambda w: Call(
        "worker",
        "/grid/checklist-items",
        {"community": w.estate.community_a.pk, "code": "dogs", "text": "文明养犬"},
    ),
    "POST /grid/duty-shifts": lambda w: Call(
        "worker",
        "/grid/duty-shifts",
        {
            "assignment": w.grids.cleaner_a.pk,
            "starts_at": (timezone.now() + timedelta(days=3)).isoformat(),
            "ends_at": (timezone.now() + timedelta(days=3, hours=4)).isoformat(),
        },
    ),
    "POST /grid/duty-templates": lambda w: Call(
        "worker",
        "/grid/duty-templates",
        {"assignment": w.grids.cleaner_a.pk, "weekdays": [0, 2], "start_time": "07:00", "minutes": 240},
    ),
    "POST /grid/duty-shifts/{shift_id}/start": lambda w: Call(
        "cleaner", f"/grid/duty-shifts/{w.duty().pk}/start"
    ),
    "POST /grid/duty-shifts/{shift_id}/end": lambda w: Call(
        "cleaner", f"/grid/duty-shifts/{w.duty(started=True).pk}/end", {"notes": "正常"}
    ),
    "POST /grid/duty-shifts/{shift_id}/swap": lambda w: Call(
        "cleaner",
        f"/grid/duty-shifts/{w.duty(starts_in=timedelta(days=2)).pk}/swap",
        {"to": w.colleague().pk, "reason": "家中有事"},
    ),
    "POST /grid/swaps/{swap_id}/decide": lambda w: Call(
        "gridworker", f"/grid/swaps/{w.swap().pk}/decide", {"approve": True}
    ),
    "POST /grid/inspections": lambda w: Call(
        "cleaner",
        "/grid/inspections",
        {
            "grid": w.grids.a.pk,
            "results": [
                {"item": i.pk, "passed": True} for i in grid_selectors.checklist_for(w.estate.community_a)
            ],
        },
    ),
    "POST /grid/findings/{finding_id}/incident": lambda w: Call(
        "cleaner", f"/grid/findings/{w.finding().pk}/incident", {"category": w.category.pk}
    ),
    # Anyone who works in the grid's community reports there: another grid's cleaner and a collector
    # of the community do (the director of compound A2's committee does not see grid A: 422).
    "POST /grid/incidents": lambda w: Call(
        "owner",
        "/grid/incidents",
        {
            "grid": w.grids.a.pk,
            "category": w.category.pk,
            "place": "北门",
            "description": "占道经营",
            "photo": photo(),
        },
        multipart=True,
        allowed=frozenset({"other_cleaner", "other_collector"}),
    ),
    "POST /grid/incidents/{incident_id}/dispatch": lambda w: step(
        w, "reported", "dispatch", "gridworker", unit=w.grids.police_station.pk
    ),
    "POST /grid/incidents/{incident_id}/reject": lambda w: step(w, "reported", "reject", "gridworker"),
    "POST /grid/incidents/{incident_id}/accept": lambda w: step(w, "dispatched", "accept", "police"),
    "POST /grid/incidents/{incident_id}/return": lambda w: step(w, "dispatched", "return", "police"),
    "POST /grid/incidents/{incident_id}/extend": lambda w: step(
        w, "rectifying", "extend", "police", until=(timezone.now() + timedelta(days=5)).isoformat()
    ),
    "POST /grid/incidents/{incident_id}/resolve": lambda w: step(w, "rectifying", "resolve", "police"),
    "POST /grid/incidents/{incident_id}/verify": lambda w: step(w, "resolved", "verify", "gridworker"),
    "POST /grid/incidents/{incident_id}/reopen": lambda w: step(w, "resolved", "reopen", "gridworker"),
    "POST /grid/incidents/{incident_id}/extension": lambda w: Call(
        "gridworker", f"/grid/incidents/{w.extension_pending().pk}/extension", {"approve": True}
    ),
    "POST /renovation/catalogue": lambda w: Call(
        "worker",
        "/renovation/catalogue",
        {
            "community": w.estate.community_a.pk,
            "name": "电动自行车棚",
            "group": "supporting",
            "tier": "improvement",
        },
    ),
    "POST /renovation/projects": lambda w: Call(
        "worker",
        "/renovation/projects",
        {"name": "纺织厂生活区改造", "compounds": [w.estate.compound_a.pk], "year": 2026},
    ),
    "PATCH /renovation/projects/{project_id}": lambda w: Call(
        "worker", f"/renovation/projects/{w.project().pk}", {"planned": {"design": "2026-06-01"}}
    ),
    "POST /renovation/projects/{project_id}/advance": lambda w: Call(
        "worker", f"/renovation/projects/{w.project().pk}/advance", {"to": "consultation"}
    ),
    "POST /renovation/projects/{project_id}/plan": lambda w: Call(
        "worker",
        f"/renovation/projects/{w.project('design').pk}/plan",
        {"adopted_on": str(w.today), "text": "一院一策", "basis": "consultation"},
    ),
    "POST /renovation/projects/{project_id}/contracts": lambda w: Call(
        "worker",
        f"/renovation/projects/{w.project().pk}/contracts",
        {
            "unit": Unit.objects.create(name="市政设计院", kind="design").pk,
            "role": "design",
            "value": "50000.00",
            "starts_on": str(w.today),
            "ends_on": str(w.today + timedelta(days=60)),
            "contact_name": "刘工",
            "contact_phone": "13700002222",
        },
    ),
    "POST /renovation/projects/{project_id}/progress": lambda w: (
        (project := w.project("construction"))
        and Call(
            "worker",
            f"/renovation/projects/{project.pk}/progress",
            {"item": project.items.first().pk, "percent": 40, "note": "进场施工", "photos": photo()},
            multipart=True,
        )
    ),
    "POST /renovation/works-notices": lambda w: (
        (project := w.project("construction"))
        and Call(
            "worker",
            "/renovation/works-notices",
            {
                "project": project.pk,
                "compound": w.estate.compound_a.pk,
                "buildings": [w.estate.building_a.pk],
                "kind": "water",
                "title": "1号楼停水",
                "starts_at": (timezone.now() + timedelta(days=1)).isoformat(),
                "ends_at": (timezone.now() + timedelta(days=1, hours=6)).isoformat(),
            },
        )
    ),
    "POST /renovation/projects/{project_id}/inspections": lambda w: (
        (project := w.project("construction"))
        and Call(
            "worker",
            f"/renovation/projects/{project.pk}/inspections",
            {
                "compound": w.estate.compound_a.pk,
                "findings": [
                    {
                        "contract": project.contracts.get(role="construction").pk,
                        "category": "works_quality",
                        "text": "墙面空鼓",
                    }
                ],
            },
        )
    ),
    "POST /renovation/inspections/{inspection_id}/findings": lambda w: (
        (project := w.project("construction"))
        and Call(
            "worker",
            f"/renovation/inspections/{w.site_inspection(project).pk}/findings",
            {
                "contract": project.contracts.get(role="construction").pk,
                "category": "works_safety",
                "text": "脚手架未设防护网",
                "photo": photo(),
            },
            multipart=True,
        )
    ),
    "POST /renovation/projects/{project_id}/acceptance": lambda w: (
        (project := w.project("acceptance"))
        and Call(
            "worker",
            f"/renovation/projects/{project.pk}/acceptance",
            {"held_on": str(w.today), "representatives": w.representatives(3)},
        )
    ),
    "POST /grid/incidents/{incident_id}/rate": lambda w: Call(
        "owner", f"/grid/incidents/{w.incident('closed', closed_at=timezone.now()).pk}/rate", {"score": 5}
    ),
}


def write_operations():
    schema = ninja_api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            if method in {"post", "patch", "put", "delete"}:
                yield f"{method.upper()} {path.removeprefix('/api/v1')}"


def test_every_write_operation_has_an_entry_in_the_matrix(db):
    operations = set(write_operations()) - {"POST /auth/token"}  # signing in is for anyone
    assert sorted(operations - set(MATRIX)) == []
    assert sorted(set(MATRIX) - operations) == []


def snapshot() -> dict:
    """Every row of every table (the volatile ones aside), to compare before and after."""
    rows = {}
    for model in apps.get_models():
        if model._meta.label_lower in VOLATILE or model._meta.proxy:
            continue
        rows[model._meta.label_lower] = sorted(map(repr, model.objects.values_list()))
    return rows


def send(client, method: str, call: Call):
    path = f"/api/v1{call.path}"
    if call.multipart:
        for value in call.body.values():
            if hasattr(value, "seek"):
                value.seek(0)
        return client.post(path, call.body, headers=call.headers)
    return client.generic(
        method, path, json.dumps(call.body), content_type="application/json", headers=call.headers
    )


@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_users_of_other_scopes_are_refused_and_nothing_is_written(operation, world, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    method = operation.split(" ", 1)[0]
    clients = {name: api(user) for name, user in world.users.items()}
    for client in clients.values():
        client.raise_request_exception = False
    call = MATRIX[operation](world)
    before = snapshot()
    for outsider in OUTSIDERS:
        if outsider in call.allowed:
            continue
        answer = send(clients[outsider], method, call)
        assert answer.status_code in {403, 404, 422}, (outsider, answer.status_code, answer.content[:300])
        if answer.status_code == 422:
            # Only for an object the body refers to by id that they may not see (the rightful actor's
            # same body is accepted below, so the 422 is their scope, not the input).
            named = set(answer.json()["fields"])
            assert named and named <= REFERENCES & set(call.body), (outsider, answer.content[:300])
        assert snapshot() == before, f"{outsider} changed rows with {operation}"
    # The positive control: the rightful actor's same request is written, so the refusals above meant it.
    answer = send(clients[call.actor], method, call)
    assert answer.status_code in {200, 201, 202, 204}, (call.actor, answer.status_code, answer.content[:300])
    assert snapshot() != before
