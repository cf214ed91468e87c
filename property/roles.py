"""Roles that the estate register knows: a resident of their current households."""

from django.utils.translation import gettext as _

from property.register.permissions import current_residencies


def resident_roles(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    residencies = (
        current_residencies().filter(resident__user=user).select_related("household__building__compound")
    )
    return [
        {
            "role": "resident",
            "label": _("resident") if r.relation != "owner" else _("owner"),
            "scope": {"type": "household", "id": r.household_id, "name": str(r.household)},
        }
        for r in residencies
    ]
