from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.errors import Forbidden, Invalid, visible_or_invalid
from core.openapi import errors
from core.validation import ActivityDatetime
from property.ledgers import RESPONSES, in_month, ledger_response
from property.register.permissions import communities_visible, compounds_visible
from volunteers import ledgers, selectors, services
from volunteers.models import RegistrationStatus, Signup
from volunteers.permissions import (
    shifts_scoped,
    shifts_visible,
    volunteers_visible,
    volunteers_visible_to_leader,
)
from volunteers.schemas import (
    CheckIn,
    CheckOut,
    HoursOut,
    RegistrationDecisionIn,
    RegistrationIn,
    RegistrationOut,
    ServiceTypeOut,
    ShiftCancelIn,
    ShiftIn,
    ShiftOut,
    ShiftPatch,
    ShiftTemplateIn,
    ShiftTemplateOut,
    SignupOut,
)
from volunteers.tasks import shift_templates_materialise

router = Router(tags=["volunteers"])
WRITE_ERRORS = errors(401, 403, 404, 409, 422)


def me_as_volunteer(request):
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        raise Forbidden(_("Register as a volunteer first."), code="not_a_volunteer")
    return volunteer


@router.get("/service-types", response={200: list[ServiceTypeOut], **errors(401)})
def service_type_list(request):
    communities = list(communities_visible(request.user).values_list("id", flat=True))
    return selectors.service_types_for(communities).order_by("id")


@router.post("/registrations", response={201: RegistrationOut, **WRITE_ERRORS})
def registration_create(request, payload: RegistrationIn):
    """A resident registers as a volunteer in the community they live in."""
    resident = getattr(request.user, "resident", None)
    if resident is None:
        raise Forbidden(_("Only registered residents may volunteer."), code="not_a_resident")
    community = visible_or_invalid(communities_visible(request.user), payload.community, "community")
    types = list(selectors.service_types_for([community.pk]).filter(id__in=payload.service_types))
    if len(types) != len(set(payload.service_types)):
        raise Invalid(_("Unknown service type."), field="service_types")
    volunteer = services.registration_create(
        actor=request.user,
        resident=resident,
        community=community,
        skills=payload.skills,
        availability=payload.availability,
        service_types=types,
    )
    return Status(201, volunteers_visible(request.user).get(pk=volunteer.pk))


def _decide(request, registration_id: int, status: str, reason: str = ""):
    volunteer = get_object_or_404(volunteers_visible(request.user), pk=registration_id)
    services.registration_decide(actor=request.user, volunteer=volunteer, status=status, reason=reason)
    return volunteers_visible(request.user).get(pk=registration_id)


@router.post("/registrations/{registration_id}/approve", response={200: RegistrationOut, **WRITE_ERRORS})
def registration_approve(request, registration_id: int):
    return _decide(request, registration_id, RegistrationStatus.APPROVED)


@router.post("/registrations/{registration_id}/decline", response={200: RegistrationOut, **WRITE_ERRORS})
def registration_decline(request, registration_id: int, payload: RegistrationDecisionIn):
    return _decide(request, registration_id, RegistrationStatus.DECLINED, payload.reason)


@router.post("/registrations/{registration_id}/suspend", response={200: RegistrationOut, **WRITE_ERRORS})
def registration_suspend(request, registration_id: int, payload: RegistrationDecisionIn):
    return _decide(request, registration_id, RegistrationStatus.SUSPENDED, payload.reason)


class ShiftFilter(Schema):
    compound: int | None = None
    service_type: int | None = None
    starts_from: ActivityDatetime | None = Field(None, alias="from")
    to: ActivityDatetime | None = None
    open: bool = False


@router.get("/shifts", response={200: list[ShiftOut], **errors(401, 422)})
@paginate
def shift_list(request, filters: Query[ShiftFilter]):
    qs = shifts_visible(request.user)
    if filters.compound is not None:
        qs = qs.filter(compound_id=filters.compound)
    if filters.service_type is not None:
        qs = qs.filter(service_type_id=filters.service_type)
    if filters.starts_from is not None:
        qs = qs.filter(starts_at__gte=filters.starts_from)
    if filters.to is not None:
        qs = qs.filter(starts_at__lt=filters.to)
    if filters.open:
        qs = qs.filter(selectors.with_places(timezone.now()))
    return qs.order_by("starts_at", "id")


def _where_and_what(request, payload):
    """The community, optional compound and service type a shift names (the service checks the rest)."""
    community = communities_visible(request.user).filter(pk=payload.community).first()
    if community is None:
        raise Invalid(_("No such community among those you work for."), field="community")
    compound = None
    if payload.compound is not None:
        compound = visible_or_invalid(compounds_visible(request.user), payload.compound, "compound")
    service_type = visible_or_invalid(
        selectors.service_types_for([community.pk]), payload.service_type, "service_type"
    )
    return community, compound, service_type


@router.post("/shifts", response={201: ShiftOut, **WRITE_ERRORS})
def shift_create(request, payload: ShiftIn):
    community, compound, service_type = _where_and_what(request, payload)
    shift = services.shift_create(
        actor=request.user,
        community=community,
        compound=compound,
        service_type=service_type,
        **payload.dict(exclude={"community", "compound", "service_type"}),
    )
    return Status(201, shifts_visible(request.user).get(pk=shift.pk))


