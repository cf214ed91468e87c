"""The fees' API: fee items, billing runs, bills, payments, arrears, adjustments, reminders and the
ledger exports (mounted under /property/)."""

from typing import Annotated

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.idempotency import HEADER as IDEMPOTENCY_HEADER
from accounts.idempotency import idempotent
from core import periods
from core.errors import visible_or_invalid
from core.openapi import errors
from property import ledgers
from property.fees import permissions, selectors, services
from property.fees.ledgers import bill_columns, bill_rows, payment_columns, payment_rows
from property.fees.schemas import (
    AdjustmentDecisionIn,
    AdjustmentIn,
    AdjustmentOut,
    ArrearsOut,
    BillingRunIn,
    BillingRunOut,
    BillOut,
    CollectionRateOut,
    FeeItemIn,
    FeeItemOut,
    PaymentIn,
    PaymentOut,
    ReminderIn,
    ReminderOut,
)
from property.ledgers import LedgerFilter
from property.models import AdjustmentStatus, Bill, BillingRun, BillStatus, FeeItem, Payment, Reminder
from property.register import permissions as register_permissions

router = Router(tags=["property"])
LIST_ERRORS = errors(401, 422)
WRITE_ERRORS = errors(401, 403, 409, 422)


class FeeItemFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("compound_id")] = None


class BillFilter(Schema):
    household: int | None = None
    compound: int | None = None
    period: str | None = Field(None, description="YYYY-MM")
    status: BillStatus | None = None


@router.get("/fee-items", response={200: list[FeeItemOut], **LIST_ERRORS})
@paginate
def fee_item_list(request, filters: Query[FeeItemFilter]):
    return filters.filter(permissions.fee_items_visible(request.user)).order_by("compound_id", "name", "id")


@router.post("/fee-items", response={201: FeeItemOut, **WRITE_ERRORS})
def fee_item_create(request, payload: FeeItemIn):
    """Publish a fee standard (明码标价) for a compound."""
    compound = visible_or_invalid(
        register_permissions.compounds_visible(request.user), payload.compound, "compound", _("compound")
    )
    item = services.fee_item_create(
        actor=request.user, compound=compound, **payload.dict(exclude={"compound"})
    )
    return Status(201, FeeItem.objects.get(pk=item.pk))  # as stored: the price with its four places


@router.post("/billing-runs", response={202: BillingRunOut, **WRITE_ERRORS})
def billing_run_create(request, payload: BillingRunIn):
    """Issue a period's bills for a compound or a whole community; the worker carries it out."""
    period = periods.period_parse(payload.period)
    scope = {}
    if payload.compound is not None:
        scope["compound"] = visible_or_invalid(
            register_permissions.compounds_visible(request.user), payload.compound, "compound", _("compound")
        )
    if payload.community is not None:
        scope["community"] = visible_or_invalid(
            register_permissions.communities_visible(request.user), payload.community, "community", _("community")
        )
    run = services.billing_run_request(actor=request.user, period=period, months=payload.months, **scope)
    return Status(202, run)


@router.get("/billing-runs/{run_id}", response={200: BillingRunOut, **errors(401, 404, 422)})
def billing_run_detail(request, run_id: int):
    visible = BillingRun.objects.filter(
        Q(compound__in=register_permissions.compounds_visible(request.user).values("id"))
        | Q(community__in=register_permissions.communities_visible(request.user).values("id"))
    )
    return get_object_or_404(visible, pk=run_id)


@router.get("/bills", response={200: list[BillOut], **LIST_ERRORS})
@paginate
def bill_list(request, filters: Query[BillFilter]):
    qs = permissions.bills_visible(request.user)
    if filters.household is not None:
        qs = qs.filter(household_id=filters.household)
    if filters.compound is not None:
        qs = qs.filter(household__building__compound_id=filters.compound)
    if filters.period is not None:
        qs = qs.filter(period_start=periods.period_parse(filters.period))
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    return selectors.bill_rows(qs.order_by("household_id", "period_start", "id"))


class PaymentFilter(FilterSchema):
    household: Annotated[int | None, FilterLookup("household_id")] = None
    compound: Annotated[int | None, FilterLookup("compound_id")] = None


@router.post(
    "/payments",
    response={201: PaymentOut, **errors(401, 403, 404, 409, 422)},
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": IDEMPOTENCY_HEADER,
                "required": True,
                "schema": {"type": "string", "maxLength": 100},
                "description": "The same key and body replay the first answer; another body with the key is 409.",
            }
        ]
    },
)


def payment_create(request, payload: PaymentIn):
    """Record money received from a household; the oldest bills are settled first."""
    household = get_object_or_404(register_permissions.households_visible(request.user), pk=payload.household)

    def write():
        payment = services.payment_record(
            actor=request.user, household=household, **payload.dict(exclude={"household"})
        )
        payment = permissions.payments_visible(request.user).get(pk=payment.pk)
        return 201, PaymentOut.from_orm(payment).model_dump(mode="json")

    status, body = idempotent(request, payload.dict(), write)
    return Status(status, body)


@router.get("/payments", response={200: list[PaymentOut], **LIST_ERRORS})
@paginate
def payment_list(request, filters: Query[PaymentFilter]):
    return filters.filter(permissions.payments_visible(request.user)).order_by("-received_at", "-id")


@router.get("/payments/{payment_id}", response={200: PaymentOut, **errors(401, 404, 422)})
def payment_detail(request, payment_id: int):
    return get_object_or_404(permissions.payments_visible(request.user), pk=payment_id)


class ArrearsFilter(Schema):
    compound: int | None = None
    community: int | None = None


