"""Fee items, parking spaces and billing runs: every write about issuing bills.

A run covers the months [period, period + months). For each fee item in force, every start of
the item's cycle (counted from its first month) that falls in those months gets one bill per
household, covering the whole cycle. The unique constraint (household, item, first month)
makes a second run for the same months issue nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import audit_record
from core import bounds, periods
from core.errors import Conflict, Invalid, validate_model
from core.locks import retried
from core.money import round_fen
from core.periods import add_months, months_between
from core.resend import resend_due
from property.fees.permissions import require_fees
from property.fees.selectors import open_balances, settled_on
from property.models import (
    Adjustment,
    AdjustmentKind,
    AdjustmentStatus,
    Bill,
    BillingRun,
    BillStatus,
    Community,
    Compound,
    FeeItem,
    FeeKind,
    Household,
    ParkingSpace,
    Payment,
    PaymentAllocation,
    Reminder,
    ReminderChannel,
    RunStatus,
)

HUNDRED = Decimal(100)
BATCH = 5000


@transaction.atomic
def fee_item_create(*, actor, compound: Compound, **fields) -> FeeItem:
    require_fees(actor, compound)
    if fields.get("kind") == FeeKind.OPENING:
        raise Invalid(
            _("Opening balances are brought in from the office's ledger, not set as a fee."), field="kind"
        )
    item = FeeItem(compound=compound, **fields)
    if item.effective_from and item.effective_from.day != 1:
        raise Invalid(_("A fee item starts on the first day of a month."), field="effective_from")
    validate_model(item)
    item.save()
    audit_record(
        actor=actor,
        action="fee_item.create",
        obj=item,
        data={
            "name": item.name,
            "kind": item.kind,
            "unit_price": str(item.unit_price),
            "cycle": item.cycle_months,
        },
    )
    return item


@transaction.atomic
def parking_space_assign(*, actor, space: ParkingSpace, household: Household | None) -> ParkingSpace:
    require_fees(actor, space.compound)
    if household is not None and household.building.compound_id != space.compound_id:
        raise Invalid(_("The household is not in this parking space's compound."), field="household")
    space.household = household
    space.save(update_fields=["household"])
    audit_record(
        actor=actor,
        action="parking_space.assign",
        obj=space,
        data={"household": getattr(household, "pk", None)},
    )
    return space


@transaction.atomic
def billing_run_request(
    *,
    actor,
    period: date,
    months: int = 1,
    compound: Compound | None = None,
    community: Community | None = None,
) -> BillingRun:
    """Record a run; it is carried out by the worker (tasks.billing_run_execute) after commit."""
    if (compound is None) == (community is None):
        raise Invalid(_("Give either a compound or a community."), field="compound")
    require_fees(actor, compound or community)
    if problem := bounds.date_problem(period):
        raise Invalid(problem, field="period")
    return _billing_run_record(
        actor=actor, period=period, months=months, compound=compound, community=community
    )


def _billing_run_record(*, actor, period: date, months: int, compound=None, community=None) -> BillingRun:
    from property.tasks import billing_run_execute

    run = BillingRun(
        compound=compound, community=community, period_start=period, months=months, requested_by=actor
    )
    validate_model(run, exclude=["requested_by"])
    run.save()
    audit_record(
        actor=actor,
        action="billing_run.request",
        obj=run,
        data={
            "compound": getattr(compound, "pk", None),
            "community": getattr(community, "pk", None),
            "period": f"{period:%Y-%m}",
            "months": months,
        },
    )
    transaction.on_commit(lambda: billing_run_execute.delay(run.pk))
    return run


@dataclass(frozen=True)
class Charge:
    amount: Decimal
    basis: str


def _plain(value: Decimal) -> str:
    """1.2000 -> '1.2', 30.00 -> '30' (normalize alone would give '3E+1')."""
    return format(value.normalize(), "f")


def charge_for(item: FeeItem, *, area: Decimal | None, vacant: bool, spaces: int) -> Charge | str:
    """The bill for one household and one cycle of the item, or the reason there is none."""
    months = item.cycle_months
    price = _plain(item.unit_price)
    if item.kind == FeeKind.PER_AREA:
        if area is None:
            return "no_area"
        amount, basis = item.unit_price * area * months, f"{area} m² × {price} × {months}"
    elif item.kind == FeeKind.PER_HOUSEHOLD:
        amount, basis = item.unit_price * months, f"{price} × {months}"
    elif item.kind == FeeKind.PER_SPACE:
        if not spaces:
            return "no_space"
        amount, basis = item.unit_price * spaces * months, f"{spaces} × {price} × {months}"
    else:
        amount, basis = item.unit_price, f"{price}"
    if vacant and item.vacancy_discount:
        amount = amount * (HUNDRED - item.vacancy_discount) / HUNDRED
        basis += f" × (1 − {_plain(item.vacancy_discount)}%)"
    amount = round_fen(amount)
    return Charge(amount, basis) if amount > 0 else "exempt"


def cycle_starts(item: FeeItem, first: date, end: date) -> list[date]:
    """The starts of the item's cycles that fall in [first, end) while the item is in force."""
    starts = []
    month = max(first, item.effective_from)
    while month < end and (item.effective_to is None or month < item.effective_to):
        if months_between(item.effective_from, month) % item.cycle_months == 0:
            starts.append(month)
        month = add_months(month, 1)
    return starts


