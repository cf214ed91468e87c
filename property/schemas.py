from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from core.validation import HistoryDate, HouseholdMoney, UnitArea, UnitPrice
from property.models import (
    AdjustmentKind,
    AdjustmentStatus,
    AreaSource,
    BillStatus,
    FeeKind,
    ImportKind,
    ImportStatus,
    ManagementMode,
    PaymentMethod,
    Relation,
    ReminderChannel,
    RunStatus,
)

Money = Decimal
# A month as YYYY-MM, from the first day of the month that the database stores.
Period = Annotated[str, BeforeValidator(lambda value: f"{value:%Y-%m}" if isinstance(value, date) else value)]


class CommunityIn(Schema):
    subdistrict: int
    name: str = Field(min_length=1, max_length=60)
    address: str = Field("", max_length=200)
    phone: str = Field("", max_length=20)


class CommunityOut(Schema):
    id: int
    subdistrict: int = Field(alias="subdistrict_id")
    subdistrict_name: str = Field(alias="subdistrict.name")
    name: str
    address: str
    phone: str


class CompoundIn(Schema):
    community: int
    name: str = Field(min_length=1, max_length=80)
    address: str = Field("", max_length=200)
    year_built: int | None = Field(None, ge=1900, le=2100)
    is_old: bool = False
    management_mode: ManagementMode = ManagementMode.NONE


class CompoundPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    address: str | None = Field(None, max_length=200)
    year_built: int | None = Field(None, ge=1900, le=2100)
    is_old: bool | None = None
    management_mode: ManagementMode | None = None


class ManagementPlanIn(Schema):
    adopted_on: HistoryDate
    text: str = Field(min_length=1, max_length=20000)
    management_mode: ManagementMode | None = Field(None, description="The mode the plan settles, if any")


class ManagementPlanOut(Schema):
    id: int
    compound: int = Field(alias="compound_id")
    adopted_on: date
    text: str


class CompoundOut(Schema):
    id: int
    community: int = Field(alias="community_id")
    community_name: str = Field(alias="community.name")
    name: str
    address: str
    year_built: int | None
    is_old: bool
    management_mode: ManagementMode


class RenovationOut(Schema):
    id: int
    year: int
    items: list[str]
    investment: Money
    funding_government: Money
    funding_residents: Money
    funding_companies: Money

    @staticmethod
    def resolve_items(obj):
        return [item.name for item in obj.items.all()]


class PlanOut(Schema):
    adopted_on: date
    text: str


class ContractOut(Schema):
    provider: str = Field(alias="provider.name")
    starts_on: date
    ends_on: date
    service_standard: str


class CompoundDetailOut(CompoundOut):
    building_count: int
    household_count: int
    renovations: list[RenovationOut]
    management_plan: PlanOut | None
    service_contracts: list[ContractOut]

    @staticmethod
    def resolve_management_plan(obj):
        plans = list(obj.management_plans.all())
        return plans[0] if plans else None


class BuildingIn(Schema):
    compound: int
    name: str = Field(min_length=1, max_length=40)
    floors: int = Field(ge=1, le=200)
    entrances: int = Field(1, ge=1, le=50)


class BuildingOut(Schema):
    id: int
    compound: int = Field(alias="compound_id")
    name: str
    floors: int
    entrances: int


class HouseholdIn(Schema):
    building: int
    unit_label: str = Field(min_length=1, max_length=20)
    floor: int
    building_area: UnitArea | None = Field(None, description="m²; leave out while unknown.")
    inner_area: UnitArea | None = None
    area_source: AreaSource = AreaSource.REGISTER
    is_vacant: bool = False
    held_by_developer: bool = Field(
        False, description="Unsold: counts with the developer's other units in votes"
    )


class HouseholdPatch(Schema):
    """A unit's facts corrected: an area with where it comes from (a survey, the contract), a unit
    sold or still with the developer. Every change is kept as history; a vote's frozen roll keeps
    the areas it froze."""

    building_area: UnitArea | None = None
    inner_area: UnitArea | None = None
    area_source: AreaSource | None = Field(None, description="Required with a changed area")
    is_vacant: bool | None = None
    held_by_developer: bool | None = None


