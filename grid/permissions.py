"""Who may do what in grid management: by role and grid, checked on the object."""

from django.db.models import Q
from django.utils import timezone

from accounts.permissions import MANAGING_ROLES, can_manage_community, is_staff_of, staff_scope
from core.hooks import hook
from core.periods import in_force
from grid.models import Assignment, DutyShift, Grid, Incident, StaffRole
from property.models import Household
from property.register.permissions import lives_in, own_households

# Apps above grid that run incidents of their own through the loop (renovation's site findings) say who
# acts on which incidents besides the grid's staff: each function settings.INCIDENT_DELEGATIONS names
# takes a user and returns {"unit": Q, "runner": Q} over Incident (either may be absent), read by the
# checks below and by incidents_visible, so that grid never imports them.


def delegated(user, side: str) -> Q | None:
    """Incidents the user acts on as `side` ("unit" or "runner") through another app, or None."""
    if not user.is_authenticated:
        return None
    found = [q for fn in hook("INCIDENT_DELEGATIONS") if (q := fn(user).get(side)) is not None]
    if not found:
        return None
    scope = found[0]
    for q in found[1:]:
        scope |= q
    return scope


def _delegated_on(user, incident, side: str) -> bool:
    scope = delegated(user, side)
    return scope is not None and Incident.objects.filter(scope, pk=incident.pk).exists()


def assignments_in_force(on=None):
    return Assignment.objects.filter(in_force(on or timezone.localdate()))


def current_assignments(user):
    if not user.is_authenticated:
        return Assignment.objects.none()
    return assignments_in_force().filter(user=user)


def is_grid_worker(user, grid) -> bool:
    return current_assignments(user).filter(grid=grid, role=StaffRole.GRID_WORKER).exists()


def can_run_grid(user, grid) -> bool:
    """Dispatch, reject, verify, reopen, approve swaps and extensions: the grid's grid worker or the
    community's workers."""
    return can_manage_community(user, grid.community) or is_grid_worker(user, grid)


def can_inspect(user, grid) -> bool:
    """Record the grid's daily checklist, and turn its findings into incidents: its staff and runners."""
    return current_assignments(user).filter(grid=grid).exists() or can_run_grid(user, grid)


def can_report_incident(user, grid) -> bool:
    """Anyone who works or lives in the grid's community reports an incident there."""
    if is_staff_of(user, grid.community):
        return True
    if current_assignments(user).filter(grid__community_id=grid.community_id).exists():
        return True
    return lives_in(user, grid.community_id)


# What another app's delegate may do on the incidents it is named for: put the defect right and have it
# checked. Routing the incident - dispatching it, rejecting it, returning it to the grid - stays with the
# grid's own staff (a delegate who returned a finding would lose sight of it, and one who rejected it would
# close it unchecked).
DELEGATED_STEPS = {
    "unit": frozenset({"accept", "extend", "resolve"}),
    "runner": frozenset({"verify", "reopen", "decide_extension"}),
}


def sides_of(user, incident) -> dict[str, str | None]:
    """On each side of an incident's loop ("runner", "unit"), whether the user is there as the grid's own
    ("own"), as another app's delegate ("delegated") or not at all (None)."""
    own = {
        "runner": can_run_grid(user, incident.grid),
        "unit": incident.unit_id is not None
        and current_assignments(user)
        .filter(unit_id=incident.unit_id, grid__community_id=incident.grid.community_id)
        .exists(),
    }

    def where(side):
        if own[side]:
            return "own"
        if side == "unit" and incident.unit_id is None:  # no unit yet: nobody acts as it
            return None
        return "delegated" if _delegated_on(user, incident, side) else None

    return {side: where(side) for side in own}


def may_act(sides: dict[str, str | None], side: str, step: str) -> bool:
    """Whether one on these sides (from sides_of) takes `step`, a step of `side`."""
    return sides[side] == "own" or (sides[side] == "delegated" and step in DELEGATED_STEPS[side])


def can_run_incident(user, incident, step: str) -> bool:
    """Take one of the runner's steps on an incident: who runs its grid, or who another app names for it
    (a project's supervisor verifies, reopens and decides extensions on the project's site findings)."""
    return may_act(sides_of(user, incident), "runner", step)


# --- read scopes: the rows the user sees, for every list, page and lookup ------------------------------


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
