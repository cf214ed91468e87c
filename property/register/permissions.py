"""Who may do what in the estate register, on the object, and what each user may see of it (the read
scopes, `*_visible`, and the user's own households). The services call the checks; api.py and
views.py call them only to decide what to show."""

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import (
    REGISTER_ROLES,
    active_posts,
    can_manage_community,
    can_see_full_phones,
    mask_phone,
    staff_scope,
)
from core.errors import Forbidden
from core.periods import in_force
from property.models import Building, Community, Compound, Household, Residency, Resident, Subdistrict


def can_manage_household(user, household: Household) -> bool:
    return can_manage_community(user, household.building.compound.community)


def require_register(user, community) -> None:
    """The services' check before any change to the register (compounds, buildings, households,
    residents and their relations): accounts.permissions.can_manage_community. A new community is
    for the subdistrict's officers (accounts.permissions.is_officer_of)."""
    if not can_manage_community(user, community):
        raise Forbidden(_("Only the community's workers and the subdistrict's officers may change this."))


def phone_for_viewer(user, resident: Resident, community=None) -> str:
    """The person and the staff of their community see the number; everyone else sees 138****1234.

    `community` is the community the resident is being shown in (a household page); without it
    the resident's current households (prefetched) decide.
    """
    if not resident.phone:
        return ""
    if user.is_authenticated and resident.user_id == user.id:
        return resident.phone
    if community is not None:
        communities = [community]
    else:
        communities = [r.household.building.compound.community for r in resident.residencies.all()]
    if any(can_see_full_phones(user, c) for c in communities):
        return resident.phone
    return mask_phone(resident.phone)


def current_residencies(on=None):
    """Residencies in force on a day (today by default)."""
    return Residency.objects.filter(in_force(on or timezone.localdate()))


def own_households(user) -> list[int]:
    """The user's current households, read once and kept on the user object (cached with an API
    token's user; a change to a residency through the app calls accounts.services.principal_forget())."""
    if not user.is_authenticated:
        return []
    homes = getattr(user, "_own_households", None)
    if homes is None:
        homes = user._own_households = sorted(
            current_residencies().filter(resident__user=user).values_list("household_id", flat=True)
        )
    return homes


def lives_in(user, community_id: int) -> bool:
    """One of the user's current homes is in the community (no query when they have none)."""
    homes = own_households(user)
    return (
        bool(homes)
        and Household.objects.filter(id__in=homes, building__compound__community_id=community_id).exists()
    )


def _own(user, path: str) -> Q:
    """Objects at `path` from Household that hold one of the user's homes; nothing when there are none."""
    own = own_households(user)
    if not own:
        return Q(pk__in=[])
    return Q(pk__in=Household.objects.filter(id__in=own).values(path)) if path != "id" else Q(pk__in=own)


def subdistricts_visible(user):
    """The subdistricts one works for, or where one works or lives in a community."""
    if user.is_superuser:
        return Subdistrict.objects.all()
    officer = [p.subdistrict_id for p in active_posts(user) if p.subdistrict_id]
    return Subdistrict.objects.filter(
        Q(pk__in=officer) | Q(pk__in=communities_visible(user).values("subdistrict_id"))
    )


def communities_visible(user):
    scope = staff_scope(user, "") | _own(user, "building__compound__community_id")
    return Community.objects.filter(scope).select_related("subdistrict")


def compounds_visible(user):
    scope = staff_scope(user, "community") | _own(user, "building__compound_id")
    return Compound.objects.filter(scope).select_related("community")


def buildings_visible(user):
    scope = staff_scope(user, "compound__community") | _own(user, "building_id")
    return Building.objects.filter(scope).select_related("compound")


def households_visible(user):
    """The register's households: for the posts that work with it (REGISTER_ROLES), and one's own."""
    return Household.objects.filter(
        staff_scope(user, "building__compound__community", roles=REGISTER_ROLES) | _own(user, "id")
    ).select_related("building__compound__community")


def residents_visible(user):
    """Residents of the register (REGISTER_ROLES), of one's own households, and oneself."""
    in_scope = Residency.objects.filter(
        staff_scope(user, "household__building__compound__community", roles=REGISTER_ROLES)
    )
    scope = Q(id__in=in_scope.values("resident_id")) | Q(
        id__in=Residency.objects.filter(household_id__in=own_households(user)).values("resident_id")
    )
    if user.is_authenticated:
        scope |= Q(user_id=user.pk)  # the person themself, even with no current home
    return Resident.objects.filter(scope).prefetch_related(
        Prefetch(
            "residencies",
            queryset=Residency.objects.select_related("household__building__compound__community"),
        )
    )
