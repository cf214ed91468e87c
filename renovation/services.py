"""Every write to a renovation project, each checking who may and what the stage allows."""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Notification
from accounts.notify import notify
from accounts.permissions import can_manage_community
from accounts.services import audit_record
from core import bounds, periods
from core.errors import Conflict, Forbidden, Invalid, validate_model
from core.files import photo_checked
from core.locks import retried
from core.periods import day_start
from grid.models import Category, Grid, Unit, UnitKind
from grid.selectors import grids_covering
from grid.services import incident_raise_dispatched
from property.models import Building, Community, Compound
from property.register.permissions import current_residencies
from renovation import conditions, defaults
from renovation.models import (
    STAGES,
    Acceptance,
    BlacklistEntry,
    CatalogueItem,
    Contract,
    ContractRole,
    Funding,
    FundingSource,
    PlanBasis,
    ProgressEntry,
    ProgressPhoto,
    Project,
    ProjectItem,
    SiteFinding,
    SiteInspection,
    Stage,
    StageDate,
    WorksNotice,
)
from renovation.permissions import can_inspect_site, can_publish_works, can_run_project, progress_items
from renovation.selectors import blacklisted, catalogue_for, unit_figures

FEN = Decimal("0.01")
# The kind of unit each role of contract is given to.
UNIT_KIND = {
    ContractRole.DESIGN: UnitKind.DESIGN,
    ContractRole.CONSTRUCTION: UnitKind.CONSTRUCTION,
    ContractRole.SUPERVISION: UnitKind.SUPERVISION,
    ContractRole.UTILITY: UnitKind.UTILITY,
}


class StageRefused(Conflict):
    """A step the project's stage or conditions refuse; `missing` lists what it lacks."""

    code = "stage_conditions"

    def __init__(self, message, missing):
        super().__init__(message, extra={"missing": [m.as_dict() for m in missing]})
        self.missing = missing


def _require_run(actor, project: Project) -> None:
    if not can_run_project(actor, project):
        raise Forbidden(_("Only the community's workers and the subdistrict's officers run a project."))


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related("community").get(pk=project.pk)


def _before(stage: str, limit: Stage) -> bool:
    return STAGES.index(stage) < STAGES.index(limit)


# --- the catalogue --------------------------------------------------------------------------------


@transaction.atomic
def catalogue_item_add(*, actor, community: Community, name: str, group: str, tier: str) -> CatalogueItem:
    """A community's own item of content, beside the report's catalogue."""
    if not can_manage_community(actor, community):
        raise Forbidden(_("Only the community's workers add to its catalogue."))
    if catalogue_for(community.pk).filter(name=name.strip()).exists():
        raise Conflict(_("The catalogue already has this item."), code="duplicate", field="name")
    item = CatalogueItem(
        code=f"c{community.pk}-{uuid.uuid4().hex[:10]}",
        name=name.strip(),
        group=group,
        tier=tier,
        community=community,
    )
    validate_model(item)
    item.save()
    audit_record(actor=actor, action="renovation.catalogue_add", obj=item, data={"name": item.name})
    return item


# --- projects -------------------------------------------------------------------------------------


@transaction.atomic
def project_create(*, actor, name: str, compounds: list[Compound], year: int, batch: str = "") -> Project:
    """A project of one compound or several of one community, planned; its stage dates are set later."""
    if not compounds:
        raise Invalid(_("Name at least one compound."), field="compounds")
    if len({c.community_id for c in compounds}) > 1:
        raise Invalid(_("A project's compounds are all in one community."), field="compounds")
    community = compounds[0].community
    if not can_manage_community(actor, community):
        raise Forbidden(_("Only the community's workers and the subdistrict's officers run a project."))
    project = Project(
        name=name.strip(), community=community, year=year, batch=batch.strip(), created_by=actor
    )
    validate_model(project)
    project.save()
    project.compounds.set(compounds)
    today = timezone.localdate()
    StageDate.objects.bulk_create(
        [
            StageDate(project=project, stage=s, reached_on=today if s == Stage.PLANNED else None)
            for s in STAGES
        ]
    )
    audit_record(
        actor=actor,
        action="renovation.project_create",
        obj=project,
        data={"compounds": sorted(c.pk for c in compounds), "year": year},
    )
    return project


