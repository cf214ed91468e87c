"""Every write in grid management that has rules: one function per use case, in a transaction."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.notify import notify
from accounts.permissions import can_manage_community, posts_in_force
from accounts.services import audit_record
from core.errors import Conflict, Forbidden, Invalid, validate_model
from core.files import photo_checked
from core.locks import retried
from core.periods import day_start, in_force_from, is_in_force, weekly_starts
from grid.models import (
    Assignment,
    Category,
    ChecklistItem,
    DutyShift,
    DutyStatus,
    DutyTemplate,
    Extension,
    Finding,
    Grid,
    Incident,
    IncidentStatus,
    Inspection,
    InspectionResult,
    OverdueMark,
    Step,
    Swap,
    SwapStatus,
    Unit,
)
from grid.permissions import (
    can_inspect,
    can_report_incident,
    can_run_grid,
    can_run_incident,
    may_act,
    sides_of,
)
from grid.selectors import checklist_for, overdue_at

# --- grids and staff --------------------------------------------------------------------------


@transaction.atomic
def grid_create(*, actor, community, name: str, compounds=(), buildings=()) -> Grid:
    if not can_manage_community(actor, community):
        raise Forbidden(_("Only the community's workers may do this."))
    compounds, buildings = list(compounds), list(buildings)
    if any(c.community_id != community.pk for c in compounds):
        raise Invalid(_("Every compound must be in the grid's community."), field="compounds")
    if any(b.compound.community_id != community.pk for b in buildings):
        raise Invalid(_("Every building must be in the grid's community."), field="buildings")
    grid = Grid(community=community, name=name)
    validate_model(grid)
    grid.save()
    grid.compounds.set(compounds)
    grid.buildings.set(buildings)
    audit_record(actor=actor, action="grid.create", obj=grid, data={"compounds": [c.pk for c in compounds]})
    return grid


@transaction.atomic
def staff_assign(*, actor, grid: Grid, user, role: str, unit, started_on: date) -> Assignment:
    if not can_manage_community(actor, grid.community):
        raise Forbidden(_("Only the community's workers may do this."))
    assignment = Assignment(grid=grid, user=user, role=role, unit=unit, started_on=started_on)
    validate_model(assignment)
    assignment.save()
    audit_record(actor=actor, action="grid.staff", obj=assignment, data={"role": role, "unit": unit.pk})
    return assignment


@transaction.atomic
def staff_end(*, actor, assignment: Assignment, ended_on: date) -> Assignment:
    """A staff member leaves the grid: their shifts from that day on come off the roster."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("grid__community")
        .get(pk=assignment.pk)
    )
    if not can_manage_community(actor, assignment.grid.community):
        raise Forbidden(_("Only the community's workers may do this."))
    if assignment.ended_on:
        raise Conflict(_("This assignment has ended already."), code="ended")
    if ended_on <= assignment.started_on:
        raise Invalid(_("An assignment ends after it starts."), field="ended_on")
    assignment.ended_on = ended_on
    assignment.save(update_fields=["ended_on"])
    cut = day_start(ended_on)
    dropped = assignment.duty_shifts.filter(status=DutyStatus.SCHEDULED, starts_at__gte=cut).update(
        status=DutyStatus.CANCELLED
    )
    assignment.templates.update(active=False)
    audit_record(
        actor=actor,
        action="grid.staff_end",
        obj=assignment,
        data={"ended_on": str(ended_on), "dropped": dropped},
    )
    return assignment


@transaction.atomic
def checklist_item_add(*, actor, community, code: str, text: str, position: int = 100) -> ChecklistItem:
    """A community's own inspection item, after the defaults."""
    if not can_manage_community(actor, community):
        raise Forbidden(_("Only the community's workers may do this."))
    if ChecklistItem.objects.filter(Q(community=community) | Q(community__isnull=True), code=code).exists():
        raise Conflict(_("This checklist has an item with this code."), code="duplicate")
    item = ChecklistItem(community=community, code=code, text=text, position=position)
    validate_model(item)
    item.save()
    audit_record(actor=actor, action="grid.checklist_item", obj=item, data={"code": code})
    return item


