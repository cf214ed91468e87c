"""The fees' API schemas."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from core.validation import HistoryDate, HouseholdMoney, UnitPrice
from property.models import (
    AdjustmentKind,
    AdjustmentStatus,
    BillStatus,
    FeeKind,
    PaymentMethod,
    ReminderChannel,
    RunStatus,
)

# A month as YYYY-MM, from the first day of the month that the database stores.
Period = Annotated[str, BeforeValidator(lambda value: f"{value:%Y-%m}" if isinstance(value, date) else value)]


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
