"""Who may do what in self-governance: the real relationships, checked on the object."""

from django.utils import timezone

from accounts.permissions import can_manage_community
from core.periods import in_force
from governance.models import GOVERNING_KINDS, Body, Member


def seats(user):
    """The user's current seats on bodies (as the resident behind the account)."""
    if not user.is_authenticated:
        return Member.objects.none()
    return Member.objects.filter(
        in_force(timezone.localdate()), resident__user=user, body__dissolved_on__isnull=True
    )


def can_manage_body(user, body: Body) -> bool:
    """Add members, record meetings: the community's staff, or a sitting member of the body."""
    return can_manage_community(user, body.community) or seats(user).filter(body=body).exists()


def can_govern_compound(user, compound) -> bool:
    """Open votes, publish notices, run solicitations for a compound: its staff or a sitting member
    of one of its governing bodies (owners' committee, party organisation, residents' council)."""
    return (
        can_manage_community(user, compound.community)
        or seats(user).filter(body__compound=compound, body__kind__in=GOVERNING_KINDS).exists()
    )


def can_enter_for_households(user, compound) -> bool:
    """Enter paper ballots and door-to-door answers: the community's staff only."""
    return can_manage_community(user, compound.community)