# --- duty shifts --------------------------------------------------------------------------------


def _overlapping(staff_id: int, starts_at: datetime, ends_at: datetime, exclude: int | None = None):
    qs = DutyShift.objects.filter(staff_id=staff_id, starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        status=DutyStatus.CANCELLED
    )
    return qs.exclude(pk=exclude) if exclude else qs


def _save_shift(shift: DutyShift) -> DutyShift:
    """Saved unless it overlaps another shift of the same person: checked here under a lock on the
    person (writers for one person queue instead of deadlocking on the constraint's check) and kept
    by the exclusion constraint on PostgreSQL whatever writes the table."""
    User.objects.select_for_update().filter(pk=shift.staff_id).first()
    if _overlapping(shift.staff_id, shift.starts_at, shift.ends_at, exclude=shift.pk).exists():
        raise Conflict(_("This overlaps another duty shift of the same person."), code="overlap")
    try:
        with transaction.atomic():
            shift.save()
    except IntegrityError as exc:
        if "no_overlap" in str(exc):
            raise Conflict(
                _("This overlaps another duty shift of the same person."), code="overlap"
            ) from None
        raise
    return shift


def _shift_for(assignment: Assignment, starts_at: datetime, ends_at: datetime, template=None) -> DutyShift:
    """A shift of the assignment's person, grid and role (copied onto the shift for the constraint)."""
    return DutyShift(
        assignment=assignment,
        staff_id=assignment.user_id,
        grid_id=assignment.grid_id,
        role=assignment.role,
        template=template,
        starts_at=starts_at,
        ends_at=ends_at,
    )


@transaction.atomic
def duty_shift_create(*, actor, assignment: Assignment, starts_at: datetime, ends_at: datetime) -> DutyShift:
    if not can_run_grid(actor, assignment.grid):
        raise Forbidden(_("Only the grid worker or the community's workers put shifts on the roster."))
    shift = _shift_for(assignment, starts_at, ends_at)
    validate_model(shift, exclude=["template"])
    _save_shift(shift)
    audit_record(actor=actor, action="duty.create", obj=shift, data={"staff": assignment.user_id})
    return shift


@transaction.atomic
def duty_template_create(*, actor, assignment: Assignment, **fields) -> DutyTemplate:
    if not can_run_grid(actor, assignment.grid):
        raise Forbidden(_("Only the grid worker or the community's workers put shifts on the roster."))
    weekdays = fields.get("weekdays") or []
    if not weekdays or any(d not in range(7) for d in weekdays) or len(set(weekdays)) != len(weekdays):
        raise Invalid(_("Choose weekdays from 0 (Monday) to 6 (Sunday), each once."), field="weekdays")
    template = DutyTemplate(assignment=assignment, **fields)
    validate_model(template)
    template.save()
    audit_record(actor=actor, action="duty.template", obj=template, data={"weekdays": weekdays})
    return template


def roster_generate(today: date, days: int | None = None) -> int:
    """Put the next days' shifts of every active template on the roster, once per start.

    A shift that would overlap one already on the roster (a swap, a one-off) is skipped.
    """
    days = days or settings.GRID_ROSTER_DAYS_AHEAD
    made = 0
    templates = list(
        DutyTemplate.objects.filter(in_force_from(today, "assignment"), active=True).select_related(
            "assignment"
        )
    )
    on_roster = set(  # one query for what earlier runs made, instead of one per template and day
        DutyShift.objects.filter(template__in=templates, starts_at__gte=day_start(today)).values_list(
            "template_id", "starts_at"
        )
    )
    for template in templates:
        a = template.assignment
        for day, starts in weekly_starts(today, days, template.weekdays, template.start_time):
            if not is_in_force(a, day) or (template.pk, starts) in on_roster:
                continue
            shift = _shift_for(a, starts, starts + timedelta(minutes=template.minutes), template)
            try:
                with transaction.atomic():
                    _save_shift(shift)
            except (Conflict, IntegrityError):
                continue
            made += 1
    return made


def _own_shift(actor, shift: DutyShift) -> DutyShift:
    shift = DutyShift.objects.select_for_update().get(pk=shift.pk)
    if shift.staff_id != actor.pk:
        raise Forbidden(_("Only the staff member on duty records this shift."), code="not_yours")
    return shift


