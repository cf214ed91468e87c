"""Read queries scoped to what the user may see, already joined for the pages and the API."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.permissions import MANAGING_ROLES, REGISTER_ROLES, active_posts, mask_phone, staff_scope
from core import rates
from core.money import FEN
from core.periods import in_force, in_force_from, is_in_force_from, months_before
from property.models import (
    Adjustment,
    AdjustmentStatus,
    Bill,
    BillStatus,
    Building,
    Community,
    Compound,
    FeeItem,
    FeeKind,
    Household,
    LedgerImport,
    ManagementMode,
    ManagementPlan,
    Payment,
    PaymentAllocation,
    Renovation,
    Residency,
    Resident,
    ServiceContract,
    Subdistrict,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)


def current_residencies(on=None):
    """Residencies in force on a day (today by default)."""
    return Residency.objects.filter(in_force(on or timezone.localdate()))


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


def lives_in(user, community_id: int) -> bool:
    """One of the user's current homes is in the community (no query when they have none)."""
    homes = own_households(user)
    return (
        bool(homes)
        and Household.objects.filter(id__in=homes, building__compound__community_id=community_id).exists()
    )


def _own(user, path: str) -> Q:
    """Objects at `path` from Household that hold one of the user's homes; nothing when there are none."""
    own = own_households(user)
    if not own:
        return Q(pk__in=[])
    return Q(pk__in=Household.objects.filter(id__in=own).values(path)) if path != "id" else Q(pk__in=own)


def subdistricts_visible(user):
    """The subdistricts one works for, or where one works or lives in a community."""
    if user.is_superuser:
        return Subdistrict.objects.all()
    officer = [p.subdistrict_id for p in active_posts(user) if p.subdistrict_id]
    return Subdistrict.objects.filter(
        Q(pk__in=officer) | Q(pk__in=communities_visible(user).values("subdistrict_id"))
    )


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
    """The register's households: for the posts that work with it (REGISTER_ROLES), and one's own."""
    return Household.objects.filter(
        staff_scope(user, "building__compound__community", roles=REGISTER_ROLES) | _own(user, "id")
    ).select_related("building__compound__community")


def residents_visible(user):
    """Residents of the register (REGISTER_ROLES), of one's own households, and oneself."""
    in_scope = Residency.objects.filter(
        staff_scope(user, "household__building__compound__community", roles=REGISTER_ROLES)
    )
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
    "held_by_developer",
)


def household_rows(queryset):
    """Households as plain rows for HouseholdOut: one query, no model instances."""
    return queryset.values(*HOUSEHOLD_ROW)


def fee_items_visible(user):
    return FeeItem.objects.filter(compound__in=compounds_visible(user).values("id"))


def bills_visible(user):
    """Bills of the households the user may see: the register's roles of the community
    (REGISTER_ROLES — not cleaners or police), and residents their own."""
    return Bill.objects.filter(
        staff_scope(user, "household__building__compound__community", roles=REGISTER_ROLES)
        | _own_household_rows(user)
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
        Payment.objects.filter(
            staff_scope(user, "compound__community", roles=REGISTER_ROLES) | _own_household_rows(user)
        )
        .select_related("received_by")
        .prefetch_related("allocations")
    )


# --- arrears and collection ----------------------------------------------------------------


def _on_bill(queryset):
    """The sum of `amount` of the rows of `queryset` on the outer bill (0 when none)."""
    summed = queryset.filter(bill=OuterRef("pk")).values("bill").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(summed), Value(Decimal(0)), output_field=MONEY)


def paid_amount():
    """What payments paid on the outer bill (0 when none): the collection rate's "paid"."""
    return _on_bill(PaymentAllocation.objects.all())


def settled_amount():
    """What payments and adjustments in effect settled on the outer bill (0 when none)."""
    return paid_amount() + _on_bill(Adjustment.objects.filter(status=AdjustmentStatus.APPROVED))


