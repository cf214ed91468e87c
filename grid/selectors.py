"""Reads for grid management, scoped to what the user may see; the daily report in fixed queries."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Min, Q, Sum
from django.utils import timezone

from accounts.models import User
from accounts.permissions import MANAGING_ROLES, posts_in_force, staff_scope
from core.hooks import hook
from core.periods import day_bounds
from grid.models import (
    ChecklistItem,
    DutyShift,
    DutyStatus,
    Finding,
    Grid,
    Incident,
    IncidentStatus,
    Inspection,
    StaffRole,
    Step,
    Unit,
)
from grid.permissions import assignments_in_force, current_assignments, delegated
from property.models import Household
from property.register.permissions import own_households


def _my_grids(user):
    return current_assignments(user).values("grid_id")


def _my_units(user):
    return current_assignments(user).values("unit_id")


def grids_visible(user):
    """Grids of the communities the user works for, grids they are staff of, and their home's grids."""
    homes = Household.objects.filter(id__in=own_households(user)).values("building__compound_id")
    scope = staff_scope(user, "community") | Q(id__in=_my_grids(user)) | Q(compounds__in=homes)
    return Grid.objects.filter(id__in=Grid.objects.filter(scope).values("id")).select_related("community")


def duty_shifts_visible(user):
    """The user's own shifts, and all shifts of grids they run (grid worker) or communities they serve."""
    runs = current_assignments(user).filter(role=StaffRole.GRID_WORKER).values("grid_id")
    scope = staff_scope(user, "grid__community", roles=MANAGING_ROLES) | Q(grid_id__in=runs)
    if user.is_authenticated:
        scope |= Q(staff_id=user.pk)
    return DutyShift.objects.filter(scope).select_related("grid", "staff", "assignment__unit")


def incidents_visible(user):
    """Community staff see all of their communities'; grid staff their grids'; a unit what it was sent;
    a reporter their own reports."""
    scope = (
        staff_scope(user, "grid__community", roles=MANAGING_ROLES)
        | Q(grid_id__in=_my_grids(user))
        | Q(unit_id__in=_my_units(user))
    )
    if user.is_authenticated:
        scope |= Q(reporter_id=user.pk)
    for side in ("unit", "runner"):
        if (others := delegated(user, side)) is not None:
            scope |= Q(pk__in=Incident.objects.filter(others).values("pk"))  # joins stay out of the list
    return Incident.objects.filter(scope).select_related("grid__community", "category", "unit", "reporter")


def grid_gaps(grids):
    """Grids (of the given queryset) missing any role, with the roles they lack."""
    held = {}
    for grid_id, role in (
        assignments_in_force().filter(grid__in=grids).values_list("grid_id", "role").distinct()
    ):
        held.setdefault(grid_id, set()).add(role)
    out = []
    for grid in grids:
        missing = [r for r in StaffRole if r not in held.get(grid.pk, set())]
        if missing:
            out.append((grid, missing))
    return out


def overdue_units(now=None, days: int = 90, subdistrict_id: int | None = None):
    """Units with at least GRID_OVERDUE_LIST_THRESHOLD overdue incidents in the `days` days before
    `now`, with their figures: the published list (黑名单) the subdistrict's report asks for.
    With a subdistrict, only its grids' incidents count (its weekly bulletin)."""
    now = now or timezone.now()
    since = now - timedelta(days=days)
    marks = Q(overdue_marks__at__gte=since, overdue_marks__at__lt=now)
    incidents = Q()
    if subdistrict_id is not None:
        marks &= Q(overdue_marks__incident__grid__community__subdistrict_id=subdistrict_id)
        incidents = Q(incidents__grid__community__subdistrict_id=subdistrict_id)
    units = (
        Unit.objects.annotate(
            overdue=Count("overdue_marks", filter=marks, distinct=True),
            dispatched=Count(
                "incidents",
                filter=incidents & Q(incidents__reported_at__gte=since, incidents__reported_at__lt=now),
                distinct=True,
            ),
            open_overdue=Count("incidents", filter=incidents & overdue_at(now, "incidents"), distinct=True),
        )
        .filter(overdue__gte=settings.GRID_OVERDUE_LIST_THRESHOLD)
        .order_by("-overdue", "name")
    )
    return units


