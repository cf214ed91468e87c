"""A compound with something of every kind in it and users of every scope around it, for the
whole-API tests (the write-authorization matrix, schemathesis)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Role
from governance import services as governance
from governance.models import Member
from grid import selectors as grid_selectors
from grid import services as grid
from grid.models import Category, Finding, Incident, Unit
from property.fees import services as billing
from property.models import Bill, FeeItem, Household
from renovation import defaults as renovation_defaults
from renovation import services as renovation
from renovation.models import CatalogueItem, Project
from tests.conftest import _staff, committee_of
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    PostFactory,
    ResidencyFactory,
    ResidentFactory,
    UserFactory,
)
from volunteers import defaults as volunteer_defaults
from volunteers import services as volunteering
from volunteers.models import ServiceType


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
        volunteer_defaults.ensure(ServiceType)  # a transactional test's flush removes migration data
        renovation_defaults.ensure(CatalogueItem)
        renovation_defaults.ensure_categories(Category)
        a2 = grids.b.compounds.get()
        officer = _staff("officer", Role.SUBDISTRICT_OFFICER, subdistrict=estate.subdistrict, community=None)
        # another compound's committee: its director owns a unit in compound A2
        home = HouseholdFactory(building=BuildingFactory(compound=a2))
        director = UserFactory(username="director_a2")
        ResidencyFactory(resident=ResidentFactory(user=director, name="赵刚"), household=home)
        committee_of(worker, a2, director, "机械厂家属院业委会")
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
        items = grid_selectors.checklist_for(self.estate.community_a)
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

    def populate(self):
        """One or more of everything, for tests that address objects by id (schemathesis)."""
        self.vote()
        self.solicitation()
        self.evaluation()
        self.meeting_action()
        self.shift(signed_up=True)
        self.pending_write_off()
        billing.payment_record(
            actor=self.users["collector"],
            household=self.estate.household_a,
            amount=Decimal("50.00"),
            method="cash",
        )
        billing.billing_run_request(
            actor=self.users["collector"], period=date(2026, 1, 1), compound=self.estate.compound_a
        )
        self.duty(started=True)
        self.swap()
        self.finding()
        for status in ("reported", "dispatched", "resolved"):
            self.incident(status)
        self.extension_pending()
        self.project("construction")
        return self

    def project(self, stage="planned"):
        """A renovation project of compound A with two budgeted, funded items; at `stage` "design" its
        consultation has reached every household, at "construction" its contracts are signed (the
        construction company's contact is `police`'s colleague `builder`, the supervisor `supervisor`)."""
        worker = self.users["worker"]
        project = renovation.project_create(
            actor=worker, name="纺织厂生活区改造", compounds=[self.estate.compound_a], year=2026
        )
        items = [
            (CatalogueItem.objects.get(code=c).pk, Decimal("100000.00")) for c in ("site-roads", "site-fire")
        ]
        renovation.project_update(
            actor=worker,
            project=project,
            items=items,
            funding=[("central_subsidy", Decimal("200000.00"), Decimal("0.00"))],
        )
        if stage in ("design", "construction", "acceptance"):
            today = self.today
            solicitation = governance.solicitation_create(
                actor=worker,
                compound=self.estate.compound_a,
                title="改造内容入户征求意见",
                opens_on=today,
                closes_on=today + timedelta(days=7),
                questions=[{"text": "是否同意", "kind": "single", "options": ["同意", "不同意"]}],
                project=project,
            )
            for household in Household.objects.filter(building__compound=self.estate.compound_a):
                governance.response_record(
                    actor=worker, solicitation=solicitation, household=household, answers={"1": "同意"}
                )
        if stage in ("construction", "acceptance"):
            for role, name in (("construction", "宏达建设"), ("supervision", "诚信监理")):
                unit = Unit.objects.create(name=name, kind=role)
                renovation.contract_create(
                    actor=worker,
                    project=project,
                    unit=unit,
                    role=role,
                    items=list(project.items.values_list("pk", flat=True)),
                    value=Decimal("100000.00"),
                    starts_on=today,
                    ends_on=today + timedelta(days=200),
                    contact_name="张工",
                    contact_phone="13700001111",
                )
        if stage == "acceptance":
            project.items.update(percent=100)
            project.stage_dates.filter(stage=stage).update(reached_on=self.today)
        Project.objects.filter(pk=project.pk).update(stage=stage)
        project.refresh_from_db()
        return project

    def site_inspection(self, project):
        """The worker's round of the project's site in compound A, with nothing found yet."""
        renovation_defaults.ensure_categories(Category)
        return renovation.site_inspection_record(
            actor=self.users["worker"], project=project, compound=self.estate.compound_a.pk
        )

    def representatives(self, n) -> list[int]:
        """n residents of compound A, for an acceptance."""
        made = []
        for i in range(n):
            household = HouseholdFactory(building=self.estate.building_a, unit_label=f"rep-{i}")
            resident = ResidentFactory()
            ResidencyFactory(resident=resident, household=household)
            made.append(resident.pk)
        return made

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


@pytest.fixture
def world(estate, worker, worker_b, collector, cleaner, owner, committee, volunteer, grids, category):
    return World(estate, worker, worker_b, collector, cleaner, owner, committee, volunteer, grids, category)
