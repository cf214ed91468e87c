"""Fee figures and reads: what is settled on a bill, arrears, the collection rate, amounts collected,
fee standards, open balances."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core import rates
from core.money import FEN
from core.periods import months_before
from property.models import (
    Adjustment,
    AdjustmentStatus,
    Bill,
    BillStatus,
    Compound,
    FeeItem,
    FeeKind,
    Payment,
    PaymentAllocation,
)

MONEY = DecimalField(max_digits=14, decimal_places=2)


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


def fee_standards(compound_id: int, today: date):
    """The compound's fee items in force today: the published standard (明码标价)."""
    return (
        FeeItem.objects.filter(compound_id=compound_id, effective_from__lte=today)
        .exclude(kind=FeeKind.OPENING)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=today))
        .order_by("name")
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
