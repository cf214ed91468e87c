"""Who may do what with volunteers."""

from accounts.models import Role
from accounts.permissions import is_staff_of, staff_scope
from property.models import Community

ORGANISER_ROLES = frozenset({Role.SUBDISTRICT_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER})


def can_organise(user, community) -> bool:
    """Approve volunteers and create, edit or cancel shifts in the community."""
    return is_staff_of(user, community, roles=ORGANISER_ROLES)


def organised_communities(user):
    """The communities where the user may organise volunteers."""
    return Community.objects.filter(staff_scope(user, "", roles=ORGANISER_ROLES)).order_by("name")
