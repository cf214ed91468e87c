"""The volunteer-hours ledger (志愿服务时长台账): every shift served, with the hours and points
credited by the one rule of hours (selectors.hours_served), streamed as CSV or .xlsx."""

from collections.abc import Iterator

from django.utils.translation import gettext as _

from property.ledgers import CHUNK
from volunteers.selectors import hours_served, points_for


def hours_columns() -> list[str]:
    return [
        _("volunteer"),
        _("community"),
        _("compound"),
        _("service type"),
        _("shift starts"),
        _("shift ends"),
        _("checked in at"),
        _("checked out at"),
        _("hours credited"),
        _("points"),
    ]


def hours_rows(signups) -> Iterator[tuple]:
    rows = signups.order_by("shift__starts_at", "id").values_list(
        "volunteer__resident__name",
        "shift__community__name",
        "shift__compound__name",
        "shift__service_type__name",
        "shift__starts_at",
        "shift__ends_at",
        "checked_in_at",
        "checked_out_at",
    )
    for name, community, compound, service, starts, ends, checked_in, checked_out in rows.iterator(
        chunk_size=CHUNK
    ):
        hours = hours_served(checked_in, checked_out, starts, ends)
        yield (
            name,
            community,
            compound or "",
            service,
            starts,
            ends,
            checked_in,
            checked_out,
            hours,
            points_for(hours),
        )
