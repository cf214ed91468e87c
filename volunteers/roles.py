from django.utils.translation import gettext as _

from volunteers.models import RegistrationStatus, Volunteer


def volunteer_roles(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    volunteer = (
        Volunteer.objects.filter(resident__user=user, status=RegistrationStatus.APPROVED)
        .select_related("community")
        .first()
    )
    if volunteer is None:
        return []
    community = volunteer.community
    return [
        {
            "role": "volunteer",
            "label": _("volunteer"),
            "scope": {"type": "community", "id": community.id, "name": community.name},
        }
    ]
