from typing import Annotated, Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, FilterLookup, FilterSchema, Form, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from accounts.models import User
from accounts.permissions import is_staff_of, staff_scope
from core.errors import Forbidden, Invalid, visible_or_invalid
from core.openapi import errors
from core.periods import day_bounds
from core.validation import ActivityDate
from grid import ledgers, selectors, services
from grid.models import Assignment, Category, Finding, Grid, StaffRole, Swap, Unit
from grid.permissions import (
    current_assignments,
    duty_shifts_visible,
    grids_visible,
    incidents_visible,
)
from grid.schemas import (
    ChecklistItemIn,
    ChecklistItemOut,
    DailyReportOut,
    DecisionIn,
    DutyShiftIn,
    DutyShiftOut,
    DutyTemplateIn,
    DutyTemplateOut,
    EndIn,
    EndStaffIn,
    FindingIncidentIn,
    GridGapOut,
    GridIn,
    GridOut,
    IncidentDetailOut,
    IncidentOut,
    InspectionIn,
    InspectionOut,
    OverdueUnitOut,
    RateIn,
    StaffIn,
    StaffOut,
    StartIn,
    StepIn,
    SwapIn,
    SwapOut,
    UnitOut,
)
from property.ledgers import RESPONSES, in_month, ledger_response
from property.models import Building, Compound
from property.register.permissions import communities_visible

router = Router(tags=["grid"])
LIST_ERRORS = errors(401, 422)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(401, 403, 404, 409, 422)


# --- grids and staff ---------------------------------------------------------------------------


class GridFilter(FilterSchema):
    community: Annotated[int | None, FilterLookup("community_id")] = None


@router.get("/grids", response={200: list[GridOut], **LIST_ERRORS})
@paginate
def grid_list(request, filters: Query[GridFilter]):
    # 2 queries: the page (with its total), then the compounds of that page.
    return (
        filters.filter(grids_visible(request.user))
        .prefetch_related("compounds")
        .order_by("name", "id")
    )


@router.post("/grids", response={201: GridOut, **WRITE_ERRORS})
def grid_create(request, payload: GridIn):
    community = visible_or_invalid(communities_visible(request.user), payload.community, "community")
    compounds = list(Compound.objects.filter(id__in=payload.compounds))
    if len(compounds) != len(set(payload.compounds)):
        raise Invalid(_("Unknown compound."), field="compounds")
    buildings = list(Building.objects.filter(id__in=payload.buildings).select_related("compound"))
    if len(buildings) != len(set(payload.buildings)):
        raise Invalid(_("Unknown building."), field="buildings")
    grid = services.grid_create(
        actor=request.user, community=community, name=payload.name, compounds=compounds, buildings=buildings
    )
    return Status(201, grid)


@router.get("/grids/{grid_id}/staff", response={200: list[StaffOut], **READ_ERRORS})
def staff_list(request, grid_id: int):
    grid = get_object_or_404(grids_visible(request.user), pk=grid_id)
    return grid.staff.select_related("user", "unit").order_by("role", "id")


@router.post("/grids/{grid_id}/staff", response={201: StaffOut, **WRITE_ERRORS})
def staff_assign(request, grid_id: int, payload: StaffIn):
    grid = get_object_or_404(grids_visible(request.user), pk=grid_id)
    user = visible_or_invalid(User.objects.filter(is_active=True), payload.user, "user")
    unit = visible_or_invalid(Unit.objects.all(), payload.unit, "unit")
    assignment = services.staff_assign(
        actor=request.user, grid=grid, user=user, role=payload.role, unit=unit, started_on=payload.started_on
    )
    return Status(201, assignment)


@router.post("/staff/{assignment_id}/end", response={200: StaffOut, **WRITE_ERRORS})
def staff_end(request, assignment_id: int, payload: EndStaffIn):
    """The staff member leaves the grid; their later scheduled shifts are cancelled."""
    assignment = get_object_or_404(
        Assignment.objects.filter(grid__in=grids_visible(request.user)).select_related(
            "user", "unit"
        ),
        pk=assignment_id,
    )
    return services.staff_end(actor=request.user, assignment=assignment, ended_on=payload.ended_on)


@router.get("/checklist-items", response={200: list[ChecklistItemOut], **errors(401, 422)})
def checklist_list(request, community: int):
    """The daily inspection items of a community: the defaults and its own."""
    found = visible_or_invalid(communities_visible(request.user), community, "community")
    return selectors.checklist_for(found)


