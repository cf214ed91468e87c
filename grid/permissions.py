"""Who may do what in grid management: by role and grid, checked on the object."""

from django.utils import timezone

from accounts.permissions import can_manage_community, is_staff_of
from core.periods import in_force
from grid.models import Assignment, StaffRole
from property.selectors import lives_in


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


def is_unit_staff(user, incident) -> bool:
    """Staff of the unit an incident is dispatched to, working in the incident's community."""
    if incident.unit_id is None:
        return False
    return (
        current_assignments(user)
        .filter(unit_id=incident.unit_id, grid__community_id=incident.grid.community_id)
        .exists()
    )


def can_read_reports(user, community) -> bool:
    """The daily report: the community's staff (any post there) and the subdistrict's officers."""
    return is_staff_of(user, community)