def overdue_at(at, path: str = "") -> Q:
    """THE definition of an overdue incident at a moment: its deadline reached and still with the unit.

    A deadline is the moment the time allowed runs out (the end of day D is stored as D+1 00:00):
    at that moment an incident not closed (closed_at <= deadline is on time) is overdue, so the
    report of day D counts it. A resolved incident waits for the grid worker's check, not for the
    unit, so it is not overdue; a returned one has no deadline. Used by the list filter, the board,
    escalation, the daily report and the bulletin.
    """
    p = f"{path}__" if path else ""
    return (
        Q(**{f"{p}deadline__lte": at})
        & ~Q(**{f"{p}status__in": [IncidentStatus.REJECTED, IncidentStatus.RESOLVED]})
        & (Q(**{f"{p}closed_at__isnull": True}) | Q(**{f"{p}closed_at__gt": at}))
    )


def due_between(start, end, path: str = "") -> Q:
    """THE definition of an incident due in a period [start, end) (按期结案率's "due"): not rejected,
    with its deadline in (start, end].

    A deadline is stored as the moment the time allowed runs out: "by the end of 30 November" is
    1 December 00:00. So a deadline equal to a period's start closed the period before, and one
    equal to its end falls in it. For a period not over, pass `end` capped at now: due so far.
    Used by the index and its records, the bulletin and the daily report.
    """
    p = f"{path}__" if path else ""
    return Q(**{f"{p}deadline__gt": start, f"{p}deadline__lte": end}) & ~Q(
        **{f"{p}status": IncidentStatus.REJECTED}
    )


def judged_at(end):
    """The moment a period's state (overdue, due so far) is read: its end, or now if it is not over."""
    return min(end, timezone.now())


# Apps above grid add sections to the daily report (renovation: construction inspections), named by
# settings.DAILY_REPORT_SECTIONS; fn(community, day, start, end) returns a table or None when it has
# nothing that day: {"key", "title", "columns": [label], "rows": [[cell]]}.