class ResidencyIn(Schema):
    resident: int
    household: int
    relation: Relation
    started_on: HistoryDate


class HouseholdOut(BaseModel):
    """Validated from the dicts of selectors.household_rows: no per-object attribute lookups on the hot list."""

    id: int
    building: int = Field(validation_alias="building_id")
    building_name: str = Field(validation_alias="building__name")
    compound: int = Field(validation_alias="building__compound_id")
    unit_label: str
    floor: int
    building_area: Decimal | None
    inner_area: Decimal | None
    area_source: AreaSource
    is_vacant: bool
    held_by_developer: bool


class HouseholdResidentOut(Schema):
    residency: int
    resident: int
    name: str
    phone: str
    relation: Relation
    started_on: date
    ended_on: date | None
    is_party_member: bool


class HouseholdDetailOut(HouseholdOut):
    compound_name: str = Field(validation_alias="building__compound__name")
    residents: list[HouseholdResidentOut]


class ResidentIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    phone: str = Field(
        "", pattern=r"^(1\d{10}|0\d{2,3}-?\d{7,8})?$", description="A mobile or landline number."
    )
    id_number: str = Field(
        "", max_length=18, description="Checked, then stored only masked and as a keyed hash."
    )
    is_party_member: bool = False
    household: int
    relation: Relation = Relation.OWNER
    started_on: HistoryDate
    confirm_new: bool = Field(
        False,
        description="A person of the same name is registered in the compound (or the same name and "
        "phone anywhere): the first answer is 409 `possible_duplicate` with the `candidates`; "
        "true registers a different person anyway.",
    )


class ResidencyOut(Schema):
    id: int
    household: int = Field(alias="household_id")
    relation: Relation
    started_on: date
    ended_on: date | None


class ResidentOut(Schema):
    id: int
    name: str
    phone: str
    id_number_masked: str
    is_party_member: bool
    residencies: list[ResidencyOut]

    @staticmethod
    def resolve_phone(obj, context):
        from property.permissions import phone_for_viewer

        return phone_for_viewer(context["request"].user, obj)

    @staticmethod
    def resolve_residencies(obj):
        return list(obj.residencies.all())


class ResidencyEndIn(Schema):
    ended_on: HistoryDate


# --- fees ------------------------------------------------------------------------------


class FeeItemIn(Schema):
    compound: int
    name: str = Field(min_length=1, max_length=60)
    kind: FeeKind
    unit_price: UnitPrice = Field(gt=0, max_digits=10, decimal_places=4)
    cycle_months: Literal[1, 2, 3, 4, 6, 12] = Field(1, description="Months per bill; divides a year.")
    effective_from: HistoryDate
    effective_to: HistoryDate | None = None
    vacancy_discount: Decimal = Field(Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2)
    due_days: int = Field(30, ge=0, le=365)


class FeeItemOut(Schema):
    id: int
    compound: int = Field(alias="compound_id")
    name: str
    kind: FeeKind
    unit_price: Decimal
    cycle_months: int
    effective_from: date
    effective_to: date | None
    vacancy_discount: Decimal
    due_days: int


class BillingRunIn(Schema):
    compound: int | None = Field(None, description="Give a compound or a community.")
    community: int | None = None
    period: str = Field(description="The first month, YYYY-MM.", examples=["2026-01"])
    months: int = Field(1, ge=1, le=12)


class RunWarningOut(Schema):
    household: int
    fee_item: int
    reason: str = Field(description="Why no bill was issued (e.g. a unit without a registered area).")


class BillingRunOut(Schema):
    id: int
    compound: int | None = Field(alias="compound_id")
    community: int | None = Field(alias="community_id")
    period: str
    months: int
    status: RunStatus
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    households: int
    issued: int
    already_issued: int
    warnings: list[RunWarningOut]
    error: str

    @staticmethod
    def resolve_period(obj):
        return f"{obj.period_start:%Y-%m}"