def billing_run_execute(run_id: int) -> BillingRun:
    """Issue the run's bills. Idempotent: a finished run is left alone; rerunning issues nothing twice."""
    with transaction.atomic():
        run = BillingRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.DONE:
            return run
        run.status, run.started_at = RunStatus.RUNNING, timezone.now()
        run.save(update_fields=["status", "started_at"])
        _issue(run)
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.save(
            update_fields=["status", "finished_at", "households", "issued", "already_issued", "warnings"]
        )
        audit_record(
            actor=run.requested_by,
            action="billing_run.done",
            obj=run,
            data={"issued": run.issued, "already_issued": run.already_issued, "warnings": len(run.warnings)},
        )
    return run


def runs_stuck(now) -> list[int]:
    """Runs still waiting STUCK_AFTER_SECONDS after they were asked for (or last sent again): their
    worker died before finishing, or the message was lost. Each is sent again at most that often."""
    return resend_due(
        "billing-run",
        BillingRun.objects.filter(
            status__in=[RunStatus.PENDING, RunStatus.RUNNING],
            requested_at__lt=now - timedelta(seconds=settings.STUCK_AFTER_SECONDS),
        ).values_list("id", flat=True),
    )


def billing_run_fail(run_id: int, error: str) -> None:
    BillingRun.objects.filter(pk=run_id).exclude(status=RunStatus.DONE).update(
        status=RunStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


BILL_COLUMNS = (
    "household_id",
    "fee_item_id",
    "run_id",
    "period_start",
    "months",
    "amount",
    "basis",
    "due_on",
)


def _issue(run: BillingRun) -> None:
    compounds = (
        [run.compound_id]
        if run.compound_id
        else list(Compound.objects.filter(community_id=run.community_id).values_list("id", flat=True))
    )
    end = add_months(run.period_start, run.months)
    items = (
        FeeItem.objects.filter(compound_id__in=compounds, effective_from__lt=end)
        .exclude(kind=FeeKind.OPENING)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=run.period_start))
    )
    by_compound: dict[int, list[tuple]] = {}
    for household_id, compound_id, area, vacant in Household.objects.filter(
        building__compound_id__in=compounds
    ).values_list("id", "building__compound_id", "building_area", "is_vacant"):
        by_compound.setdefault(compound_id, []).append((household_id, area, vacant))
    spaces = dict(
        ParkingSpace.objects.filter(compound_id__in=compounds, household__isnull=False)
        .values("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )
    run.households = sum(len(rows) for rows in by_compound.values())
    run.warnings, run.already_issued, pending = [], 0, []
    for item in items:
        for start in cycle_starts(item, run.period_start, end):
            issued = set(
                Bill.objects.filter(fee_item=item, period_start=start).values_list("household_id", flat=True)
            )
            run.already_issued += len(issued)
            due_on = start + timedelta(days=item.due_days)
            for household_id, area, vacant in by_compound.get(item.compound_id, ()):
                if household_id in issued:
                    continue
                charge = charge_for(item, area=area, vacant=vacant, spaces=spaces.get(household_id, 0))
                if isinstance(charge, Charge):
                    pending.append(
                        (
                            household_id,
                            item.pk,
                            run.pk,
                            start,
                            item.cycle_months,
                            charge.amount,
                            charge.basis,
                            due_on,
                        )
                    )
                elif charge == "no_area":
                    run.warnings.append({"household": household_id, "fee_item": item.pk, "reason": charge})
    _write_bills(pending)
    run.issued = Bill.objects.filter(run=run).count()


def _write_bills(rows: list[tuple]) -> None:
    """Insert bills; one a concurrent run issued meanwhile is skipped (the unique constraint keeps it).

    On PostgreSQL the rows go in with COPY through a temporary table (several times faster than
    INSERT for a whole community); elsewhere with bulk_create.
    """
    if not rows:
        return
    if connection.vendor != "postgresql":
        Bill.objects.bulk_create(
            [Bill(**dict(zip(BILL_COLUMNS, row, strict=True))) for row in rows],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        return
    columns = ", ".join(BILL_COLUMNS)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE billing_new ON COMMIT DROP AS SELECT {columns} FROM property_bill WITH NO DATA"
        )
        with cursor.connection.cursor().copy(f"COPY billing_new ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO property_bill ({columns}, status, issued_at) "
            f"SELECT {columns}, %s, %s FROM billing_new ON CONFLICT DO NOTHING",
            [BillStatus.OPEN, now],
        )
        cursor.execute("DROP TABLE billing_new")


def billing_runs_for_month(first: date) -> int:
    """Request this month's run for every compound with fee items in force (none twice)."""
    compounds = (
        Compound.objects.filter(fee_items__effective_from__lte=first)
        .filter(Q(fee_items__effective_to__isnull=True) | Q(fee_items__effective_to__gt=first))
        .exclude(billing_runs__period_start=first, billing_runs__months=1)
        .distinct()
    )
    count = 0
    for compound in compounds:
        # The monthly run is the system's own (no actor): beat requests it, nobody's permission.
        _billing_run_record(actor=None, period=first, months=1, compound=compound)
        count += 1
    return count


# --- payments ---------------------------------------------------------------------------


OPENING_ITEM = "期初欠费"  # the name the office's ledgers give it
OPENING_BASIS = "期初欠费（由台账导入）"


def opening_item(compound: Compound) -> FeeItem:
    """The compound's item that opening balances are billed under (made the first time)."""
    item, _created = FeeItem.objects.get_or_create(
        compound=compound,
        kind=FeeKind.OPENING,
        defaults={"name": OPENING_ITEM, "unit_price": Decimal(0), "effective_from": date(2000, 1, 1)},
    )
    return item


@transaction.atomic
def opening_balance_record(*, actor, household: Household, amount: Decimal, period: date) -> Bill:
    """期初欠费: what a household owed before Gongzhi, for a month, as a bill of its own (bills are
    never edited: a wrong opening balance is corrected by an adjustment, like any bill)."""
    compound = household.building.compound
    require_fees(actor, compound)
    if amount <= 0 or amount.as_tuple().exponent < -2:
        raise Invalid(_("An amount is yuan above 0 with at most two decimals."), field="amount")
    if period.day != 1 or period > periods.month_start(timezone.localdate()):
        raise Invalid(_("Opening arrears are for a month that has begun."), field="period")
    item = opening_item(compound)
    if Bill.objects.filter(household=household, fee_item=item, period_start=period).exists():
        raise Conflict(
            _("An opening balance for this month is already recorded: correct it with an adjustment."),
            code="duplicate",
            field="period",
        )
    bill = Bill(
        household=household,
        fee_item=item,
        period_start=period,
        months=1,
        amount=amount,
        basis=OPENING_BASIS,
        due_on=periods.add_months(period, 1),
    )
    validate_model(bill, exclude=["household", "fee_item", "run"])
    bill.save()
    audit_record(
        actor=actor,
        action="bill.opening",
        obj=bill,
        data={"amount": str(amount), "period": f"{period:%Y-%m}"},
    )
    return bill


@retried
@transaction.atomic
def payment_record(
    *, actor, household: Household, amount: Decimal, method: str, prepay: bool = False, note: str = ""
) -> Payment:
    """Record money received and settle the oldest bills first; the rest is a prepayment only if asked."""
    require_fees(actor, household.building.compound)
    if amount <= 0:
        raise Invalid(_("The amount must be more than zero."), field="amount")
    # The compound's row is the lock that makes receipt numbers gapless and unique.
    compound = Compound.objects.select_for_update().get(pk=household.building.compound_id)
    balances = open_balances(household.pk, lock=True)
    owed = sum((due for _bill, due in balances), Decimal(0))
    if amount > owed and not prepay:
        raise Invalid(
            _("This is more than the %(owed)s yuan owed; record the rest as a prepayment if intended.")
            % {"owed": owed},
            field="amount",
        )
    last = Payment.objects.filter(compound=compound).aggregate(last=Max("receipt_seq"))["last"] or 0
    payment = Payment.objects.create(
        household=household,
        compound=compound,
        receipt_seq=last + 1,
        amount=amount,
        credit=max(amount - owed, Decimal(0)),
        method=method,
        note=note,
        received_by=actor,
    )
    allocations, left = [], amount
    for bill, due in balances:
        if left <= 0:
            break
        part = min(due, left)
        allocations.append(PaymentAllocation(payment=payment, bill=bill, amount=part))
        bill.status = BillStatus.PAID if part == due else BillStatus.PARTLY_PAID
        left -= part
    PaymentAllocation.objects.bulk_create(allocations)
    Bill.objects.bulk_update([a.bill for a in allocations], ["status"])
    audit_record(
        actor=actor,
        action="payment.record",
        obj=payment,
        data={
            "receipt": payment.receipt_no,
            "amount": str(amount),
            "method": method,
            "bills": {a.bill_id: str(a.amount) for a in allocations},
            "credit": str(payment.credit),
        },
    )
    return payment


# --- adjustments ------------------------------------------------------------------------

NEEDS_APPROVAL = {AdjustmentKind.WRITE_OFF, AdjustmentKind.REFUND}


@transaction.atomic
def adjustment_request(
    *,
    actor,
    household: Household,
    kind: str,
    amount: Decimal,
    reason: str,
    bill: Bill | None = None,
    payment: Payment | None = None,
) -> Adjustment:
    """A waiver or credit takes effect now; a write-off or refund waits for a second person."""
    require_fees(actor, household.building.compound)
    if not reason.strip():
        raise Invalid(_("Give the reason."), field="reason")
    if amount <= 0:
        raise Invalid(_("The amount must be more than zero."), field="amount")
    adjustment = Adjustment(
        household=household,
        kind=kind,
        amount=amount,
        reason=reason.strip(),
        bill=bill,
        payment=payment,
        requested_by=actor,
    )
    _check_room(adjustment)
    validate_model(adjustment, exclude=["requested_by"])
    adjustment.save()
    audit_record(
        actor=actor,
        action="adjustment.request",
        obj=adjustment,
        data={
            "kind": kind,
            "amount": str(amount),
            "reason": adjustment.reason,
            "bill": getattr(bill, "pk", None),
            "payment": getattr(payment, "pk", None),
        },
    )
    if kind not in NEEDS_APPROVAL:
        _decide(adjustment, actor=actor, status=AdjustmentStatus.APPROVED)
    return adjustment


@transaction.atomic
def adjustment_approve(*, actor, adjustment: Adjustment, note: str = "") -> Adjustment:
    adjustment = _locked(actor, adjustment)
    _require_pending(adjustment)
    if adjustment.requested_by_id == actor.pk:
        raise Conflict(_("A second person must approve what you requested."), code="same_person")
    _check_room(adjustment)
    return _decide(adjustment, actor=actor, status=AdjustmentStatus.APPROVED, note=note)


@transaction.atomic
def adjustment_reject(*, actor, adjustment: Adjustment, note: str) -> Adjustment:
    adjustment = _locked(actor, adjustment)
    _require_pending(adjustment)
    if not note.strip():
        raise Invalid(_("Give the reason."), field="note")
    return _decide(adjustment, actor=actor, status=AdjustmentStatus.REJECTED, note=note)


def _locked(actor, adjustment: Adjustment) -> Adjustment:
    adjustment = (
        Adjustment.objects.select_for_update(of=("self",))
        .select_related("household__building__compound__community")
        .get(pk=adjustment.pk)
    )
    require_fees(actor, adjustment.household.building.compound)
    return adjustment


def _require_pending(adjustment: Adjustment) -> None:
    if adjustment.status != AdjustmentStatus.PENDING:
        raise Conflict(_("This adjustment has already been decided."), code="decided")


def _check_room(adjustment: Adjustment) -> None:
    """A bill cannot be reduced below zero, nor a prepayment refunded twice."""
    if adjustment.kind == AdjustmentKind.REFUND:
        payment = adjustment.payment
        if payment is None or payment.household_id != adjustment.household_id:
            raise Invalid(_("Name a payment of this household."), field="payment")
        refunded = Adjustment.objects.filter(payment=payment, status=AdjustmentStatus.APPROVED).exclude(
            pk=adjustment.pk
        ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        room = payment.credit - refunded
    else:
        bill = adjustment.bill
        if bill is None or bill.household_id != adjustment.household_id:
            raise Invalid(_("Name a bill of this household."), field="bill")
        bill = Bill.objects.select_for_update().get(pk=bill.pk)
        room = bill.amount - settled_on([bill.pk]).get(bill.pk, Decimal(0))
    if adjustment.amount > room:
        raise Invalid(_("At most %(room)s yuan can be adjusted here.") % {"room": room}, field="amount")


def _decide(adjustment: Adjustment, *, actor, status: str, note: str = "") -> Adjustment:
    adjustment.status, adjustment.decided_by, adjustment.decided_at = status, actor, timezone.now()
    adjustment.decision_note = note
    adjustment.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if status == AdjustmentStatus.APPROVED and adjustment.bill_id:
        bill = adjustment.bill
        owed = bill.amount - settled_on([bill.pk]).get(bill.pk, Decimal(0))
        bill.status = BillStatus.WAIVED if owed == 0 else BillStatus.PARTLY_PAID
        bill.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=f"adjustment.{status}",
        obj=adjustment,
        data={"kind": adjustment.kind, "amount": str(adjustment.amount), "note": note},
    )
    return adjustment


# --- reminders --------------------------------------------------------------------------


@transaction.atomic
def reminder_record(*, actor, household: Household, channel: str, outcome: str = "") -> Reminder:
    """Record a reminder; escalation is the step after settings.FEE_REMINDERS_BEFORE_ESCALATION of them."""
    require_fees(actor, household.building.compound)
    balances = open_balances(household.pk)
    owed = sum((due for bill, due in balances if bill.due_on < timezone.localdate()), Decimal(0))
    if owed <= 0:
        raise Conflict(_("Nothing is overdue for this household."), code="nothing_owed")
    if channel == ReminderChannel.ESCALATION:
        oldest = min(bill.period_start for bill, due in balances if due > 0)
        done = Reminder.objects.filter(household=household, at__date__gte=oldest).exclude(
            channel=ReminderChannel.ESCALATION
        )
        if done.count() < settings.FEE_REMINDERS_BEFORE_ESCALATION:
            raise Conflict(
                _("Escalate after %(n)s reminders since the debt began.")
                % {"n": settings.FEE_REMINDERS_BEFORE_ESCALATION},
                code="too_early",
                field="channel",
            )
    reminder = Reminder.objects.create(
        household=household, channel=channel, outcome=outcome, owed=owed, by=actor
    )
    audit_record(
        actor=actor,
        action="reminder.record",
        obj=reminder,
        data={"channel": channel, "owed": str(owed), "outcome": outcome},
    )
    return reminder