def daily_report(community, day) -> dict:
    """The community's daily inspection report: duty by grid and role, inspections, incidents.

    Five queries whatever the number of grids: the grids; duty shifts grouped by grid and role;
    inspections and findings grouped by grid (two); incidents grouped by grid with conditional counts;
    then each registered section's own (renovation's: one, three with a site).
    """
    start, end = day_bounds(day)
    grids = list(Grid.objects.filter(community=community).order_by("id").values("id", "name"))
    rows = {
        g["id"]: {
            "grid": g["id"],
            "name": g["name"],
            "duty": {},
            "inspections": 0,
            "findings": 0,
            "opened": 0,
            "closed": 0,
            "due": 0,
            "overdue": 0,
        }
        for g in grids
    }
    duty = (
        DutyShift.objects.filter(grid__community=community, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=DutyStatus.CANCELLED)
        .values("grid_id", "role")
        .annotate(
            planned=Count("id"),
            done=Count("id", filter=Q(status=DutyStatus.DONE)),
            left_early=Count("id", filter=Q(status=DutyStatus.LEFT_EARLY)),
            on_duty=Count("id", filter=Q(status=DutyStatus.STARTED)),
            late=Count("id", filter=Q(late=True)),
            missed=Count("id", filter=Q(status=DutyStatus.MISSED)),
        )
    )
    for d in duty:
        rows[d["grid_id"]]["duty"][d["role"]] = {
            k: d[k] for k in ("planned", "done", "left_early", "on_duty", "late", "missed")
        }
    for d in (
        Inspection.objects.filter(grid__community=community, day=day)
        .values("grid_id")
        .annotate(n=Count("id"))
    ):
        rows[d["grid_id"]]["inspections"] = d["n"]
    for d in (
        Finding.objects.filter(grid__community=community, found_at__gte=start, found_at__lt=end)
        .values("grid_id")
        .annotate(n=Count("id"))
    ):
        rows[d["grid_id"]]["findings"] = d["n"]
    # Beat keeps each evening's report as it stood; today's is read as of now (due so far).
    now = judged_at(end)
    open_at_end = overdue_at(now)
    due = due_between(start, now)
    opened = Q(reported_at__gte=start, reported_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    for d in (
        Incident.objects.filter(grid__community=community, reported_at__lt=end)
        .filter(opened | closed | due | open_at_end)
        .values("grid_id")
        .annotate(
            opened=Count("id", filter=opened),
            closed=Count("id", filter=closed),
            due=Count("id", filter=due),
            overdue=Count("id", filter=open_at_end),
        )
    ):
        rows[d["grid_id"]].update(opened=d["opened"], closed=d["closed"], due=d["due"], overdue=d["overdue"])
    totals = {
        "grids": len(grids),
        "duty": {},
        **{
            k: sum(r[k] for r in rows.values())
            for k in ("inspections", "findings", "opened", "closed", "due", "overdue")
        },
    }
    for r in rows.values():
        for role, figures in r["duty"].items():
            t = totals["duty"].setdefault(role, dict.fromkeys(figures, 0))
            for k, v in figures.items():
                t[k] += v
    return {
        "community": community.pk,
        "community_name": community.name,
        "date": day.isoformat(),
        "grids": list(rows.values()),
        "totals": totals,
        "sections": [t for fn in hook("DAILY_REPORT_SECTIONS") if (t := fn(community, day, start, end))],
    }


def checklist_for(community) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(Q(community__isnull=True) | Q(community=community)))


# --- figures per grid, for the five-co index (reports) -----------------------------------------------


def grids_covering(compound_ids) -> dict[int, set[int]]:
    """The grids that cover each compound, whole or by some of its buildings."""
    covering: dict[int, set[int]] = {}
    whole = Grid.compounds.through.objects.filter(compound_id__in=compound_ids).values_list(
        "compound_id", "grid_id"
    )
    part = Grid.buildings.through.objects.filter(building__compound_id__in=compound_ids).values_list(
        "building__compound_id", "grid_id"
    )
    for compound_id, grid_id in [*whole, *part]:
        covering.setdefault(compound_id, set()).add(grid_id)
    return covering


def roles_held_by_grid(grid_ids, on) -> dict[int, set[str]]:
    held: dict[int, set[str]] = {}
    for grid_id, role in assignments_in_force(on).filter(grid_id__in=grid_ids).values_list("grid_id", "role"):
        held.setdefault(grid_id, set()).add(role)
    return held


def duty_planned(grid_ids, start, end):
    """Duty shifts of the grids starting in [start, end), not cancelled."""
    return DutyShift.objects.filter(grid_id__in=grid_ids, starts_at__gte=start, starts_at__lt=end).exclude(
        status=DutyStatus.CANCELLED
    )


def duty_by_grid(grid_ids, start, end) -> dict[int, tuple[int, int]]:
    """Of duty_planned(): (done, planned) per grid; a shift left early is not done."""
    rows = (
        duty_planned(grid_ids, start, end)
        .values("grid_id")
        .annotate(done=Count("id", filter=Q(status=DutyStatus.DONE)), planned=Count("id"))
        .order_by()
    )
    return {r["grid_id"]: (r["done"], r["planned"]) for r in rows}


def closed_on_time() -> Q:
    return Q(closed_at__lte=F("deadline"))


def incidents_due(grid_ids, start, end):
    """Incidents of the grids due in [start, end) (due_between: 按期结案率's "due")."""
    return Incident.objects.filter(due_between(start, end), grid_id__in=grid_ids)