@transaction.atomic
def project_record_done(
    *,
    actor,
    name: str,
    compounds: list[Compound],
    year: int,
    items: list[tuple[int, Decimal]],
    funding: list[tuple[str, Decimal, Decimal]],
    handed_over_on: date | None = None,
) -> Project:
    """A renovation done before its project was run here (from the compound's earlier record): the
    project is recorded as handed over at once, its items done, its money as planned and received.
    Like any project handed over, it is the compounds' renovation record."""
    if not compounds:
        raise Invalid(_("Name at least one compound."), field="compounds")
    if len({c.community_id for c in compounds}) > 1:
        raise Invalid(_("A project's compounds are all in one community."), field="compounds")
    community = compounds[0].community
    if not can_manage_community(actor, community):
        raise Forbidden(_("Only the community's workers and the subdistrict's officers run a project."))
    today = timezone.localdate()
    if not 1990 <= year <= today.year:
        raise Invalid(_("A renovation done is of a year from 1990 to this one."), field="year")
    if handed_over_on is not None and not date(year, 1, 1) <= handed_over_on <= today:
        raise Invalid(
            _("Handed over in or after its year, and not later than today."), field="handed_over_on"
        )
    project = Project(
        name=name.strip(), community=community, year=year, stage=Stage.HANDED_OVER, created_by=actor
    )
    validate_model(project)
    _funding_check(funding)
    known = set(catalogue_for(community.pk).values_list("pk", flat=True))
    if len({i for i, _budget in items}) < len(items):
        raise Invalid(_("The item is named twice."), field="items")
    for i, (item_id, budget) in enumerate(items):
        if item_id not in known:
            raise Invalid(_("No such item in the catalogue."), field=f"items.{i}.item")
        if budget < 0:
            raise Invalid(_("A budget is not negative."), field=f"items.{i}.budget")
    project.save()
    project.compounds.set(compounds)
    StageDate.objects.bulk_create(
        [
            StageDate(project=project, stage=s, reached_on=handed_over_on if s == Stage.HANDED_OVER else None)
            for s in STAGES
        ]
    )
    ProjectItem.objects.bulk_create(
        [ProjectItem(project=project, item_id=i, budget=budget, percent=100) for i, budget in items]
    )
    Funding.objects.bulk_create(
        [Funding(project=project, source=s, planned=p, received=r) for s, p, r in funding]
    )
    audit_record(
        actor=actor,
        action="renovation.project_record_done",
        obj=project,
        data={
            "compounds": sorted(c.pk for c in compounds),
            "year": year,
            "items": [[i, str(b)] for i, b in items],
            "funding": [[s, str(p), str(r)] for s, p, r in funding],
        },
    )
    return project


def _planned_in_order(dates: dict[str, date | None]) -> None:
    """Planned stage dates never go back in time from one stage to the next."""
    last, last_stage = None, None
    for stage in STAGES:
        day = dates.get(stage)
        if day is None:
            continue
        if last is not None and day < last:
            raise Invalid(
                _("%(stage)s cannot be planned before %(before)s.")
                % {"stage": stage.label, "before": Stage(last_stage).label},
                field=f"planned.{stage.value}",
            )
        last, last_stage = day, stage