EARLY_START = timedelta(minutes=30)


def start_opens(shift: DutyShift) -> datetime:
    """When a duty shift may be started: half an hour before it begins (until it ends)."""
    return shift.starts_at - EARLY_START


@transaction.atomic
def duty_start(*, actor, shift: DutyShift, now: datetime | None = None, place_note: str = "") -> DutyShift:
    """Start a duty shift (from 30 minutes before it until its end); after the grace time it is late."""
    now = now or timezone.now()
    shift = _own_shift(actor, shift)
    if shift.status != DutyStatus.SCHEDULED:
        raise Conflict(
            _("This shift is %(status)s.") % {"status": shift.get_status_display()}, code="wrong_state"
        )
    if now < start_opens(shift):
        raise Conflict(_("It is too early to start this shift."), code="too_early")
    if now >= shift.ends_at:
        raise Conflict(_("This shift is over."), code="over")
    shift.status, shift.started_at, shift.place_note = DutyStatus.STARTED, now, place_note.strip()
    shift.late = shift.late or now > shift.starts_at + timedelta(minutes=settings.GRID_LATE_MINUTES)
    shift.save(update_fields=["status", "started_at", "place_note", "late"])
    audit_record(actor=actor, action="duty.start", obj=shift, data={"late": shift.late})
    return shift


@transaction.atomic
def duty_end(
    *, actor, shift: DutyShift, notes: str = "", findings=(), now: datetime | None = None
) -> DutyShift:
    """End the shift with notes and findings (each may become an incident)."""
    now = now or timezone.now()
    shift = _own_shift(actor, shift)
    if shift.status != DutyStatus.STARTED:
        raise Conflict(_("Start the shift before ending it."), code="wrong_state")
    rows = []
    for i, f in enumerate(findings):
        text = (f.get("text") or "").strip()
        if not text:
            raise Invalid(_("Describe what you found."), field=f"findings.{i}.text")
        finding = Finding(
            grid_id=shift.grid_id,
            duty_shift=shift,
            text=text[:500],
            place=(f.get("place") or "").strip()[:120],
            found_by=actor,
            found_at=now,
        )
        if f.get("photo"):
            try:
                finding.photo = photo_checked(f["photo"])
            except Invalid as bad:
                raise Invalid(bad.message, field=f"findings.{i}.photo") from None
        rows.append(finding)
    shift.status, shift.ended_at, shift.notes = duty_ended_status(shift, now), now, notes.strip()
    shift.save(update_fields=["status", "ended_at", "notes"])
    Finding.objects.bulk_create(rows)
    audit_record(actor=actor, action="duty.end", obj=shift, data={"findings": len(rows)})
    return shift


def duty_ended_status(shift: DutyShift, ended_at: datetime) -> str:
    """THE rule of a shift's end: more than GRID_LEFT_EARLY_MINUTES before the planned end is left
    early (早退), counted apart from done; else done."""
    early = timedelta(minutes=settings.GRID_LEFT_EARLY_MINUTES)
    return DutyStatus.LEFT_EARLY if ended_at < shift.ends_at - early else DutyStatus.DONE


def duty_flag(now: datetime) -> tuple[int, int]:
    """After the fact: not started within the grace time -> late; not started by the end -> missed."""
    grace = timedelta(minutes=settings.GRID_LATE_MINUTES)
    late = DutyShift.objects.filter(
        status=DutyStatus.SCHEDULED, late=False, starts_at__lt=now - grace
    ).update(late=True)
    missed = DutyShift.objects.filter(status=DutyStatus.SCHEDULED, ends_at__lte=now).update(
        status=DutyStatus.MISSED
    )
    return late, missed


