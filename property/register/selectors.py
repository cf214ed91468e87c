"""Read queries of the register, already joined for the pages and the API (what each user may see of
it, the read scopes, is in permissions.py)."""

from datetime import date

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.permissions import mask_phone
from core.hooks import hook
from core.periods import in_force_from, is_in_force_from
from property.models import (
    Compound,
    Household,
    ManagementMode,
    ManagementPlan,
    Residency,
    Resident,
    ServiceContract,
)
from property.register.permissions import compounds_visible, residents_visible


def household_residencies(household: Household):
    """Everyone who lives or lived in the household, current first."""
    return (
        Residency.objects.filter(household=household)
        .select_related("resident")
        .order_by(F("ended_on").asc(nulls_first=True), "-started_on", "id")
    )


def compounds_detailed(user):
    """Visible compounds with their counts, plans and contracts, for detail views (with_renovations
    adds the renovations)."""
    return (
        compounds_visible(user)
        .annotate(
            building_count=Count("buildings", distinct=True),
            household_count=Count("buildings__households", distinct=True),
        )
        .prefetch_related(
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
    "held_by_developer",
)


def household_rows(queryset):
    """Households as plain rows for HouseholdOut: one query, no model instances."""
    return queryset.values(*HOUSEHOLD_ROW)


def contract_in_force(compound_id: int, on: date):
    """The property service contract serving the compound on the day (its provider loaded), or None."""
    return (
        ServiceContract.objects.filter(compound_id=compound_id, starts_on__lte=on, ends_on__gt=on)
        .select_related("provider")
        .order_by("-starts_on")
        .first()
    )


def compounds_managed(compound_ids, on: date) -> set[int]:
    """Of these compounds, those with a management plan adopted by the day and a mode other than none (三无)."""
    return set(
        compounds_with_plan(compound_ids, on)
        .exclude(management_mode=ManagementMode.NONE)
        .values_list("pk", flat=True)
        .distinct()
    )


def compounds_with_plan(compound_ids, on: date):
    """The compounds with a management plan adopted by the day."""
    return Compound.objects.filter(pk__in=compound_ids, management_plans__adopted_on__lte=on)


def households_by_compound(compound_ids) -> dict[int, int]:
    """How many households (units) each compound has on the register."""
    return dict(
        Household.objects.filter(building__compound_id__in=compound_ids)
        .values_list("building__compound_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def with_renovations(compound: Compound) -> Compound:
    """The compound with `renovations`, its renovation records latest first: renovation's projects
    handed over, read through the hook COMPOUND_RENOVATIONS (renovation sits above property)."""
    compound.renovations = [
        record
        for records_of in hook("COMPOUND_RENOVATIONS")
        for record in records_of([compound.pk]).get(compound.pk, [])
    ]
    return compound


def compound_names(compound_ids) -> list[tuple[int, str]]:
    return list(Compound.objects.filter(pk__in=compound_ids).values_list("pk", "name"))


def told_apart(resident: Resident, *, id_given: bool, phone: str) -> bool:
    """THE rule of when a namesake is someone else, for the pages, the API and the ledger imports:
    both sides have an ID number (the same number would have found the person first), or both have a
    mobile and the mobiles differ. Anything less may be the same person (one owner, two heads in a
    vote): the page and the API ask, an import refuses the row until the file tells them apart."""
    return bool(
        (id_given and resident.id_number_digest) or (phone and resident.phone and phone != resident.phone)
    )


def resident_matches(user, *, name: str, phone: str, id_digest: str = "", compound=None) -> list[Resident]:
    """Who may be the person about to be added, asked about before a second record: the same ID
    number (the stored digest); else the same name and phone, or the same name among the people of
    the compound (a relation in force or to come) unless `told_apart` — among the residents the
    user may see."""
    people = residents_visible(user)
    if id_digest:
        found = list(people.filter(id_number_digest=id_digest)[:1])
        if found:
            return found
    name, phone = name.strip(), phone.strip()
    if not name:
        return []
    same = Q(phone=phone) if phone else Q(pk__in=[])
    if compound is not None:
        here = Residency.objects.filter(
            in_force_from(timezone.localdate()), household__building__compound=compound
        )
        same |= Q(pk__in=here.values("resident_id"))
    found = people.filter(same, name=name).order_by("id")
    return [r for r in found[:50] if not told_apart(r, id_given=bool(id_digest), phone=phone)][:5]


def resident_candidate(resident: Resident) -> dict:
    """A possible same person as the API shows them: the phone masked, their current units."""
    today = timezone.localdate()
    return {
        "id": resident.pk,
        "name": resident.name,
        "phone": mask_phone(resident.phone) if resident.phone else "",
        "units": [
            {"household": r.household_id, "name": str(r.household)}
            for r in resident.residencies.all()
            if is_in_force_from(r, today)
        ],
    }


def household_history(household: Household) -> list:
    """The unit's corrected facts, newest first: who changed what, from what, when (the audit trail)."""
    return list(
        AuditEvent.objects.filter(
            object_type="property.household", object_id=household.pk, action="household.update"
        )
        .select_related("actor")
        .order_by("-at", "-pk")[:50]
    )
