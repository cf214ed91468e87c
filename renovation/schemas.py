from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema

from core.validation import ActivityDate, ActivityDatetime, RenovationMoney
from property.models import RenovationCategory
from renovation.defaults import CATEGORY_CODES
from renovation.models import ContractRole, FundingSource, ItemGroup, PlanBasis, Stage, WorksKind
from renovation.permissions import findings_visible
from renovation.selectors import project_totals

Money = Field(ge=0, max_digits=14, decimal_places=2)


class CatalogueItemIn(Schema):
    community: int
    name: str = Field(min_length=1, max_length=60)
    group: ItemGroup
    tier: RenovationCategory


class CatalogueItemOut(Schema):
    id: int
    code: str
    name: str
    group: ItemGroup
    tier: RenovationCategory
    community: int | None = Field(None, alias="community_id")
    record_item: str | None = Field(None, description="The renovation record's item it is written as.")

    @staticmethod
    def resolve_record_item(obj) -> str | None:
        return obj.record_item.code if obj.record_item_id else None


class ProjectIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    compounds: list[int] = Field(min_length=1, max_length=50)
    year: int = Field(ge=2000, le=2100)
    batch: str = Field("", max_length=40)


class ProjectItemIn(Schema):
    item: int = Field(description="A catalogue item.")
    budget: RenovationMoney = Money


class FundingIn(Schema):
    source: FundingSource
    planned: RenovationMoney = Money
    received: RenovationMoney = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)


class ProjectPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    year: int | None = Field(None, ge=2000, le=2100)
    batch: str | None = Field(None, max_length=40)
    planned: dict[Stage, ActivityDate | None] | None = Field(None, description="Planned dates by stage.")
    items: list[ProjectItemIn] | None = Field(None, description="The project's items (replaces the set).")
    funding: list[FundingIn] | None = Field(None, description="Funding by source (each source given is set).")


class StageDateOut(Schema):
    stage: Stage
    planned_on: date | None
    reached_on: date | None


class ProjectItemOut(Schema):
    id: int
    item: int = Field(alias="item_id")
    code: str = Field(alias="item.code")
    name: str = Field(alias="item.name")
    group: ItemGroup = Field(alias="item.group")
    tier: RenovationCategory = Field(alias="item.tier")
    budget: Decimal
    percent: int
    note: str
    updated_at: datetime | None


class FundingOut(Schema):
    source: FundingSource
    planned: Decimal
    received: Decimal


class ProjectContractOut(Schema):
    id: int
    unit: int = Field(alias="unit_id")
    unit_name: str = Field(alias="unit.name")
    role: ContractRole
    items: list[int]
    value: Decimal
    starts_on: date
    ends_on: date
    contact_name: str
    contact_phone: str

    @staticmethod
    def resolve_items(obj) -> list[int]:
        return sorted(i.pk for i in obj.items.all())


class TotalsOut(Schema):
    budget: Decimal
    funding_planned: Decimal
    funding_received: Decimal
    percent_done: int = Field(description="Budget-weighted percent of the items done.")


class ProjectBase(Schema):
    """What every view of a project shows; its relations are read from the prefetched rows."""

    id: int
    name: str
    year: int
    batch: str
    stage: Stage
    totals: TotalsOut

    @staticmethod
    def resolve_totals(obj) -> dict:
        return project_totals(obj)


class ProjectOut(ProjectBase):
    community: int = Field(alias="community_id")
    compounds: list[int]
    plan_adopted_on: date | None
    plan_basis: PlanBasis | None
    accepted_on: date | None

    @staticmethod
    def resolve_compounds(obj) -> list[int]:
        return sorted(c.pk for c in obj.compounds.all())

    @staticmethod
    def resolve_plan_basis(obj) -> str | None:
        return obj.plan_basis or None


class ProjectDetailOut(ProjectOut):
    plan_text: str
    stages: list[StageDateOut] = Field(alias="stage_dates")
    items: list[ProjectItemOut]
    funding: list[FundingOut]
    contracts: list[ProjectContractOut]


class AdvanceIn(Schema):
    to: Stage = Field(
        description="The stage the project moves to: the one after its own (named, so a second tap is refused)."
    )


class PlanIn(Schema):
    adopted_on: ActivityDate
    text: str = Field(min_length=1, max_length=10000)
    basis: PlanBasis


class ContractIn(Schema):
    unit: int | None = Field(None, description="An existing unit of the role's kind; or give unit_name.")
    unit_name: str = Field("", max_length=120, description="A unit by name, written when it is new.")
    role: ContractRole
    items: list[int] = Field([], description="The project's items (ids of project items) it covers.")
    value: RenovationMoney = Money
    starts_on: ActivityDate
    ends_on: ActivityDate
    contact_name: str = Field(min_length=1, max_length=60)
    contact_phone: str = Field(min_length=1, max_length=20)
    contact_username: str | None = Field(
        None, max_length=150, description="The contact's account (username), to record progress on the items."
    )