class BillOut(BaseModel):
    """Validated from the dicts of selectors.bill_rows."""

    id: int
    household: int = Field(validation_alias="household_id")
    fee_item: int = Field(validation_alias="fee_item_id")
    fee_item_name: str = Field(validation_alias="fee_item__name")
    period: Period = Field(validation_alias="period_start", description="YYYY-MM")
    months: int
    amount: Decimal
    basis: str
    due_on: date
    status: BillStatus


class PaymentIn(Schema):
    household: int
    amount: HouseholdMoney = Field(gt=0, max_digits=12, decimal_places=2)
    method: PaymentMethod
    prepay: bool = Field(False, description="Keep what exceeds the debt as a prepayment credit.")
    note: str = Field("", max_length=200)


class AllocationOut(Schema):
    # populate_by_name: a replayed answer (Idempotency-Key) is validated from its stored JSON.
    model_config = ConfigDict(populate_by_name=True)

    bill: int = Field(alias="bill_id")
    amount: Decimal


class PaymentOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    id: int
    receipt_no: str
    household: int = Field(alias="household_id")
    amount: Decimal
    credit: Decimal
    method: PaymentMethod
    received_at: datetime
    received_by: str = Field(alias="received_by.display_name")
    allocations: list[AllocationOut]


class ArrearsOut(BaseModel):
    """Validated from the rows of selectors.arrears."""

    household: int = Field(validation_alias="household_id")
    owed: Decimal
    oldest_period: Period = Field(description="YYYY-MM")
    bills: int
    months_0_3: Decimal
    months_3_6: Decimal
    months_6_12: Decimal
    months_over_12: Decimal

    @field_validator("owed", "months_0_3", "months_3_6", "months_6_12", "months_over_12", mode="after")
    @classmethod
    def _fen(cls, value):
        return value.quantize(Decimal("0.01"))


class CollectionRateOut(Schema):
    period: str | None
    households_billed: int
    households_paid: int
    household_rate: Decimal = Field(description="households fully paid / households billed")
    amount_billed: Decimal
    amount_paid: Decimal
    amount_rate: Decimal = Field(description="paid / billed")


class AdjustmentIn(Schema):
    household: int
    kind: AdjustmentKind
    amount: HouseholdMoney = Field(gt=0, max_digits=12, decimal_places=2)
    reason: str = Field(min_length=1, max_length=200, description="Why, e.g. 低保户减免.")
    bill: int | None = Field(None, description="For a waiver, credit or write-off.")
    payment: int | None = Field(None, description="For a refund of that payment's prepaid credit.")


class AdjustmentOut(Schema):
    id: int
    household: int = Field(alias="household_id")
    bill: int | None = Field(alias="bill_id")
    payment: int | None = Field(alias="payment_id")
    kind: AdjustmentKind
    amount: Decimal
    reason: str
    status: AdjustmentStatus
    requested_by: str = Field(alias="requested_by.display_name")
    requested_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None
    decision_note: str

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by.display_name if obj.decided_by_id else None


class AdjustmentDecisionIn(Schema):
    note: str = Field("", max_length=200)


class ReminderIn(Schema):
    household: int
    channel: ReminderChannel
    outcome: str = Field("", max_length=200)


class ReminderOut(Schema):
    id: int
    household: int = Field(alias="household_id")
    channel: ReminderChannel
    outcome: str
    owed: Decimal
    by: str = Field(alias="by.display_name")
    at: datetime


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    id: int
    kind: ImportKind
    community: int = Field(alias="community_id")
    compound: int | None = Field(alias="compound_id")
    file_name: str
    dry_run: bool
    status: ImportStatus
    rows: int
    checked: int = Field(alias="done_rows", description="Rows checked so far")
    written: int = Field(0, description="Rows written so far (while writing, then all)")
    errors: list[ImportErrorOut]
    created: int
    updated: int
    unchanged: int
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    failure: str

    @staticmethod
    def resolve_written(obj):
        from property.imports.runs import written_rows

        return written_rows(obj)
