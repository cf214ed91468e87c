"""Who may do what in the estate register, on the object."""

from accounts.permissions import can_manage_community, can_see_full_phones, mask_phone
from property.models import Household, Resident


def can_manage_household(user, household: Household) -> bool:
    return can_manage_community(user, household.building.compound.community)


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