@transaction.atomic
def project_update(
    *,
    actor,
    project: Project,
    name: str | None = None,
    year: int | None = None,
    batch: str | None = None,
    planned: dict[str, date | None] | None = None,
    items: list[tuple[int, Decimal]] | None = None,
    funding: list[tuple[str, Decimal, Decimal]] | None = None,
) -> Project:
    """Change what a project is: its name, year, planned stage dates, items with their budgets and
    funding by source. Everything is checked before anything is written."""
    project = _locked(project)
    _require_run(actor, project)
    if project.stage == Stage.HANDED_OVER:
        raise Conflict(_("The project has been handed over."), code="wrong_state")
    before = {"name": project.name, "year": project.year, "batch": project.batch}
    for field, value in (("name", name), ("year", year), ("batch", batch)):
        if value is not None:
            setattr(project, field, value.strip() if isinstance(value, str) else value)
    validate_model(project)
    dates = {d.stage: d for d in project.stage_dates.all()}
    if planned is not None:
        merged = {s: dates[s].planned_on for s in dates} | planned
        _planned_in_order(merged)
    if items is not None:
        _items_check(project, items)
    if funding is not None:
        _funding_check(funding)
    project.save(update_fields=["name", "year", "batch"])
    if planned is not None:
        for stage, day in planned.items():
            dates[stage].planned_on = day
        StageDate.objects.bulk_update(list(dates.values()), ["planned_on"])
    if items is not None:
        _items_write(project, items)
    if funding is not None:
        for source, planned_amount, received in funding:
            Funding.objects.update_or_create(
                project=project, source=source, defaults={"planned": planned_amount, "received": received}
            )
    audit_record(
        actor=actor,
        action="renovation.project_update",
        obj=project,
        data={
            "before": before,
            "planned": {s: str(d) if d else None for s, d in (planned or {}).items()},
            "items": [[i, str(b)] for i, b in items or []],
            "funding": [[s, str(p), str(r)] for s, p, r in funding or []],
        },
    )
    return project


def _items_check(project: Project, items: list[tuple[int, Decimal]]) -> None:
    known = set(catalogue_for(project.community_id).values_list("pk", flat=True))
    seen = set()
    for i, (item_id, budget) in enumerate(items):
        if item_id not in known:
            raise Invalid(_("No such item in the catalogue."), field=f"items.{i}.item")
        if item_id in seen:
            raise Invalid(_("The item is named twice."), field=f"items.{i}.item")
        if budget < 0:
            raise Invalid(_("A budget is not negative."), field=f"items.{i}.budget")
        seen.add(item_id)
    current = {pi.item_id: pi for pi in project.items.prefetch_related("contracts")}
    dropped = [pi for item_id, pi in current.items() if item_id not in seen]
    added = seen - set(current)
    if (dropped or added) and not _before(project.stage, Stage.CONSTRUCTION):
        raise Conflict(
            _("Items are fixed once construction starts; budgets may still change."), code="wrong_state"
        )
    for pi in dropped:
        if pi.percent or pi.contracts.all():
            raise Conflict(
                _("%(item)s has progress or a contract and stays in the project.") % {"item": pi.item.name},
                code="item_in_use",
                field="items",
            )


def _items_write(project: Project, items: list[tuple[int, Decimal]]) -> None:
    wanted = dict(items)
    current = {pi.item_id: pi for pi in project.items.all()}
    ProjectItem.objects.filter(project=project).exclude(item_id__in=wanted).delete()
    for item_id, budget in wanted.items():
        if item_id in current:
            if current[item_id].budget != budget:
                current[item_id].budget = budget
                current[item_id].save(update_fields=["budget"])
        else:
            ProjectItem.objects.create(project=project, item_id=item_id, budget=budget)


def _funding_check(funding: list[tuple[str, Decimal, Decimal]]) -> None:
    seen = set()
    for i, (source, planned, received) in enumerate(funding):
        if source not in FundingSource.values:
            raise Invalid(_("No such source of funding."), field=f"funding.{i}.source")
        if source in seen:
            raise Invalid(_("The source is named twice."), field=f"funding.{i}.source")
        if planned < 0:
            raise Invalid(_("An amount is not negative."), field=f"funding.{i}.planned")
        if received < 0:
            raise Invalid(_("An amount is not negative."), field=f"funding.{i}.received")
        if problem := bounds.received_problem(planned, received):
            raise Invalid(problem, field=f"funding.{i}.received")
        seen.add(source)


