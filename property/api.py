from typing import Annotated, Literal

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, FilterLookup, FilterSchema, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from accounts.idempotency import HEADER as IDEMPOTENCY_HEADER
from accounts.idempotency import idempotent
from core import periods
from core.errors import Invalid, visible_or_invalid
from core.openapi import errors
from property import billing, ledgers, selectors, services
from property.imports import runs
from property.models import (
    AdjustmentStatus,
    Bill,
    BillingRun,
    BillStatus,
    FeeItem,
    Household,
    Payment,
    Reminder,
    Residency,
)
from property.permissions import phone_for_viewer
from property.schemas import (
    AdjustmentDecisionIn,
    AdjustmentIn,
    AdjustmentOut,
    ArrearsOut,
    BillingRunIn,
    BillingRunOut,
    BillOut,
    BuildingIn,
    BuildingOut,
    CollectionRateOut,
    CommunityIn,
    CommunityOut,
    CompoundDetailOut,
    CompoundIn,
    CompoundOut,
    CompoundPatch,
    FeeItemIn,
    FeeItemOut,
    HouseholdDetailOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    ImportOut,
    ManagementPlanIn,
    ManagementPlanOut,
    PaymentIn,
    PaymentOut,
    ReminderIn,
    ReminderOut,
    ResidencyEndIn,
    ResidencyIn,
    ResidencyOut,
    ResidentIn,
    ResidentOut,
)

router = Router(tags=["property"])
LIST_ERRORS = errors(401, 422)
WRITE_ERRORS = errors(401, 403, 409, 422)


class CompoundFilter(FilterSchema):
    community: Annotated[int | None, FilterLookup("community_id")] = None


class BuildingFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("compound_id")] = None


class HouseholdFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("building__compound_id")] = None
    building: Annotated[int | None, FilterLookup("building_id")] = None


class ResidentFilter(Schema):
    household: int | None = None


@router.get("/communities", response={200: list[CommunityOut], **LIST_ERRORS})
@paginate
def community_list(request):
    return selectors.communities_visible(request.user).order_by("id")


@router.post("/communities", response={201: CommunityOut, **WRITE_ERRORS})
def community_create(request, payload: CommunityIn):
    subdistrict = visible_or_invalid(
        selectors.subdistricts_visible(request.user), payload.subdistrict, "subdistrict", _("subdistrict")
    )
    data = payload.dict(exclude={"subdistrict"})
    return Status(201, services.community_create(actor=request.user, subdistrict=subdistrict, **data))


@router.get("/compounds", response={200: list[CompoundOut], **LIST_ERRORS})
@paginate
def compound_list(request, filters: Query[CompoundFilter]):
    return filters.filter(selectors.compounds_visible(request.user)).order_by("id")


@router.post("/compounds", response={201: CompoundOut, **WRITE_ERRORS})
def compound_create(request, payload: CompoundIn):
    community = visible_or_invalid(
        selectors.communities_visible(request.user), payload.community, "community", _("community")
    )
    data = payload.dict(exclude={"community"})
    return Status(201, services.compound_create(actor=request.user, community=community, **data))


@router.get("/compounds/{compound_id}", response={200: CompoundDetailOut, **errors(401, 404, 422)})
def compound_detail(request, compound_id: int):
    return get_object_or_404(selectors.compounds_detailed(request.user), pk=compound_id)


@router.patch(
    "/compounds/{compound_id}", response={200: CompoundDetailOut, **errors(401, 403, 404, 409, 422)}
)
def compound_update(request, compound_id: int, payload: CompoundPatch):
    compound = get_object_or_404(selectors.compounds_visible(request.user), pk=compound_id)
    changes = payload.dict(exclude_unset=True)
    for name in ("name", "is_old", "management_mode", "address"):
        if name in changes and changes[name] is None:
            raise Invalid(_("This field cannot be empty."), field=name)
    services.compound_update(actor=request.user, compound=compound, changes=changes)
    return selectors.compounds_detailed(request.user).get(pk=compound_id)


