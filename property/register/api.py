"""The register's API (mounted under /property/ with the fees' and the imports' routers)."""

from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import FilterLookup, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from core.errors import Invalid, visible_or_invalid
from core.openapi import errors
from property import ledgers
from property.ledgers import LedgerFilter
from property.models import Household, Residency
from property.register import permissions, selectors, services
from property.register.ledgers import household_columns, household_rows
from property.register.permissions import phone_for_viewer
from property.register.schemas import (
    BuildingIn,
    BuildingOut,
    CommunityIn,
    CommunityOut,
    CompoundDetailOut,
    CompoundIn,
    CompoundOut,
    CompoundPatch,
    HouseholdDetailOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPatch,
    ManagementPlanIn,
    ManagementPlanOut,
    ResidencyEndIn,
    ResidencyIn,
    ResidencyOut,
    ResidentIn,
    ResidentOut,
)

router = Router(tags=["property"])
LIST_ERRORS = errors(401, 422)
WRITE_ERRORS = errors(401, 403, 409, 422)


class CompoundFilter(FilterSchema):
    community: Annotated[int | None, FilterLookup("community_id")] = None


class BuildingFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("compound_id")] = None


class HouseholdFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("building__compound_id")] = None
    building: Annotated[int | None, FilterLookup("building_id")] = None


class ResidentFilter(Schema):
    household: int | None = None


@router.get("/communities", response={200: list[CommunityOut], **LIST_ERRORS})
@paginate
def community_list(request):
    return permissions.communities_visible(request.user).order_by("id")


@router.post("/communities", response={201: CommunityOut, **WRITE_ERRORS})
def community_create(request, payload: CommunityIn):
    subdistrict = visible_or_invalid(
        permissions.subdistricts_visible(request.user), payload.subdistrict, "subdistrict", _("subdistrict")
    )
    data = payload.dict(exclude={"subdistrict"})
    return Status(201, services.community_create(actor=request.user, subdistrict=subdistrict, **data))


@router.get("/compounds", response={200: list[CompoundOut], **LIST_ERRORS})
@paginate
def compound_list(request, filters: Query[CompoundFilter]):
    return filters.filter(permissions.compounds_visible(request.user)).order_by("id")


@router.post("/compounds", response={201: CompoundOut, **WRITE_ERRORS})
def compound_create(request, payload: CompoundIn):
    community = visible_or_invalid(
        permissions.communities_visible(request.user), payload.community, "community", _("community")
    )
    data = payload.dict(exclude={"community"})
    return Status(201, services.compound_create(actor=request.user, community=community, **data))


@router.get("/compounds/{compound_id}", response={200: CompoundDetailOut, **errors(401, 404, 422)})
def compound_detail(request, compound_id: int):
    return selectors.with_renovations(
        get_object_or_404(selectors.compounds_detailed(request.user), pk=compound_id)
    )


@router.patch(
    "/compounds/{compound_id}", response={200: CompoundDetailOut, **errors(401, 403, 404, 409, 422)}
)
def compound_update(request, compound_id: int, payload: CompoundPatch):
    compound = get_object_or_404(permissions.compounds_visible(request.user), pk=compound_id)
    changes = payload.dict(exclude_unset=True)
    for name in ("name", "is_old", "management_mode", "address"):
        if name in changes and changes[name] is None:
            raise Invalid(_("This field cannot be empty."), field=name)
    services.compound_update(actor=request.user, compound=compound, changes=changes)
    return selectors.with_renovations(selectors.compounds_detailed(request.user).get(pk=compound_id))


@router.post(
    "/compounds/{compound_id}/management-plans",
    response={201: ManagementPlanOut, **errors(401, 403, 404, 409, 422)},
)
def management_plan_adopt(request, compound_id: int, payload: ManagementPlanIn):
    """后期管理方案: record the plan the compound adopted (the latest adopted is in force)."""
    compound = get_object_or_404(permissions.compounds_visible(request.user), pk=compound_id)
    plan = services.management_plan_adopt(actor=request.user, compound=compound, **payload.dict())
    return Status(201, plan)


@router.get("/buildings", response={200: list[BuildingOut], **LIST_ERRORS})
@paginate
def building_list(request, filters: Query[BuildingFilter]):
    return filters.filter(permissions.buildings_visible(request.user)).order_by("id")


@router.post("/buildings", response={201: BuildingOut, **WRITE_ERRORS})
def building_create(request, payload: BuildingIn):
    compound = visible_or_invalid(
        permissions.compounds_visible(request.user), payload.compound, "compound", _("compound")
    )
    return Status(
        201,
        services.building_create(actor=request.user, compound=compound, **payload.dict(exclude={"compound"})),
    )


@router.get("/households", response={200: list[HouseholdOut], **LIST_ERRORS})
@paginate
def household_list(request, filters: Query[HouseholdFilter]):
    qs = filters.filter(permissions.households_visible(request.user))
    return selectors.household_rows(qs.order_by("building_id", "unit_label"))


