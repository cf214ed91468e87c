"""Who may do what with volunteers."""

from accounts.models import Role
from accounts.permissions import is_staff_of

ORGANISER_ROLES = frozenset({Role.SUBDISTRICT_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER})


def can_organise(user, community) -> bool:
    """Approve volunteers and create, edit or cancel shifts in the community."""
    return is_staff_of(user, community, roles=ORGANISER_ROLES)