@router.post("/checklist-items", response={201: ChecklistItemOut, **WRITE_ERRORS})
def checklist_item_add(request, payload: ChecklistItemIn):
    community = visible_or_invalid(communities_visible(request.user), payload.community, "community")
    item = services.checklist_item_add(
        actor=request.user,
        community=community,
        code=payload.code,
        text=payload.text,
        position=payload.position,
    )
    return Status(201, item)


@router.get("/gaps", response={200: list[GridGapOut], **errors(401)})
def gap_list(request):
    """Grids in the user's communities that lack a role (cleaner, property manager, police, ...)."""
    grids = Grid.objects.filter(staff_scope(request.user, "community")).order_by("name")
    return [{"grid": g.pk, "name": g.name, "missing": missing} for g, missing in selectors.grid_gaps(grids)]


@router.get("/units", response={200: list[UnitOut], **errors(401)})
def unit_list(request):
    return Unit.objects.order_by("name")


@router.get("/public/overdue-units", auth=None, response={200: list[OverdueUnitOut]})
def overdue_units(request):
    """Published, no sign-in: units with repeated overdue incidents in the last 90 days, with figures."""
    return selectors.overdue_units()


# --- duty shifts ---------------------------------------------------------------------------------


class DutyFilter(Schema):
    grid: int | None = None
    staff: int | None = None
    date: ActivityDate | None = None


@router.get("/duty-shifts", response={200: list[DutyShiftOut], **LIST_ERRORS})
@paginate
def duty_shift_list(request, filters: Query[DutyFilter]):
    # 1 query: shifts in scope with grid and staff.
    qs = duty_shifts_visible(request.user)
    if filters.grid is not None:
        qs = qs.filter(grid_id=filters.grid)
    if filters.staff is not None:
        qs = qs.filter(staff_id=filters.staff)
    if filters.date is not None:
        start, end = day_bounds(filters.date)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    return qs.order_by("starts_at", "id")


def _assignment(request, pk):
    """An assignment in a grid the user runs (grid worker) or a community they serve."""
    mine = current_assignments(request.user).filter(role=StaffRole.GRID_WORKER).values("grid_id")
    scope = staff_scope(request.user, "grid__community") | Q(grid_id__in=mine)
    return visible_or_invalid(
        Assignment.objects.filter(scope).select_related("grid__community", "user"), pk, "assignment"
    )


@router.post("/duty-shifts", response={201: DutyShiftOut, **WRITE_ERRORS})
def duty_shift_create(request, payload: DutyShiftIn):
    assignment = _assignment(request, payload.assignment)
    shift = services.duty_shift_create(
        actor=request.user, assignment=assignment, starts_at=payload.starts_at, ends_at=payload.ends_at
    )
    return Status(201, duty_shifts_visible(request.user).get(pk=shift.pk))


@router.post("/duty-templates", response={201: DutyTemplateOut, **WRITE_ERRORS})
def duty_template_create(request, payload: DutyTemplateIn):
    assignment = _assignment(request, payload.assignment)
    fields = payload.dict(exclude={"assignment"})
    template = services.duty_template_create(actor=request.user, assignment=assignment, **fields)
    services.roster_generate(timezone.localdate())
    return Status(201, template)


def _shift(request, shift_id):
    return get_object_or_404(duty_shifts_visible(request.user), pk=shift_id)


@router.post("/duty-shifts/{shift_id}/start", response={200: DutyShiftOut, **WRITE_ERRORS})
def duty_start(request, shift_id: int, payload: StartIn):
    """The staff member starts their shift (late after the grace time)."""
    services.duty_start(actor=request.user, shift=_shift(request, shift_id), place_note=payload.place_note)
    return _shift(request, shift_id)


@router.post("/duty-shifts/{shift_id}/end", response={200: DutyShiftOut, **WRITE_ERRORS})
def duty_end(request, shift_id: int, payload: EndIn):
    """End it with notes and findings; each finding can become an incident (findings/{id}/incident)."""
    findings = [f.dict() for f in payload.findings]
    services.duty_end(
        actor=request.user, shift=_shift(request, shift_id), notes=payload.notes, findings=findings
    )
    return _shift(request, shift_id)


