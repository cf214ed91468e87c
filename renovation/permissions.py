"""Who may do what to a renovation project, checked on the object."""

from django.db.models import F, Q

from accounts.permissions import can_manage_community, staff_scope
from property.models import Household
from property.register.permissions import own_households
from renovation.models import ContractRole, Project, SiteFinding, SiteInspection, WorksNotice


def can_run_project(user, project) -> bool:
    """Create, plan, contract and advance a project: the community's workers and the subdistrict's officers."""
    return can_manage_community(user, project.community)


def progress_items(user, project, contracts=None) -> set[int] | None:
    """The project's items the user may record progress on: None for all of them (the community's
    workers, the supervision company's contact), a contract's items for another unit's contact."""
    if not user.is_authenticated:
        return set()
    if can_run_project(user, project):
        return None
    contracts = contracts if contracts is not None else project.contracts.prefetch_related("items")
    mine = [c for c in contracts if c.contact_user_id == user.pk]
    if any(c.role == ContractRole.SUPERVISION for c in mine):
        return None
    return {item.pk for c in mine for item in c.items.all()}


def is_supervisor(user, project) -> bool:
    """The contact of the project's supervision company."""
    return (
        user.is_authenticated
        and project.contracts.filter(contact_user=user, role=ContractRole.SUPERVISION).exists()
    )


def can_inspect_site(user, project) -> bool:
    """Inspect the site and send what is found to the responsible unit: the supervisor, the community's
    workers and the subdistrict's officers."""
    return can_run_project(user, project) or is_supervisor(user, project)


def incident_delegation(user) -> dict:
    """For grid's loop: a works contract's contact acts as its unit's staff on the site findings under
    that contract (while the finding is still with that unit); the supervisor runs its project's
    findings. Which steps each may take is grid's DELEGATED_STEPS: putting a defect right and checking
    it, not routing it."""
    return {
        "unit": Q(
            site_finding__contract__contact_user_id=user.pk, unit_id=F("site_finding__contract__unit_id")
        ),
        "runner": Q(
            site_finding__project__contracts__contact_user_id=user.pk,
            site_finding__project__contracts__role=ContractRole.SUPERVISION,
        ),
    }


def can_publish_works(user, project) -> bool:
    """Works notices: the community's workers and the contacts of the project's units."""
    return can_run_project(user, project) or (
        user.is_authenticated and project.contracts.filter(contact_user=user).exists()
    )


# --- read scopes: the rows the user sees, for every list, page and lookup ------------------------------


def projects_visible(user):
    """Projects of the user's community or subdistrict posts, those the user holds a contract's contact
    account on, and those of the compounds the user lives in (to read)."""
    if not user.is_authenticated:
        return Project.objects.none()
    homes = own_households(user)
    q = staff_scope(user, "community") | Q(contracts__contact_user=user)
    if homes:
        compounds = Household.objects.filter(id__in=homes).values("building__compound_id")
        q |= Q(compounds__in=compounds)
    ids = Project.objects.filter(q).values("id")
    return Project.objects.filter(id__in=ids).select_related("community")


def _overseen(user):
    """Ids of the projects whose whole site the user oversees: as staff, or as the supervisor."""
    return Project.objects.filter(
        staff_scope(user, "community")
        | Q(contracts__contact_user=user, contracts__role=ContractRole.SUPERVISION)
    ).values("id")


def findings_visible(user):
    """Site findings the user sees: all of a project's for its staff and its supervisor; a unit's
    contact sees those under the unit's own contracts while they are with the unit (as grid's
    incidents_visible does), not other units' defects. With the incident's unit and category, as
    every list of them shows."""
    if not user.is_authenticated:
        return SiteFinding.objects.none()
    own = Q(contract__contact_user=user, incident__unit_id=F("contract__unit_id"))
    return SiteFinding.objects.filter(Q(project__in=_overseen(user)) | own).select_related(
        "incident__unit", "incident__category"
    )


def inspections_visible(user):
    """Site inspections of the projects the user sees as staff or supervisor, and those that found a
    defect under the user's own contract."""
    if not user.is_authenticated:
        return SiteInspection.objects.none()
    ids = findings_visible(user).filter(inspection__isnull=False).values("inspection_id")
    return SiteInspection.objects.filter(Q(project__in=_overseen(user)) | Q(id__in=ids))


def works_notices_visible(user):
    """Works notices of the projects the user may see."""
    return WorksNotice.objects.filter(project__in=projects_visible(user)).prefetch_related("buildings")
