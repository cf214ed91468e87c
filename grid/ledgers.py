"""The grid's ledgers (台账), streamed as CSV or .xlsx: duty-shift records, and incidents with every
step of their closed loop (one row a step, the incident's own cells repeated on each)."""

from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from grid.models import DutyStatus, IncidentStatus, StaffRole, minutes_worked
from property.ledgers import CHUNK


def _person(name: str | None, username: str | None) -> str:
    return name or username or ""


def _label(choices) -> dict:
    return {value: str(label) for value, label in choices}


def duty_columns() -> list[str]:
    return [
        _("community"),
        _("grid"),
        _("staff"),
        _("role"),
        _("starts at"),
        _("ends at"),
        _("status"),
        _("started at"),
        _("ended at"),
        _("minutes worked"),
        _("started late"),
        _("place"),
        _("notes"),
    ]


def duty_rows(shifts) -> Iterator[tuple]:
    roles, statuses = _label(StaffRole.choices), _label(DutyStatus.choices)
    yes, no = _("yes"), _("no")
    rows = shifts.order_by("starts_at", "id").values_list(
        "grid__community__name",
        "grid__name",
        "staff__name",
        "staff__username",
        "role",
        "starts_at",
        "ends_at",
        "status",
        "started_at",
        "ended_at",
        "late",
        "place_note",
        "notes",
    )
    for (
        community,
        grid,
        name,
        username,
        role,
        starts,
        ends,
        status,
        started,
        ended,
        late,
        place,
        notes,
    ) in rows.iterator(chunk_size=CHUNK):
        yield (
            community,
            grid,
            _person(name, username),
            roles.get(role, role),
            starts,
            ends,
            statuses.get(status, status),
            started,
            ended,
            "" if (worked := minutes_worked(started, ended)) is None else worked,
            yes if late else no,
            place,
            notes,
        )


def incident_columns() -> list[str]:
    return [
        _("incident number"),
        _("community"),
        _("grid"),
        _("category"),
        _("place"),
        _("description"),
        _("reported at"),
        _("responsible unit"),
        _("deadline"),
        _("status"),
        _("closed at"),
        _("was overdue"),
        _("reporter's rating"),
        _("step at"),
        pgettext("incident", "step"),
        _("from"),
        _("to"),
        _("by"),
        _("note"),
    ]


def incident_rows(incidents) -> Iterator[tuple]:
    statuses = _label(IncidentStatus.choices)
    yes, no = _("yes"), _("no")
    rows = incidents.order_by("reported_at", "id", "steps__at", "steps__id").values_list(
        "id",
        "grid__community__name",
        "grid__name",
        "category__name",
        "place",
        "description",
        "reported_at",
        "unit__name",
        "deadline",
        "status",
        "closed_at",
        "overdue",
        "rating",
        "steps__at",
        "steps__action",
        "steps__from_status",
        "steps__to_status",
        "steps__actor__name",
        "steps__actor__username",
        "steps__note",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        (number, community, grid, category, place, description, reported, unit, deadline, status) = row[:10]
        closed, overdue, rating, at, action, before, after, name, username, note = row[10:]
        yield (
            number,
            community,
            grid,
            category,
            place,
            description,
            reported,
            unit or "",
            deadline,
            statuses.get(status, status),
            closed,
            yes if overdue else no,
            rating,
            at,
            action or "",
            statuses.get(before, before or ""),
            statuses.get(after, after or ""),
            _person(name, username),
            note or "",
        )
