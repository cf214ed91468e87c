import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.idempotency import idempotent
from accounts.permissions import can_manage_fees
from core import periods, rates
from core.errors import DomainError, add_to_form, constraint_refusal
from property import billing, ledgers, selectors, services
from property.imports import runs
from property.forms import (
    HouseholdFactsForm,
    ImportForm,
    ManagementPlanForm,
    PaymentForm,
    ReminderForm,
    ResidentForm,
    UnitForm,
)
from property.models import Bill, BillStatus, Household, ImportStatus
from property.permissions import can_manage_household, can_manage_register, phone_for_viewer


@login_required
def community_list(request):
    communities = selectors.communities_visible(request.user).annotate(compound_count=Count("compounds"))
    return render(request, "property/community_list.html", {"communities": communities})


@login_required
def community_detail(request, community_id: int):
    community = get_object_or_404(selectors.communities_visible(request.user), pk=community_id)
    compounds = (
        selectors.compounds_visible(request.user)
        .filter(community=community)
        .annotate(household_count=Count("buildings__households"))
    )
    context = {
        "community": community,
        "compounds": compounds,
        "can_import": bool(runs.kinds_for(request.user, community)),
    }
    return render(request, "property/community_detail.html", context)


@login_required
def compound_detail(request, compound_id: int):
    compound = get_object_or_404(selectors.compounds_detailed(request.user), pk=compound_id)
    buildings = compound.buildings.annotate(household_count=Count("households")).order_by("name")
    plans = list(compound.management_plans.all())
    context = {
        "compound": compound,
        "buildings": buildings,
        "plan": plans[0] if plans else None,
        "can_manage": can_manage_register(request.user, compound.community),
        "can_import": bool(runs.kinds_for(request.user, compound)),
    }
    return render(request, "property/compound_detail.html", context)


@login_required
def household_list(request, compound_id: int):
    compound = get_object_or_404(selectors.compounds_visible(request.user), pk=compound_id)
    households = selectors.households_visible(request.user).filter(building__compound=compound)
    building_id = request.GET.get("building", "")
    if building_id.isdigit():
        households = households.filter(building_id=int(building_id))
    query = request.GET.get("q", "").strip()
    if query:
        households = households.filter(unit_label__icontains=query)
    page = Paginator(households.order_by("building__name", "unit_label"), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "compound": compound,
        "page": page,
        "query": query,
        "building_id": building_id,
        "buildings": compound.buildings.order_by("name"),
    }
    template = "property/_household_rows.html" if request.htmx else "property/household_list.html"
    return render(request, template, context)


@login_required
def household_detail(request, household_id: int):
    household = get_object_or_404(selectors.households_visible(request.user), pk=household_id)
    community = household.building.compound.community
    residencies = list(selectors.household_residencies(household))
    for residency in residencies:
        residency.phone_shown = phone_for_viewer(request.user, residency.resident, community)
    return render(
        request,
        "property/household_detail.html",
        {
            "household": household,
            "residencies": residencies,
            "can_manage": can_manage_household(request.user, household),
            "history": _history(household),
        },
    )


@login_required
def resident_add(request, household_id: int):
    household = get_object_or_404(selectors.households_visible(request.user), pk=household_id)
    if not can_manage_household(request.user, household):
        return render(request, "403.html", status=403)
    form = ResidentForm(request.POST or None)
    matches = []
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            digest = (
                services.id_number_digest(services.id_number_check(d["id_number"])) if d["id_number"] else ""
            )
        except DomainError as exc:
            add_to_form(form, exc)
            return render(request, "property/resident_form.html", {"household": household, "form": form})
        compound = household.building.compound
        matches = selectors.resident_matches(
            request.user, name=d["name"], phone=d["phone"], id_digest=digest, compound=compound
        )
        same_id = bool(digest) and bool(matches) and matches[0].id_number_digest == digest
        someone_else = bool(request.POST.get("someone_else"))
        if matches and (same_id or not someone_else):
            # Before a second record of one person: offer the one registered (same ID; or the same
            # name and phone, or the same name in the compound), or register someone else.
            for person in matches:
                person.phone_shown = phone_for_viewer(request.user, person, compound.community)
            context = {"household": household, "form": form, "matches": matches, "same_id": same_id}
            return render(request, "property/resident_form.html", context)
        try:
            services.resident_create(
                actor=request.user, household=household, confirm_new=someone_else, **d
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Resident %(name)s added.") % {"name": form.cleaned_data["name"]})
            return redirect("property:household", household_id=household.pk)
    return render(request, "property/resident_form.html", {"household": household, "form": form})


@login_required
def household_fees(request, household_id: int):
    """A household's bills, what is owed, its receipts; collectors record a payment here."""
    household = get_object_or_404(selectors.households_visible(request.user), pk=household_id)
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
                payment = billing.payment_record(actor=request.user, household=household, **fields)
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
        "settled": selectors.bills_visible(request.user)
        .filter(household=household)
        .exclude(status__in=BillStatus.unsettled())
        .select_related("fee_item")
        .order_by("-period_start")[:24],
        "payments": selectors.payments_visible(request.user).filter(household=household)[:20],
        "reminder_form": ReminderForm(),
        "reminders": household.reminders.select_related("by")[:20],
        "standards": selectors.fee_standards(household.building.compound_id, today),
    }
    return render(request, "property/household_fees.html", context)


