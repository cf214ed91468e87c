"""Reads for self-governance, each scoped to what the user may see."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts.permissions import staff_scope
from core.periods import in_force
from governance.models import (
    GOVERNING_KINDS,
    Action,
    Attendance,
    Body,
    Meeting,
    Member,
    Notice,
    RollOwner,
    Solicitation,
    Vote,
    VoteStatus,
)
from governance.permissions import seats
from property.models import Compound, Household
from property.selectors import own_households


def home_compounds(user) -> list[int]:
    return sorted(
        set(
            Household.objects.filter(id__in=own_households(user)).values_list(
                "building__compound_id", flat=True
            )
        )
    )


def _seated_bodies(user):
    return seats(user).values("body_id")


def bodies_visible(user):
    homes = home_compounds(user)
    home_communities = Compound.objects.filter(id__in=homes).values("community_id")
    scope = (
        staff_scope(user, "community")
        | Q(compound_id__in=homes)
        | Q(compound__isnull=True, community_id__in=home_communities)
        | Q(id__in=_seated_bodies(user))
    )
    return Body.objects.filter(scope).select_related("community", "compound", "led_by")


def current_members(body_or_ids, on=None):
    on = on or timezone.localdate()
    ids = [body_or_ids.pk] if isinstance(body_or_ids, Body) else list(body_or_ids)
    return (
        Member.objects.filter(in_force(on), body_id__in=ids)
        .select_related("resident")
        .order_by("body_id", "role", "id")
    )


def meetings_visible(user):
    """All meetings of bodies the user staffs or sits on; published ones of their own compound."""
    homes = home_compounds(user)
    full = staff_scope(user, "body__community") | Q(body_id__in=_seated_bodies(user))
    # A subquery, not a join through the community's compounds: no duplicate rows, so no DISTINCT
    # (the list's COUNT(*) OVER () would count the duplicates).
    home_communities = Compound.objects.filter(id__in=homes).values("community_id")
    published = Q(public=True) & (
        Q(body__compound_id__in=homes)
        | Q(body__compound__isnull=True, body__community_id__in=home_communities)
    )
    return Meeting.objects.filter(full | published).select_related("body__compound", "body__community")


def meeting_detailed(queryset):
    return queryset.prefetch_related(
        Prefetch("attendance", queryset=Attendance.objects.select_related("member__resident")),
        "resolutions",
        Prefetch("actions", queryset=Action.objects.select_related("assignee__resident")),
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


def actions_open(user, *, overdue_only=False):
    """Open follow-up actions of the bodies the user staffs or sits on."""
    qs = Action.objects.filter(
        staff_scope(user, "meeting__body__community") | Q(meeting__body_id__in=_seated_bodies(user)),
        closed_at__isnull=True,
    ).select_related("assignee__resident", "meeting__body")
    if overdue_only:
        qs = qs.filter(due_on__lt=timezone.localdate())
    return qs


def governance_gaps(user):
    """Compounds in scope with no governing body in force, and committees whose term ends soon."""
    today = timezone.localdate()
    in_force = Body.objects.filter(
        compound=OuterRef("pk"), kind__in=GOVERNING_KINDS, dissolved_on__isnull=True, term_start__lte=today
    ).filter(Q(term_end__isnull=True) | Q(term_end__gt=today))
    ungoverned = (
        Compound.objects.filter(staff_scope(user, "community"))
        .annotate(governed=Exists(in_force))
        .filter(governed=False)
        .select_related("community")
        .order_by("community__name", "name")
    )
    horizon = today + timedelta(days=settings.COMMITTEE_TERM_WARNING_DAYS)
    ending = (
        Body.objects.filter(
            staff_scope(user, "community"),
            kind="owners_committee",
            dissolved_on__isnull=True,
            term_end__gt=today,
            term_end__lte=horizon,
        )
        .select_related("compound", "community")
        .order_by("term_end")
    )
    return ungoverned, ending


def public_compound(compound) -> dict:
    """What a compound publishes to anyone: its notices, its open votes and open solicitations."""
    today = timezone.localdate()
    votes = list(Vote.objects.filter(compound=compound, status=VoteStatus.OPEN).order_by("closes_at"))
    return {
        "id": compound.pk,
        "name": compound.name,
        "community": compound.community.name,
        "notices": list(
            Notice.objects.filter(compound=compound)
            .prefetch_related("lines")
            .order_by("-published_on", "-id")[:30]
        ),
        "open_votes": votes,
        "open_solicitations": list(
            Solicitation.objects.filter(compound=compound, opens_on__lte=today, closes_on__gte=today)
            .prefetch_related("questions")
            .order_by("closes_on")
        ),
    }
