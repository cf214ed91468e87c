from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from config.errors import DomainError
from property import selectors, services
from property.forms import ResidentForm
from property.permissions import can_manage_household, phone_for_viewer


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
    return render(request, "property/community_detail.html", {"community": community, "compounds": compounds})


@login_required
def compound_detail(request, compound_id: int):
    compound = get_object_or_404(selectors.compounds_detailed(request.user), pk=compound_id)
    buildings = compound.buildings.annotate(household_count=Count("households")).order_by("name")
    plans = list(compound.management_plans.all())
    return render(
        request,
        "property/compound_detail.html",
        {"compound": compound, "buildings": buildings, "plan": plans[0] if plans else None},
    )


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
        },
    )


@login_required
def resident_add(request, household_id: int):
    household = get_object_or_404(selectors.households_visible(request.user), pk=household_id)
    if not can_manage_household(request.user, household):
        return render(request, "403.html", status=403)
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_create(actor=request.user, household=household, **form.cleaned_data)
        except DomainError as exc:
            for field, errs in exc.fields.items():
                for err in errs:
                    form.add_error(field if field in form.fields else None, err)
        else:
            messages.success(request, _("Resident %(name)s added.") % {"name": form.cleaned_data["name"]})
            return redirect("property:household", household_id=household.pk)
    return render(request, "property/resident_form.html", {"household": household, "form": form})
