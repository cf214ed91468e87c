from typing import Annotated

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, FilterLookup, FilterSchema, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from core.errors import Invalid, visible_or_invalid
from core.openapi import ConditionsOut, errors
from grid.models import Unit
from property.models import Building, Compound
from property.register.permissions import communities_visible, compounds_visible
from renovation import selectors, services
from renovation.models import Acceptance, SiteFinding
from renovation.permissions import (
    findings_visible,
    inspections_visible,
    projects_visible,
    works_notices_visible,
)
from renovation.schemas import (
    AcceptanceIn,
    AcceptanceOut,
    AdvanceIn,
    BlacklistOut,
    CatalogueItemIn,
    CatalogueItemOut,
    ContractIn,
    PlanIn,
    ProgressIn,
    ProgressOut,
    ProjectContractOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    PublicRenovationOut,
    SiteFindingIn,
    SiteFindingOut,
    SiteInspectionIn,
    SiteInspectionOut,
    WorksNoticeIn,
    WorksNoticeOut,
)

router = Router(tags=["renovation"])
LIST_ERRORS = errors(401, 422)
READ_ERRORS = errors(401, 404, 422)
WRITE_ERRORS = errors(401, 403, 404, 409, 422)
STEP_ERRORS = {**WRITE_ERRORS, 409: ConditionsOut}


# --- the catalogue --------------------------------------------------------------------------------


@router.get("/catalogue", response={200: list[CatalogueItemOut], **LIST_ERRORS})
def catalogue_list(request, community: int | None = None):
    """The report's catalogue (18 + 11 + 9 items), and the items the community added."""
    if community is not None:
        community = visible_or_invalid(communities_visible(request.user), community, "community").pk
    return list(selectors.catalogue_for(community))


@router.post("/catalogue", response={201: CatalogueItemOut, **WRITE_ERRORS})
def catalogue_item_add(request, payload: CatalogueItemIn):
    community = visible_or_invalid(communities_visible(request.user), payload.community, "community")
    item = services.catalogue_item_add(
        actor=request.user, community=community, name=payload.name, group=payload.group, tier=payload.tier
    )
    return Status(201, item)


# --- projects -------------------------------------------------------------------------------------


class ProjectFilter(FilterSchema):
    compound: Annotated[int | None, FilterLookup("compounds__id")] = None
    community: Annotated[int | None, FilterLookup("community_id")] = None
    stage: str | None = None


def _detailed(request, project_id: int):
    return get_object_or_404(
        selectors.projects_detailed(projects_visible(request.user)), pk=project_id
    )


@router.get("/projects", response={200: list[ProjectOut], **LIST_ERRORS})
@paginate
def project_list(request, filters: Query[ProjectFilter]):
    # 4 queries with the page's count: projects, their compounds, items and funding.
    return filters.filter(projects_visible(request.user)).prefetch_related(
        "compounds", "items", "funding"
    )


@router.post("/projects", response={201: ProjectDetailOut, **WRITE_ERRORS})
def project_create(request, payload: ProjectIn):
    """A project of one compound or several of one community, at the planned stage."""
    visible = compounds_visible(request.user)
    compounds = [visible_or_invalid(visible, pk, "compounds") for pk in payload.compounds]
    project = services.project_create(
        actor=request.user, name=payload.name, compounds=compounds, year=payload.year, batch=payload.batch
    )
    return Status(201, _detailed(request, project.pk))


@router.get("/projects/{project_id}", response={200: ProjectDetailOut, **READ_ERRORS})
def project_detail(request, project_id: int):
    return _detailed(request, project_id)


@router.patch("/projects/{project_id}", response={200: ProjectDetailOut, **WRITE_ERRORS})
def project_update(request, project_id: int, payload: ProjectPatch):
    """Name, year, batch, planned stage dates, items with budgets, funding by source."""
    project = get_object_or_404(projects_visible(request.user), pk=project_id)
    services.project_update(
        actor=request.user,
        project=project,
        name=payload.name,
        year=payload.year,
        batch=payload.batch,
        planned=payload.planned,
        items=None if payload.items is None else [(i.item, i.budget) for i in payload.items],
        funding=None
        if payload.funding is None
        else [(f.source, f.planned, f.received) for f in payload.funding],
    )
    return _detailed(request, project_id)


@router.post("/projects/{project_id}/advance", response={200: ProjectDetailOut, **STEP_ERRORS})
def project_advance(request, project_id: int, payload: AdvanceIn):
    """To the stage named, the next one; 409 `stage` when the project is not at the stage before it (a
    second tap), 409 with `missing` (what is lacking and who must act) when its conditions are not met."""
    project = get_object_or_404(projects_visible(request.user), pk=project_id)
    services.project_advance(actor=request.user, project=project, to=payload.to)
    return _detailed(request, project_id)


@router.post("/projects/{project_id}/plan", response={200: ProjectDetailOut, **STEP_ERRORS})
def plan_adopt(request, project_id: int, payload: PlanIn):
    """The plan (一院一策) as adopted by an owners' vote or the consultation linked to the project."""
    project = get_object_or_404(projects_visible(request.user), pk=project_id)
    services.plan_adopt(actor=request.user, project=project, **payload.dict())
    return _detailed(request, project_id)


@router.post("/projects/{project_id}/contracts", response={201: ProjectContractOut, **WRITE_ERRORS})
def contract_create(request, project_id: int, payload: ContractIn):
    project = get_object_or_404(projects_visible(request.user), pk=project_id)
    unit = None if payload.unit is None else visible_or_invalid(Unit.objects.all(), payload.unit, "unit")
    contract = services.contract_create(
        actor=request.user, project=project, unit=unit, **payload.dict(exclude={"unit"})
    )
    return Status(201, contract)