def incidents_on_time_by_grid(grid_ids, start, end) -> dict[int, tuple[int, int]]:
    """按期结案率: of incidents_due(), (closed by the deadline, due) per grid."""
    rows = (
        incidents_due(grid_ids, start, end)
        .values("grid_id")
        .annotate(on_time=Count("id", filter=closed_on_time()), due=Count("id"))
        .order_by()
    )
    return {r["grid_id"]: (r["on_time"], r["due"]) for r in rows}


SENT_BACK = ("return", "reopen")


def rework_steps(grid_ids, start, end):
    """Steps in [start, end) on the grids' incidents that resolved one or sent one back (返工率)."""
    return Step.objects.filter(
        incident__grid_id__in=grid_ids, at__gte=start, at__lt=end, action__in=[*SENT_BACK, "resolve"]
    )


def rework_by_grid(grid_ids, start, end) -> dict[int, tuple[int, int]]:
    """返工率: of rework_steps(), (sent back: returned or reopened, resolved) per grid."""
    rows = (
        rework_steps(grid_ids, start, end)
        .values("incident__grid_id")
        .annotate(
            sent_back=Count("id", filter=Q(action__in=SENT_BACK)),
            resolved=Count("id", filter=Q(action="resolve")),
        )
        .order_by()
    )
    return {r["incident__grid_id"]: (r["sent_back"], r["resolved"]) for r in rows}


def incidents_rated(grid_ids, start, end):
    """Incidents of the grids closed in [start, end) that their reporter rated."""
    return Incident.objects.filter(
        grid_id__in=grid_ids, closed_at__gte=start, closed_at__lt=end, rating__isnull=False
    )


def incident_ratings_by_grid(grid_ids, start, end) -> dict[int, tuple[int, int]]:
    """Of incidents_rated(): (how many, their sum) per grid."""
    rows = (
        incidents_rated(grid_ids, start, end)
        .values("grid_id")
        .annotate(n=Count("id"), total=Sum("rating"))
        .order_by()
    )
    return {r["grid_id"]: (r["n"], r["total"]) for r in rows}


def overdue_by_grid(grid_ids, now) -> dict[int, tuple[int, object]]:
    """Incidents overdue now per grid (overdue_at): (how many, the oldest deadline)."""
    rows = (
        Incident.objects.filter(overdue_at(now), grid_id__in=grid_ids)
        .values("grid_id")
        .annotate(n=Count("id"), oldest=Min("deadline"))
        .order_by()
    )
    return {r["grid_id"]: (r["n"], r["oldest"]) for r in rows}


# --- the week's figures per community, for the subdistrict's weekly bulletin (reports) ------------


def incidents_by_community(community_ids, start, end) -> dict[int, dict]:
    """Per community, in [start, end): incidents opened, closed, due (due_between), due and closed
    by the deadline, overdue at the end (overdue_at) and the units they are with. A period not over
    is judged now: due so far, overdue now."""
    now = judged_at(end)
    opened = Q(reported_at__gte=start, reported_at__lt=end)
    closed = Q(closed_at__gte=start, closed_at__lt=end)
    due = due_between(start, now)
    overdue = overdue_at(now)
    rows = (
        Incident.objects.filter(grid__community_id__in=community_ids)
        .filter(opened | closed | due | overdue)
        .values("grid__community_id")
        .annotate(
            opened=Count("id", filter=opened),
            closed=Count("id", filter=closed),
            due=Count("id", filter=due),
            on_time=Count("id", filter=due & closed_on_time()),
            overdue=Count("id", filter=overdue),
        )
        .order_by()
    )
    return {r.pop("grid__community_id"): r for r in rows}