@router.post("/shifts/{shift_id}/signup", response={201: SignupOut, **WRITE_ERRORS})
def signup_create(request, shift_id: int):
    """Sign up: confirmed while places are free, else waitlisted (first come, first served)."""
    volunteer = me_as_volunteer(request)
    shift = get_object_or_404(shifts_scoped(request.user), pk=shift_id)
    return Status(201, services.signup_create(volunteer=volunteer, shift=shift, actor=request.user))


@router.delete("/shifts/{shift_id}/signup", response={204: None, **WRITE_ERRORS})
def signup_cancel(request, shift_id: int):
    """Cancel before the start; the first on the waitlist moves up."""
    volunteer = me_as_volunteer(request)
    shift = get_object_or_404(shifts_scoped(request.user), pk=shift_id)
    services.signup_cancel(volunteer=volunteer, shift=shift, actor=request.user)
    return Status(204, None)


def _group_member(request, shift, payload_volunteer: int | None):
    if payload_volunteer is None:
        return None
    member = volunteers_visible_to_leader(shift).filter(pk=payload_volunteer).first()
    if member is None:
        raise Invalid(_("No such volunteer on this shift."), field="volunteer")
    return member


@router.post("/shifts/{shift_id}/check-in", response={200: CheckOut, **WRITE_ERRORS})
def check_in(request, shift_id: int, payload: CheckIn):
    """On the spot by the volunteer, or by the leader for someone in the group."""
    me = me_as_volunteer(request)
    shift = get_object_or_404(shifts_visible(request.user), pk=shift_id)
    member = _group_member(request, shift, payload.volunteer)
    return services.signup_check_in(actor=request.user, by=me, shift=shift, volunteer=member)


@router.post("/shifts/{shift_id}/check-out", response={200: CheckOut, **WRITE_ERRORS})
def check_out(request, shift_id: int, payload: CheckIn):
    me = me_as_volunteer(request)
    shift = get_object_or_404(shifts_visible(request.user), pk=shift_id)
    member = _group_member(request, shift, payload.volunteer)
    return services.signup_check_out(actor=request.user, by=me, shift=shift, volunteer=member)


@router.patch("/shifts/{shift_id}", response={200: ShiftOut, **WRITE_ERRORS})
def shift_update(request, shift_id: int, payload: ShiftPatch):
    """Change a shift; everyone on it is told. Fewer places move the latest to the head of the waitlist."""
    shift = get_object_or_404(shifts_visible(request.user), pk=shift_id)
    changes = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    services.shift_update(actor=request.user, shift=shift, changes=changes)
    return shifts_visible(request.user).get(pk=shift_id)


@router.post("/shifts/{shift_id}/cancel", response={200: ShiftOut, **WRITE_ERRORS})
def shift_cancel(request, shift_id: int, payload: ShiftCancelIn):
    shift = get_object_or_404(shifts_visible(request.user), pk=shift_id)
    services.shift_cancel(actor=request.user, shift=shift, reason=payload.reason)
    return shifts_visible(request.user).get(pk=shift_id)


@router.get("/me/hours", response={200: HoursOut, **errors(401, 403)})
def my_hours(request):
    """Hours credited from actual check-in and check-out (capped at each shift), and points."""
    volunteer = me_as_volunteer(request)
    rows = []
    for signup in selectors.served(volunteer):
        hours = selectors.credited_hours(signup)
        rows.append(
            {
                "shift": signup.shift_id,
                "service_type": signup.shift.service_type.name,
                "starts_at": signup.shift.starts_at,
                "hours": hours,
                "points": selectors.points_for(hours),
            }
        )
    total = sum((r["hours"] for r in rows), Decimal(0))
    return {"hours": total, "points": selectors.points_for(total), "shifts": rows}


@router.post("/shift-templates", response={201: ShiftTemplateOut, **WRITE_ERRORS})
def shift_template_create(request, payload: ShiftTemplateIn):
    """A repeating schedule (every Tuesday 19:00-21:00); its shifts are created four weeks ahead."""
    community, compound, service_type = _where_and_what(request, payload)
    template = services.shift_template_create(
        actor=request.user,
        community=community,
        compound=compound,
        service_type=service_type,
        **payload.dict(exclude={"community", "compound", "service_type"}),
    )
    transaction.on_commit(lambda: shift_templates_materialise.delay())
    return Status(201, template)


class HoursLedgerFilter(Schema):
    format: Literal["csv", "xlsx"] = "csv"
    community: int | None = None
    period: str | None = Field(None, description="YYYY-MM: shifts that started in the month")


@router.get("/ledgers/hours", response={**errors(401, 422)}, openapi_extra={"responses": RESPONSES})
def ledger_hours(request, filters: Query[HoursLedgerFilter]):
    """Every shift served (checked in and out) with the hours and points credited (志愿服务时长台账):
    the community's volunteers for its staff, one's own for a volunteer."""
    signups = Signup.objects.filter(
        volunteer__in=volunteers_visible(request.user).values("id"),
        checked_in_at__isnull=False,
        checked_out_at__isnull=False,
    )
    if filters.community is not None:
        signups = signups.filter(shift__community_id=filters.community)
    signups = in_month(signups, "shift__starts_at", filters.period)
    return ledger_response(
        filters.format, "volunteer-hours", ledgers.hours_columns(), ledgers.hours_rows(signups)
    )
