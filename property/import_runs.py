"""Running a ledger import: the request (the file kept, the worker told), the check of every row
against the register, and the write — in one transaction, through the services, so that
permissions and history are those of the person entering the rows one by one.

Each kind is a Kind with what it checks and what it writes, named in settings.IMPORT_KINDS; the
apps above property add theirs there (volunteers' ledger), as home panels are added.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import mask_phone
from accounts.services import audit_record
from core.errors import DomainError, Invalid
from core.hooks import hook_table
from core.locks import retried
from core.periods import in_force_from
from core.resend import resend_due
from property import billing, imports, selectors, services
from property.models import (
    Bill,
    FeeKind,
    Household,
    ImportStatus,
    LedgerImport,
    Relation,
    Residency,
    Resident,
)
from property.permissions import require_fees, require_register

PROGRESS_EVERY = 500
OUTCOMES = ("created", "updated", "unchanged")
FINISHED = (ImportStatus.INVALID, ImportStatus.CHECKED, ImportStatus.DONE, ImportStatus.FAILED)


@dataclass
class Change:
    """What one row of a file does: created, updated or unchanged."""

    row: int
    outcome: str


@dataclass
class Plan:
    """What a file would do: its bad rows, or each row's outcome with the new rows to write in bulk
    and the changes to make one by one through the services (update(actor) each)."""

    errors: list[dict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    households: list = field(default_factory=list)
    residents: list = field(default_factory=list)
    residencies: list = field(default_factory=list)
    updates: list[Callable[[object], None]] = field(default_factory=list)
    seen: set = field(default_factory=set)  # (person, unit) pairs planned: one relation each
    new_names: dict = field(default_factory=dict)  # name -> [(row, new person)], for namesakes

    def count(self, outcome: str) -> int:
        """Rows of the file with this outcome (a row that adds a unit and its first person counts
        once: created if anything is new, else updated if anything changed)."""
        rows: dict[int, str] = {}
        for change in self.changes:
            known = rows.get(change.row)
            if known is None or OUTCOMES.index(change.outcome) < OUTCOMES.index(known):
                rows[change.row] = change.outcome
        return sum(1 for o in rows.values() if o == outcome)


@dataclass(frozen=True)
class Kind:
    scope: str  # "compound" or "community": where the rows go
    allowed: Callable[[object, object], None]  # allowed(user, place): raises Forbidden
    plan: Callable[..., Plan]  # plan(actor, place, table, progress) -> Plan, writing nothing
    write: Callable[..., None]  # write(actor, place, plan, progress), in the import's transaction


def kinds() -> dict[str, Kind]:
    """The kinds of ledger, as settings.IMPORT_KINDS names them (another app's kind included)."""
    return hook_table("IMPORT_KINDS")


def kinds_for(user, place) -> list[str]:
    """The kinds of ledger a person may bring into a compound or a community."""
    scope = "community" if place._meta.model_name == "community" else "compound"
    out = []
    for name, kind in kinds().items():
        if kind.scope != scope:
            continue
        try:
            kind.allowed(user, place)
        except DomainError:
            continue
        out.append(name)
    return out


def _kind(name: str) -> Kind:
    if name not in kinds():
        raise Invalid(_("Not a kind of ledger Gongzhi imports."), field="kind")
    return kinds()[name]


@transaction.atomic
def import_request(
    *, actor, kind: str, file_name: str, data: bytes, compound=None, community=None, dry_run: bool = True
) -> LedgerImport:
    """Keep an uploaded ledger and hand it to the worker, which checks every row and, unless this is
    a dry run and if every row is good, writes them. A file that cannot be read as a ledger is
    refused here, with the reason."""
    spec = _kind(kind)
    if spec.scope == "compound":
        if compound is None:
            raise Invalid(_("Choose the compound the ledger is for."), field="compound")
        community = compound.community
    else:
        if community is None:
            raise Invalid(_("Choose the community the ledger is for."), field="community")
        compound = None
    spec.allowed(actor, compound or community)
    try:
        table = imports.read_table(file_name, data)
    except imports.Unreadable as bad:
        raise Invalid(bad.message, field="file") from bad
    found, _problems = imports.match_headers(kind, table[0][1])
    rows = sum(1 for _n, row in table[1:] if not imports.is_notes_row(kind, row, found))
    record = LedgerImport(
        kind=kind,
        community=community,
        compound=compound,
        file_name=(file_name or "")[-200:],
        data=data,
        dry_run=dry_run,
        rows=rows,
        requested_by=actor,
    )
    record.save()
    audit_record(
        actor=actor,
        action="import.request",
        obj=record,
        data={"kind": kind, "file": record.file_name, "rows": record.rows, "dry_run": dry_run},
    )
    from property.tasks import import_execute

    transaction.on_commit(lambda: import_execute.delay(record.pk))
    return record


def progress_key(import_id: int) -> str:
    return f"ledger-import:{import_id}:written"


def written_rows(record: LedgerImport) -> int:
    """Rows written so far by a running import (the write is one transaction, so the count is kept
    beside it, in the cache, until it commits)."""
    if record.status == ImportStatus.DONE:
        return record.rows
    if record.status != ImportStatus.WRITING:
        return 0
    return cache.get(progress_key(record.pk), 0)


def import_execute(import_id: int) -> LedgerImport:
    """Check every row; then, for an import whose rows are all good, write them in one transaction.
    Safe to run again (a redelivered task): a finished import is left alone, and an interrupted
    write left nothing behind."""
    record = LedgerImport.objects.select_related("compound", "community", "requested_by").get(pk=import_id)
    if record.status in FINISHED:
        return record
    spec = kinds()[record.kind]
    place = record.compound or record.community
    _set(record, status=ImportStatus.CHECKING, started_at=timezone.now(), done_rows=0)
    try:
        table = imports.read_table(record.file_name, bytes(record.data))
    except imports.Unreadable as refused:  # read when it was sent; refused now (the bounds changed)
        _set(
            record,
            status=ImportStatus.FAILED,
            failure=refused.message,
            errors=[{"row": 0, "column": "", "message": refused.message}],
            finished_at=timezone.now(),
        )
        return record

    def checked(rows: int) -> None:
        LedgerImport.objects.filter(pk=record.pk).update(done_rows=rows)

    plan = spec.plan(record.requested_by, place, table, checked)
    counts = {o: plan.count(o) for o in OUTCOMES}
    if plan.errors or record.dry_run:
        status = ImportStatus.INVALID if plan.errors else ImportStatus.CHECKED
        _set(
            record,
            status=status,
            errors=plan.errors,
            done_rows=record.rows,
            finished_at=timezone.now(),
            **counts,
        )
        return record
    _set(record, status=ImportStatus.WRITING, done_rows=record.rows, **counts)
    try:
        return _write(record, spec, place, table)
    except (DomainError, IntegrityError) as refused:  # the register changed since the file was checked
        message = (
            str(refused.message)
            if isinstance(refused, DomainError)
            else _("The register changed while the file was written; nothing was written: check it again.")
        )
        _set(
            record,
            status=ImportStatus.FAILED,
            failure=message,
            errors=[{"row": 0, "column": "", "message": message}],
            finished_at=timezone.now(),
        )
    finally:
        cache.delete(progress_key(record.pk))
    return record


@retried  # a deadlock with another writer of the place reruns the whole write
@transaction.atomic
def _write(record: LedgerImport, spec, place, table) -> LedgerImport:
    """The import's rows written in one transaction. Locks the import, then its place, then the
    place's units as it writes them (core.locks)."""
    locked = LedgerImport.objects.select_for_update().get(pk=record.pk)
    if locked.status != ImportStatus.WRITING:
        return locked  # another delivery of this task finished it
    # One import at a time into a place: the one that waited plans against what the
    # other wrote (a double tap, two workers with one file).
    type(place).objects.select_for_update().get(pk=place.pk)
    plan = spec.plan(record.requested_by, place, table, None)  # again, as it writes
    if plan.errors:
        raise Invalid(plan.errors[0]["message"])
    spec.write(record.requested_by, place, plan, lambda rows: cache.set(progress_key(record.pk), rows, 3600))
    counts = {o: plan.count(o) for o in OUTCOMES}
    _set(record, status=ImportStatus.DONE, finished_at=timezone.now(), **counts)
    _redact(record, table)  # written into the register: the file need not hold the numbers
    audit_record(actor=record.requested_by, action="import.done", obj=record, data=counts)
    return record


def imports_stuck(now) -> list[int]:
    """Imports waiting, checking or writing STUCK_AFTER_SECONDS after they were asked for: their
    worker died (a write interrupted left nothing behind). Each is sent again at most that often."""
    return resend_due(
        "import",
        LedgerImport.objects.filter(
            status__in=[ImportStatus.PENDING, ImportStatus.CHECKING, ImportStatus.WRITING],
            requested_at__lt=now - timedelta(seconds=settings.STUCK_AFTER_SECONDS),
        ).values_list("id", flat=True),
    )


def _redact(record: LedgerImport, table=None) -> None:
    data = imports.redacted(record.kind, record.file_name, bytes(record.data), table)
    _set(record, data=data, redacted_at=timezone.now())


def imports_redact(now) -> int:
    """Mask the ID numbers of the files kept longer than IMPORT_KEEP_HOURS (checked, refused or
    failed imports, kept that long for the worker to fix and send again)."""
    old = LedgerImport.objects.filter(
        redacted_at__isnull=True,
        status__in=FINISHED,
        requested_at__lt=now - timedelta(hours=settings.IMPORT_KEEP_HOURS),
    )
    count = 0
    for record in old.iterator(chunk_size=20):
        _redact(record)
        count += 1
    return count


def import_fail(import_id: int, error: str) -> None:
    LedgerImport.objects.filter(pk=import_id).exclude(status__in=FINISHED).update(
        status=ImportStatus.FAILED, failure=error[:2000], finished_at=timezone.now()
    )


def _set(record: LedgerImport, **values) -> None:
    for name, value in values.items():
        setattr(record, name, value)
    LedgerImport.objects.filter(pk=record.pk).update(**values)


# --- households with their people -------------------------------------------------------------------


def _chunks(values: list, size: int = 900):
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Ambiguous(Exception):
    """A row that could be more than one registered person: the file must say which."""


class Register:
    """The compound's units, and the people the file may name, read once for the whole file. Only
    people the actor may see are matched by name and mobile; a person found by ID number whom the
    actor may not see is refused, as a second record with that ID number would be."""

    def __init__(self, actor, compound, units: list[dict]):
        self.compound = compound
        self.households = {
            (h.building_id, h.unit_label): h
            for h in Household.objects.filter(building__compound=compound).select_related("building")
        }
        visible = selectors.residents_visible(actor).values("id")
        people = [p for u in units for p in u["people"]]
        digests = sorted({services.id_number_digest(p["id_number"]) for p in people if p["id_number"]})
        self.by_digest, self.visible_digests = {}, set()
        for chunk in _chunks(digests):
            found = Resident.objects.filter(id_number_digest__in=chunk)
            self.by_digest.update({r.id_number_digest: r for r in found})
            self.visible_digests.update(
                found.filter(id__in=visible).values_list("id_number_digest", flat=True)
            )
        mobiles = sorted({p["mobile"] for p in people if p["mobile"]})
        self.by_name_mobile = {}
        for chunk in _chunks(mobiles):
            for r in Resident.objects.filter(phone__in=chunk, id__in=visible).order_by("id"):
                self.by_name_mobile.setdefault((r.name, r.phone), r)
        self.current: dict[int, list[Residency]] = {}
        self.by_name: dict[str, list[Residency]] = {}  # the compound's people, for namesakes
        residencies = Residency.objects.filter(
            in_force_from(timezone.localdate()), household__building__compound=compound
        ).select_related("resident", "household__building")
        for residency in residencies:
            self.current.setdefault(residency.household_id, []).append(residency)
            self.by_name.setdefault(residency.resident.name, []).append(residency)

    def namesake(self, person: dict) -> Residency | None:
        """A person of the compound with the row's name whom the row does not tell apart: as on the
        page (selectors.resident_matches), the same name in the compound may be the same person."""
        namesakes = self.by_name.get(person["name"], [])
        return next((r for r in namesakes if not _told_apart(r.resident, person)), None)

    def person(self, household: Household | None, person: dict) -> Resident | None:
        """The registered person a row names: by ID number; else among the unit's people, by name
        (told apart by the mobile or ID number, as typed or masked in an export), or a person of
        the unit renamed (the same masked ID number or mobile); else by name and mobile."""
        if person["id_number"]:
            digest = services.id_number_digest(person["id_number"])
            found = self.by_digest.get(digest)
            if found is not None:
                if digest not in self.visible_digests:
                    raise Invalid(
                        _("A resident with this ID number is already registered."), field="id_number"
                    )
                return found
        if household is not None:
            people = [r.resident for r in self.current.get(household.pk, [])]
            people = [r for r in people if not (person["id_number"] and r.id_number_digest)]
            named = [r for r in people if r.name == person["name"]]
            if len(named) > 1:
                named = [r for r in named if _same_numbers(r, person)]
                if len(named) != 1:
                    raise Ambiguous
            if named:
                return named[0]
            renamed = [r for r in people if _same_numbers(r, person)]
            if len(renamed) == 1:
                return renamed[0]
        if person["mobile"]:
            found = self.by_name_mobile.get((person["name"], person["mobile"]))
            if found is not None and not (person["id_number"] and found.id_number_digest):
                return found
        return None

    def residency(self, household: Household | None, resident: Resident | None) -> Residency | None:
        if household is None or resident is None:
            return None
        return next((r for r in self.current.get(household.pk, []) if r.resident_id == resident.pk), None)


def _told_apart(resident: Resident, person: dict) -> bool:
    """A namesake is someone else when both sides give an ID number (the same one would have found
    them) or both give a mobile and the mobiles differ."""
    return bool(
        (person["id_number"] and resident.id_number_digest)
        or (person["mobile"] and resident.phone and person["mobile"] != resident.phone)
    )


def _same_numbers(resident: Resident, person: dict) -> bool:
    """The row's mobile or ID number (typed, or masked as an export shows it) is the person's."""
    phone = resident.phone
    return bool(
        (person["mobile"] and phone == person["mobile"])
        or (person["mobile_masked"] and phone and mask_phone(phone) == person["mobile_masked"])
        or (person["id_masked"] and resident.id_number_masked == person["id_masked"])
    )


def households_plan(actor, compound, table, progress=None) -> Plan:
    """What a households ledger would do to the compound's register, row by row, and its bad rows:
    the new units, people and relations (written in bulk) and the changes (through the services)."""
    units, errors = imports.households_dry_run(compound, table, progress)
    plan = Plan(errors=list(errors))
    if errors:
        return plan
    register = Register(actor, compound, units)
    today = timezone.localdate()
    new_people: dict[tuple, Resident] = {}  # a person new to the register named on several rows
    for unit in units:
        household = register.households.get((unit["building"].pk, unit["unit_label"]))
        if household is None:
            household = Household(
                building=unit["building"],
                unit_label=unit["unit_label"],
                floor=unit["floor"],
                building_area=unit["building_area"],
                inner_area=unit["inner_area"],
                area_source=unit["area_source"] or "register",
                held_by_developer=bool(unit["held_by_developer"]),
            )
            plan.households.append(household)
            plan.changes.append(Change(unit["row"], "created"))
        else:
            changes = _unit_changes(household, unit)
            area = changes.get("building_area", household.building_area)
            inner = changes.get("inner_area", household.inner_area)
            try:
                services.areas_check(area, inner)
            except Invalid as bad:
                problem = {"row": unit["row"], "column": column(unit, "inner_area"), "message": bad.message}
                plan.errors.append(problem)
            plan.changes.append(Change(unit["row"], "updated" if changes else "unchanged"))
            if changes:
                plan.updates.append(_household_update(household, changes))
        for person in unit["people"]:
            _person_plan(plan, register, household, person, new_people, today)
    if plan.errors:
        plan.changes, plan.households, plan.residents, plan.residencies, plan.updates = [], [], [], [], []
    return plan


def _namesake_refused(plan: Plan, register, person: dict) -> bool:
    """A new person whose name is that of one registered in the compound, or of one new on an
    earlier row, with nothing to tell them apart: the file must say (a file cannot be asked)."""
    registered = register.namesake(person)
    if registered is not None:
        message = _(
            "%(name)s is registered in %(unit)s: give the mobile or ID number, so that the same "
            "person is found or someone else told apart."
        ) % {"name": person["name"], "unit": registered.household}
    else:
        earlier = [r for r, made in plan.new_names.get(person["name"], []) if not _told_apart(made, person)]
        if not earlier:
            return False
        message = _(
            "A person of this name is new on row %(row)s too: give the mobile or ID number of each."
        ) % {"row": earlier[0]}
    plan.errors.append({"row": person["row"], "column": column(person, "name"), "message": message})
    return True


def column(row: dict, key: str) -> str:
    """The header the file gives a column (a row of the dry run carries its file's headers)."""
    return row["columns"].get(key, key)


def _unit_changes(household: Household, unit: dict) -> dict:
    """The facts the file gives for a registered unit that differ from the register (not given: kept)."""
    given = {k: unit[k] for k in imports.UNIT_FACTS if unit[k] is not None and k != "area_source"}
    changes = {k: v for k, v in given.items() if getattr(household, k) != v}
    if any(k in changes for k in services.AREAS):
        changes["area_source"] = unit["area_source"] or "register"
    elif unit["area_source"] and unit["area_source"] != household.area_source:
        changes["area_source"] = unit["area_source"]
    return changes


def _household_update(household, changes):
    return lambda actor: services.household_update(actor=actor, household=household, changes=changes)


def _person_plan(plan: Plan, register, household, person: dict, new_people: dict, today) -> None:
    row, relation = person["row"], person["relation"] or Relation.OWNER
    started_on = person["moved_in_on"] or today
    try:
        resident = register.person(household if household.pk else None, person)
    except Ambiguous:
        plan.errors.append(
            {
                "row": row,
                "column": column(person, "name"),
                "message": _("Several people of this name live in this unit: give the mobile or ID number."),
            }
        )
        return
    except Invalid as refused:
        plan.errors.append({"row": row, "column": column(person, "id_number"), "message": refused.message})
        return
    key = (person["id_number"],) if person["id_number"] else (person["name"], person["mobile"])
    if resident is None and (person["id_number"] or person["mobile"]):
        resident = new_people.get(key)  # the same new person on an earlier row
    if resident is not None:
        if (id(resident), id(household)) in plan.seen:  # two rows naming one person in one unit
            plan.errors.append(
                {
                    "row": row,
                    "column": column(person, "name"),
                    "message": _("The same person in this unit twice."),
                }
            )
            return
        plan.seen.add((id(resident), id(household)))
    if resident is None and _namesake_refused(plan, register, person):
        return
    if resident is None:
        resident = services.resident_new(
            name=person["name"],
            phone=person["mobile"],
            id_number=person["id_number"],
            is_party_member=bool(person["party_member"]),
        )
        plan.residents.append(resident)
        if person["id_number"] or person["mobile"]:
            new_people[key] = resident
        plan.new_names.setdefault(person["name"], []).append((row, resident))
        plan.residencies.append(
            Residency(resident=resident, household=household, relation=relation, started_on=started_on)
        )
        plan.changes.append(Change(row, "created"))
        return
    if resident.pk is None:  # new, already planned on an earlier row: another unit of theirs
        plan.residencies.append(
            Residency(resident=resident, household=household, relation=relation, started_on=started_on)
        )
        plan.changes.append(Change(row, "created"))
        return
    residency = register.residency(household if household.pk else None, resident)
    outcome = "unchanged"
    if residency is None:
        plan.residencies.append(
            Residency(resident=resident, household=household, relation=relation, started_on=started_on)
        )
        outcome = "created"
    elif residency.relation != relation:
        if residency.started_on >= today:
            plan.errors.append(
                {
                    "row": row,
                    "column": column(person, "relation"),
                    "message": _("This relation began today: change it from tomorrow on."),
                }
            )
            return
        plan.updates.append(_relation_change(residency, relation, today))
        outcome = "updated"
    elif person["moved_in_on"] and person["moved_in_on"] != residency.started_on:
        plan.updates.append(_residency_update(residency, person["moved_in_on"]))
        outcome = "updated"
    facts = {}
    if person["mobile"] and person["mobile"] != resident.phone:
        facts["phone"] = person["mobile"]
    if person["party_member"] is not None and person["party_member"] != resident.is_party_member:
        facts["is_party_member"] = person["party_member"]
    if person["id_number"] and not resident.id_number_digest:
        facts["id_number"] = person["id_number"]
    if person["name"] != resident.name:
        facts["name"] = person["name"]
    if facts:
        plan.updates.append(_resident_update(resident, household, facts))
        outcome = "updated" if outcome == "unchanged" else outcome
    plan.changes.append(Change(row, outcome))


def _relation_change(residency, relation, today):
    def write(actor):
        services.residency_end(actor=actor, residency=residency, ended_on=today)
        services.residency_start(
            actor=actor,
            resident=residency.resident,
            household=residency.household,
            relation=relation,
            started_on=today,
        )

    return write


def _residency_update(residency, started_on):
    return lambda actor: services.residency_update(actor=actor, residency=residency, started_on=started_on)


def _resident_update(resident, household, facts):
    return lambda actor: services.resident_update(
        actor=actor, resident=resident, household=household, changes=facts
    )


def households_write(actor, compound, plan: Plan, progress) -> None:
    """The new units, people and relations in bulk, then each change through its service."""
    services.register_bulk_create(
        actor=actor,
        community=compound.community,
        households=plan.households,
        residents=plan.residents,
        residencies=plan.residencies,
    )
    apply_updates(actor, plan, progress, done=len(plan.households) + len(plan.residents))


def apply_updates(actor, plan: Plan, progress, done: int = 0) -> None:
    """Each change of the plan through its service, the progress told as it goes."""
    progress(done)
    for number, update in enumerate(plan.updates, start=1):
        update(actor)
        if number % PROGRESS_EVERY == 0:
            progress(done + number)


# --- opening arrears --------------------------------------------------------------------------------


def opening_plan(actor, compound, table, progress=None) -> Plan:
    """Each row an opening balance (a bill of its own) for a unit and month; one already recorded
    with the same amount is unchanged, with another amount an error (a bill is never edited)."""
    rows, errors = imports.opening_dry_run(compound, table, progress)
    plan = Plan(errors=list(errors))
    if errors:
        return plan
    recorded = dict(
        (((household, period), amount))
        for household, period, amount in Bill.objects.filter(
            household__building__compound=compound, fee_item__kind=FeeKind.OPENING
        ).values_list("household_id", "period_start", "amount")
    )
    for row in rows:
        known = recorded.get((row["household"].pk, row["period"]))
        if known is None:
            plan.changes.append(Change(row["row"], "created"))
            plan.updates.append(_opening(row))
        elif known == row["amount"]:
            plan.changes.append(Change(row["row"], "unchanged"))
        else:
            plan.errors.append(
                {
                    "row": row["row"],
                    "column": "欠费金额",
                    "message": _(
                        "An opening balance of %(amount)s for this month is already recorded: correct it "
                        "with an adjustment."
                    )
                    % {"amount": known},
                }
            )
    if plan.errors:
        plan.changes, plan.updates = [], []
    return plan


def _opening(row: dict):
    return lambda actor: billing.opening_balance_record(
        actor=actor, household=row["household"], amount=row["amount"], period=row["period"]
    )


def write_updates(actor, _place, plan: Plan, progress) -> None:
    """The write of a kind whose every row goes through its service."""
    apply_updates(actor, plan, progress)


HOUSEHOLDS = Kind(
    scope="compound",
    allowed=lambda user, compound: require_register(user, compound.community),
    plan=households_plan,
    write=households_write,
)
OPENING_ARREARS = Kind(scope="compound", allowed=require_fees, plan=opening_plan, write=write_updates)
