"""Running a ledger import: the request (the file kept, the worker told), the check of every row
against the register, and the write — in one transaction, through the services, so that
permissions and history are those of the person entering the rows one by one.

Each kind is a Kind with its columns and what it checks and writes, in a module of its own
(property.imports.households, .opening_arrears; volunteers.imports, an app above property), named in
settings.IMPORT_KINDS: this module knows none of them.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import audit_record, audit_via
from core.errors import DomainError, Invalid
from core.hooks import hook_table
from core.locks import retried
from core.resend import resend_due
from core.spreadsheets import Unreadable
from property.imports import reading
from property.models import ImportStatus, LedgerColumn, LedgerImport

PROGRESS_EVERY = 500
# The changes kept with an import, record by record (the counts cover them all).
MAX_DETAILS = 5000

OUTCOMES = ("created", "updated", "unchanged")

FINISHED = (ImportStatus.INVALID, ImportStatus.CHECKED, ImportStatus.DONE, ImportStatus.FAILED)

# What an import may ask the worker before it writes (the check page asks it): the refusal of a write
# sent without the answer.
ASKS = {
    "relation": gettext_lazy(
        "The ledger does not say what its people are to their homes: choose it on the check page "
        "(owners, residents who are not owners, tenants, or the first of each unit the owner)."
    ),
    "accept": gettext_lazy(
        "The ledger changes registered areas or owners, which move fees and votes: accept them on the "
        "check page, all or one by one."
    ),
}


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
    asks: set = field(default_factory=set)  # what the worker must answer before it is written
    named: dict = field(default_factory=dict)  # registered unit -> the registered people the file names
    # what it changes, record by record, field by field (LedgerImport.changes): see Detail
    details: list[dict] = field(default_factory=list)
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
    columns: tuple  # of reading.Column: its headers, their synonyms, the template's notes
    title: str  # the sheet's name in the template and the kept file
    scope: str  # "compound" or "community": where the rows go
    allowed: Callable[[object, object], None]  # allowed(user, place): raises Forbidden
    # plan(actor, place, table, progress, options) -> Plan, writing nothing; options: the worker's
    # answers on the check page (LedgerImport.options)
    plan: Callable[..., Plan]
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


def template(name: str) -> bytes:
    """The .xlsx template of a kind of ledger."""
    spec = _kind(name)
    return reading.template(spec.columns, spec.title)


def _kind(name: str) -> Kind:
    if name not in kinds():
        raise Invalid(_("Not a kind of ledger Gongzhi imports."), field="kind")
    return kinds()[name]


@transaction.atomic
def import_request(
    *,
    actor,
    kind: str,
    file_name: str,
    data: bytes,
    compound=None,
    community=None,
    dry_run: bool = True,
    options: dict | None = None,
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
        table = reading.read_table(file_name, data)
    except Unreadable as bad:
        raise Invalid(bad.message, field="file") from bad
    rows = len(reading.locate(spec.columns, table).rows)
    record = LedgerImport(
        kind=kind,
        community=community,
        compound=compound,
        file_name=(file_name or "")[-200:],
        data=data,
        dry_run=dry_run,
        rows=rows,
        requested_by=actor,
        options=_with_remembered(actor, options_check(options or {}, spec), community, kind),
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


RELATION_POLICIES = ("owner", "first_owner", "family", "tenant")


def _with_remembered(actor, options: dict, community, kind: str) -> dict:
    """The columns the worker mapped now are remembered for the community's next files of the kind
    (kept in the history); the ones mapped before apply to this one too."""
    given = options.get("columns", {})
    for header, key in given.items():
        column, _created = LedgerColumn.objects.update_or_create(
            community=community, kind=kind, header=header, defaults={"key": key}
        )
        audit_record(actor=actor, action="import.column", obj=column, data={"header": header, "key": key})
    remembered = dict(
        LedgerColumn.objects.filter(community=community, kind=kind).values_list("header", "key")
    )
    return {**options, "columns": remembered} if remembered else options


def options_check(options: dict, spec=None) -> dict:
    """The worker's answers, each one Gongzhi asks about with one of its values."""
    out = {}
    seen = options.get("seen")
    if seen is not None:
        if not (isinstance(seen, list) and all(isinstance(k, str) for k in seen)):
            raise Invalid(_("Name the changes shown by their keys."), field="seen")
        out["seen"] = seen
    columns = options.get("columns")
    if columns:
        keys = {c.key for c in spec.columns} if spec else set()
        if not isinstance(columns, dict) or not all(
            isinstance(h, str) and isinstance(k, str) and 0 < len(h.strip()) <= 100 and k in keys | {""}
            for h, k in columns.items()
        ):
            raise Invalid(_("Map each column to one the ledger has, or to none."), field="columns")
        chosen = [k for k in columns.values() if k]
        if len(chosen) != len(set(chosen)):
            raise Invalid(_("Two columns are mapped to the same one."), field="columns")
        out["columns"] = {h.strip(): k for h, k in columns.items()}
    relation = options.get("relation")
    if relation not in (None, "", *RELATION_POLICIES):
        raise Invalid(_("Choose what the ledger's people are."), field="relation")
    if relation:
        out["relation"] = relation
    end = options.get("end")
    if end is not None:
        if not (isinstance(end, list) and all(isinstance(k, str) and k.startswith("end:") for k in end)):
            raise Invalid(_("Name the relations to end by their keys (end:<id>)."), field="end")
        out["end"] = end
    accept = options.get("accept")
    if accept is not None:
        if accept != "all" and not (isinstance(accept, list) and all(isinstance(k, str) for k in accept)):
            raise Invalid(_('Accept "all" or a list of the changes\' keys.'), field="accept")
        out["accept"] = accept
    return out


