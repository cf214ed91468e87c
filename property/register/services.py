"""Writes to the estate register: each use case validated whole, in one transaction, with history."""

import hashlib
import hmac
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_officer_of
from accounts.services import audit_record, audit_record_many, principal_forget
from core.errors import Conflict, Forbidden, Invalid, validate_model
from core.locks import retried, wait_at_most
from core.periods import in_force_from
from property.models import (
    Building,
    Community,
    Compound,
    Household,
    ManagementPlan,
    Relation,
    Residency,
    Resident,
    Subdistrict,
)
from property.register.permissions import require_register
from property.register.selectors import resident_candidate, resident_matches

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_number_check(raw: str) -> str:
    """Validate an 18-character resident ID number (GB 11643) and return it normalised."""
    value = raw.strip().upper()
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        raise Invalid(_("An ID number has 18 characters: 17 digits and a digit or X."), field="id_number")
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != value[17]:
        raise Invalid(_("This ID number's check digit is wrong."), field="id_number")
    return value


def id_number_mask(value: str) -> str:
    return f"{value[:3]}{'*' * 11}{value[-4:]}"


def id_number_digest(value: str) -> str:
    """A keyed hash: finds the same person twice without keeping the number."""
    return hmac.new(settings.ID_NUMBER_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def _insert(obj, *, actor, action: str, data: dict):
    """Validate a new row whole (fields and constraints), save it and record who made it."""
    validate_model(obj)
    obj.save()
    audit_record(actor=actor, action=action, obj=obj, data=data)
    return obj


@transaction.atomic
def community_create(
    *, actor, subdistrict: Subdistrict, name: str, address: str = "", phone: str = ""
) -> Community:
    if not is_officer_of(actor, subdistrict):
        raise Forbidden(_("Only the subdistrict's officers may add a community."))
    community = Community(subdistrict=subdistrict, name=name.strip(), address=address, phone=phone)
    return _insert(community, actor=actor, action="community.create", data={"name": community.name})


@transaction.atomic
def compound_create(*, actor, community: Community, **fields) -> Compound:
    require_register(actor, community)
    compound = Compound(community=community, **fields)
    return _insert(compound, actor=actor, action="compound.create", data={"name": compound.name})


@transaction.atomic
def compound_update(*, actor, compound: Compound, changes: dict) -> Compound:
    compound = (
        Compound.objects.select_for_update(of=("self",)).select_related("community").get(pk=compound.pk)
    )
    require_register(actor, compound.community)
    return _save_changes(compound, actor=actor, action="compound.update", changes=changes)


def _save_changes(obj, *, actor, action: str, changes: dict):
    """Set the changed fields, validate the row whole, save them and record before and after."""
    before = {name: getattr(obj, name) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    validate_model(obj)
    obj.save(update_fields=list(changes))
    audit_record(
        actor=actor, action=action, obj=obj, data={"before": _jsonable(before), "after": _jsonable(changes)}
    )
    return obj


@transaction.atomic
def building_create(*, actor, compound: Compound, name: str, floors: int, entrances: int = 1) -> Building:
    require_register(actor, compound.community)
    building = Building(compound=compound, name=name.strip(), floors=floors, entrances=entrances)
    return _insert(building, actor=actor, action="building.create", data={"name": building.name})


def areas_check(building_area: Decimal | None, inner_area: Decimal | None) -> None:
    """THE rule of a unit's areas (the API, the page and the ledger import): the inner area is
    within the building area. The database holds it too (Household.CHECKS words its refusal)."""
    if building_area is not None and inner_area is not None and inner_area > building_area:
        field, message = Household.CHECKS["inner_within_building"]
        raise Invalid(str(message), field=field)


def floor_check(building: Building, floor: int) -> None:
    if floor > building.floors or floor == 0 or floor < -3:
        raise Invalid(
            _("Floor must be between -3 and %(floors)s, and not 0.") % {"floors": building.floors},
            field="floor",
        )


@transaction.atomic
def household_create(
    *,
    actor,
    building: Building,
    unit_label: str,
    floor: int,
    building_area: Decimal | None,
    inner_area: Decimal | None = None,
    area_source: str = "register",
    is_vacant: bool = False,
    held_by_developer: bool = False,
) -> Household:
    require_register(actor, building.compound.community)
    floor_check(building, floor)
    areas_check(building_area, inner_area)
    household = Household(
        building=building,
        unit_label=unit_label.strip(),
        floor=floor,
        building_area=building_area,
        inner_area=inner_area,
        area_source=area_source,
        is_vacant=is_vacant,
        held_by_developer=held_by_developer,
    )
    return _insert(
        household,
        actor=actor,
        action="household.create",
        data={"unit": household.unit_label, "area": str(household.building_area or "")},
    )


def resident_new(
    *, name: str, phone: str = "", id_number: str = "", is_party_member: bool = False
) -> Resident:
    """A person as the register keeps them (not yet saved): the ID number checked, then kept only
    masked and as its keyed digest."""
    resident = Resident(name=name.strip(), phone=phone.strip(), is_party_member=is_party_member)
    if id_number:
        value = id_number_check(id_number)
        resident.id_number_masked = id_number_mask(value)
        resident.id_number_digest = id_number_digest(value)
    return resident


def _ask_before_a_second_record(actor, resident: Resident, household: Household) -> None:
    candidates = resident_matches(
        actor,
        name=resident.name,
        phone=resident.phone,
        id_digest=resident.id_number_digest,
        compound=household.building.compound,
    )
    if candidates:
        raise Conflict(
            _(
                "A person of this name is registered already: register them in this unit if it is "
                "the same person, or confirm that this is someone else."
            ),
            code="possible_duplicate",
            field="name",
            extra={"candidates": [resident_candidate(c) for c in candidates]},
        )


@transaction.atomic
def resident_create(
    *,
    actor,
    name: str,
    phone: str = "",
    id_number: str = "",
    is_party_member: bool = False,
    household: Household,
    relation: str | None = None,
    started_on: date | None = None,
    confirm_new: bool = False,
) -> Resident:
    """A person registered in a household (the household's community decides who may). One who may
    be a person registered already (selectors.resident_matches) is asked about first: registered
    anew only with `confirm_new`, so that one owner does not become two heads in a vote."""
    require_register(actor, household.building.compound.community)
    resident = resident_new(name=name, phone=phone, id_number=id_number, is_party_member=is_party_member)
    if (
        resident.id_number_digest
        and Resident.objects.filter(id_number_digest=resident.id_number_digest).exists()
    ):
        raise Conflict(
            _("A resident with this ID number is already registered."),
            code="duplicate",
            field="id_number",
        )
    if not confirm_new:
        _ask_before_a_second_record(actor, resident, household)
    validate_model(resident, exclude=["user"])
    resident.save()
    audit_record(actor=actor, action="resident.create", obj=resident, data={"name": resident.name})
    residency_start(
        actor=actor,
        resident=resident,
        household=household,
        relation=relation or Relation.OWNER,
        started_on=started_on,
    )
    return resident


@transaction.atomic
def residency_start(
    *, actor, resident: Resident, household: Household, relation: str, started_on: date | None
) -> Residency:
    require_register(actor, household.building.compound.community)
    if started_on is None:
        raise Invalid(_("Give the date the relation starts."), field="started_on")
    # Any relation not ended by `started_on` would run beside the new, open-ended one.
    held = Residency.objects.filter(in_force_from(started_on), resident=resident, household=household)
    if held.exists():
        raise Conflict(
            _("This resident is already registered in this household."), code="duplicate", field="household"
        )
    residency = Residency(resident=resident, household=household, relation=relation, started_on=started_on)
    _insert(
        residency,
        actor=actor,
        action="residency.start",
        data={
            "resident": resident.pk,
            "household": household.pk,
            "relation": relation,
            "from": started_on.isoformat(),
        },
    )
    principal_forget(resident.user_id)
    return residency


@transaction.atomic
def register_bulk_create(
    *, actor, community: Community, households=(), residents=(), residencies=(), chunk: int = 1000
) -> None:
    """Many new units, people and relations at once (an imported ledger): each row checked by the
    rules of household_create, resident_create and residency_start (in Python; the caller has
    settled that none exists yet, and the database's constraints stand behind it), written in bulk,
    each with its history as if entered one by one. `residencies` may name the new units and people."""
    require_register(actor, community)
    for household in households:
        if household.building.compound.community_id != community.pk:
            raise Invalid(_("This building is not in the community."), field="building")
        floor_check(household.building, household.floor)
        validate_model(household, exclude=["building"], database=False)
    for resident in residents:
        validate_model(resident, exclude=["user"], database=False)
    for residency in residencies:
        if residency.started_on is None:
            raise Invalid(_("Give the date the relation starts."), field="started_on")
    Household.objects.bulk_create(households, batch_size=chunk)
    Resident.objects.bulk_create(residents, batch_size=chunk)
    for residency in residencies:  # the units and people just created now have their ids
        residency.household, residency.resident = residency.household, residency.resident
        validate_model(residency, exclude=["resident", "household"], database=False)
    Residency.objects.bulk_create(residencies, batch_size=chunk)
    audit_record_many(
        actor=actor,
        events=[
            ("household.create", h, {"unit": h.unit_label, "area": str(h.building_area or "")})
            for h in households
        ]
        + [("resident.create", r, {"name": r.name}) for r in residents]
        + [
            (
                "residency.start",
                r,
                {
                    "resident": r.resident_id,
                    "household": r.household_id,
                    "relation": r.relation,
                    "from": r.started_on.isoformat(),
                },
            )
            for r in residencies
        ],
    )
    for user_id in {r.resident.user_id for r in residencies if r.resident.user_id}:
        principal_forget(user_id)


def _residency_locked(actor, residency: Residency) -> Residency:
    """The relation locked for a change, by one who may change the unit's register."""
    residency = (
        Residency.objects.select_for_update(of=("self",))
        .select_related("household__building__compound__community")
        .get(pk=residency.pk)
    )
    require_register(actor, residency.household.building.compound.community)
    return residency


@transaction.atomic
def residency_update(*, actor, residency: Residency, started_on: date) -> Residency:
    """Correct the day a relation began (the office's ledger knew better); kept as history."""
    residency = _residency_locked(actor, residency)
    if residency.ended_on is not None and started_on >= residency.ended_on:
        raise Invalid(_("The end must come after the start."), field="started_on")
    if started_on == residency.started_on:
        return residency
    return _save_changes(
        residency, actor=actor, action="residency.update", changes={"started_on": started_on}
    )


@transaction.atomic
def residency_end(*, actor, residency: Residency, ended_on: date) -> Residency:
    residency = _residency_locked(actor, residency)
    if residency.ended_on is not None:
        raise Conflict(_("This relation has already ended."), code="already_ended")
    if ended_on <= residency.started_on:
        raise Invalid(_("The end must come after the start."), field="ended_on")
    residency.ended_on = ended_on
    residency.save(update_fields=["ended_on"])
    principal_forget(residency.resident.user_id)
    audit_record(actor=actor, action="residency.end", obj=residency, data={"to": ended_on.isoformat()})
    return residency


AREAS = ("building_area", "inner_area")
HOUSEHOLD_FACTS = (*AREAS, "area_source", "is_vacant", "held_by_developer", "floor")


@retried
@transaction.atomic
def household_update(*, actor, household: Household, changes: dict) -> Household:
    """Correct a unit's facts. A changed area names its source (register, survey, contract); who
    changed what, from what, and when is kept (the audit trail, append-only). Votes already open
    keep the roll they froze. Locks the compound, then the unit (core.locks), as an import does,
    waiting for an import of the compound at most LOCK_WAIT_SECONDS (then 409 busy)."""
    wait_at_most()
    place = Building.objects.filter(pk=household.building_id).values("compound_id")
    Compound.objects.select_for_update().filter(pk__in=place).first()  # the place first (core.locks)
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("building__compound__community")
        .get(pk=household.pk)
    )
    require_register(actor, household.building.compound.community)
    unknown = set(changes) - set(HOUSEHOLD_FACTS)
    if unknown:
        raise Invalid(_("This field cannot be changed here."), field=sorted(unknown)[0])
    asked, changes = changes, {k: v for k, v in changes.items() if getattr(household, k) != v}
    if any(k in changes for k in AREAS) and not asked.get("area_source"):
        raise Invalid(
            _("Say where the new area comes from: the register, a survey or the contract."),
            field="area_source",
        )
    if not changes:
        return household
    if "floor" in changes:
        floor_check(household.building, changes["floor"])
    areas_check(
        changes.get("building_area", household.building_area), changes.get("inner_area", household.inner_area)
    )
    return _save_changes(household, actor=actor, action="household.update", changes=changes)


RESIDENT_FACTS = ("name", "phone", "is_party_member", "id_number")


@transaction.atomic
def resident_update(*, actor, resident: Resident, household: Household, changes: dict) -> Resident:
    """Correct a person's facts (name, phone, party member; an ID number given for the first time),
    by a worker of the community of a unit the person belongs to; kept as history."""
    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    require_register(actor, household.building.compound.community)
    if not resident.residencies.filter(in_force_from(timezone.localdate()), household=household).exists():
        raise Invalid(_("This person is not registered in this unit."), field="household")
    unknown = set(changes) - set(RESIDENT_FACTS)
    if unknown:
        raise Invalid(_("This field cannot be changed here."), field=sorted(unknown)[0])
    changes = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    id_number = changes.pop("id_number", "")
    if id_number:
        if resident.id_number_digest:
            raise Conflict(
                _("This person's ID number is already registered."), code="duplicate", field="id_number"
            )
        value = id_number_check(id_number)
        changes["id_number_digest"] = id_number_digest(value)
        changes["id_number_masked"] = id_number_mask(value)
        if Resident.objects.filter(id_number_digest=changes["id_number_digest"]).exists():
            raise Conflict(
                _("A resident with this ID number is already registered."),
                code="duplicate",
                field="id_number",
            )
    changes = {k: v for k, v in changes.items() if getattr(resident, k) != v}
    if not changes:
        return resident
    return _save_changes(resident, actor=actor, action="resident.update", changes=changes)


def _jsonable(values: dict) -> dict:
    return {k: (str(v) if isinstance(v, (Decimal, date)) else v) for k, v in values.items()}


@transaction.atomic
def management_plan_adopt(
    *, actor, compound: Compound, adopted_on: date, text: str, management_mode: str | None = None
) -> ManagementPlan:
    """后期管理方案: the compound's post-renovation management plan as adopted on a day (the latest
    adopted is in force), with the management mode it settles, if it settles one."""
    compound = (
        Compound.objects.select_for_update(of=("self",)).select_related("community").get(pk=compound.pk)
    )
    require_register(actor, compound.community)
    if adopted_on > timezone.localdate():
        raise Invalid(_("A plan is recorded once it has been adopted."), field="adopted_on")
    plan = ManagementPlan(compound=compound, adopted_on=adopted_on, text=(text or "").strip())
    if not plan.text:
        raise Invalid(_("Write what the plan says."), field="text")
    _insert(plan, actor=actor, action="management_plan.adopt", data={"adopted_on": str(adopted_on)})
    if management_mode and management_mode != compound.management_mode:
        compound_update(actor=actor, compound=compound, changes={"management_mode": management_mode})
    return plan
