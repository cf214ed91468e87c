"""The fees' pages: a household's fees, receipts, collecting, reminders, arrears."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.idempotency import idempotent
from accounts.permissions import can_manage_fees
from core import periods, rates
from core.errors import DomainError, add_to_form
from property.fees import permissions, selectors, services
from property.fees.forms import PaymentForm, ReminderForm
from property.models import Bill, BillStatus
from property.register import permissions as register_permissions


@login_required
def household_fees(request, household_id: int):
    """A household's bills, what is owed, its receipts; collectors record a payment here."""
    household = get_object_or_404(register_permissions.households_visible(request.user), pk=household_id)
    can_collect = can_manage_fees(request.user, household.building.compound)
    form = PaymentForm(request.POST or None, initial={"key": uuid.uuid4().hex})
    if request.method == "POST":
        if not can_collect:
            return render(request, "403.html", status=403)
        if form.is_valid():
            data = form.cleaned_data
            payload = {
                "household": household.pk,
                **{k: data[k] for k in ("amount", "method", "prepay", "note")},
            }

            def write():
                fields = {k: v for k, v in payload.items() if k != "household"}
                payment = services.payment_record(actor=request.user, household=household, **fields)
                return 201, {"id": payment.pk}

            try:
                _status, body = idempotent(request, payload, write, key=data["key"])
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                return redirect("property:receipt", payment_id=body["id"])
    balances = selectors.open_balances(household.pk)
    owed = sum((due for _bill, due in balances), Decimal(0))
    today = timezone.localdate()
    if not form.is_bound:
        form.initial["amount"] = owed if owed > 0 else None
    context = {
        "household": household,
        "balances": balances,
        "owed": owed,
        "can_collect": can_collect,
        "form": form,
        "settled": permissions.bills_visible(request.user)
        .filter(household=household)
        .exclude(status__in=BillStatus.unsettled())
        .select_related("fee_item")
        .order_by("-period_start")[:24],
        "payments": permissions.payments_visible(request.user).filter(household=household)[:20],
        "reminder_form": ReminderForm(),
        "reminders": household.reminders.select_related("by")[:20],
        "standards": selectors.fee_standards(household.building.compound_id, today),
    }
    return render(request, "property/household_fees.html", context)


@login_required
def receipt(request, payment_id: int):
    payment = get_object_or_404(
        permissions.payments_visible(request.user).select_related("household__building__compound"),
        pk=payment_id,
    )
    allocations = payment.allocations.select_related("bill__fee_item").order_by("bill__period_start")
    return render(request, "property/receipt.html", {"payment": payment, "allocations": allocations})


@login_required
def collect(request):
    """The collector's start: pick a compound, type a unit, open the household."""
    compounds = [c for c in register_permissions.compounds_visible(request.user) if can_manage_fees(request.user, c)]
    compound_id = request.GET.get("compound", "")
    query = request.GET.get("q", "").strip()
    households = []
    if compound_id.isdigit() and query:
        households = (
            register_permissions.households_visible(request.user)
            .filter(building__compound_id=int(compound_id))
            .filter(
                Q(unit_label__icontains=query)
                | Q(
                    periods.in_force(timezone.localdate(), "residencies"),
                    residencies__resident__name__icontains=query,
                )
            )
            .distinct()
            .order_by("building__name", "unit_label")[:30]
        )
    context = {"compounds": compounds, "compound_id": compound_id, "query": query, "households": households}
    template = "property/_collect_rows.html" if request.htmx else "property/collect.html"
    return render(request, template, context)


@login_required
@require_POST
def reminder_add(request, household_id: int):
    household = get_object_or_404(register_permissions.households_visible(request.user), pk=household_id)
    if not can_manage_fees(request.user, household.building.compound):
        return render(request, "403.html", status=403)
    form = ReminderForm(request.POST)
    if form.is_valid():
        try:
            services.reminder_record(actor=request.user, household=household, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Reminder recorded."))
    else:
        messages.error(request, _("Choose how the household was reminded."))
    return redirect("property:household_fees", household_id=household.pk)


@login_required
def arrears_overview(request):
    """Arrears by compound for the staff of the communities in scope."""
    bills = permissions.bills_visible(request.user)
    rows = list(selectors.arrears(bills, timezone.localdate(), by="household__building__compound_id"))
    names = dict(
        register_permissions.compounds_visible(request.user)
        .filter(id__in=[r["household__building__compound_id"] for r in rows])
        .values_list("id", "name")
    )
    month = periods.last_full_month(timezone.localdate())
    collected = selectors.amounts_collected_by_compound(list(names), month)
    for row in rows:
        compound_id = row["household__building__compound_id"]
        row["compound_name"] = names.get(compound_id, "")
        paid, billed = collected.get(compound_id, (Decimal(0), Decimal(0)))
        row["rate"] = rates.percent_number(selectors.amount_rate(paid, billed))
    return render(request, "property/arrears_overview.html", {"rows": rows, "month": month})


@login_required
def compound_fees(request, compound_id: int):
    """The compound's collection and arrears totals: aggregates only, no household's data (共享)."""
    compound = get_object_or_404(register_permissions.compounds_visible(request.user), pk=compound_id)
    bills = Bill.objects.filter(household__building__compound=compound)
    today = timezone.localdate()
    months = [periods.add_months(periods.month_start(today), -n) for n in range(5, -1, -1)]
    by_month = []
    for m in months:
        rate = selectors.collection_rate(bills.filter(period_start=m))
        by_month.append(
            {
                "period": m,
                **rate,
                # rounded once from the exact parts, as every other page shows a rate (core.rates)
                "household_percent": rates.percent(rate["households_paid"], rate["households_billed"]),
                "amount_percent": rates.percent(rate["amount_paid"], rate["amount_billed"]),
            }
        )
    totals = list(selectors.arrears(bills, today, by="household__building__compound_id"))
    can_see_households = can_manage_fees(request.user, compound)
    context = {
        "compound": compound,
        "rates": by_month,
        "arrears": totals[0] if totals else None,
        "can_see_households": can_see_households,
        "households": selectors.arrears(bills, today)[:50] if can_see_households else [],
    }
    return render(request, "property/compound_fees.html", context)