@retried
@transaction.atomic
def project_advance(*, actor, project: Project, to: str) -> Project:
    """Move the project to the stage `to`, the one after its own, once every condition of that stage is
    met; else 409 with what is missing and who must act. The stage is named and checked under the lock,
    so a second tap on the same step is refused ("already at ...") instead of moving it on again.
    A project handed over is its compounds' renovation record (selectors.records_by_compound)."""
    if to not in Stage.values:
        raise Invalid(_("No such stage."), field="to")
    project = _locked(project)
    _require_run(actor, project)
    _stage_before_check(project, to)
    missing = conditions.missing_for(project, to)
    if missing:
        raise StageRefused(
            _("The project cannot move to %(stage)s yet.") % {"stage": Stage(to).label}, missing
        )
    today = timezone.localdate()
    before = project.stage
    project.stage = to
    project.save(update_fields=["stage"])
    StageDate.objects.filter(project=project, stage=to).update(reached_on=today)
    audit_record(actor=actor, action="renovation.advance", obj=project, data={"from": before, "to": to})
    return project


def _stage_before_check(project: Project, to: str) -> None:
    """`to` must be the stage right after the project's: one already reached (a second tap, or someone
    else's) is refused as such, and so is a stage further on than the next."""
    if conditions.next_stage(project.stage) == to:
        return
    if not _before(project.stage, Stage(to)):
        message = _("The project is already at %(stage)s.") % {"stage": project.get_stage_display()}
    else:
        message = _("The project is at %(stage)s: it moves to %(next)s first.") % {
            "stage": project.get_stage_display(),
            "next": Stage(conditions.next_stage(project.stage)).label,
        }
    raise Conflict(message, code="stage")


@transaction.atomic
def plan_adopt(*, actor, project: Project, adopted_on: date, text: str, basis: str) -> Project:
    """The plan (一院一策) adopted with the residents' agreement, by an owners' vote or by the
    consultation's result, as the community decides; recorded before the tender."""
    project = _locked(project)
    _require_run(actor, project)
    if project.stage not in (Stage.CONSULTATION, Stage.FEASIBILITY, Stage.DESIGN):
        raise Conflict(
            _("A plan is adopted after the consultation and before the tender."), code="wrong_state"
        )
    if basis not in PlanBasis.values:
        raise Invalid(_("Adopted by an owners' vote or by the consultation."), field="basis")
    if adopted_on > timezone.localdate():
        raise Invalid(_("A plan is recorded once it has been adopted."), field="adopted_on")
    if not text.strip():
        raise Invalid(_("Write the plan."), field="text")
    missing = conditions.missing_for(project, f"plan:{basis}")
    if missing:
        raise StageRefused(_("The residents' agreement to the plan is not on record."), missing)
    project.plan_adopted_on, project.plan_text, project.plan_basis = adopted_on, text.strip(), basis
    project.save(update_fields=["plan_adopted_on", "plan_text", "plan_basis"])
    audit_record(
        actor=actor, action="renovation.plan_adopt", obj=project, data={"on": str(adopted_on), "basis": basis}
    )
    return project


# --- responsible units and their contracts --------------------------------------------------------