@router.post("/households", response={201: HouseholdOut, **WRITE_ERRORS})
def household_create(request, payload: HouseholdIn):
    building = visible_or_invalid(
        permissions.buildings_visible(request.user), payload.building, "building", _("building")
    )
    data = payload.dict(exclude={"building"})
    household = services.household_create(actor=request.user, building=building, **data)
    return Status(201, selectors.household_rows(Household.objects.filter(pk=household.pk)).get())


@router.patch("/households/{household_id}", response={200: HouseholdOut, **errors(401, 403, 404, 409, 422)})
def household_update(request, household_id: int, payload: HouseholdPatch):
    """Correct a unit: its area with the source, unsold (held by the developer) or not; kept as history."""
    household = get_object_or_404(permissions.households_visible(request.user), pk=household_id)
    changes = payload.dict(exclude_unset=True)
    for name in ("area_source", "is_vacant", "held_by_developer"):
        if name in changes and changes[name] is None:
            raise Invalid(_("This field cannot be empty."), field=name)
    services.household_update(actor=request.user, household=household, changes=changes)
    return selectors.household_rows(Household.objects.filter(pk=household.pk)).get()


@router.get("/households/{household_id}", response={200: HouseholdDetailOut, **errors(401, 404, 422)})
def household_detail(request, household_id: int):
    household = get_object_or_404(permissions.households_visible(request.user), pk=household_id)
    community = household.building.compound.community
    row = (
        selectors.household_rows(Household.objects.filter(pk=household.pk))
        .values(*selectors.HOUSEHOLD_ROW, "building__compound__name")
        .get()
    )
    row["residents"] = [
        {
            "residency": r.id,
            "resident": r.resident_id,
            "name": r.resident.name,
            "phone": phone_for_viewer(request.user, r.resident, community),
            "relation": r.relation,
            "started_on": r.started_on,
            "ended_on": r.ended_on,
            "is_party_member": r.resident.is_party_member,
        }
        for r in selectors.household_residencies(household)
    ]
    return row


@router.get("/residents", response={200: list[ResidentOut], **LIST_ERRORS})
@paginate
def resident_list(request, filters: Query[ResidentFilter]):
    qs = permissions.residents_visible(request.user)
    if filters.household is not None:
        qs = qs.filter(id__in=Residency.objects.filter(household_id=filters.household).values("resident_id"))
    return qs.order_by("id")


@router.post("/residents", response={201: ResidentOut, **WRITE_ERRORS})
def resident_create(request, payload: ResidentIn):
    """Register a resident in a household (owner, family member or tenant) from a date."""
    household = visible_or_invalid(
        permissions.households_visible(request.user), payload.household, "household", _("household")
    )
    resident = services.resident_create(
        actor=request.user, **payload.dict(exclude={"household"}), household=household
    )
    return Status(201, permissions.residents_visible(request.user).get(pk=resident.pk))


@router.post("/residencies", response={201: ResidencyOut, **errors(401, 403, 404, 409, 422)})
def residency_create(request, payload: ResidencyIn):
    """A registered person gets another unit (owner, family member or tenant) from a date: an owner
    of several units is one person, and a unit may have several owners."""
    resident = visible_or_invalid(
        permissions.residents_visible(request.user), payload.resident, "resident", _("resident")
    )
    household = visible_or_invalid(
        permissions.households_visible(request.user), payload.household, "household", _("household")
    )
    residency = services.residency_start(
        actor=request.user,
        resident=resident,
        household=household,
        relation=payload.relation,
        started_on=payload.started_on,
    )
    return Status(201, residency)


@router.post(
    "/residencies/{residency_id}/end", response={200: ResidencyOut, **errors(401, 403, 404, 409, 422)}
)
def residency_end(request, residency_id: int, payload: ResidencyEndIn):
    """End a resident's relation to a household (moved out, sold); the record stays as history."""
    residency = get_object_or_404(
        Residency.objects.filter(household__in=permissions.households_visible(request.user)), pk=residency_id
    )
    return services.residency_end(actor=request.user, residency=residency, ended_on=payload.ended_on)


@router.get("/ledgers/households", response={**LIST_ERRORS}, openapi_extra={"responses": ledgers.RESPONSES})
def ledger_households(request, filters: Query[LedgerFilter]):
    """Households with their people (房屋与居民台账), in the import's own columns: edit and import back."""
    households = permissions.households_visible(request.user)
    if filters.compound is not None:
        households = households.filter(building__compound_id=filters.compound)
    if filters.community is not None:
        households = households.filter(building__compound__community_id=filters.community)
    return ledgers.ledger_response(
        filters.format,
        "households",
        household_columns(),
        household_rows(households, request.user),
    )