@transaction.atomic
def swap_request(*, actor, shift: DutyShift, to: Assignment, reason: str) -> Swap:
    shift = _own_shift(actor, shift)
    if shift.status != DutyStatus.SCHEDULED:
        raise Conflict(_("Only a shift still to come can be swapped."), code="wrong_state")
    on_duty = is_in_force(to, timezone.localdate(shift.starts_at))  # still on the grid that day
    if to.grid_id != shift.grid_id or to.role != shift.role or to.user_id == actor.pk or not on_duty:
        raise Invalid(_("Swap with a colleague of the same role in the same grid."), field="to")
    if not reason.strip():
        raise Invalid(_("Give the reason."), field="reason")
    if shift.swaps.filter(status=SwapStatus.PENDING).exists():
        raise Conflict(_("A swap of this shift is waiting for approval."), code="pending")
    swap = Swap.objects.create(shift=shift, to=to, requested_by=actor, reason=reason.strip())
    audit_record(actor=actor, action="duty.swap_request", obj=swap, data={"to": to.user_id})
    return swap


@retried
@transaction.atomic
def swap_decide(*, actor, swap: Swap, approve: bool) -> Swap:
    swap = (
        Swap.objects.select_for_update(of=("self",))
        .select_related("shift__grid__community", "to")
        .get(pk=swap.pk)
    )
    if not can_run_grid(actor, swap.shift.grid):
        raise Forbidden(_("Only the grid worker approves swaps."))
    if swap.status != SwapStatus.PENDING:
        raise Conflict(_("This swap was decided already."), code="decided")
    swap.status, swap.decided_by = (SwapStatus.APPROVED if approve else SwapStatus.DECLINED), actor
    swap.save(update_fields=["status", "decided_by"])
    if approve:
        shift = DutyShift.objects.select_for_update().get(pk=swap.shift_id)
        shift.assignment, shift.staff_id = swap.to, swap.to.user_id
        _save_shift(shift)
        notify(swap.to.user, _("A duty shift was handed to you"), f"{shift.starts_at:%Y-%m-%d %H:%M}")
    notify(swap.requested_by, _("Your swap: %(status)s") % {"status": swap.get_status_display()})
    audit_record(actor=actor, action=f"duty.swap_{swap.status}", obj=swap, data={})
    return swap


# --- inspections and findings -------------------------------------------------------------------


@transaction.atomic
def inspection_record(*, actor, grid: Grid, results: list[dict], now: datetime | None = None) -> Inspection:
    """The daily checklist: every item passed or a finding (which one tap turns into an incident)."""
    now = now or timezone.now()
    if not can_inspect(actor, grid):
        raise Forbidden(_("Only the grid's staff inspect it."))
    items = {i.pk: i for i in checklist_for(grid.community)}
    given = {}
    for n, row in enumerate(results):
        item = items.get(row["item"])
        if item is None:
            raise Invalid(_("Not an item of this grid's checklist."), field=f"results.{n}.item")
        if item.pk in given:
            raise Invalid(_("Each item once."), field=f"results.{n}.item")
        if not row["passed"] and not (row.get("finding") or "").strip():
            raise Invalid(_("Describe what you found."), field=f"results.{n}.finding")
        given[item.pk] = row
    missing = [i.text for pk, i in items.items() if pk not in given]
    if missing:
        raise Invalid(_("Check every item: %(items)s.") % {"items": "、".join(missing)}, field="results")
    inspection = Inspection.objects.create(
        grid=grid, inspector=actor, done_at=now, day=timezone.localdate(now)
    )
    InspectionResult.objects.bulk_create(
        InspectionResult(inspection=inspection, item=items[pk], passed=row["passed"])
        for pk, row in given.items()
    )
    Finding.objects.bulk_create(
        Finding(
            grid=grid,
            inspection=inspection,
            item=items[pk],
            text=row["finding"].strip()[:500],
            place=(row.get("place") or "").strip()[:120],
            found_by=actor,
            found_at=now,
        )
        for pk, row in given.items()
        if not row["passed"]
    )
    audit_record(
        actor=actor,
        action="inspection.record",
        obj=inspection,
        data={"failed": sum(not r["passed"] for r in given.values())},
    )
    return inspection


# --- incidents: a closed loop ---------------------------------------------------------------------


def _step(incident: Incident, action: str, before: str, actor, note: str = "", now=None, **data) -> Step:
    return Step.objects.create(
        incident=incident,
        action=action,
        from_status=before,
        to_status=incident.status,
        actor=actor,
        note=note,
        data={k: str(v) for k, v in data.items()},
        at=now or timezone.now(),
    )