@router.post(
    "/compounds/{compound_id}/management-plans",
    response={201: ManagementPlanOut, **errors(401, 403, 404, 409, 422)},
)
def management_plan_adopt(request, compound_id: int, payload: ManagementPlanIn):
    """后期管理方案: record the plan the compound adopted (the latest adopted is in force)."""
    compound = get_object_or_404(selectors.compounds_visible(request.user), pk=compound_id)
    plan = services.management_plan_adopt(actor=request.user, compound=compound, **payload.dict())
    return Status(201, plan)


@router.get("/buildings", response={200: list[BuildingOut], **LIST_ERRORS})
@paginate
def building_list(request, filters: Query[BuildingFilter]):
    return filters.filter(selectors.buildings_visible(request.user)).order_by("id")


@router.post("/buildings", response={201: BuildingOut, **WRITE_ERRORS})
def building_create(request, payload: BuildingIn):
    compound = visible_or_invalid(
        selectors.compounds_visible(request.user), payload.compound, "compound", _("compound")
    )
    return Status(
        201,
        services.building_create(actor=request.user, compound=compound, **payload.dict(exclude={"compound"})),
    )


@router.get("/households", response={200: list[HouseholdOut], **LIST_ERRORS})
@paginate
def household_list(request, filters: Query[HouseholdFilter]):
    qs = filters.filter(selectors.households_visible(request.user))
    return selectors.household_rows(qs.order_by("building_id", "unit_label"))


@router.post("/households", response={201: HouseholdOut, **WRITE_ERRORS})
def household_create(request, payload: HouseholdIn):
    building = visible_or_invalid(
        selectors.buildings_visible(request.user), payload.building, "building", _("building")
    )
    data = payload.dict(exclude={"building"})
    household = services.household_create(actor=request.user, building=building, **data)
    return Status(201, selectors.household_rows(Household.objects.filter(pk=household.pk)).get())


@router.patch("/households/{household_id}", response={200: HouseholdOut, **errors(401, 403, 404, 409, 422)})
def household_update(request, household_id: int, payload: HouseholdPatch):
    """Correct a unit: its area with the source, unsold (held by the developer) or not; kept as history."""
    household = get_object_or_404(selectors.households_visible(request.user), pk=household_id)
    changes = payload.dict(exclude_unset=True)
    for name in ("area_source", "is_vacant", "held_by_developer"):
        if name in changes and changes[name] is None:
            raise Invalid(_("This field cannot be empty."), field=name)
    services.household_update(actor=request.user, household=household, changes=changes)
    return selectors.household_rows(Household.objects.filter(pk=household.pk)).get()


@router.get("/households/{household_id}", response={200: HouseholdDetailOut, **errors(401, 404, 422)})
def household_detail(request, household_id: int):
    household = get_object_or_404(selectors.households_visible(request.user), pk=household_id)
    community = household.building.compound.community
    row = (
        selectors.household_rows(Household.objects.filter(pk=household.pk))
        .values(*selectors.HOUSEHOLD_ROW, "building__compound__name")
        .get()
    )
    row["residents"] = [
        {
            "residency": r.id,
            "resident": r.resident_id,
            "name": r.resident.name,
            "phone": phone_for_viewer(request.user, r.resident, community),
            "relation": r.relation,
            "started_on": r.started_on,
            "ended_on": r.ended_on,
            "is_party_member": r.resident.is_party_member,
        }
        for r in selectors.household_residencies(household)
    ]
    return row


@router.get("/residents", response={200: list[ResidentOut], **LIST_ERRORS})
@paginate
def resident_list(request, filters: Query[ResidentFilter]):
    qs = selectors.residents_visible(request.user)
    if filters.household is not None:
        qs = qs.filter(id__in=Residency.objects.filter(household_id=filters.household).values("resident_id"))
    return qs.order_by("id")


