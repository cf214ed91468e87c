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
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone
from PIL import Image

from accounts.models import ApiToken, Role
from config.api import api as ninja_api
from governance import services as governance
from governance.models import BodyKind, Member
from grid import services as grid
from grid.models import Finding, Incident
from property import billing
from property.models import Bill, FeeItem, Residency
from tests.conftest import _staff
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    PostFactory,
    ResidencyFactory,
    ResidentFactory,
    UserFactory,
)
from volunteers import services as volunteering
from volunteers.models import ServiceType

pytestmark = pytest.mark.django_db

OUTSIDERS = ["other_committee", "other_cleaner", "other_collector", "resident", "other_worker"]
# Tables a refused request may touch without writing anything: the token's last use, sign-in logs.
VOLATILE = {
    "accounts.apitoken",
    "axes.accesslog",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "sessions.session",
}


@dataclass
class Call:
    actor: str  # the rightful actor: a key of World.users
    path: str
    body: dict = field(default_factory=dict)
    multipart: bool = False
    headers: dict = field(default_factory=dict)
    allowed: frozenset = frozenset()  # outsiders whose scope truly covers this (see the entry)


class World:
    """Compound A of community A with something of every kind in it, and the users around it."""

    def __init__(
        self, estate, worker, worker_b, collector, cleaner, owner, committee, volunteer, grids, category
    ):
        self.estate, self.committee, self.grids, self.category = estate, committee, grids, category
        self.today = timezone.localdate()
        a2 = grids.b.compounds.get()
        officer = _staff("officer", Role.SUBDISTRICT_OFFICER, subdistrict=estate.subdistrict, community=None)
        # another compound's committee: its director owns a unit in compound A2
        home = HouseholdFactory(building=BuildingFactory(compound=a2))
        director = UserFactory(username="director_a2")
        ResidencyFactory(resident=ResidentFactory(user=director, name="赵刚"), household=home)
        body_a2 = governance.body_create(
            actor=worker,
            kind=BodyKind.OWNERS_COMMITTEE,
            name="机械厂家属院业委会",
            compound=a2,
            term_start=date(2024, 1, 1),
            term_end=date(2029, 1, 1),
        )
        governance.member_add(
            actor=worker,
            body=body_a2,
            resident=director.resident,
            role="director",
            started_on=date(2024, 1, 1),
        )
        other_collector = UserFactory(username="collector_a2")
        post = PostFactory(user=other_collector, role=Role.FEE_COLLECTOR, community=estate.community_a)
        post.compounds.set([a2])
        resident_b = UserFactory(username="resident_b")
        ResidencyFactory(resident=ResidentFactory(user=resident_b, name="钱敏"), household=estate.household_b)
        self.cleaner3 = _staff("cleaner3", Role.CLEANER, community=estate.community_a)
        self.users = {
            "officer": officer,
            "worker": worker,
            "collector": collector,
            "cleaner": cleaner,
            "owner": owner,
            "committee": owner,  # the committee's director owns household A
            "volunteer": volunteer,
            "gridworker": grids.grid_worker_a.user,
            "police": grids.police_a.user,
            "other_committee": director,
            "other_cleaner": grids.cleaner_b.user,
            "other_collector": other_collector,
            "resident": resident_b,
            "other_worker": worker_b,
        }

    # --- objects some entries need (made only when asked) --------------------------------------

    def bills(self, amounts=("80.00", "80.00")):
        item, _ = FeeItem.objects.get_or_create(
            compound=self.estate.compound_a,
            name="物业服务费",
            defaults={
                "kind": "per_household",
                "unit_price": Decimal("1"),
                "effective_from": date(2025, 1, 1),
            },
        )
        return [
            Bill.objects.create(
                household=self.estate.household_a,
                fee_item=item,
                period_start=date(2025, 1 + i, 1),
                months=1,
                amount=Decimal(a),
                basis="test",
                due_on=date(2025, 1 + i, 28),
            )
            for i, a in enumerate(amounts)
        ]

    def pending_write_off(self):
        bill = self.bills()[0]
        return billing.adjustment_request(
            actor=self.users["collector"],
            household=self.estate.household_a,
            kind="write_off",
            amount=Decimal("10.00"),
            reason="无法追缴",
            bill=bill,
        )

    def registration(self, approved=False):
        user = self.users["volunteer"]
        reg = volunteering.registration_create(
            actor=user, resident=user.resident, community=self.estate.community_a
        )
        if approved:
            volunteering.registration_decide(actor=self.users["worker"], volunteer=reg, status="approved")
        return reg

    def shift(self, starts_in=timedelta(days=1), signed_up=False):
        starts = timezone.now() + starts_in
        shift = volunteering.shift_create(
            actor=self.users["worker"],
            community=self.estate.community_a,
            compound=self.estate.compound_a,
            service_type=ServiceType.objects.get(code="patrol"),
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            meeting_point="北门",
            capacity=5,
        )
        if signed_up:
            reg = self.registration(approved=True)
            volunteering.signup_create(actor=self.users["volunteer"], volunteer=reg, shift=shift)
        return shift

    def members(self):
        return list(Member.objects.filter(body=self.committee).order_by("id"))

    def meeting_action(self):
        members = self.members()
        meeting = governance.meeting_record(
            actor=self.users["committee"],
            body=self.committee,
            title="例会",
            held_at=timezone.now() - timedelta(hours=1),
            place="议事厅",
            attendance=[{"member": m.pk, "presence": "present", "proxy_name": ""} for m in members],
            actions=[
                {"title": "联系施工单位", "assignee": members[0].pk, "due_on": self.today + timedelta(days=7)}
            ],
        )
        return meeting.actions.get()

    def vote(self):
        return governance.vote_create(
            actor=self.users["committee"],
            compound=self.estate.compound_a,
            title="续聘物业",
            matter="hire_property_company",
            opens_at=timezone.now() - timedelta(minutes=1),
            closes_at=timezone.now() + timedelta(days=7),
        )

    def solicitation(self):
        return governance.solicitation_create(
            actor=self.users["committee"],
            compound=self.estate.compound_a,
            title="停车管理意见",
            opens_on=self.today,
            closes_on=self.today + timedelta(days=7),
            questions=[{"text": "是否同意划线停车", "kind": "single", "options": ["同意", "不同意"]}],
        )

    def evaluation(self):
        return governance.evaluation_create(
            actor=self.users["worker"],
            community=self.estate.community_a,
            subject="property_service",
            title="物业服务满意度",
            opens_on=self.today,
            closes_on=self.today + timedelta(days=7),
        )

    def duty(self, starts_in=timedelta(minutes=5), started=False):
        starts = timezone.now() + starts_in
        shift = grid.duty_shift_create(
            actor=self.users["worker"],
            assignment=self.grids.cleaner_a,
            starts_at=starts,
            ends_at=starts + timedelta(hours=4),
        )
        if started:
            grid.duty_start(actor=self.users["cleaner"], shift=shift)
        return shift

    def colleague(self):
        return grid.staff_assign(
            actor=self.users["worker"],
            grid=self.grids.a,
            user=self.cleaner3,
            role="cleaner",
            unit=self.grids.cleaning,
            started_on=date(2025, 1, 1),
        )

    def swap(self):
        return grid.swap_request(
            actor=self.users["cleaner"],
            shift=self.duty(starts_in=timedelta(days=2)),
            to=self.colleague(),
            reason="家中有事",
        )

    def finding(self):
        items = grid.checklist_for(self.estate.community_a)
        inspection = grid.inspection_record(
            actor=self.users["cleaner"],
            grid=self.grids.a,
            results=[
                {"item": item.pk, "passed": n != 0, "finding": "垃圾未清" if n == 0 else "", "place": "3号楼"}
                for n, item in enumerate(items)
            ],
        )
        return Finding.objects.get(inspection=inspection)

    def incident(self, status="reported", **extra):
        return Incident.objects.create(
            grid=self.grids.a,
            category=self.category,
            place="3号楼北侧",
            description="建筑垃圾堆放",
            reporter=self.users["owner"],
            reported_at=timezone.now() - timedelta(hours=2),
            status=status,
            unit=None if status == "reported" else self.grids.police_station,
            deadline=None if status == "reported" else timezone.now() + timedelta(days=1),
            **extra,
        )

    def extension_pending(self):
        incident = self.incident("rectifying")
        grid.incident_step(
            actor=self.users["police"],
            incident=incident,
            action="extend",
            note="材料未到",
            until=timezone.now() + timedelta(days=5),
        )
        return incident


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
            volunteering.signup_check_in(by=w.users["volunteer"].resident.volunteer, shift=shift)
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
            "results": [{"item": i.pk, "passed": True} for i in grid.checklist_for(w.estate.community_a)],
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


@pytest.fixture
def world(estate, worker, worker_b, collector, cleaner, owner, committee, volunteer, grids, category):
    return World(estate, worker, worker_b, collector, cleaner, owner, committee, volunteer, grids, category)


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
            references = {k for k, v in call.body.items() if isinstance(v, int) and not isinstance(v, bool)}
            assert named and named <= references, (outsider, answer.content[:300])
        assert snapshot() == before, f"{outsider} changed rows with {operation}"
    # The positive control: the rightful actor's same request is written, so the refusals above meant it.
    answer = send(clients[call.actor], method, call)
    assert answer.status_code in {200, 201, 202, 204}, (call.actor, answer.status_code, answer.content[:300])
    assert snapshot() != before