def units_overdue(community_ids, end) -> list[dict]:
    """THE overdue units of a period (the bulletin's 超期单位): the units with an incident of the
    communities overdue at its end (overdue_at; a period not over: now), each with how many and
    where. A community's count of overdue units and the list of them are both read from this."""
    rows = (
        Incident.objects.filter(overdue_at(judged_at(end)), grid__community_id__in=community_ids)
        .values("unit_id", "unit__name", "grid__community_id")
        .annotate(n=Count("id"))
        .order_by("unit__name", "unit_id", "grid__community_id")
    )
    units: dict[int, dict] = {}
    for r in rows:
        unit = units.setdefault(
            r["unit_id"], {"id": r["unit_id"], "name": r["unit__name"], "overdue": 0, "communities": []}
        )
        unit["overdue"] += r["n"]
        unit["communities"].append(r["grid__community_id"])
    return sorted(units.values(), key=lambda u: (-u["overdue"], u["name"], u["id"]))


def hours_to_close_by_community(community_ids, start, end) -> dict[int, list[float]]:
    """Per community, the seconds from report to closing of each incident closed in [start, end)."""
    out: dict[int, list[float]] = {}
    closed = Incident.objects.filter(
        grid__community_id__in=community_ids, closed_at__gte=start, closed_at__lt=end
    ).values_list("grid__community_id", "reported_at", "closed_at")
    for community_id, reported_at, closed_at in closed:
        out.setdefault(community_id, []).append((closed_at - reported_at).total_seconds())
    return out


def duty_by_community(community_ids, start, end) -> dict[int, dict]:
    """Per community, duty shifts starting in [start, end), not cancelled: planned, done, left early,
    late, missed."""
    rows = (
        DutyShift.objects.filter(
            grid__community_id__in=community_ids, starts_at__gte=start, starts_at__lt=end
        )
        .exclude(status=DutyStatus.CANCELLED)
        .values("grid__community_id")
        .annotate(
            planned=Count("id"),
            done=Count("id", filter=Q(status=DutyStatus.DONE)),
            left_early=Count("id", filter=Q(status=DutyStatus.LEFT_EARLY)),
            late=Count("id", filter=Q(late=True)),
            missed=Count("id", filter=Q(status=DutyStatus.MISSED)),
        )
        .order_by()
    )
    return {r.pop("grid__community_id"): r for r in rows}


def inspections_by_community(community_ids, first, end, start, stop) -> dict[int, tuple[int, int]]:
    """Per community: daily inspections on the days [first, end) and findings in [start, stop)."""
    inspections = dict(
        Inspection.objects.filter(grid__community_id__in=community_ids, day__gte=first, day__lt=end)
        .values_list("grid__community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    findings = dict(
        Finding.objects.filter(grid__community_id__in=community_ids, found_at__gte=start, found_at__lt=stop)
        .values_list("grid__community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {cid: (inspections.get(cid, 0), findings.get(cid, 0)) for cid in {*inspections, *findings}}


def incidents_now(grid_ids, since, now) -> dict[str, int]:
    """For the home page: incidents of the grids reported since `since`, open now, and overdue now."""
    reported = Q(reported_at__gte=since)
    still_open = ~Q(status__in=[IncidentStatus.CLOSED, IncidentStatus.REJECTED])
    return Incident.objects.filter(grid_id__in=grid_ids).aggregate(
        opened=Count("id", filter=reported),
        open=Count("id", filter=still_open),
        overdue=Count("id", filter=overdue_at(now)),
    )


def staff_candidates(grid):
    """Who may be put on the grid: holders of a grid staff post in its community (or, for squads
    and stations, its subdistrict)."""
    posts = (
        posts_in_force()
        .filter(role__in=StaffRole.values)
        .filter(Q(community_id=grid.community_id) | Q(subdistrict_id=grid.community.subdistrict_id))
    )
    return User.objects.filter(pk__in=posts.values("user_id")).order_by("name", "username", "pk")


def assignments_of(grid) -> list:
    return list(
        assignments_in_force().filter(grid=grid).select_related("user", "unit").order_by("role", "pk")
    )