@router.post("/residents", response={201: ResidentOut, **WRITE_ERRORS})
def resident_create(request, payload: ResidentIn):
    """Register a resident in a household (owner, family member or tenant) from a date."""
    household = visible_or_invalid(
        selectors.households_visible(request.user), payload.household, "household", _("household")
    )
    resident = services.resident_create(
        actor=request.user, **payload.dict(exclude={"household"}), household=household
    )
    return Status(201, selectors.residents_visible(request.user).get(pk=resident.pk))


@router.post("/residencies", response={201: ResidencyOut, **errors(401, 403, 404, 409, 422)})
def residency_create(request, payload: ResidencyIn):
    """A registered person gets another unit (owner, family member or tenant) from a date: an owner
    of several units is one person, and a unit may have several owners."""
    resident = visible_or_invalid(
        selectors.residents_visible(request.user), payload.resident, "resident", _("resident")
    )
    household = visible_or_invalid(
        selectors.households_visible(request.user), payload.household, "household", _("household")
    )
    residency = services.residency_start(
        actor=request.user,
        resident=resident,
        household=household,
        relation=payload.relation,
        started_on=payload.started_on,
    )
    return Status(201, residency)


@router.post(
    "/residencies/{residency_id}/end", response={200: ResidencyOut, **errors(401, 403, 404, 409, 422)}
)
def residency_end(request, residency_id: int, payload: ResidencyEndIn):
    """End a resident's relation to a household (moved out, sold); the record stays as history."""
    residency = get_object_or_404(
        Residency.objects.filter(household__in=selectors.households_visible(request.user)), pk=residency_id
    )
    return services.residency_end(actor=request.user, residency=residency, ended_on=payload.ended_on)


# --- fees ------------------------------------------------------------------------------


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
    return filters.filter(selectors.fee_items_visible(request.user)).order_by("compound_id", "name", "id")


@router.post("/fee-items", response={201: FeeItemOut, **WRITE_ERRORS})
def fee_item_create(request, payload: FeeItemIn):
    """Publish a fee standard (明码标价) for a compound."""
    compound = visible_or_invalid(
        selectors.compounds_visible(request.user), payload.compound, "compound", _("compound")
    )
    item = billing.fee_item_create(
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
            selectors.compounds_visible(request.user), payload.compound, "compound", _("compound")
        )
    if payload.community is not None:
        scope["community"] = visible_or_invalid(
            selectors.communities_visible(request.user), payload.community, "community", _("community")
        )
    run = billing.billing_run_request(actor=request.user, period=period, months=payload.months, **scope)
    return Status(202, run)


@router.get("/billing-runs/{run_id}", response={200: BillingRunOut, **errors(401, 404, 422)})
def billing_run_detail(request, run_id: int):
    visible = BillingRun.objects.filter(
        Q(compound__in=selectors.compounds_visible(request.user).values("id"))
        | Q(community__in=selectors.communities_visible(request.user).values("id"))
    )
    return get_object_or_404(visible, pk=run_id)


@router.get("/bills", response={200: list[BillOut], **LIST_ERRORS})
@paginate
def bill_list(request, filters: Query[BillFilter]):
    qs = selectors.bills_visible(request.user)
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
    household = get_object_or_404(selectors.households_visible(request.user), pk=payload.household)

    def write():
        payment = billing.payment_record(
            actor=request.user, household=household, **payload.dict(exclude={"household"})
        )
        payment = selectors.payments_visible(request.user).get(pk=payment.pk)
        return 201, PaymentOut.from_orm(payment).model_dump(mode="json")

    status, body = idempotent(request, payload.dict(), write)
    return Status(status, body)


@router.get("/payments", response={200: list[PaymentOut], **LIST_ERRORS})
@paginate
def payment_list(request, filters: Query[PaymentFilter]):
    return filters.filter(selectors.payments_visible(request.user)).order_by("-received_at", "-id")


