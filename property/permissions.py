"""Who may do what in the estate register and its fees, on the object. The services call these;
api.py and views.py call them only to decide what to show."""

from django.utils.translation import gettext as _

from accounts.permissions import (
    can_manage_community,
    can_manage_fees,
    can_see_full_phones,
    is_officer_of,
    mask_phone,
)
from core.errors import Forbidden
from property.models import Household, Resident


def can_create_community(user, subdistrict) -> bool:
    return is_officer_of(user, subdistrict)


def can_manage_register(user, community) -> bool:
    """Register or change compounds, buildings, households, residents and their relations."""
    return can_manage_community(user, community)


def can_manage_household(user, household: Household) -> bool:
    return can_manage_register(user, household.building.compound.community)


def can_collect_fees(user, place) -> bool:
    """Set fee items, run billing, record payments, adjustments and reminders in a compound or community."""
    return can_manage_fees(user, place)


def require_register(user, community) -> None:
    """The services' check before any change to the register."""
    if not can_manage_register(user, community):
        raise Forbidden(_("Only the community's workers and the subdistrict's officers may change this."))


def require_fees(user, place) -> None:
    """The services' check before any write about fees."""
    if not can_collect_fees(user, place):
        raise Forbidden(_("Only the community's workers and fee collectors may do this."))


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