def arrears(bills, today: date, by: str = "household_id"):
    """Per household (or per `by`, e.g. compound): owed on bills past due, the oldest unpaid
    period, how many households owe and aging by months overdue.

    Computed from bills, payments and adjustments every time, never stored.
    """
    cut3, cut6, cut12 = (months_before(today, n) for n in (3, 6, 12))
    overdue = bills.filter(status__in=BillStatus.unsettled(), due_on__lt=today).annotate(
        balance=ExpressionWrapper(F("amount") - settled_amount(), output_field=MONEY)
    )

    def bucket(condition):
        return Coalesce(Sum("balance", filter=condition), Value(Decimal(0)), output_field=MONEY)

    return (
        overdue.values(by)
        .annotate(
            owed=Sum("balance"),
            oldest_period=Min("period_start"),
            bills=Count("id"),
            households=Count("household_id", distinct=True),
            months_0_3=bucket(Q(due_on__gte=cut3)),
            months_3_6=bucket(Q(due_on__lt=cut3, due_on__gte=cut6)),
            months_6_12=bucket(Q(due_on__lt=cut6, due_on__gte=cut12)),
            months_over_12=bucket(Q(due_on__lt=cut12)),
        )
        .filter(owed__gt=0)
        .order_by("-owed", by)
    )


def amount_rate(paid, billed) -> Fraction | None:
    """THE collection rate by amount (收缴率): paid / billed of the same bills, exact; None when
    nothing was billed. The API, the pages, the index, the alerts and the bulletin all take it from
    here and round it once where it is read (core.rates)."""
    return rates.ratio(paid, billed)


def collection_rate(bills) -> dict:
    """Of the given bills (usually one period): households fully paid / billed, and paid / billed amounts."""
    totals = bills.aggregate(
        households_billed=Count("household_id", distinct=True),
        households_owing=Count("household_id", distinct=True, filter=Q(status__in=BillStatus.unsettled())),
        amount_billed=Coalesce(Sum("amount"), Value(Decimal(0)), output_field=MONEY),
    )
    paid = PaymentAllocation.objects.filter(bill__in=bills.values("id")).aggregate(
        total=Coalesce(Sum("amount"), Value(Decimal(0)), output_field=MONEY)
    )["total"]
    billed_households = totals["households_billed"]
    paid_households = billed_households - totals["households_owing"]
    return {
        "households_billed": billed_households,
        "households_paid": paid_households,
        "household_rate": _or_zero(rates.ratio(paid_households, billed_households)),
        "amount_billed": totals["amount_billed"].quantize(FEN),
        "amount_paid": paid.quantize(FEN),
        "amount_rate": _or_zero(amount_rate(paid, totals["amount_billed"])),
    }


def _or_zero(share) -> Decimal:
    """The API's rate rounded once (four places, half up); 0 when nothing was billed, as it always read."""
    return Decimal(0) if share is None else rates.rounded(share)


def adjustments_visible(user):
    return Adjustment.objects.filter(
        staff_scope(user, "household__building__compound__community", roles=REGISTER_ROLES)
        | _own_household_rows(user)
    ).select_related("requested_by", "decided_by", "household__building__compound__community")


def fee_standards(compound_id: int, today: date):
    """The compound's fee items in force today: the published standard (明码标价)."""
    return (
        FeeItem.objects.filter(compound_id=compound_id, effective_from__lte=today)
        .exclude(kind=FeeKind.OPENING)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=today))
        .order_by("name")
    )


def contract_in_force(compound_id: int, on: date):
    """The property service contract serving the compound on the day (its provider loaded), or None."""
    return (
        ServiceContract.objects.filter(compound_id=compound_id, starts_on__lte=on, ends_on__gt=on)
        .select_related("provider")
        .order_by("-starts_on")
        .first()
    )


def settled_on(bill_ids) -> dict[int, Decimal]:
    """Per bill: what payments and adjustments in effect have settled."""
    settled: dict[int, Decimal] = {}
    paid = PaymentAllocation.objects.filter(bill__in=bill_ids).values("bill_id").annotate(total=Sum("amount"))
    adjusted = (
        Adjustment.objects.filter(bill__in=bill_ids, status=AdjustmentStatus.APPROVED)
        .values("bill_id")
        .annotate(total=Sum("amount"))
    )
    for row in [*paid, *adjusted]:
        settled[row["bill_id"]] = settled.get(row["bill_id"], Decimal(0)) + row["total"]
    return settled