@router.get("/payments/{payment_id}", response={200: PaymentOut, **errors(401, 404, 422)})
def payment_detail(request, payment_id: int):
    return get_object_or_404(selectors.payments_visible(request.user), pk=payment_id)


class ArrearsFilter(Schema):
    compound: int | None = None
    community: int | None = None


class CollectionFilter(ArrearsFilter):
    period: str | None = Field(None, description="YYYY-MM; all periods when left out")


def _bills_in(request, filters):
    qs = selectors.bills_visible(request.user)
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
    household = get_object_or_404(selectors.households_visible(request.user), pk=payload.household)
    bill = Bill.objects.filter(pk=payload.bill, household=household).first() if payload.bill else None
    payment = (
        Payment.objects.filter(pk=payload.payment, household=household).first() if payload.payment else None
    )
    adjustment = billing.adjustment_request(
        actor=request.user,
        household=household,
        kind=payload.kind,
        amount=payload.amount,
        reason=payload.reason,
        bill=bill,
        payment=payment,
    )
    return Status(201, selectors.adjustments_visible(request.user).get(pk=adjustment.pk))


@router.get("/adjustments", response={200: list[AdjustmentOut], **LIST_ERRORS})
@paginate
def adjustment_list(request, filters: Query[AdjustmentFilter]):
    return filters.filter(selectors.adjustments_visible(request.user)).order_by("-requested_at", "-id")


def _decide(request, adjustment_id: int, decide, payload: AdjustmentDecisionIn):
    adjustment = get_object_or_404(selectors.adjustments_visible(request.user), pk=adjustment_id)
    decide(actor=request.user, adjustment=adjustment, note=payload.note)
    return selectors.adjustments_visible(request.user).get(pk=adjustment_id)


@router.post(
    "/adjustments/{adjustment_id}/approve", response={200: AdjustmentOut, **errors(401, 403, 404, 409, 422)}
)
def adjustment_approve(request, adjustment_id: int, payload: AdjustmentDecisionIn):
    """A second person (not the requester) puts a write-off or refund into effect."""
    return _decide(request, adjustment_id, billing.adjustment_approve, payload)


@router.post(
    "/adjustments/{adjustment_id}/reject", response={200: AdjustmentOut, **errors(401, 403, 404, 409, 422)}
)
def adjustment_reject(request, adjustment_id: int, payload: AdjustmentDecisionIn):
    return _decide(request, adjustment_id, billing.adjustment_reject, payload)


class LedgerFilter(ArrearsFilter):
    format: Literal["csv", "xlsx"] = "csv"
    period: str | None = Field(None, description="YYYY-MM (bills)")


LEDGER_RESPONSES = ledgers.RESPONSES


@router.get("/ledgers/bills", response={**LIST_ERRORS}, openapi_extra={"responses": LEDGER_RESPONSES})
def ledger_bills(request, filters: Query[LedgerFilter]):
    """Bills with what is settled on each (台账), for a compound, community or everything in scope."""
    bills = _bills_in(request, filters)
    if filters.period is not None:
        bills = bills.filter(period_start=periods.period_parse(filters.period))
    return ledgers.ledger_response(filters.format, "bills", ledgers.bill_columns(), ledgers.bill_rows(bills))


@router.get("/ledgers/payments", response={**LIST_ERRORS}, openapi_extra={"responses": LEDGER_RESPONSES})
def ledger_payments(request, filters: Query[LedgerFilter]):
    """Payments with their receipt numbers (台账)."""
    payments = selectors.payments_visible(request.user)
    if filters.compound is not None:
        payments = payments.filter(compound_id=filters.compound)
    if filters.community is not None:
        payments = payments.filter(compound__community_id=filters.community)
    return ledgers.ledger_response(
        filters.format, "payments", ledgers.payment_columns(), ledgers.payment_rows(payments)
    )