@router.post("/duty-shifts/{shift_id}/swap", response={201: SwapOut, **WRITE_ERRORS})
def swap_request(request, shift_id: int, payload: SwapIn):
    shift = _shift(request, shift_id)
    to = visible_or_invalid(Assignment.objects.filter(grid_id=shift.grid_id), payload.to, "to")
    return Status(201, services.swap_request(actor=request.user, shift=shift, to=to, reason=payload.reason))


@router.post("/swaps/{swap_id}/decide", response={200: SwapOut, **WRITE_ERRORS})
def swap_decide(request, swap_id: int, payload: DecisionIn):
    swap = get_object_or_404(
        Swap.objects.filter(shift__in=duty_shifts_visible(request.user)), pk=swap_id
    )
    return services.swap_decide(actor=request.user, swap=swap, approve=payload.approve)


# --- inspections and findings --------------------------------------------------------------------


@router.post("/inspections", response={201: InspectionOut, **WRITE_ERRORS})
def inspection_record(request, payload: InspectionIn):
    """The daily checklist of a grid: every item passed, or a finding."""
    grid = visible_or_invalid(grids_visible(request.user), payload.grid, "grid")
    results = [r.dict() for r in payload.results]
    inspection = services.inspection_record(actor=request.user, grid=grid, results=results)
    return Status(201, inspection.__class__.objects.prefetch_related("findings").get(pk=inspection.pk))


@router.post("/findings/{finding_id}/incident", response={201: IncidentOut, **WRITE_ERRORS})
def finding_to_incident(request, finding_id: int, payload: FindingIncidentIn):
    """One tap: the finding becomes an incident of its grid."""
    finding = get_object_or_404(
        Finding.objects.filter(grid__in=grids_visible(request.user)), pk=finding_id
    )
    category = visible_or_invalid(Category.objects.all(), payload.category, "category")
    incident = services.finding_to_incident(actor=request.user, finding=finding, category=category)
    return Status(201, incidents_visible(request.user).get(pk=incident.pk))


# --- incidents -----------------------------------------------------------------------------------


class IncidentFilter(Schema):
    status: str | None = None
    overdue: bool = False
    community: int | None = None
    grid: int | None = None
    unit: int | None = None