@transaction.atomic
def incident_report(
    *, actor, grid: Grid, category: Category, place: str, description: str, photo=None, now=None, finding=None
) -> Incident:
    """Anyone who lives or works in the grid's community reports; the photo is checked first."""
    if not can_report_incident(actor, grid):
        raise Forbidden(_("Only those who live or work in the grid's community report incidents there."))
    incident = _incident_new(actor, grid, category, place, description, photo, now or timezone.now())
    if finding is not None:
        Finding.objects.filter(pk=finding.pk, incident__isnull=True).update(incident=incident)
    return incident


def _incident_new(actor, grid, category, place, description, photo, now) -> Incident:
    if not place.strip():
        raise Invalid(_("Say where."), field="place")
    if not description.strip():
        raise Invalid(_("Describe the problem."), field="description")
    incident = Incident(
        grid=grid,
        category=category,
        place=place.strip(),
        description=description.strip(),
        reporter=actor,
        reported_at=now,
    )
    validate_model(incident, exclude=["photo", "reporter"])
    if photo is not None:
        incident.photo = photo_checked(photo)
    incident.save()
    _step(incident, "report", "", actor, incident.description, now=now, category=category.code)
    audit_record(actor=actor, action="incident.report", obj=incident, data={"grid": grid.pk})
    return incident


@transaction.atomic
def incident_raise_dispatched(
    *,
    actor,
    grid: Grid,
    category: Category,
    place: str,
    description: str,
    unit: Unit,
    deadline: datetime | None = None,
    photo=None,
    now=None,
) -> Incident:
    """An incident reported and dispatched to its unit at once, for another app's service that has
    already checked, on its own object, that the actor may (renovation's site findings: the project's
    supervisor or worker sends a defect to the works contract's unit). Both steps are in its history;
    the deadline is the category's unless one is given, and never before now."""
    now = now or timezone.now()
    if deadline is not None and deadline <= now:
        raise Invalid(_("The deadline is in the future."), field="deadline")
    incident = _incident_new(actor, grid, category, place, description, photo, now)
    incident.unit, incident.deadline = unit, deadline or deadline_for(category, now)
    incident.status = IncidentStatus.DISPATCHED
    incident.save(update_fields=["unit", "deadline", "status"])
    _step(
        incident,
        "dispatch",
        IncidentStatus.REPORTED,
        actor,
        now=now,
        unit=unit.pk,
        deadline=incident.deadline.isoformat(),
    )
    audit_record(
        actor=actor, action="incident.dispatch", obj=incident, data={"from": "reported", "to": "dispatched"}
    )
    return incident


@transaction.atomic
def finding_to_incident(*, actor, finding: Finding, category: Category) -> Incident:
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("grid__community")
        .get(pk=finding.pk)
    )
    # Turning a finding into an incident takes what recording the inspection takes.
    if not can_inspect(actor, finding.grid):
        raise Forbidden(_("Only the grid's staff inspect it."))
    if finding.incident_id:
        raise Conflict(_("This finding is an incident already."), code="duplicate")
    incident = incident_report(
        actor=actor,
        grid=finding.grid,
        category=category,
        place=finding.place or finding.grid.name,
        description=finding.text,
        finding=finding,
    )
    if finding.photo:  # checked when the finding was recorded: the incident shows the same picture
        incident.photo = finding.photo.name
        incident.save(update_fields=["photo"])
    return incident


def deadline_for(category: Category, now: datetime) -> datetime:
    """The end of the day `days` after dispatch (0: the same day), in local time."""
    days = settings.GRID_DEADLINE_DAYS[category.severity]
    last_day = timezone.localdate(now) + timedelta(days=days)
    return day_start(last_day + timedelta(days=1))