@router.get("/ledgers/households", response={**LIST_ERRORS}, openapi_extra={"responses": LEDGER_RESPONSES})
def ledger_households(request, filters: Query[LedgerFilter]):
    """Households with their people (房屋与居民台账), in the import's own columns: edit and import back."""
    households = selectors.households_visible(request.user)
    if filters.compound is not None:
        households = households.filter(building__compound_id=filters.compound)
    if filters.community is not None:
        households = households.filter(building__compound__community_id=filters.community)
    return ledgers.ledger_response(
        filters.format,
        "households",
        ledgers.household_columns(),
        ledgers.household_rows(households, request.user),
    )


class TemplateFilter(Schema):
    kind: Literal["households", "volunteers", "opening_arrears"]


@router.get(
    "/imports/template",
    response={**errors(401, 422)},
    openapi_extra={
        "responses": {200: {"description": "The .xlsx template of the kind", "content": {ledgers.XLSX: {}}}}
    },
)
def import_template(request, filters: Query[TemplateFilter]):
    """The template of a ledger to import: Chinese headers (synonyms are matched too) and a notes row."""
    response = HttpResponse(runs.template(filters.kind), content_type=ledgers.XLSX)
    response["Content-Disposition"] = f'attachment; filename="gongzhi-{filters.kind}.xlsx"'
    return response


@router.post("/imports", response={202: ImportOut, **WRITE_ERRORS})
def import_create(
    request,
    file: File[UploadedFile],
    kind: Form[Literal["households", "volunteers", "opening_arrears"]],
    compound: Form[int | None] = None,
    community: Form[int | None] = None,
    dry_run: Form[bool] = True,
):
    """Bring in a ledger (.xlsx or .csv): the worker checks every row and, if this is no dry run
    and every row is good, writes them all in one transaction; poll the import for its progress."""
    scope = {}
    if compound is not None:
        scope["compound"] = visible_or_invalid(
            selectors.compounds_visible(request.user), compound, "compound", _("compound")
        )
    if community is not None:
        scope["community"] = visible_or_invalid(
            selectors.communities_visible(request.user), community, "community", _("community")
        )
    record = runs.import_request(
        actor=request.user,
        kind=kind,
        file_name=file.name,
        data=file.read(settings.IMPORT_MAX_BYTES + 1),
        dry_run=dry_run,
        **scope,
    )
    return Status(202, record)


@router.get("/imports/{import_id}", response={200: ImportOut, **errors(401, 404, 422)})
def import_detail(request, import_id: int):
    return get_object_or_404(selectors.imports_visible(request.user), pk=import_id)


@router.get(
    "/imports/{import_id}/marked",
    response={**errors(401, 404, 422)},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file as uploaded, with a column 错误 giving each bad row its reasons",
                "content": {ledgers.XLSX: {}, "text/csv": {}},
            }
        }
    },
)
def import_marked(request, import_id: int):
    record = get_object_or_404(selectors.imports_visible(request.user), pk=import_id)
    return ledgers.marked_response(record)


@router.post("/reminders", response={201: ReminderOut, **errors(401, 403, 404, 409, 422)})
def reminder_create(request, payload: ReminderIn):
    """Record a reminder (notice, phone, visit, letter) or, after repeated ones, the escalation."""
    household = get_object_or_404(selectors.households_visible(request.user), pk=payload.household)
    reminder = billing.reminder_record(
        actor=request.user, household=household, channel=payload.channel, outcome=payload.outcome
    )
    return Status(201, reminder)


class ReminderFilter(FilterSchema):
    household: Annotated[int | None, FilterLookup("household_id")] = None


@router.get("/reminders", response={200: list[ReminderOut], **LIST_ERRORS})
@paginate
def reminder_list(request, filters: Query[ReminderFilter]):
    qs = Reminder.objects.filter(household__in=selectors.households_visible(request.user).values("id"))
    return filters.filter(qs).select_related("by").order_by("-at", "-id")
