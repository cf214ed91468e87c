"""Writes of the five-co index: a month's snapshots (filled by beat) and an audited recompute."""

from datetime import date

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_officer_of
from accounts.services import audit_record
from core.errors import Forbidden, Invalid
from core.locks import retried
from core.periods import last_full_week, month_start, week_start
from property.models import Community, Compound
from reports import selectors
from reports.bulletin import bulletin_data
from reports.models import Bulletin, Fill, FillState, Level, Snapshot


def _month_closed(period: date, field: str = "period") -> None:
    if period != month_start(period) or not selectors.is_filled(period):
        raise Invalid(
            _("Only a month that has ended can be kept; the month in progress is computed."), field=field
        )


def _write(level: str, rows: dict, period: date, now, *, skip_written: bool = False) -> None:
    Snapshot.objects.bulk_create(
        (
            Snapshot(
                level=level, place_id=pk, period=period, computed_at=now, **selectors.snapshot_fields(scores)
            )
            for pk, scores in rows.items()
        ),
        ignore_conflicts=skip_written,
    )


def _lock(period: date, now) -> Fill:
    """The month's Fill row, locked until the transaction ends: every write of a month's snapshots
    (a fill's chunks and roll-ups, a recompute) takes it first, so they take turns (on PostgreSQL;
    SQLite writes one at a time anyway). A recompute that deleted a compound's row and writes it
    again never meets a fill's row written meanwhile."""
    Fill.objects.get_or_create(period=period, defaults={"started_at": now})
    return Fill.objects.select_for_update().get(period=period)


def _roll_ups_write(period: date, communities, now) -> None:
    """The rows of the communities given and of their subdistricts, from their compounds' stored
    rows, replaced at once (a place with no compound has a row with no score)."""
    with transaction.atomic():
        _lock(period, now)  # read the compounds' rows and replace the roll-ups with nobody between
        places = list(communities.values_list("pk", "subdistrict_id"))
        by_community = {pk: [] for pk, _s in places}
        by_subdistrict = {s: [] for _pk, s in places}
        compounds = dict(Compound.objects.filter(community__in=communities).values_list("pk", "community_id"))
        subdistrict_of = dict(places)
        for s in Snapshot.objects.filter(level=Level.COMPOUND, period=period, place_id__in=compounds):
            scores = selectors.from_snapshot(s)
            by_community[compounds[s.place_id]].append(scores)
            by_subdistrict[subdistrict_of[compounds[s.place_id]]].append(scores)
        for level, members in ((Level.COMMUNITY, by_community), (Level.SUBDISTRICT, by_subdistrict)):
            Snapshot.objects.filter(level=level, period=period, place_id__in=members).delete()
            _write(level, {pk: selectors.roll_up(rows) for pk, rows in members.items()}, period, now)


def snapshots_fill(*, period: date) -> Fill:
    """Keep a past month's scores of every compound, community and subdistrict.

    Idempotent and resumable: compounds are written in chunks, each in its own transaction, and a
    run writes only the compounds not written yet; the roll-ups are replaced in one transaction at
    the end. A month once done is not filled again (recomputing is snapshot_recompute).
    """
    _month_closed(period)
    now = timezone.now()
    fill, _created = Fill.objects.get_or_create(period=period, defaults={"started_at": now})
    if fill.state == FillState.DONE:
        return fill
    every = list(Compound.objects.order_by("pk").values_list("pk", flat=True))
    done = set(
        Snapshot.objects.filter(level=Level.COMPOUND, period=period).values_list("place_id", flat=True)
    )
    missing = [pk for pk in every if pk not in done]
    chunk = settings.FIVE_CO_FILL_CHUNK
    for start in range(0, len(missing), chunk):
        ids = missing[start : start + chunk]
        rows = selectors.compound_scores(ids, period)
        with transaction.atomic():
            _lock(period, now)
            # a recompute (or another fill) may have written some meanwhile: theirs are kept
            _write(Level.COMPOUND, rows, period, now, skip_written=True)
    _roll_ups_write(period, Community.objects.all(), now)
    fill.state, fill.finished_at = FillState.DONE, timezone.now()
    fill.save(update_fields=["state", "finished_at"])
    return fill


@retried
@transaction.atomic
def snapshot_recompute(*, actor, subdistrict, period: date, reason: str) -> Snapshot | None:
    """Recompute a past month of a subdistrict (its compounds, communities and itself) from the
    records as they are now, replacing what was kept; audited with the reason and both overall scores."""
    if not is_officer_of(actor, subdistrict):
        raise Forbidden(_("Only the subdistrict's officers recompute its past months."))
    _month_closed(period)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the month is recomputed."), field="reason")
    now = timezone.now()
    _lock(period, now)
    compound_ids = list(
        Compound.objects.filter(community__subdistrict=subdistrict)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    before = Snapshot.objects.filter(level=Level.SUBDISTRICT, place_id=subdistrict.pk, period=period).first()
    Snapshot.objects.filter(level=Level.COMPOUND, period=period, place_id__in=compound_ids).delete()
    _write(Level.COMPOUND, selectors.compound_scores(compound_ids, period), period, now)
    _roll_ups_write(period, Community.objects.filter(subdistrict=subdistrict), now)
    after = Snapshot.objects.filter(level=Level.SUBDISTRICT, place_id=subdistrict.pk, period=period).first()
    audit_record(
        actor=actor,
        action="five_co.recompute",
        obj=subdistrict,
        data={
            "period": f"{period:%Y-%m}",
            "compounds": len(compound_ids),
            "reason": reason,
            "overall_before": None if before is None or before.overall is None else str(before.overall),
            "overall_after": None if after is None or after.overall is None else str(after.overall),
        },
    )
    return after


def bulletin_publish(*, subdistrict, week: date):
    """Publish the subdistrict's bulletin of an ended ISO week, once: a published bulletin is kept as
    it was (a later run, or a record entered late, changes nothing)."""
    if week != week_start(week) or week > last_full_week(timezone.localdate()):
        raise Invalid(_("Only a week that has ended is published."), field="week")
    found = Bulletin.objects.filter(subdistrict=subdistrict, week=week).first()
    if found is not None:
        return found
    data = bulletin_data(subdistrict, week)
    published = timezone.now()
    data["published_at"] = DjangoJSONEncoder().default(published)  # as the API reads it back
    bulletin, _created = Bulletin.objects.get_or_create(
        subdistrict=subdistrict, week=week, defaults={"published_at": published, "data": data}
    )
    return bulletin
