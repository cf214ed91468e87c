"""Who may do what with volunteers, on the object. The services call these; api.py and views.py
call them only to decide what to show."""

from django.db.models import Count, Q

from accounts.models import Role
from accounts.permissions import is_staff_of, staff_scope
from property.models import Community, Household
from property.register.permissions import lives_in, own_households
from volunteers.models import Shift, SignupStatus, Volunteer

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


# --- read scopes: the rows the user sees, for every list, page and lookup ------------------------------


def shifts_scoped(user):
    """Shifts of the communities the user works for or lives in (for looking one up).

    The home communities are a subquery over the user's (cached) homes: no query of its own.
    """
    homes = Household.objects.filter(id__in=own_households(user)).values("building__compound__community_id")
    return Shift.objects.filter(staff_scope(user, "community") | Q(community_id__in=homes))


def shifts_visible(user):
    """Shifts in scope with places taken and waitlisted, for lists and answers."""
    return (
        shifts_scoped(user)
        .select_related("service_type", "compound", "community")
        .annotate(
            taken=Count("signups", filter=Q(signups__status=SignupStatus.CONFIRMED)),
            waitlisted=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
        )
    )


def volunteers_visible(user):
    return Volunteer.objects.filter(
        staff_scope(user, "community") | Q(resident__user_id=user.pk)
    ).select_related("resident", "community")


def volunteers_visible_to_leader(shift):
    """The volunteers with a place on the shift (whom its leader may check in)."""
    return Volunteer.objects.filter(signups__shift=shift, signups__status=SignupStatus.CONFIRMED)