@router.post("/projects/{project_id}/progress", response={201: ProgressOut, **WRITE_ERRORS})
def progress_record(
    request, project_id: int, payload: Form[ProgressIn], photos: File[list[UploadedFile]] = None
):
    """multipart/form-data: item (a project item), percent (0-100), note and photos (JPEG, PNG or WebP)."""
    project = get_object_or_404(projects_visible(request.user), pk=project_id)
    entry = services.progress_record(
        actor=request.user, project=project, photos=photos or [], **payload.dict()
    )
    return Status(201, entry)


# --- site inspections and acceptance ---------------------------------------------------------------


def _inspection(request, inspection_id: int):
    return get_object_or_404(
        inspections_visible(request.user).prefetch_related(
            Prefetch(
                "findings",
                queryset=findings_visible(request.user).order_by("id"),
            )
        ),
        pk=inspection_id,
    )


@router.post("/projects/{project_id}/inspections", response={201: SiteInspectionOut, **WRITE_ERRORS})
def site_inspection_record(request, project_id: int, payload: SiteInspectionIn):
    """A round of the site in one of the project's compounds (by the supervisor or the community's
    worker); each finding becomes a grid incident dispatched to the contract's unit with a deadline.
    During acceptance the findings are the punch list."""
    project = get_object_or_404(projects_visible(request.user), pk=project_id)
    inspection = services.site_inspection_record(
        actor=request.user,
        project=project,
        compound=payload.compound,
        note=payload.note,
        findings=[f.dict() for f in payload.findings],
    )
    return Status(201, _inspection(request, inspection.pk))


@router.get("/inspections/{inspection_id}", response={200: SiteInspectionOut, **READ_ERRORS})
def site_inspection_read(request, inspection_id: int):
    return _inspection(request, inspection_id)


@router.post("/inspections/{inspection_id}/findings", response={201: SiteFindingOut, **WRITE_ERRORS})
def site_finding_add(
    request, inspection_id: int, payload: Form[SiteFindingIn], photo: File[UploadedFile] = None
):
    """multipart/form-data: one more finding of the inspection, with a photo (JPEG, PNG or WebP)."""
    inspection = _inspection(request, inspection_id)
    finding = services.site_finding_add(
        actor=request.user, inspection=inspection, photo=photo, **payload.dict()
    )
    return Status(
        201, SiteFinding.objects.select_related("incident__unit", "incident__category").get(pk=finding.pk)
    )


@router.post("/projects/{project_id}/acceptance", response={201: AcceptanceOut, **WRITE_ERRORS})
def acceptance_record(request, project_id: int, payload: AcceptanceIn):
    """The acceptance held with the residents' representatives, and its punch list (each defect an
    incident with the day it is put right by). Hand-over waits until the punch list is closed."""
    project = get_object_or_404(projects_visible(request.user), pk=project_id)
    services.acceptance_record(
        actor=request.user,
        project=project,
        held_on=payload.held_on,
        representatives=payload.representatives,
        note=payload.note,
        punch_list=[f.dict() for f in payload.punch_list],
    )
    return Status(201, Acceptance.objects.select_related("project").get(project=project))


@router.get("/projects/{project_id}/acceptance", response={200: AcceptanceOut, **READ_ERRORS})
def acceptance_read(request, project_id: int):
    """For the project's staff and units: residents read the acceptance's day on the public page, not
    who represented them or the defect list."""
    project = get_object_or_404(selectors.projects_served(request.user), pk=project_id)
    return get_object_or_404(Acceptance.objects.select_related("project"), project=project)


# --- works notices --------------------------------------------------------------------------------


class WorksFilter(FilterSchema):
    project: Annotated[int | None, FilterLookup("project_id")] = None
    compound: Annotated[int | None, FilterLookup("compound_id")] = None


@router.get("/works-notices", response={200: list[WorksNoticeOut], **LIST_ERRORS})
@paginate
def works_notice_list(request, filters: Query[WorksFilter]):
    # the page of notices and their buildings (with the count when the page is full)
    return filters.filter(works_notices_visible(request.user)).order_by("-starts_at", "-id")


@router.post("/works-notices", response={201: WorksNoticeOut, **WRITE_ERRORS})
def works_notice_publish(request, payload: WorksNoticeIn):
    """An outage or works for given buildings; everyone living in them is sent it."""
    project = visible_or_invalid(projects_visible(request.user), payload.project, "project")
    compound = visible_or_invalid(project.compounds.all(), payload.compound, "compound")
    buildings = list(Building.objects.filter(pk__in=payload.buildings))  # the service checks where they are
    if len(buildings) != len(set(payload.buildings)):
        raise Invalid(_("No such building."), field="buildings")
    notice = services.works_notice_publish(
        actor=request.user,
        project=project,
        compound=compound,
        buildings=buildings,
        **payload.dict(exclude={"project", "compound", "buildings"}),
    )
    return Status(201, works_notices_visible(request.user).get(pk=notice.pk))


# --- the public view (no sign-in) -----------------------------------------------------------------


@router.get(
    "/public/compounds/{compound_id}", auth=None, response={200: PublicRenovationOut, **errors(404, 422)}
)
def public_compound(request, compound_id: int):
    """The compound's projects as published: stage, items and progress, money, units, upcoming works."""
    compound = get_object_or_404(Compound, pk=compound_id)
    return {
        "compound": compound.pk,
        "projects": selectors.public_projects(compound.pk),
        "works": list(selectors.upcoming_works(compound.pk)),
    }


@router.get("/public/blacklist", auth=None, response={200: list[BlacklistOut], **errors(422)})
def blacklist(request):
    """The published blacklist (黑名单) of slow responsible units, and those that came off in the last
    half year."""
    return list(selectors.blacklist_published(timezone.localdate()))