# Each step: the states it may start from, the state it leads to, who may take it, what it needs.
RUNNER, UNIT = "runner", "unit"
STEPS = {
    "dispatch": ({IncidentStatus.REPORTED}, IncidentStatus.DISPATCHED, RUNNER),
    "reject": ({IncidentStatus.REPORTED}, IncidentStatus.REJECTED, RUNNER),
    "accept": ({IncidentStatus.DISPATCHED}, IncidentStatus.RECTIFYING, UNIT),
    "return": ({IncidentStatus.DISPATCHED}, IncidentStatus.REPORTED, UNIT),
    "extend": ({IncidentStatus.DISPATCHED, IncidentStatus.RECTIFYING}, None, UNIT),
    "resolve": ({IncidentStatus.RECTIFYING}, IncidentStatus.RESOLVED, UNIT),
    "verify": ({IncidentStatus.RESOLVED}, IncidentStatus.CLOSED, RUNNER),
    "reopen": ({IncidentStatus.RESOLVED}, IncidentStatus.RECTIFYING, RUNNER),
}
NEEDS_NOTE = {
    "reject": "reason",
    "return": "reason",
    "extend": "reason",
    "reopen": "reason",
    "resolve": "measures",
}


def may_take(actor, incident: Incident, action: str) -> bool:
    return may_act(sides_of(actor, incident), STEPS[action][2], action)


def steps_open_to(actor, incident: Incident, sides=None) -> list[str]:
    """The steps the actor may take on the incident now (each permission asked once; `sides` from
    sides_of when the caller has them)."""
    sides = sides or sides_of(actor, incident)
    return [
        a for a, (starts, _to, who) in STEPS.items() if incident.status in starts and may_act(sides, who, a)
    ]


@transaction.atomic
def incident_step(
    *, actor, incident: Incident, action: str, note: str = "", unit=None, until=None, now=None
) -> Incident:
    """Take one step of the loop: 403 for the wrong person, 409 for the wrong state, 422 for bad input."""
    now = now or timezone.now()
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("grid__community", "category")
        .get(pk=incident.pk)
    )
    starts, leads_to, _who = STEPS[action]
    if not may_take(actor, incident, action):
        raise Forbidden(_("You may not take this step on this incident."), code="not_allowed")
    if incident.status not in starts:
        raise Conflict(
            _("A %(status)s incident cannot be %(step)s.")
            % {"status": incident.get_status_display(), "step": action},
            code="wrong_state",
        )
    note = note.strip()
    if action in NEEDS_NOTE and not note:
        raise Invalid(_("This step needs a note."), field=NEEDS_NOTE[action])
    before = incident.status
    data = {}
    if action == "dispatch":
        if unit is None:
            raise Invalid(_("Choose the responsible unit."), field="unit")
        incident.unit, incident.deadline = unit, deadline_for(incident.category, now)
        data = {"unit": unit.pk, "deadline": incident.deadline.isoformat()}
    elif action == "return":
        incident.unit, incident.deadline = None, None
    elif action == "extend":
        return _extension_request(actor, incident, until, note, now)
    elif action == "resolve":
        incident.measures = note
    elif action == "verify":
        incident.closed_at = now
    incident.status = leads_to
    incident.save(update_fields=["unit", "deadline", "status", "measures", "closed_at"])
    _step(incident, action, before, actor, note, now=now, **data)
    audit_record(
        actor=actor, action=f"incident.{action}", obj=incident, data={"from": before, "to": incident.status}
    )
    return incident


def _extension_request(actor, incident, until, reason, now) -> Incident:
    if until is None or until <= (incident.deadline or now):
        raise Invalid(_("An extension ends after the current deadline."), field="until")
    if incident.extensions.filter(status=SwapStatus.PENDING).exists():
        raise Conflict(_("An extension is waiting for approval."), code="pending")
    Extension.objects.create(incident=incident, until=until, reason=reason, requested_by=actor)
    _step(incident, "extend", incident.status, actor, reason, now=now, until=until.isoformat())
    return incident


