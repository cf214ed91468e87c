"""Who may do what in grid management: by role and grid, checked on the object."""

from django.utils import timezone

from accounts.permissions import can_manage_community
from core.periods import in_force
from grid.models import Assignment, StaffRole


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


def is_unit_staff(user, incident) -> bool:
    """Staff of the unit an incident is dispatched to, working in the incident's community."""
    if incident.unit_id is None:
        return False
    return (
        current_assignments(user)
        .filter(unit_id=incident.unit_id, grid__community_id=incident.grid.community_id)
        .exists()
    )