def open_balances(household_id: int, *, lock: bool = False) -> list[tuple[Bill, Decimal]]:
    """The household's unsettled bills, oldest first, each with what is still owed on it."""
    bills = Bill.objects.filter(household_id=household_id, status__in=BillStatus.unsettled())
    if lock:
        bills = bills.select_for_update()
    bills = list(bills.order_by("period_start", "id"))
    settled = settled_on([b.pk for b in bills])
    return [(bill, bill.amount - settled.get(bill.pk, Decimal(0))) for bill in bills]


# --- figures per compound, for the five-co index (reports) -------------------------------------------


def bills_of_period(compound_ids, period_start: date):
    return Bill.objects.filter(household__building__compound_id__in=compound_ids, period_start=period_start)


def amounts_collected_by_compound(compound_ids, period_start: date) -> dict[int, tuple[Decimal, Decimal]]:
    """Of the bills of one period: (paid, billed) amounts per compound — the amount rate of
    collection_rate(), compound by compound, in two queries."""
    bills = bills_of_period(compound_ids, period_start)
    billed = dict(
        bills.values_list("household__building__compound_id").annotate(total=Sum("amount")).order_by()
    )
    # The bills' own filters on the allocations (not `bill__in=<subquery>`): PostgreSQL then walks
    # from the compounds' buildings to their bills and allocations instead of joining every one.
    paid = dict(
        PaymentAllocation.objects.filter(
            bill__household__building__compound_id__in=compound_ids, bill__period_start=period_start
        )
        .values_list("bill__household__building__compound_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    # sums of amounts to the fen are to the fen (SQLite adds them as floats: 35929.12999999999)
    return {cid: (paid.get(cid, Decimal(0)).quantize(FEN), total.quantize(FEN)) for cid, total in billed.items()}


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


def compounds_renovated(compound_ids) -> set[int]:
    """Of these compounds, those with a renovation recorded."""
    return set(Renovation.objects.filter(compound_id__in=compound_ids).values_list("compound_id", flat=True))


def collected_by_community(community_ids, start, end) -> dict[int, Decimal]:
    """Payments received in [start, end) in each community's compounds."""
    return dict(
        Payment.objects.filter(
            compound__community_id__in=community_ids, received_at__gte=start, received_at__lt=end
        )
        .values_list("compound__community_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )


def amounts_collected_by_community(community_ids, period_start: date) -> dict[int, tuple[Decimal, Decimal]]:
    """Of the bills of one period: (paid, billed) amounts per community (collection_rate's amount rate)."""
    community_of = dict(
        Compound.objects.filter(community_id__in=community_ids).values_list("pk", "community_id")
    )
    by_compound = amounts_collected_by_compound(list(community_of), period_start)
    out: dict[int, tuple[Decimal, Decimal]] = {}
    for cid, (paid, billed) in by_compound.items():
        before = out.get(community_of[cid], (Decimal(0), Decimal(0)))
        out[community_of[cid]] = (before[0] + paid, before[1] + billed)
    return out


def compound_names(compound_ids) -> list[tuple[int, str]]:
    return list(Compound.objects.filter(pk__in=compound_ids).values_list("pk", "name"))


def resident_matches(user, *, name: str, phone: str, id_digest: str = "", compound=None) -> list[Resident]:
    """THE rule of who may be the person about to be added, asked about before a second record:
    the same ID number (the stored digest); else the same name and phone, or the same name among the
    people of the compound (a relation in force or to come), unless ID numbers on both sides tell
    them apart — among the residents the user may see."""
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
    found = people.filter(same, name=name)
    if id_digest:  # a different ID number on record: another person
        found = found.filter(id_number_digest="")
    return list(found.order_by("id")[:5])


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


def imports_visible(user):
    """Ledger imports (their files hold personal data): one's own, and those of the communities one
    manages."""
    if not user.is_authenticated:
        return LedgerImport.objects.none()
    # One's own only while one still holds a post in its community.
    own = Q(requested_by_id=user.pk) & staff_scope(user, "community")
    scope = own | staff_scope(user, "community", roles=MANAGING_ROLES)
    # The file itself (up to IMPORT_MAX_BYTES) is read only where it is needed.
    return LedgerImport.objects.filter(scope).select_related("community", "compound").defer("data")