@transaction.atomic
def contract_create(
    *,
    actor,
    project: Project,
    unit: Unit | None,
    role: str,
    items: list[int],
    value: Decimal,
    starts_on: date,
    ends_on: date,
    contact_name: str,
    contact_phone: str,
    contact_username: str | None = None,
    unit_name: str = "",
) -> Contract:
    """A design, construction, supervision or utility company's contract on the project's items; the
    contact's account, when given, records progress on those items. Without `unit`, the unit named
    `unit_name` (written as a unit of the role's kind when it is new)."""
    project = _locked(project)
    _require_run(actor, project)
    if project.stage == Stage.HANDED_OVER:
        raise Conflict(_("The project has been handed over."), code="wrong_state")
    if role not in ContractRole.values:
        raise Invalid(_("No such role."), field="role")
    if unit is None:
        name = unit_name.strip()
        if not name:
            raise Invalid(_("Choose the unit, or name a new one."), field="unit")
        unit = Unit.objects.filter(name=name).first() or Unit(name=name, kind=UNIT_KIND[role])
    if unit.kind != UNIT_KIND[role]:
        raise Invalid(
            _("A %(role)s contract goes to a %(kind)s.")
            % {"role": ContractRole(role).label, "kind": UnitKind(UNIT_KIND[role]).label},
            field="unit",
        )
    contact_user = None
    if contact_username:
        contact_user = get_user_model().objects.filter(username=contact_username, is_active=True).first()
        if contact_user is None:
            raise Invalid(_("No such account."), field="contact_username")
    own = {pi.pk: pi for pi in project.items.all()}
    for i, item_id in enumerate(items):
        if item_id not in own:
            raise Invalid(_("The item is not in this project."), field=f"items.{i}")
    contract = Contract(
        project=project,
        unit=unit,
        role=role,
        value=value,
        starts_on=starts_on,
        ends_on=ends_on,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_user=contact_user,
    )
    if ends_on <= starts_on:
        raise Invalid(_("A contract ends after it starts."), field="ends_on")
    validate_model(contract, exclude=["unit"])
    if unit.pk is None:
        validate_model(unit)
        unit.save()
        contract.unit = unit
    contract.save()
    contract.items.set([own[i] for i in items])
    audit_record(
        actor=actor,
        action="renovation.contract_create",
        obj=contract,
        data={"unit": unit.pk, "role": role, "value": str(value), "items": sorted(items)},
    )
    return contract


# --- progress on site -----------------------------------------------------------------------------


@transaction.atomic
def progress_record(
    *, actor, project: Project, item: int, percent: int, note: str = "", photos=()
) -> ProgressEntry:
    """An item's progress from site, by the community's worker, the supervisor, or the contact of the
    unit whose contract holds the item; photos re-encoded as an incident's are."""
    project = _locked(project)
    allowed = progress_items(actor, project)
    if allowed is not None and not allowed:
        raise Forbidden(
            _("Only the community's workers, the supervisor and the contractors record progress.")
        )
    if project.stage != Stage.CONSTRUCTION:
        raise Conflict(_("Progress is recorded during construction."), code="wrong_state")
    project_item = project.items.select_related("item").filter(pk=item).first()
    if project_item is None:
        raise Invalid(_("The item is not in this project."), field="item")
    if allowed is not None and project_item.pk not in allowed:
        raise Forbidden(_("The item is not in your contract."))
    if not 0 <= percent <= 100:
        raise Invalid(_("A percent is from 0 to 100."), field="percent")
    if len(photos) > settings.RENOVATION_PHOTOS_MAX:
        raise Invalid(
            _("At most %(n)s photos at a time.") % {"n": settings.RENOVATION_PHOTOS_MAX}, field="photos"
        )
    stored = [photo_checked(p) for p in photos]  # every photo checked before anything is written
    now = timezone.now()
    entry = ProgressEntry.objects.create(
        item=project_item, percent=percent, note=note.strip(), by=actor, at=now
    )
    for image in stored:
        ProgressPhoto.objects.create(entry=entry, image=image)
    project_item.percent, project_item.note, project_item.updated_at = percent, entry.note, now
    project_item.save(update_fields=["percent", "note", "updated_at"])
    audit_record(
        actor=actor,
        action="renovation.progress",
        obj=project_item,
        data={"percent": percent, "photos": len(stored)},
    )
    return entry


# --- site inspections, findings and acceptance -----------------------------------------------------


ON_SITE = (Stage.CONSTRUCTION, Stage.ACCEPTANCE)
WORKS_ROLES = (ContractRole.CONSTRUCTION, ContractRole.UTILITY)


