"""The fees' ledgers (台账): bills with what is settled on each, and payments, as rows for
property.ledgers to write."""

from collections.abc import Iterator

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.money import FEN
from property.fees.selectors import settled_amount
from property.ledgers import CHUNK


def bill_columns() -> list[str]:
    return [
        _("compound"),
        _("building"),
        pgettext("household", "unit"),
        _("fee item"),
        _("period"),
        _("months"),
        _("amount due (yuan)"),
        _("settled (yuan)"),
        _("status"),
        _("due on"),
        _("calculation"),
    ]


def bill_rows(bills) -> Iterator[tuple]:
    rows = (
        bills.annotate(settled=settled_amount())
        .order_by("household__building__compound_id", "household_id", "period_start", "id")
        .values_list(
            "household__building__compound__name",
            "household__building__name",
            "household__unit_label",
            "fee_item__name",
            "period_start",
            "months",
            "amount",
            "settled",
            "status",
            "due_on",
            "basis",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        period, settled = row[4], row[7]
        yield (*row[:4], f"{period:%Y-%m}", *row[5:7], settled.quantize(FEN), *row[8:])


def payment_columns() -> list[str]:
    return [
        _("receipt number"),
        _("compound"),
        _("building"),
        pgettext("household", "unit"),
        _("amount (yuan)"),
        _("prepaid credit (yuan)"),
        _("method"),
        _("received at"),
        _("received by"),
    ]


def payment_rows(payments) -> Iterator[tuple]:
    rows = payments.order_by("compound_id", "receipt_seq").values_list(
        "compound_id",
        "receipt_seq",
        "compound__name",
        "household__building__name",
        "household__unit_label",
        "amount",
        "credit",
        "method",
        "received_at",
        F("received_by__username"),
    )
    for compound_id, seq, *rest in rows.iterator(chunk_size=CHUNK):
        yield (f"{compound_id:04d}-{seq:06d}", *rest)
