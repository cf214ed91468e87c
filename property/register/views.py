"""The register's pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import can_manage_community
from core.errors import DomainError, add_to_form, constraint_refusal
from property.imports import runs
from property.models import Household
from property.register import permissions, selectors, services
from property.register.forms import HouseholdFactsForm, ManagementPlanForm, ResidentForm, UnitForm
from property.register.permissions import can_manage_household, phone_for_viewer


@login_required
def community_list(request):
    communities = permissions.communities_visible(request.user).annotate(compound_count=Count("compounds"))
    return render(request, "property/community_list.html", {"communities": communities})


@login_required
def community_detail(request, community_id: int):
    community = get_object_or_404(permissions.communities_visible(request.user), pk=community_id)
    compounds = (
        permissions.compounds_visible(request.user)
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
    compound = selectors.with_renovations(
        get_object_or_404(selectors.compounds_detailed(request.user), pk=compound_id)
    )
    buildings = compound.buildings.annotate(household_count=Count("households")).order_by("name")
    plans = list(compound.management_plans.all())
    context = {
        "compound": compound,
        "buildings": buildings,
        "plan": plans[0] if plans else None,
        "can_manage": can_manage_community(request.user, compound.community),
        "can_import": bool(runs.kinds_for(request.user, compound)),
    }
    return render(request, "property/compound_detail.html", context)


@login_required
def household_list(request, compound_id: int):
    compound = get_object_or_404(permissions.compounds_visible(request.user), pk=compound_id)
    households = permissions.households_visible(request.user).filter(building__compound=compound)
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
    household = get_object_or_404(permissions.households_visible(request.user), pk=household_id)
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
    household = get_object_or_404(permissions.households_visible(request.user), pk=household_id)
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
            services.resident_create(actor=request.user, household=household, confirm_new=someone_else, **d)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Resident %(name)s added.") % {"name": form.cleaned_data["name"]})
            return redirect("property:household", household_id=household.pk)
    return render(request, "property/resident_form.html", {"household": household, "form": form})


@login_required
def management_plan_new(request, compound_id: int):
    """后期管理方案: record the plan a renovated compound adopted and the mode it settles."""
    compound = get_object_or_404(permissions.compounds_visible(request.user), pk=compound_id)
    if not can_manage_community(request.user, compound.community):
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
    household = get_object_or_404(permissions.households_visible(request.user), pk=household_id)
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
    resident = get_object_or_404(permissions.residents_visible(request.user), pk=resident_id)
    residencies = sorted(resident.residencies.all(), key=lambda r: (r.ended_on is not None, r.started_on))
    communities = {r.household.building.compound.community for r in residencies}
    manageable = [c for c in communities if can_manage_community(request.user, c)]
    buildings = (
        permissions.buildings_visible(request.user)
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
    """The person offered is the one: register them in this unit too (no second record), with the
    phone typed on the form if the register had none for them."""
    household = get_object_or_404(permissions.households_visible(request.user), pk=household_id)
    resident = get_object_or_404(permissions.residents_visible(request.user), pk=resident_id)
    form = ResidentForm(request.POST)
    form.is_valid()  # only the relation, the start and the phone are read
    phone = form.cleaned_data.get("phone")
    try:
        with transaction.atomic():
            services.residency_start(
                actor=request.user,
                resident=resident,
                household=household,
                relation=form.cleaned_data.get("relation") or "owner",
                started_on=form.cleaned_data.get("started_on"),
            )
            if phone and not resident.phone:
                services.resident_update(
                    actor=request.user, resident=resident, household=household, changes={"phone": phone}
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
            {
                "changes": changes,
                "actor": event.actor.display_name if event.actor else None,
                "at": event.at,
                "import_id": event.data.get("import_id"),  # written by a ledger import
            }
        )
    return rows