def _require_inspect(actor, project: Project) -> None:
    if not can_inspect_site(actor, project):
        raise Forbidden(_("Only the supervisor and the community's workers inspect the site."))
    if project.stage not in ON_SITE:
        raise Conflict(_("The site is inspected during construction and acceptance."), code="wrong_state")


def _grid_of(compound: Compound, field: str = "compound"):
    grid_ids = grids_covering([compound.pk]).get(compound.pk)
    if not grid_ids:
        raise Conflict(
            _("No grid covers %(compound)s: the community's worker sets one up first.")
            % {"compound": compound.name},
            code="no_grid",
            field=field,
        )
    return Grid.objects.get(pk=min(grid_ids))


def _findings_check(
    project: Project, findings: list[dict], prefix: str | None = "findings", due_needed=False
):
    """Each finding's contract, category, text and due day, checked before anything is written;
    returns them with their objects. Errors name `prefix.i.field`, or the field alone for one finding
    sent by itself (prefix None)."""
    contracts = {c.pk: c for c in project.contracts.select_related("unit").filter(role__in=WORKS_ROLES)}
    categories = {c.code: c for c in Category.objects.filter(code__in=defaults.CATEGORY_CODES)}
    today = timezone.localdate()
    checked = []

    def name(i, field):
        return f"{prefix}.{i}.{field}" if prefix else field

    for i, f in enumerate(findings):
        contract = contracts.get(f.get("contract"))
        if contract is None:
            raise Invalid(
                _("Choose the construction or utility contract the defect falls under."),
                field=name(i, "contract"),
            )
        category = categories.get(f.get("category") or "")
        if category is None:
            raise Invalid(_("Choose quality, safety, schedule or disturbance."), field=name(i, "category"))
        if not (f.get("text") or "").strip():
            raise Invalid(_("Describe the defect."), field=name(i, "text"))
        due = f.get("due_on")
        if due is None and due_needed:
            raise Invalid(_("Give the day it is put right by."), field=name(i, "due_on"))
        if due is not None and due < today:
            raise Invalid(_("The day to put it right by cannot be in the past."), field=name(i, "due_on"))
        checked.append({**f, "contract": contract, "category": category})
    return checked


def _finding_new(actor, project, compound, f: dict, inspection=None, now=None) -> SiteFinding:
    due = f.get("due_on")
    incident = incident_raise_dispatched(
        actor=actor,
        grid=_grid_of(compound),
        category=f["category"],
        place=(f.get("place") or "").strip() or compound.name,
        description=f"{project.name}：{f['text'].strip()}",
        unit=f["contract"].unit,
        deadline=day_start(due + timedelta(days=1)) if due else None,
        photo=f.get("photo"),
        now=now,
    )
    return SiteFinding.objects.create(
        project=project,
        contract=f["contract"],
        inspection=inspection,
        punch_list=project.stage == Stage.ACCEPTANCE,
        incident=incident,
    )


def _project_compound(project: Project, compound_id: int, field: str = "compound") -> Compound:
    compound = project.compounds.filter(pk=compound_id).first()
    if compound is None:
        raise Invalid(_("The compound is not in this project."), field=field)
    return compound


@transaction.atomic
def site_inspection_record(
    *, actor, project: Project, compound: int, note: str = "", findings: list[dict] = ()
) -> SiteInspection:
    """A round of the site in one compound; each finding becomes an incident dispatched to the unit
    whose contract it falls under, with the category's deadline or the day given. During acceptance
    the findings are the punch list."""
    project = _locked(project)
    _require_inspect(actor, project)
    place = _project_compound(project, compound)
    checked = _findings_check(project, list(findings))
    if checked:
        _grid_of(place)
    now = timezone.now()
    inspection = SiteInspection(
        project=project, compound=place, inspector=actor, done_at=now, note=note.strip()
    )
    validate_model(inspection)
    inspection.save()
    for f in checked:
        _finding_new(actor, project, place, f, inspection, now)
    audit_record(actor=actor, action="renovation.inspection", obj=inspection, data={"findings": len(checked)})
    return inspection