class CollectionFilter(ArrearsFilter):
    period: str | None = Field(None, description="YYYY-MM; all periods when left out")


def _bills_in(request, filters):
    qs = permissions.bills_visible(request.user)
    if filters.compound is not None:
        qs = qs.filter(household__building__compound_id=filters.compound)
    if filters.community is not None:
        qs = qs.filter(household__building__compound__community_id=filters.community)
    return qs


@router.get("/arrears", response={200: list[ArrearsOut], **LIST_ERRORS})
@paginate
def arrears_list(request, filters: Query[ArrearsFilter]):
    """Per household: owed on bills past due, oldest unpaid period, aging in months overdue."""
    return selectors.arrears(_bills_in(request, filters), timezone.localdate())


@router.get("/collection-rate", response={200: CollectionRateOut, **LIST_ERRORS})
def collection_rate(request, filters: Query[CollectionFilter]):
    """By household (fully paid / billed) and by amount (paid / billed)."""
    bills = _bills_in(request, filters)
    if filters.period is not None:
        bills = bills.filter(period_start=periods.period_parse(filters.period))
    return {"period": filters.period, **selectors.collection_rate(bills)}


class AdjustmentFilter(FilterSchema):
    household: Annotated[int | None, FilterLookup("household_id")] = None
    status: Annotated[AdjustmentStatus | None, FilterLookup("status")] = None


@router.post("/adjustments", response={201: AdjustmentOut, **errors(401, 403, 404, 409, 422)})
def adjustment_create(request, payload: AdjustmentIn):
    """A waiver or credit takes effect at once; a write-off or refund waits for a second person."""
    household = get_object_or_404(register_permissions.households_visible(request.user), pk=payload.household)
    bill = Bill.objects.filter(pk=payload.bill, household=household).first() if payload.bill else None
    payment = (
        Payment.objects.filter(pk=payload.payment, household=household).first() if payload.payment else None
    )
    adjustment = services.adjustment_request(
        actor=request.user,
        household=household,
        kind=payload.kind,
        amount=payload.amount,
        reason=payload.reason,
        bill=bill,
        payment=payment,
    )
    return Status(201, permissions.adjustments_visible(request.user).get(pk=adjustment.pk))


@router.get("/adjustments", response={200: list[AdjustmentOut], **LIST_ERRORS})
@paginate
def adjustment_list(request, filters: Query[AdjustmentFilter]):
    return filters.filter(permissions.adjustments_visible(request.user)).order_by("-requested_at", "-id")


def _decide(request, adjustment_id: int, decide, payload: AdjustmentDecisionIn):
    adjustment = get_object_or_404(permissions.adjustments_visible(request.user), pk=adjustment_id)
    decide(actor=request.user, adjustment=adjustment, note=payload.note)
    return permissions.adjustments_visible(request.user).get(pk=adjustment_id)


@router.post(
    "/adjustments/{adjustment_id}/approve", response={200: AdjustmentOut, **errors(401, 403, 404, 409, 422)}
)


def adjustment_approve(request, adjustment_id: int, payload: AdjustmentDecisionIn):
    """A second person (not the requester) puts a write-off or refund into effect."""
    return _decide(request, adjustment_id, services.adjustment_approve, payload)


@router.post(
    "/adjustments/{adjustment_id}/reject", response={200: AdjustmentOut, **errors(401, 403, 404, 409, 422)}
)


def adjustment_reject(request, adjustment_id: int, payload: AdjustmentDecisionIn):
    return _decide(request, adjustment_id, services.adjustment_reject, payload)


LEDGER_RESPONSES = ledgers.RESPONSES


@router.get("/ledgers/bills", response={**LIST_ERRORS}, openapi_extra={"responses": LEDGER_RESPONSES})
def ledger_bills(request, filters: Query[LedgerFilter]):
    """Bills with what is settled on each (台账), for a compound, community or everything in scope."""
    bills = _bills_in(request, filters)
    if filters.period is not None:
        bills = bills.filter(period_start=periods.period_parse(filters.period))
    return ledgers.ledger_response(filters.format, "bills", bill_columns(), bill_rows(bills))


@router.get("/ledgers/payments", response={**LIST_ERRORS}, openapi_extra={"responses": LEDGER_RESPONSES})
def ledger_payments(request, filters: Query[LedgerFilter]):
    """Payments with their receipt numbers (台账)."""
    payments = permissions.payments_visible(request.user)
    if filters.compound is not None:
        payments = payments.filter(compound_id=filters.compound)
    if filters.community is not None:
        payments = payments.filter(compound__community_id=filters.community)
    return ledgers.ledger_response(
        filters.format, "payments", payment_columns(), payment_rows(payments)
    )


@router.post("/reminders", response={201: ReminderOut, **errors(401, 403, 404, 409, 422)})
def reminder_create(request, payload: ReminderIn):
    """Record a reminder (notice, phone, visit, letter) or, after repeated ones, the escalation."""
    household = get_object_or_404(register_permissions.households_visible(request.user), pk=payload.household)
    reminder = services.reminder_record(
        actor=request.user, household=household, channel=payload.channel, outcome=payload.outcome
    )
    return Status(201, reminder)


class ReminderFilter(FilterSchema):
    household: Annotated[int | None, FilterLookup("household_id")] = None


@router.get("/reminders", response={200: list[ReminderOut], **LIST_ERRORS})
@paginate
def reminder_list(request, filters: Query[ReminderFilter]):
    qs = Reminder.objects.filter(household__in=register_permissions.households_visible(request.user).values("id"))
    return filters.filter(qs).select_related("by").order_by("-at", "-id")
