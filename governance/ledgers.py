"""Governance's ledgers (台账), streamed as CSV or .xlsx: meetings with their resolutions and actions
(a row each, the meeting's cells repeated), and a vote's frozen roll with the ballots standing, for
the paper archive."""

from collections.abc import Iterator

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from governance.models import Action, Ballot, Choice, MeetingKind, Presence, RollUnit
from property.ledgers import CHUNK


def meeting_columns() -> list[str]:
    return [
        _("body"),
        _("compound"),
        _("meeting"),
        _("kind"),
        _("held at"),
        _("place"),
        _("present"),
        _("by proxy"),
        _("absent"),
        _("minutes"),
        pgettext("ledger row", "item"),
        _("text"),
        _("for"),
        _("against"),
        _("abstain"),
        _("assignee"),
        _("due on"),
        _("closed at"),
        _("closing note"),
    ]


def meeting_rows(meetings) -> Iterator[tuple]:
    kinds = {value: str(label) for value, label in MeetingKind.choices}
    resolution, action = _("resolution"), pgettext("meeting ledger", "action")
    counted = meetings.annotate(
        present=Count("attendance", filter=Q(attendance__presence=Presence.PRESENT)),
        proxies=Count("attendance", filter=Q(attendance__presence=Presence.PROXY)),
        absent=Count("attendance", filter=Q(attendance__presence__in=[Presence.ABSENT, Presence.EXCUSED])),
    ).prefetch_related(
        "resolutions", Prefetch("actions", queryset=Action.objects.select_related("assignee__resident"))
    )
    for meeting in counted.order_by("held_at", "id").iterator(chunk_size=CHUNK // 5):
        head = (
            meeting.body.name,
            meeting.body.compound.name if meeting.body.compound_id else "",
            meeting.title,
            kinds.get(meeting.kind, meeting.kind),
            meeting.held_at,
            meeting.place,
            meeting.present,
            meeting.proxies,
            meeting.absent,
            meeting.minutes,
        )
        rows = [
            (resolution, r.text, r.votes_for, r.votes_against, r.abstentions, "", None, None, "")
            for r in meeting.resolutions.all()
        ] + [
            (
                action,
                a.title,
                None,
                None,
                None,
                a.assignee.resident.name,
                a.due_on,
                a.closed_at,
                a.closing_note,
            )
            for a in meeting.actions.all()
        ]
        for row in rows or [("", "", None, None, None, "", None, None, "")]:
            yield (*head, *row)


def roll_columns() -> list[str]:
    return [
        _("owner"),
        _("building"),
        pgettext("household", "unit"),
        _("area (m²)"),
        _("developer (unsold units)"),
        _("choice"),
        _("ballot from unit"),
        _("paper ballot"),
        _("cast at"),
        _("entered by"),
    ]


def roll_rows(vote) -> Iterator[tuple]:
    """Every unit of the roll as frozen, under its owner; the owner's standing ballot on the owner's
    first unit (one owner, one ballot, whichever unit it came from)."""
    choices = {value: str(label) for value, label in Choice.choices}
    yes, no = _("yes"), _("no")
    standing = {
        b.owner_id: b
        for b in Ballot.objects.filter(vote=vote, replaced_at__isnull=True).select_related(
            "household", "cast_by"
        )
    }
    units = (
        RollUnit.objects.filter(vote=vote)
        .select_related("owner", "household__building")
        .order_by("owner__name", "owner_id", "household__building__name", "household__unit_label")
    )
    shown = set()
    for unit in units.iterator(chunk_size=CHUNK):
        owner = unit.owner
        ballot = standing.get(owner.pk) if owner.pk not in shown else None
        shown.add(owner.pk)
        yield (
            owner.name or _("developer (unsold units)"),
            unit.household.building.name,
            unit.household.unit_label,
            unit.area,
            yes if owner.is_developer else no,
            choices[ballot.choice] if ballot else "",
            ballot.household.unit_label if ballot else "",
            (yes if ballot.on_paper else no) if ballot else "",
            ballot.cast_at if ballot else None,
            (ballot.cast_by.name or ballot.cast_by.username) if ballot and ballot.cast_by else "",
        )