@transaction.atomic
def extension_decide(*, actor, incident: Incident, approve: bool, note: str = "", now=None) -> Incident:
    now = now or timezone.now()
    incident = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("grid__community")
        .get(pk=incident.pk)
    )
    if not can_run_incident(actor, incident, "decide_extension"):
        raise Forbidden(_("Only the grid worker or the community's workers decide on extensions."))
    extension = incident.extensions.filter(status=SwapStatus.PENDING).first()
    if extension is None:
        raise Conflict(_("No extension is waiting for a decision."), code="none_pending")
    extension.status, extension.decided_by = (SwapStatus.APPROVED if approve else SwapStatus.DECLINED), actor
    extension.save(update_fields=["status", "decided_by"])
    if approve:
        incident.deadline = extension.until
        incident.save(update_fields=["deadline"])
    action = "extension_approved" if approve else "extension_declined"
    _step(incident, action, incident.status, actor, note, now=now, until=extension.until.isoformat())
    audit_record(actor=actor, action=f"incident.{action}", obj=incident, data={})
    return incident


@transaction.atomic
def incident_rate(*, actor, incident: Incident, score: int) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.reporter_id != actor.pk:
        raise Forbidden(_("Only the reporter rates the result."), code="not_reporter")
    if incident.status != IncidentStatus.CLOSED:
        raise Conflict(_("Rate once the incident is closed."), code="wrong_state")
    if incident.rating is not None:
        raise Conflict(_("You have rated this incident already."), code="duplicate")
    if not 1 <= score <= 5:
        raise Invalid(_("A score from 1 to 5."), field="score")
    incident.rating = score
    incident.save(update_fields=["rating"])
    _step(incident, "rate", incident.status, actor, str(score))
    return incident


def incidents_escalate(now: datetime) -> tuple[int, int]:
    """Overdue incidents go to the community (and count against the unit), then to the subdistrict."""
    to_community = to_subdistrict = 0
    later = now - timedelta(hours=settings.GRID_ESCALATE_TO_SUBDISTRICT_HOURS)
    overdue = Incident.objects.filter(overdue_at(now))
    due = overdue.filter(Q(escalation=0) | Q(escalation=1, deadline__lt=later))
    for incident_id in due.values_list("id", flat=True):
        with transaction.atomic():
            incident = (
                overdue.select_for_update(of=("self",))
                .select_related("grid__community__subdistrict")
                .filter(pk=incident_id)
                .first()
            )
            if incident is None:  # closed or extended since the list was read
                continue
            if incident.escalation == 0:
                incident.escalation, incident.overdue = 1, True
                incident.save(update_fields=["escalation", "overdue"])
                OverdueMark.objects.get_or_create(
                    incident=incident, unit_id=incident.unit_id, defaults={"at": now}
                )
                _tell(Role.COMMUNITY_WORKER, Q(community=incident.grid.community), incident)
                _step(
                    incident,
                    "escalate",
                    incident.status,
                    None,
                    _("Overdue: escalated to the community."),
                    now=now,
                )
                to_community += 1
            elif incident.escalation == 1 and incident.deadline < later:
                incident.escalation = 2
                incident.save(update_fields=["escalation"])
                _tell(Role.SUBDISTRICT_OFFICER, Q(subdistrict=incident.grid.community.subdistrict), incident)
                _step(
                    incident,
                    "escalate",
                    incident.status,
                    None,
                    _("Still overdue: escalated to the subdistrict."),
                    now=now,
                )
                to_subdistrict += 1
    return to_community, to_subdistrict


def _tell(role, scope: Q, incident: Incident) -> None:
    posts = posts_in_force().filter(scope, role=role)
    for post in posts.select_related("user"):
        notify(
            post.user,
            _("Overdue incident: %(incident)s") % {"incident": incident},
            _("Deadline %(deadline)s, unit %(unit)s.")
            % {"deadline": f"{timezone.localtime(incident.deadline):%Y-%m-%d %H:%M}", "unit": incident.unit},
            dedupe_key=f"incident-overdue:{incident.pk}:{incident.escalation}:{post.user_id}",
        )


def daily_reports_store(day: date) -> int:
    """Generate and keep each community's report for the day (regenerating replaces it)."""
    from grid.models import DailyReport
    from grid.selectors import daily_report
    from property.models import Community

    made = 0
    for community in Community.objects.filter(grids__isnull=False).distinct():
        DailyReport.objects.update_or_create(
            community=community,
            day=day,
            defaults={"figures": daily_report(community, day), "generated_at": timezone.now()},
        )
        made += 1
    return made
