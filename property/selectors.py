"""Read queries scoped to what the user may see, already joined for the pages and the API."""

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from accounts.permissions import staff_scope
from property.models import (
    Bill,
    Building,
    Community,
    Compound,
    FeeItem,
    Household,
    ManagementPlan,
    Payment,
    Renovation,
    Residency,
    Resident,
    ServiceContract,
)


def current_residencies():
    today = timezone.localdate()
    return Residency.objects.filter(started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    )


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


def _own(user, path: str) -> Q:
    """Objects at `path` from Household that hold one of the user's homes; nothing when there are none."""
    own = own_households(user)
    if not own:
        return Q(pk__in=[])
    return Q(pk__in=Household.objects.filter(id__in=own).values(path)) if path != "id" else Q(pk__in=own)


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
    return Household.objects.filter(
        staff_scope(user, "building__compound__community") | _own(user, "id")
    ).select_related("building__compound__community")


def residents_visible(user):
    in_scope = Residency.objects.filter(staff_scope(user, "household__building__compound__community"))
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


def household_residencies(household: Household):
    """Everyone who lives or lived in the household, current first."""
    return (
        Residency.objects.filter(household=household)
        .select_related("resident")
        .order_by(F("ended_on").asc(nulls_first=True), "-started_on", "id")
    )


def compounds_detailed(user):
    """Visible compounds with their counts, renovations, plans and contracts, for detail views."""
    return (
        compounds_visible(user)
        .annotate(
            building_count=Count("buildings", distinct=True),
            household_count=Count("buildings__households", distinct=True),
        )
        .prefetch_related(
            Prefetch("renovations", queryset=Renovation.objects.prefetch_related("items").order_by("-year")),
            Prefetch("management_plans", queryset=ManagementPlan.objects.order_by("-adopted_on")),
            Prefetch(
                "service_contracts",
                queryset=ServiceContract.objects.select_related("provider").order_by("-starts_on"),
            ),
        )
    )


HOUSEHOLD_ROW = (
    "id",
    "building_id",
    "building__name",
    "building__compound_id",
    "unit_label",
    "floor",
    "building_area",
    "inner_area",
    "area_source",
    "is_vacant",
)


def household_rows(queryset):
    """Households as plain rows for HouseholdOut: one query, no model instances."""
    return queryset.values(*HOUSEHOLD_ROW)


def fee_items_visible(user):
    return FeeItem.objects.filter(compound__in=compounds_visible(user).values("id"))


def bills_visible(user):
    """Bills of the households the user may see (staff of the community; residents their own)."""
    return Bill.objects.filter(
        staff_scope(user, "household__building__compound__community") | _own_household_rows(user)
    )


def _own_household_rows(user) -> Q:
    """Rows with a household_id among the user's homes."""
    own = own_households(user)
    return Q(household_id__in=own) if own else Q(pk__in=[])


def bill_rows(queryset):
    """Bills as plain rows for BillOut: one query, no model instances."""
    return queryset.values(
        "id",
        "household_id",
        "fee_item_id",
        "fee_item__name",
        "period_start",
        "months",
        "amount",
        "basis",
        "due_on",
        "status",
    )


def payments_visible(user):
    """Payments of the households the user may see, with their allocations and collector."""
    return (
        Payment.objects.filter(staff_scope(user, "compound__community") | _own_household_rows(user))
        .select_related("received_by")
        .prefetch_related("allocations")
    )
