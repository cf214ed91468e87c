"""Ledgers (台账): bills and payments as CSV or .xlsx, streamed so that a million rows take flat memory.

Rows come from the database in chunks (QuerySet.iterator); CSV goes out line by line; .xlsx is
written by openpyxl's write-only workbook into a temporary file, which is then streamed.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db.models import F
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from core.money import FEN
from property.selectors import settled_amount

CHUNK = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _local(value):
    """Spreadsheets hold no time zones: times are written in Asia/Shanghai."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows: Iterable[tuple]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a BOM, so that spreadsheet programs read the Chinese as UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(
        (line.encode() for line in lines()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, header: list[str], rows: Iterable[tuple]) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_local(value) for value in row])
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)