class ProgressIn(Schema):
    item: int = Field(description="A project item's id.")
    percent: int = Field(ge=0, le=100)
    note: str = Field("", max_length=300)


class ProgressOut(Schema):
    id: int
    item: int = Field(alias="item_id")
    percent: int
    note: str
    at: datetime
    photos: list[str]

    @staticmethod
    def resolve_photos(obj) -> list[str]:
        return [reverse("renovation:photo", args=[p.pk]) for p in obj.photos.all()]


class WorksNoticeIn(Schema):
    project: int
    compound: int
    buildings: list[int] = Field(min_length=1, max_length=200)
    kind: WorksKind
    title: str = Field(min_length=1, max_length=120)
    body: str = Field("", max_length=2000)
    starts_at: ActivityDatetime
    ends_at: ActivityDatetime


class WorksNoticeOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    compound: int = Field(alias="compound_id")
    buildings: list[int]
    kind: WorksKind
    title: str
    body: str
    starts_at: datetime
    ends_at: datetime
    sent_to: int = Field(description="People it was sent to (counted once the worker has sent it).")

    @staticmethod
    def resolve_buildings(obj) -> list[int]:
        return sorted(b.pk for b in obj.buildings.all())


class PublicItemOut(Schema):
    name: str = Field(alias="item.name")
    group: ItemGroup = Field(alias="item.group")
    budget: Decimal
    percent: int
    note: str
    updated_at: datetime | None
    photos: list[str] = Field(description="The latest photos from site.")

    @staticmethod
    def resolve_photos(obj) -> list[str]:
        return [reverse("renovation:photo", args=[pk]) for pk in getattr(obj, "photo_ids", [])]


class PublicUnitOut(Schema):
    unit: str = Field(alias="unit.name")
    role: ContractRole
    contact_name: str
    contact_phone: str
    starts_on: date
    ends_on: date


class PublicProjectOut(ProjectBase):
    stages: list[StageDateOut] = Field(alias="stage_dates")
    items: list[PublicItemOut]
    funding: list[FundingOut]
    units: list[PublicUnitOut] = Field(alias="contracts")


class PublicRenovationOut(Schema):
    compound: int
    projects: list[PublicProjectOut]
    works: list[WorksNoticeOut] = Field(description="Works notices not yet over.")


class BlacklistOut(Schema):
    unit: str = Field(alias="unit.name")
    kind: str = Field(alias="unit.kind")
    milestones: int = Field(description="Works contracts past their end with items unfinished.")
    days_late: int = Field(description="Days the latest of them is past its end.")
    rectifications: int = Field(description="Rectifications overdue in the window.")
    came_on: date
    came_off: date | None = Field(description="Empty while the unit is on the list.")


FINDING_CATEGORIES = Literal[tuple(CATEGORY_CODES)]


class SiteFindingIn(Schema):
    contract: int = Field(description="The construction or utility contract the defect falls under.")
    category: FINDING_CATEGORIES = Field(description="quality, safety, schedule or disturbance to residents")
    place: str = Field("", max_length=120)
    text: str = Field(min_length=1, max_length=1000)
    due_on: ActivityDate | None = Field(None, description="Put right by the end of this day (else the category's).")


class SiteInspectionIn(Schema):
    compound: int
    note: str = Field("", max_length=300)
    findings: list[SiteFindingIn] = Field([], max_length=50)


class PunchItemIn(SiteFindingIn):
    compound: int
    due_on: ActivityDate


class AcceptanceIn(Schema):
    held_on: ActivityDate
    representatives: list[int] = Field(description="Residents of the project's compounds.", max_length=200)
    note: str = Field("", max_length=5000)
    punch_list: list[PunchItemIn] = Field([], max_length=200)


class SiteFindingOut(Schema):
    id: int
    contract: int = Field(alias="contract_id")
    unit: str | None
    incident: int = Field(alias="incident_id")
    category: str = Field(alias="incident.category.code")
    status: str = Field(alias="incident.status")
    deadline: datetime | None = Field(alias="incident.deadline")
    punch_list: bool

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return obj.incident.unit.name if obj.incident.unit_id else None


class SiteInspectionOut(Schema):
    id: int
    project: int = Field(alias="project_id")
    compound: int = Field(alias="compound_id")
    done_at: datetime
    note: str
    findings: list[SiteFindingOut]


class AcceptanceOut(Schema):
    project: int = Field(alias="project_id")
    held_on: date
    representatives: list[int]
    note: str
    punch_list: list[SiteFindingOut]

    @staticmethod
    def resolve_representatives(obj) -> list[int]:
        return sorted(r.pk for r in obj.representatives.all())

    @staticmethod
    def resolve_punch_list(obj, context) -> list:
        # a unit's contact reads its own defects, as on the project's page
        return list(
            findings_visible(context["request"].user)
            .filter(project_id=obj.project_id, punch_list=True)
            .order_by("id")
        )
