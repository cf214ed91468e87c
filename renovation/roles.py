from django.utils.translation import gettext as _

from renovation.models import Contract, Stage


def contract_roles(user) -> list[dict]:
    """A responsible unit's contact on a project not yet handed over: they record progress there."""
    if not user.is_authenticated:
        return []
    contracts = (
        Contract.objects.filter(contact_user=user)
        .exclude(project__stage=Stage.HANDED_OVER)
        .select_related("project", "unit")
        .order_by("project_id", "id")
    )
    return [
        {
            "role": f"renovation_{c.role}",
            "label": _("%(unit)s, %(role)s") % {"unit": c.unit.name, "role": c.get_role_display()},
            "scope": {"type": "project", "id": c.project_id, "name": c.project.name},
        }
        for c in contracts
    ]