@router.get("/incidents", response={200: list[IncidentOut], **LIST_ERRORS})
@paginate
def incident_list(request, filters: Query[IncidentFilter]):
    # 1 query: incidents in scope with grid, category, unit and reporter.
    qs = incidents_visible(request.user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(selectors.overdue_at(timezone.now()))
    for name, lookup in (("community", "grid__community_id"), ("grid", "grid_id"), ("unit", "unit_id")):
        if getattr(filters, name) is not None:
            qs = qs.filter(**{lookup: getattr(filters, name)})
    return qs.order_by("-reported_at", "-id")


class IncidentIn(Schema):
    grid: int
    category: int
    place: str
    description: str


@router.post("/incidents", response={201: IncidentOut, **WRITE_ERRORS})
def incident_report(request, payload: Form[IncidentIn], photo: File[UploadedFile] = None):
    """multipart/form-data: grid, category, place, description and an optional photo (JPEG, PNG or
    WebP, at most PHOTO_MAX_BYTES)."""
    grid = visible_or_invalid(grids_visible(request.user), payload.grid, "grid")
    category = visible_or_invalid(Category.objects.all(), payload.category, "category")
    incident = services.incident_report(
        actor=request.user,
        grid=grid,
        category=category,
        place=payload.place,
        description=payload.description,
        photo=photo,
    )
    return Status(201, incidents_visible(request.user).get(pk=incident.pk))


@router.get("/incidents/{incident_id}", response={200: IncidentDetailOut, **READ_ERRORS})
def incident_detail(request, incident_id: int):
    return get_object_or_404(
        incidents_visible(request.user).prefetch_related("steps"), pk=incident_id
    )


def _step(request, incident_id, action, payload: StepIn):
    incident = get_object_or_404(incidents_visible(request.user), pk=incident_id)
    unit = visible_or_invalid(Unit.objects.all(), payload.unit, "unit") if payload.unit is not None else None
    services.incident_step(
        actor=request.user,
        incident=incident,
        action=action,
        note=payload.note,
        unit=unit,
        until=payload.until,
    )
    return get_object_or_404(
        incidents_visible(request.user).prefetch_related("steps"), pk=incident_id
    )


def _register_step(action: str, doc: str):
    @router.post(
        f"/incidents/{{incident_id}}/{action}",
        response={200: IncidentDetailOut, **WRITE_ERRORS},
        operation_id=f"incident_{action}",
        summary=f"Incident: {action}",
    )
    def step(request, incident_id: int, payload: StepIn):
        return _step(request, incident_id, action, payload)

    step.__doc__ = doc


for _action, _doc in [
    ("dispatch", "reported -> dispatched, to a unit with the category's deadline (grid worker, community)."),
    ("reject", "reported -> rejected: an invalid report, with a reason (grid worker, community)."),
    ("accept", "dispatched -> rectifying (the unit's staff)."),
    ("return", "dispatched -> reported, with a reason, for re-dispatch (the unit's staff)."),
    ("extend", "Ask for a later deadline (`until`) with a reason (the unit's staff); see extension."),
    ("resolve", "rectifying -> resolved, with the measures taken as the note (the unit's staff)."),
    ("verify", "resolved -> closed (grid worker, community)."),
    ("reopen", "resolved -> rectifying, with a reason (grid worker, community)."),
]:
    _register_step(_action, _doc)


@router.post("/incidents/{incident_id}/extension", response={200: IncidentDetailOut, **WRITE_ERRORS})
def extension_decide(request, incident_id: int, payload: DecisionIn):
    """Approve (the deadline moves) or decline the pending extension (grid worker, community)."""
    incident = get_object_or_404(incidents_visible(request.user), pk=incident_id)
    services.extension_decide(
        actor=request.user, incident=incident, approve=payload.approve, note=payload.note
    )
    return get_object_or_404(
        incidents_visible(request.user).prefetch_related("steps"), pk=incident_id
    )


@router.post("/incidents/{incident_id}/rate", response={200: IncidentOut, **WRITE_ERRORS})
def incident_rate(request, incident_id: int, payload: RateIn):
    incident = get_object_or_404(incidents_visible(request.user), pk=incident_id)
    services.incident_rate(actor=request.user, incident=incident, score=payload.score)
    return incidents_visible(request.user).get(pk=incident_id)


# --- the daily report -----------------------------------------------------------------------------


class ReportFilter(Schema):
    community: int
    date: ActivityDate | None = None


@router.get("/reports/daily", response={200: DailyReportOut, **errors(401, 403, 422)})
def daily_report(request, filters: Query[ReportFilter]):
    """社区每日巡查报告: duty by grid and role, inspections and findings, incidents opened, closed, overdue."""
    community = visible_or_invalid(communities_visible(request.user), filters.community, "community")
    if not is_staff_of(request.user, community):
        raise Forbidden(_("The daily report is for the community's and the subdistrict's staff."))
    return selectors.daily_report(community, filters.date or timezone.localdate())


class GridLedgerFilter(Schema):
    format: Literal["csv", "xlsx"] = "csv"
    community: int | None = None
    grid: int | None = None
    period: str | None = Field(
        None, description="YYYY-MM: shifts that started, incidents reported in the month"
    )


def _in_scope(qs, filters: GridLedgerFilter):
    if filters.community is not None:
        qs = qs.filter(grid__community_id=filters.community)
    if filters.grid is not None:
        qs = qs.filter(grid_id=filters.grid)
    return qs


@router.get("/ledgers/duty-shifts", response={**LIST_ERRORS}, openapi_extra={"responses": RESPONSES})
def ledger_duty_shifts(request, filters: Query[GridLedgerFilter]):
    """Duty-shift records (值班记录): who was on which grid when, started and ended when, late or not."""
    shifts = in_month(
        _in_scope(duty_shifts_visible(request.user), filters), "starts_at", filters.period
    )
    return ledger_response(filters.format, "duty-shifts", ledgers.duty_columns(), ledgers.duty_rows(shifts))


@router.get("/ledgers/incidents", response={**LIST_ERRORS}, openapi_extra={"responses": RESPONSES})
def ledger_incidents(request, filters: Query[GridLedgerFilter]):
    """Incidents with every step of the closed loop (问题处置台账), a row a step."""
    incidents = in_month(
        _in_scope(incidents_visible(request.user), filters), "reported_at", filters.period
    )
    return ledger_response(
        filters.format, "incidents", ledgers.incident_columns(), ledgers.incident_rows(incidents)
    )
