"""Pages of grid management: as thin as the API, calling the same services."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can_manage_community, is_staff_of
from core.errors import DomainError, add_to_form
from core.files import photo_response
from core.periods import days_bounds
from core.redirects import safe_next
from grid import selectors, services
from grid.forms import BoardFilter, EndForm, IncidentForm, StaffForm, StepForm
from grid.models import Category, DutyStatus, Finding, IncidentStatus, StaffRole, SwapStatus
from grid.permissions import (
    current_assignments,
    duty_shifts_visible,
    grids_visible,
    incidents_visible,
    may_act,
    sides_of,
)
from property.register.permissions import communities_visible


@login_required
def my_duty(request):
    """Today's duty shifts of the signed-in staff member, with start and end in one tap."""
    now = timezone.now()
    today = timezone.localdate()
    start, until = days_bounds(today, today + timedelta(days=2))  # today's, and tomorrow's to come
    shifts = (
        duty_shifts_visible(request.user)
        .filter(staff=request.user, starts_at__lt=until, ends_at__gt=start)
        .exclude(status=DutyStatus.CANCELLED)
        .order_by("starts_at")
    )
    shifts = list(shifts)
    for shift in shifts:  # a step is offered only when it can be taken; else when it can
        shift.opens_at = services.start_opens(shift)
        shift.can_start = shift.status == DutyStatus.SCHEDULED and shift.opens_at <= now < shift.ends_at
    findings = Finding.objects.filter(
        found_by=request.user, incident__isnull=True, found_at__gte=start
    ).select_related("grid")
    return render(
        request,
        "grid/my_duty.html",
        {
            "shifts": shifts,
            "now": now,
            "assignments": current_assignments(request.user).select_related("grid", "unit"),
            "findings": findings,
            "categories": Category.objects.all(),
        },
    )