def accepted(options: dict | None, key: str) -> bool:
    """Whether the worker accepted the change `key` (a registered area or an owner changed). A key
    names the change with its values (change_key), so an acceptance is of what was shown."""
    accept = (options or {}).get("accept")
    return accept == "all" or (isinstance(accept, list) and key in accept)


def to_ask(options: dict | None, key: str) -> bool:
    """Whether the change `key`, not accepted, must be shown to the worker first: not answered at
    all, or (from the page, which sends what it showed as `seen`) not among the changes shown."""
    options = options or {}
    if accepted(options, key):
        return False
    if "accept" not in options:
        return True
    seen = options.get("seen")
    return seen is not None and key not in seen


def change_key(kind: str, row: int, fields: list) -> str:
    """A change's key: its row and a digest of what it changes (before and after), so that accepting
    it accepts those values and nothing the register turns it into later."""
    digest = hashlib.sha256(json.dumps([kind, row, fields], ensure_ascii=False).encode()).hexdigest()[:10]
    return f"{kind}:{row}:{digest}"


def summary_of(changes: list[dict], written: bool) -> dict:
    """The counts of the import's list of changes, by unit and person, not rows: once written, what
    was written (a change not accepted is not); at the check, all it would make if accepted."""
    out = {"unit": {"created": 0, "updated": 0}, "person": {"created": 0, "updated": 0}}
    out |= {"to_accept": 0, "not_accepted": 0, "absent": 0}
    for change in changes:
        if change["what"] == "absent":  # not a change unless ended
            out["absent"] += 1
            if change["accepted"]:
                out["person"]["updated"] += 1
            continue
        if "key" in change:
            out["to_accept"] += 1
            if not change["accepted"]:
                out["not_accepted"] += 1
                if written:
                    continue
        out[change["what"]][change["outcome"]] += 1
    return out


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
        table = reading.read_table(record.file_name, bytes(record.data))
    except Unreadable as refused:  # read when it was sent; refused now (the bounds changed)
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

    located = reading.locate(spec.columns, table, record.options.get("columns"))
    options = {**record.options, "unknown": located.unknown, "mapped": located.mapped}
    _set(record, notes=located.notes, options=options)

    plan = spec.plan(record.requested_by, place, table, checked, record.options)
    counts = {o: plan.count(o) for o in OUTCOMES}
    # What the worker must answer first (a relation the ledger does not give, a change of an area or
    # an owner not yet shown): such an import is checked, not written, and the page asks.
    unanswered = sorted(plan.asks)
    _set(record, options={**record.options, "asks": unanswered})
    if plan.errors or record.dry_run or unanswered:
        status = ImportStatus.INVALID if plan.errors else ImportStatus.CHECKED
        _set(
            record,
            status=status,
            errors=plan.errors,
            changes=[] if plan.errors else plan.details[:MAX_DETAILS],
            summary={} if plan.errors else summary_of(plan.details, written=False),
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
    plan = spec.plan(record.requested_by, place, table, None, record.options)  # again, as it writes
    if plan.errors:
        raise Invalid(plan.errors[0]["message"])
    if plan.asks:  # the register changed since the check: what is to be answered changed too
        raise Invalid(str(ASKS[sorted(plan.asks)[0]]))
    with audit_via(import_id=record.pk):  # each changed unit's history names this import
        spec.write(
            record.requested_by, place, plan, lambda rows: cache.set(progress_key(record.pk), rows, 3600)
        )
    counts = {o: plan.count(o) for o in OUTCOMES}
    _set(
        record,
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        changes=plan.details[:MAX_DETAILS],
        summary=summary_of(plan.details, written=True),
        **counts,
    )
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
    spec = kinds()[record.kind]
    extra = record.options.get("columns")
    data = reading.redacted(spec.columns, spec.title, record.file_name, bytes(record.data), table, extra)
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


def apply_updates(actor, plan: Plan, progress, done: int = 0) -> None:
    """Each change of the plan through its service, the progress told as it goes."""
    progress(done)
    for number, update in enumerate(plan.updates, start=1):
        update(actor)
        if number % PROGRESS_EVERY == 0:
            progress(done + number)


def write_updates(actor, _place, plan: Plan, progress) -> None:
    """The write of a kind whose every row goes through its service."""
    apply_updates(actor, plan, progress)
