"""Who may do what with volunteers, on the object. The services call these; api.py and views.py
call them only to decide what to show."""

from accounts.models import Role
from accounts.permissions import is_staff_of, staff_scope
from property.models import Community
from property.register.permissions import lives_in

ORGANISER_ROLES = frozenset({Role.SUBDISTRICT_OFFICER, Role.COMMUNITY_WORKER, Role.GRID_WORKER})


def can_organise(user, community) -> bool:
    """Approve volunteers and create, edit or cancel shifts in the community."""
    return is_staff_of(user, community, roles=ORGANISER_ROLES)


def organised_communities(user):
    """The communities where the user may organise volunteers."""
    return Community.objects.filter(staff_scope(user, "", roles=ORGANISER_ROLES)).order_by("name")


def can_register(user, resident, community) -> bool:
    """A resident registers themself, in a community they live in."""
    return acts_for(user, resident) and lives_in(user, community.pk)


def acts_for(user, resident) -> bool:
    """Registrations, sign-ups, cancellations and check-ins are the person's own (a leader checks
    others in)."""
    return user is not None and user.is_authenticated and resident.user_id == user.pk


def can_sign_up_in(user, community) -> bool:
    """A shift open to all (not members only) takes those who live or work in its community."""
    return lives_in(user, community.pk) or is_staff_of(user, community)