@login_required
@require_POST
def duty_start(request, shift_id: int):
    shift = get_object_or_404(duty_shifts_visible(request.user), pk=shift_id)
    try:
        shift = services.duty_start(
            actor=request.user, shift=shift, place_note=request.POST.get("place_note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("On duty since %(time)s.") % {"time": f"{timezone.localtime(shift.started_at):%H:%M}"}
        )
    return redirect("grid:mine")


@login_required
def duty_end(request, shift_id: int):
    shift = get_object_or_404(duty_shifts_visible(request.user), pk=shift_id)
    form = EndForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_end(
                actor=request.user, shift=shift, notes=form.cleaned_data["notes"], findings=form.findings()
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Shift ended. Thank you!"))
            return redirect("grid:mine")
    return render(request, "grid/duty_end.html", {"shift": shift, "form": form})


@login_required
@require_POST
def finding_incident(request, finding_id: int):
    """One tap: a finding becomes an incident."""
    finding = get_object_or_404(
        Finding.objects.filter(grid__in=grids_visible(request.user)), pk=finding_id
    )
    category = get_object_or_404(Category, pk=request.POST.get("category") or 0)
    try:
        incident = services.finding_to_incident(actor=request.user, finding=finding, category=category)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("grid:mine")
    messages.success(request, _("Reported as an incident."))
    return redirect("grid:incident", incident.pk)


@login_required
def inspect(request, grid_id: int):
    """The daily checklist of a grid: each item passed, or what was found."""
    grid = get_object_or_404(grids_visible(request.user), pk=grid_id)
    items = selectors.checklist_for(grid.community)
    errors = {}
    if request.method == "POST":
        results = [
            {
                "item": item.pk,
                "passed": request.POST.get(f"item_{item.pk}") == "pass",
                "finding": request.POST.get(f"finding_{item.pk}", ""),
                "place": request.POST.get(f"place_{item.pk}", ""),
            }
            for item in items
        ]
        try:
            services.inspection_record(actor=request.user, grid=grid, results=results)
        except DomainError as exc:
            errors = exc.fields or {"results": [exc.message]}
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("grid:mine")
    return render(
        request, "grid/inspect.html", {"grid": grid, "items": items, "errors": errors, "post": request.POST}
    )


@login_required
def incident_new(request):
    grids = grids_visible(request.user)
    form = IncidentForm(request.POST or None, request.FILES or None, grids=grids)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            incident = services.incident_report(
                actor=request.user,
                grid=d["grid"],
                category=d["category"],
                place=d["place"],
                description=d["description"],
                photo=d["photo"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Thank you: the incident is reported."))
            return redirect("grid:incident", incident.pk)
    return render(request, "grid/incident_new.html", {"form": form})


@login_required
def board(request):
    """Incidents with filters; for a unit's staff, first what they must act on."""
    grids = grids_visible(request.user)
    form = BoardFilter(request.GET or None, grids=grids)
    qs = incidents_visible(request.user)
    if form.is_valid():
        d = form.cleaned_data
        if d["status"]:
            qs = qs.filter(status=d["status"])
        if d["grid"]:
            qs = qs.filter(grid=d["grid"])
        if d["unit"]:
            qs = qs.filter(unit=d["unit"])
        if d["overdue"]:
            qs = qs.filter(selectors.overdue_at(timezone.now()))
    units = current_assignments(request.user).values("unit_id")
    mine = incidents_visible(request.user).filter(
        unit_id__in=units, status__in=[IncidentStatus.DISPATCHED, IncidentStatus.RECTIFYING]
    )
    return render(
        request,
        "grid/board.html",
        {
            "form": form,
            "incidents": qs.prefetch_related("grid__compounds").order_by("-reported_at")[:100],
            "mine": mine.order_by("deadline")[:50],
            "now": timezone.now(),
        },
    )


@login_required
def incident_detail(request, incident_id: int):
    incident = get_object_or_404(
        incidents_visible(request.user).prefetch_related("steps__actor", "grid__compounds"),
        pk=incident_id,
    )
    sides = sides_of(request.user, incident)  # who the user is on this incident, asked once
    actions = services.steps_open_to(request.user, incident, sides)
    return render(
        request,
        "grid/incident.html",
        {
            "incident": incident,
            "actions": actions,
            "form": StepForm(),
            "pending_extension": incident.extensions.filter(status=SwapStatus.PENDING).first(),
            "may_run": may_act(sides, "runner", "decide_extension"),
            "may_rate": incident.reporter_id == request.user.pk
            and incident.status == IncidentStatus.CLOSED
            and incident.rating is None,
            "back": safe_next(request) or reverse("grid:board"),
        },
    )


@login_required
@require_POST
def incident_step(request, incident_id: int, action: str):
    if action not in services.STEPS and action not in ("approve", "decline", "rate"):
        raise Http404
    incident = get_object_or_404(incidents_visible(request.user), pk=incident_id)
    form = StepForm(request.POST)
    form.is_valid()
    d = form.cleaned_data
    try:
        if action in ("approve", "decline"):
            services.extension_decide(
                actor=request.user, incident=incident, approve=action == "approve", note=d.get("note", "")
            )
        elif action == "rate":
            score = request.POST.get("score", "")
            services.incident_rate(
                actor=request.user, incident=incident, score=int(score) if score.isdigit() else 0
            )
        else:
            services.incident_step(
                actor=request.user,
                incident=incident,
                action=action,
                note=d.get("note", ""),
                unit=d.get("unit"),
                until=d.get("until"),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done."))
    return redirect("grid:incident", incident.pk)


@login_required
def daily_report(request):
    """社区每日巡查报告, printable."""
    communities = communities_visible(request.user)
    asked = request.GET.get("community", "")
    community = (
        communities.filter(pk=int(asked)).first() if asked.isdigit() else None
    ) or communities.first()
    if community is None or not is_staff_of(request.user, community):
        return render(request, "403.html", status=403)
    try:
        day = parse_date(request.GET.get("date") or "") or timezone.localdate()
    except ValueError:  # well formed but no such day (2026-02-30)
        day = timezone.localdate()
    report = selectors.daily_report(community, day)
    gaps = [
        (g, [StaffRole(r).label for r in missing])
        for g, missing in selectors.grid_gaps(community.grids.order_by("id"))
    ]
    context = {
        "report": report,
        "community": community,
        "communities": [c for c in communities.order_by("name", "pk") if is_staff_of(request.user, c)],
        "day": day,
        "roles": dict(StaffRole.choices),
        "gaps": gaps,
    }
    return render(request, "grid/daily_report.html", context)


def overdue_units(request):
    """Published, no sign-in: units with repeated overdue incidents (the 黑名单 of the report)."""
    return render(request, "grid/overdue_units.html", {"units": selectors.overdue_units()})


@login_required
def incident_photo(request, incident_id: int):
    """The photo, only to those who may see the incident (never from a public media folder)."""
    incident = get_object_or_404(incidents_visible(request.user), pk=incident_id)
    return photo_response(incident.photo)


@login_required
def grid_staff(request, grid_id: int):
    """A grid's staff in post, and putting someone on it (the fix of a grid missing a role)."""
    grid = get_object_or_404(grids_visible(request.user).select_related("community"), pk=grid_id)
    if not can_manage_community(request.user, grid.community):
        return render(request, "403.html", status=403)
    people = selectors.staff_candidates(grid)
    form = StaffForm(request.POST or None, people=people, initial={"role": request.GET.get("role")})
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_assign(actor=request.user, grid=grid, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The staff member is on the grid."))
            return redirect("grid:staff", grid_id=grid.pk)
    in_post = selectors.assignments_of(grid)
    missing = [StaffRole(r).label for r in StaffRole if r not in {a.role for a in in_post}]
    context = {"grid": grid, "form": form, "in_post": in_post, "missing": missing}
    return render(request, "grid/staff.html", context)
