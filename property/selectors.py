"""Read queries scoped to what the user may see, already joined for the pages and the API."""

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from accounts.permissions import staff_scope
from property.models import (
    Building,
    Community,
    Compound,
    Household,
    ManagementPlan,
    Renovation,
    Residency,
    Resident,
    ServiceContract,
)


def current_residencies():
    today = timezone.localdate()
    return Residency.objects.filter(started_on__lte=today).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))


def own_homes(user) -> list[tuple[int, int, int, int]]:
    """(household, building, compound, community) ids of the user's current homes; once per request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_own_homes", None)
    if cached is None:
        cached = list(
            current_residencies()
            .filter(resident__user=user)
            .values_list(
                "household_id", "household__building_id", "household__building__compound_id",
                "household__building__compound__community_id",
            )
        )
        user._own_homes = cached
    return cached


def communities_visible(user):
    own = {home[3] for home in own_homes(user)}
    return Community.objects.filter(staff_scope(user, "") | Q(id__in=own)).select_related("subdistrict")


def compounds_visible(user):
    own = {home[2] for home in own_homes(user)}
    return Compound.objects.filter(staff_scope(user, "community") | Q(id__in=own)).select_related("community")


def buildings_visible(user):
    own = {home[1] for home in own_homes(user)}
    return Building.objects.filter(staff_scope(user, "compound__community") | Q(id__in=own)).select_related(
        "compound"
    )


def households_visible(user):
    own = {home[0] for home in own_homes(user)}
    return Household.objects.filter(
        staff_scope(user, "building__compound__community") | Q(id__in=own)
    ).select_related("building__compound__community")


def residents_visible(user):
    in_scope = Residency.objects.filter(staff_scope(user, "household__building__compound__community"))
    own = {home[0] for home in own_homes(user)}
    return Resident.objects.filter(
        Q(id__in=in_scope.values("resident_id"))
        | Q(id__in=Residency.objects.filter(household_id__in=own).values("resident_id"))
        | Q(user=user)
    ).prefetch_related(
        Prefetch(
            "residencies",
            queryset=Residency.objects.select_related("household__building__compound__community"),
        )
    )


def household_residencies(household: Household):
    """Everyone who lives or lived in the household, current first."""
    return (
        Residency.objects.filter(household=household)
        .select_related("resident")
        .order_by(F("ended_on").asc(nulls_first=True), "-started_on", "id")
    )


def compounds_detailed(user):
    """Visible compounds with their counts, renovations, plans and contracts, for detail views."""
    return compounds_visible(user).annotate(
        building_count=Count("buildings", distinct=True),
        household_count=Count("buildings__households", distinct=True),
    ).prefetch_related(
        Prefetch("renovations", queryset=Renovation.objects.prefetch_related("items").order_by("-year")),
        Prefetch("management_plans", queryset=ManagementPlan.objects.order_by("-adopted_on")),
        Prefetch("service_contracts", queryset=ServiceContract.objects.select_related("provider").order_by("-starts_on")),
    )