@login_required
def receipt(request, payment_id: int):
    payment = get_object_or_404(
        selectors.payments_visible(request.user).select_related("household__building__compound"),
        pk=payment_id,
    )
    allocations = payment.allocations.select_related("bill__fee_item").order_by("bill__period_start")
    return render(request, "property/receipt.html", {"payment": payment, "allocations": allocations})


@login_required
def collect(request):
    """The collector's start: pick a compound, type a unit, open the household."""
    compounds = [c for c in selectors.compounds_visible(request.user) if can_manage_fees(request.user, c)]
    compound_id = request.GET.get("compound", "")
    query = request.GET.get("q", "").strip()
    households = []
    if compound_id.isdigit() and query:
        households = (
            selectors.households_visible(request.user)
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
    household = get_object_or_404(selectors.households_visible(request.user), pk=household_id)
    if not can_manage_fees(request.user, household.building.compound):
        return render(request, "403.html", status=403)
    form = ReminderForm(request.POST)
    if form.is_valid():
        try:
            billing.reminder_record(actor=request.user, household=household, **form.cleaned_data)
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
    bills = selectors.bills_visible(request.user)
    rows = list(selectors.arrears(bills, timezone.localdate(), by="household__building__compound_id"))
    names = dict(
        selectors.compounds_visible(request.user)
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
    compound = get_object_or_404(selectors.compounds_visible(request.user), pk=compound_id)
    bills = Bill.objects.filter(household__building__compound=compound)
    today = timezone.localdate()
    months = [periods.add_months(periods.month_start(today), -n) for n in range(5, -1, -1)]
    rates = [{"period": m, **selectors.collection_rate(bills.filter(period_start=m))} for m in months]
    totals = list(selectors.arrears(bills, today, by="household__building__compound_id"))
    can_see_households = can_manage_fees(request.user, compound)
    context = {
        "compound": compound,
        "rates": rates,
        "arrears": totals[0] if totals else None,
        "can_see_households": can_see_households,
        "households": selectors.arrears(bills, today)[:50] if can_see_households else [],
    }
    return render(request, "property/compound_fees.html", context)


@login_required
def management_plan_new(request, compound_id: int):
    """后期管理方案: record the plan a renovated compound adopted and the mode it settles."""
    compound = get_object_or_404(selectors.compounds_visible(request.user), pk=compound_id)
    if not can_manage_register(request.user, compound.community):
        return render(request, "403.html", status=403)
    form = ManagementPlanForm(request.POST or None, initial={"management_mode": compound.management_mode})
    if request.method == "POST" and form.is_valid():
        try:
            services.management_plan_adopt(actor=request.user, compound=compound, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The management plan is recorded."))
            return redirect("property:compound", compound_id=compound.pk)
    return render(request, "property/management_plan_form.html", {"compound": compound, "form": form})


@login_required
def household_edit(request, household_id: int):
    """Correct a unit: its area after a survey (with the source), vacant, unsold; kept as history."""
    household = get_object_or_404(selectors.households_visible(request.user), pk=household_id)
    if not can_manage_household(request.user, household):
        return render(request, "403.html", status=403)
    facts = ("building_area", "inner_area", "area_source", "is_vacant", "held_by_developer")
    form = HouseholdFactsForm(request.POST or None, initial={k: getattr(household, k) for k in facts})
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(actor=request.user, household=household, changes=form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        except IntegrityError as exc:  # the database's check, should the service's have missed it
            refused = constraint_refusal(exc)
            if refused is None:
                raise
            add_to_form(form, refused)
        else:
            messages.success(request, _("The unit is corrected; the change is kept in its history."))
            return redirect("property:household", household_id=household.pk)
    return render(request, "property/household_form.html", {"household": household, "form": form})


@login_required
def resident_detail(request, resident_id: int):
    """A person with every unit they are registered in; staff add another unit here."""
    resident = get_object_or_404(selectors.residents_visible(request.user), pk=resident_id)
    residencies = sorted(resident.residencies.all(), key=lambda r: (r.ended_on is not None, r.started_on))
    communities = {r.household.building.compound.community for r in residencies}
    manageable = [c for c in communities if can_manage_register(request.user, c)]
    buildings = (
        selectors.buildings_visible(request.user)
        .filter(compound__community__in=manageable)
        .order_by("compound__name", "name")
    )
    form = UnitForm(request.POST or None, buildings=buildings) if manageable else None
    if form is not None and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        household = Household.objects.filter(
            building=d["building"], unit_label=d["unit_label"].strip()
        ).first()
        if household is None:
            form.add_error("unit_label", _("No such unit in this building."))
        else:
            try:
                services.residency_start(
                    actor=request.user,
                    resident=resident,
                    household=household,
                    relation=d["relation"],
                    started_on=d["started_on"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered in %(unit)s.") % {"name": resident.name, "unit": household},
                )
                return redirect("property:resident", resident_id=resident.pk)
    context = {
        "resident": resident,
        "residencies": residencies,
        "phone": phone_for_viewer(request.user, resident),
        "form": form,
    }
    return render(request, "property/resident_detail.html", context)


@login_required
@require_POST
def resident_here(request, household_id: int, resident_id: int):
    """The person offered is the one: register them in this unit too (no second record)."""
    household = get_object_or_404(selectors.households_visible(request.user), pk=household_id)
    resident = get_object_or_404(selectors.residents_visible(request.user), pk=resident_id)
    form = ResidentForm(request.POST)
    form.is_valid()  # only the relation and the start are read
    try:
        services.residency_start(
            actor=request.user,
            resident=resident,
            household=household,
            relation=form.cleaned_data.get("relation") or "owner",
            started_on=form.cleaned_data.get("started_on"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s is registered in %(unit)s.") % {"name": resident.name, "unit": household}
        )
    return redirect("property:household", household_id=household.pk)


def _history(household) -> list[dict]:
    """The unit's corrections as a person reads them: each field's name, before and after."""
    rows = []
    for event in selectors.household_history(household):
        before, after = event.data.get("before", {}), event.data.get("after", {})
        changes = [(Household._meta.get_field(k).verbose_name, before.get(k), v) for k, v in after.items()]
        rows.append(
            {"changes": changes, "actor": event.actor.display_name if event.actor else None, "at": event.at}
        )
    return rows


@login_required
def import_new(request, compound_id: int | None = None, community_id: int | None = None):
    """Bring in an Excel ledger (a compound's households or opening arrears, a community's
    volunteers): it is checked first, and nothing is written until every row is good and the worker
    says to import it."""
    if compound_id is not None:
        place = get_object_or_404(selectors.compounds_visible(request.user), pk=compound_id)
    else:
        place = get_object_or_404(selectors.communities_visible(request.user), pk=community_id)
    kinds = runs.kinds_for(request.user, place)
    if not kinds:
        return render(request, "403.html", status=403)
    form = ImportForm(request.POST or None, request.FILES or None, kinds=kinds)
    scope = {"compound": place} if compound_id is not None else {"community": place}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = runs.import_request(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=upload.read(settings.IMPORT_MAX_BYTES + 1),
                dry_run=True,
                **scope,
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            return redirect("property:import", import_id=record.pk)
    recent = selectors.imports_visible(request.user).filter(**scope)
    if compound_id is None:
        recent = recent.filter(compound__isnull=True)
    context = {
        "place": place,
        "place_url": _place_url(place),
        "action": _import_url(place),
        "form": form,
        "recent": recent[:5],
        "kinds": form.fields["kind"].choices,
    }
    return render(request, "property/import_new.html", context)


def _import_url(place) -> str:
    if place._meta.model_name == "community":
        return reverse("property:community_import", args=[place.pk])
    return reverse("property:import_new", args=[place.pk])


def _place_url(place) -> str:
    name = "property:community" if place._meta.model_name == "community" else "property:compound"
    return reverse(name, args=[place.pk])


@login_required
def import_detail(request, import_id: int):
    record = get_object_or_404(selectors.imports_visible(request.user), pk=import_id)
    place = record.compound or record.community
    running = record.status in (ImportStatus.PENDING, ImportStatus.CHECKING, ImportStatus.WRITING)
    kinds = runs.kinds_for(request.user, place)
    context = {
        "record": record,
        "place": place,
        "place_url": _place_url(place),
        "action": _import_url(place),
        "running": running,
        "written": runs.written_rows(record),
        "form": ImportForm(initial={"kind": record.kind}, kinds=kinds) if kinds else None,
    }
    return render(request, "property/import_detail.html", context)


@login_required
@require_POST
def import_run(request, import_id: int):
    """Write a checked file: the same file, checked again and written in one transaction."""
    record = get_object_or_404(selectors.imports_visible(request.user), pk=import_id)
    if record.status != ImportStatus.CHECKED:
        messages.error(request, _("Only a file whose every row is good can be imported."))
        return redirect("property:import", import_id=record.pk)
    if record.redacted_at is not None:
        messages.error(request, _("The file is no longer kept with its ID numbers: send it again."))
        return (
            redirect("property:import_new", compound_id=record.compound_id)
            if record.compound_id
            else redirect("property:community_import", community_id=record.community_id)
        )
    try:
        again = runs.import_request(
            actor=request.user,
            kind=record.kind,
            compound=record.compound,
            community=record.community,
            file_name=record.file_name,
            data=bytes(record.data),
            dry_run=False,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("property:import", import_id=record.pk)
    return redirect("property:import", import_id=again.pk)


@login_required
def import_marked(request, import_id: int):
    """The file as it came, with a column 错误 giving each bad row its reasons."""
    record = get_object_or_404(selectors.imports_visible(request.user), pk=import_id)
    return ledgers.marked_response(record)