@transaction.atomic
def site_finding_add(*, actor, inspection: SiteInspection, **finding) -> SiteFinding:
    """One more finding of an inspection, with its photo (a phone sends them one at a time)."""
    inspection = SiteInspection.objects.select_related("compound").get(pk=inspection.pk)
    project = _locked(inspection.project)
    _require_inspect(actor, project)
    (f,) = _findings_check(project, [finding], prefix=None)
    found = _finding_new(actor, project, inspection.compound, f, inspection)
    audit_record(actor=actor, action="renovation.finding", obj=found, data={"incident": found.incident_id})
    return found


@transaction.atomic
def acceptance_record(
    *,
    actor,
    project: Project,
    held_on: date,
    representatives: list[int],
    note: str = "",
    punch_list: list[dict] = (),
) -> Acceptance:
    """The acceptance held with the residents' representatives (residents of the project's compounds,
    at least RENOVATION_ACCEPTANCE_REPRESENTATIVES), and its punch list: each defect an incident with the
    day it is put right by, dispatched to the unit. The project counts as accepted on that day; it is
    handed over only once the punch list is closed."""
    project = _locked(project)
    _require_run(actor, project)
    if project.stage != Stage.ACCEPTANCE:
        raise Conflict(_("Acceptance is recorded at the acceptance stage."), code="wrong_state")
    if Acceptance.objects.filter(project=project).exists():
        raise Conflict(_("The acceptance is recorded already."), code="duplicate")
    if held_on > timezone.localdate():
        raise Invalid(_("Acceptance is recorded once it has taken place."), field="held_on")
    reached = project.stage_dates.get(stage=Stage.ACCEPTANCE).reached_on
    if reached and held_on < reached:
        raise Invalid(_("Acceptance cannot come before the works were finished."), field="held_on")
    wanted = set(representatives)
    living = set(
        current_residencies()
        .filter(resident_id__in=wanted, household__building__compound__in=project.compounds.all())
        .values_list("resident_id", flat=True)
    )
    if wanted - living:
        raise Invalid(_("Representatives are residents of the project's compounds."), field="representatives")
    least = settings.RENOVATION_ACCEPTANCE_REPRESENTATIVES
    if len(wanted) < least:
        raise Invalid(
            _("At least %(n)s residents' representatives take part.") % {"n": least}, field="representatives"
        )
    checked = _findings_check(project, list(punch_list), prefix="punch_list", due_needed=True)
    places = {}
    for i, f in enumerate(checked):
        places[i] = _project_compound(project, f.get("compound"), field=f"punch_list.{i}.compound")
        _grid_of(places[i], field=f"punch_list.{i}.compound")
    acceptance = Acceptance(project=project, held_on=held_on, note=note.strip(), recorded_by=actor)
    validate_model(acceptance)
    acceptance.save()
    acceptance.representatives.set(wanted)
    for i, f in enumerate(checked):
        _finding_new(actor, project, places[i], f)
    project.accepted_on = held_on
    project.save(update_fields=["accepted_on"])
    audit_record(
        actor=actor,
        action="renovation.acceptance",
        obj=project,
        data={"held_on": str(held_on), "representatives": sorted(wanted), "punch_list": len(checked)},
    )
    return acceptance


# --- works notices --------------------------------------------------------------------------------


