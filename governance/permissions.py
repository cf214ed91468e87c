"""Who may do what in self-governance: the real relationships, checked on the object."""

from django.db.models import Q
from django.utils import timezone

from accounts.permissions import MANAGING_ROLES, can_manage_community, staff_scope
from core.periods import in_force
from governance.models import (
    GOVERNING_KINDS,
    Body,
    Evaluation,
    Meeting,
    Member,
    Notice,
    RollOwner,
    Solicitation,
    Vote,
)
from property.models import Compound, Household
from property.register.permissions import communities_visible, compounds_visible, own_households


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


# --- read scopes: the rows the user sees, for every list, page and lookup ------------------------------


def home_compounds(user) -> list[int]:
    """Ids of the compounds the user lives in."""
    return sorted(
        set(
            Household.objects.filter(id__in=own_households(user)).values_list(
                "building__compound_id", flat=True
            )
        )
    )


def seated_bodies(user):
    """Ids of the bodies the user sits on, as a subquery."""
    return seats(user).values("body_id")


def bodies_visible(user):
    homes = home_compounds(user)
    home_communities = Compound.objects.filter(id__in=homes).values("community_id")
    scope = (
        staff_scope(user, "community")
        | Q(compound_id__in=homes)
        | Q(compound__isnull=True, community_id__in=home_communities)
        | Q(id__in=seated_bodies(user))
    )
    return Body.objects.filter(scope).select_related("community", "compound", "led_by")


def meetings_visible(user):
    """Internal minutes are for the body's members and the community's managing roles (officers,
    workers); published meetings also for the community's other posts and the compound's residents."""
    homes = home_compounds(user)
    full = staff_scope(user, "body__community", roles=MANAGING_ROLES) | Q(body_id__in=seated_bodies(user))
    staff_published = Q(public=True) & staff_scope(user, "body__community")
    # A subquery, not a join through the community's compounds: no duplicate rows, so no DISTINCT
    # (the list's COUNT(*) OVER () would count the duplicates).
    home_communities = Compound.objects.filter(id__in=homes).values("community_id")
    published = Q(public=True) & (
        Q(body__compound_id__in=homes)
        | Q(body__compound__isnull=True, body__community_id__in=home_communities)
    )
    return Meeting.objects.filter(full | staff_published | published).select_related(
        "body__compound", "body__community"
    )


def votes_visible(user):
    """Votes of compounds the user staffs or lives in, and any vote whose frozen roll names them."""
    on_roll = (
        RollOwner.objects.filter(residents__user=user).values("vote_id") if user.is_authenticated else []
    )
    scope = (
        staff_scope(user, "compound__community") | Q(compound_id__in=home_compounds(user)) | Q(id__in=on_roll)
    )
    return Vote.objects.filter(scope).select_related("compound")


def notices_visible(user):
    scope = staff_scope(user, "compound__community") | Q(compound_id__in=home_compounds(user))
    return Notice.objects.filter(scope).select_related("compound").prefetch_related("lines")


def solicitations_visible(user):
    """Solicitations of the compounds one works for or lives in, with their questions."""
    scope = Q(compound__in=compounds_visible(user))
    return Solicitation.objects.filter(scope).prefetch_related("questions")


def evaluations_visible(user):
    """Evaluation rounds of the communities one works for or lives in."""
    return Evaluation.objects.filter(community__in=communities_visible(user))