@transaction.atomic
def works_notice_publish(
    *,
    actor,
    project: Project,
    compound: Compound,
    buildings: list[Building],
    kind: str,
    title: str,
    body: str,
    starts_at: datetime,
    ends_at: datetime,
) -> WorksNotice:
    """An outage or works for given buildings: on the compound's public page, and sent (by the worker,
    after commit) to everyone living in those buildings."""
    project = _locked(project)
    if not can_publish_works(actor, project):
        raise Forbidden(_("Only the community's workers and the project's units publish works notices."))
    if project.stage == Stage.HANDED_OVER:
        raise Conflict(_("The project has been handed over."), code="wrong_state")
    if not project.compounds.filter(pk=compound.pk).exists():
        raise Invalid(_("The project does not renovate this compound."), field="compound")
    if not buildings:
        raise Invalid(_("Name the buildings affected."), field="buildings")
    if any(b.compound_id != compound.pk for b in buildings):
        raise Invalid(_("A building is not in this compound."), field="buildings")
    if ends_at <= starts_at:
        raise Invalid(_("The works end after they start."), field="ends_at")
    if ends_at <= timezone.now():
        raise Invalid(_("These works are over: a notice is for works to come."), field="ends_at")
    notice = WorksNotice(
        project=project,
        compound=compound,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
    )
    validate_model(notice)
    notice.save()
    notice.buildings.set(buildings)
    audit_record(
        actor=actor,
        action="renovation.works_notice",
        obj=notice,
        data={"kind": kind, "buildings": sorted(b.pk for b in buildings)},
    )
    from renovation.tasks import works_notice_send

    transaction.on_commit(lambda: works_notice_send.delay(notice.pk))
    return notice


def works_notice_send(notice_id: int) -> int:
    """Send the notice to each person living in its buildings, once each (safe to run again)."""
    notice = WorksNotice.objects.select_related("compound").get(pk=notice_id)
    key = f"works-notice:{notice.pk}"
    users = (
        get_user_model()
        .objects.filter(
            pk__in=current_residencies()
            .filter(household__building__in=notice.buildings.all(), resident__user__isnull=False)
            .values("resident__user")
        )
        .exclude(pk__in=Notification.objects.filter(dedupe_key=key).values("user_id"))
    )  # sent already
    local = periods.local  # a notice stored with year 9999 before the bounds still goes out
    body = _("%(kind)s from %(start)s to %(end)s. %(details)s") % {
        "kind": notice.get_kind_display(),
        "start": local(notice.starts_at).strftime("%Y-%m-%d %H:%M"),
        "end": local(notice.ends_at).strftime("%Y-%m-%d %H:%M"),
        "details": notice.body,
    }
    link = reverse("public_compound", args=[notice.compound_id])
    sent = 0
    for user in users.order_by("pk"):
        sent += notify(user, notice.title, body.strip(), link=link, dedupe_key=key) is not None
    WorksNotice.objects.filter(pk=notice.pk).update(sent_to=F("sent_to") + sent)
    return sent


# --- the blacklist --------------------------------------------------------------------------------


@transaction.atomic
def blacklist_update(now) -> dict[str, list[int]]:
    """Count every unit of works again (daily, by beat): a unit meeting the rule comes on the blacklist
    today unless it is on already (its figures refreshed); one on it that no longer meets it comes off
    today. Running it twice in a day changes nothing more."""
    today = timezone.localdate(now)
    figures = unit_figures(now)
    open_entries = {
        e.unit_id: e for e in BlacklistEntry.objects.select_for_update().filter(came_off__isnull=True)
    }
    came_on, came_off = [], []
    for unit_id, row in figures.items():
        if not blacklisted(row):
            continue
        entry = open_entries.pop(unit_id, None)
        if entry is None:
            entry = BlacklistEntry(unit_id=unit_id, came_on=today)
            came_on.append(unit_id)
        entry.milestones, entry.days_late = row["milestones"], row["days_late"]
        entry.rectifications, entry.counted_on = row["rectifications"], today
        entry.save()
    for unit_id, entry in open_entries.items():
        row = figures.get(unit_id, {"milestones": 0, "days_late": 0, "rectifications": 0})
        entry.milestones, entry.days_late = row["milestones"], row["days_late"]
        entry.rectifications, entry.counted_on, entry.came_off = row["rectifications"], today, today
        entry.save()
        came_off.append(unit_id)
    for unit_id in came_on + came_off:
        audit_record(
            actor=None,
            action="renovation.blacklist_on" if unit_id in came_on else "renovation.blacklist_off",
            obj=Unit(pk=unit_id),
            data=figures.get(unit_id, {}),
        )
    return {"on": came_on, "off": came_off}
