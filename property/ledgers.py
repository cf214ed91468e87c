"""Ledgers (台账): bills and payments as CSV or .xlsx, streamed so that a million rows take flat memory.

Rows come from the database in chunks (QuerySet.iterator); CSV goes out line by line; .xlsx is
written by openpyxl's write-only workbook into a temporary file, which is then streamed. Every
ledger of every app is written here, its text as text (core.spreadsheets), never as a formula.
"""

import csv
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from io import BytesIO

from django.db.models import F, FilteredRelation
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from accounts.permissions import can_see_full_phones, mask_phone
from core import periods, spreadsheets
from core.money import FEN
from property.fees.selectors import settled_amount
from property.imports.households import AREA_SOURCE_WORDS, RELATION_WORDS
from property.imports.households import COLUMNS as HOUSEHOLD_COLUMNS
from property.models import Community

CHUNK = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The OpenAPI description of a ledger endpoint's answer (`openapi_extra={"responses": RESPONSES}`).
RESPONSES = {
    200: {
        "description": "The ledger as CSV (UTF-8 with BOM) or .xlsx, streamed.",
        "content": {"text/csv": {}, XLSX: {}},
    },
}


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


def household_columns() -> list[str]:
    """The import's own headers, so that an exported ledger, edited, imports back."""
    return [column.header for column in HOUSEHOLD_COLUMNS]


def household_rows(households, user) -> Iterator[tuple]:
    """A row per person living in or owning each unit (a unit nobody is registered in: one row with
    the person's cells empty). Mobiles are masked unless the user may see them; ID numbers are only
    ever kept masked."""
    # The people whose relation to the unit is in force or yet to come, as the import reads them.
    current = periods.in_force_from(timezone.localdate(), "residencies")
    rows = (
        households.annotate(current=FilteredRelation("residencies", condition=current))
        .order_by(
            "building__compound_id", "building__name", "unit_label", "current__started_on", "current__id"
        )
        .values_list(
            "building__compound__community_id",
            "building__compound__community__subdistrict_id",
            "building__name",
            "unit_label",
            "floor",
            "building_area",
            "inner_area",
            "area_source",
            "held_by_developer",
            "current__resident__name",
            "current__relation",
            "current__resident__phone",
            "current__resident__user_id",
            "current__resident__id_number_masked",
            "current__resident__is_party_member",
            "current__started_on",
        )
    )
    full_phones: dict[int, bool] = {}
    yes_no = {True: "是", False: "否", None: ""}
    for row in rows.iterator(chunk_size=CHUNK):
        (community, subdistrict, building, label, floor, area, inner, source, held) = row[:9]
        name, relation, phone, user_id, id_masked, party, since = row[9:]
        if community not in full_phones:
            place = Community(id=community, subdistrict_id=subdistrict)
            full_phones[community] = can_see_full_phones(user, place)
        if phone and not (full_phones[community] or user_id == user.pk):
            phone = mask_phone(phone)
        yield (
            building,
            "",
            label,
            floor,
            area,
            inner,
            AREA_SOURCE_WORDS[source],
            name or "",
            RELATION_WORDS.get(relation, ""),
            phone or "",
            id_masked or "",
            yes_no[party],
            since,
            yes_no[held],
        )


def _local(value):
    """Spreadsheets hold no time zones: times are written in Asia/Shanghai."""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class _Echo:
    def write(self, value):
        return value


def _started(rows: Iterable[tuple]) -> Iterator[tuple]:
    """The rows with the first one already fetched: a query the database refuses (an id beyond
    what it stores) fails here, as a clear answer, not halfway through a file."""
    rows = iter(rows)
    first = next(rows, None)
    return rows if first is None else itertools.chain([first], rows)


def csv_response(filename: str, header: list[str], rows: Iterable[tuple]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = _started(rows)

    def lines():
        yield "\ufeff"  # a BOM, so that spreadsheet programs read the Chinese as UTF-8
        yield writer.writerow(spreadsheets.csv_row(header))
        for row in rows:
            yield writer.writerow(spreadsheets.csv_row(_local(value) for value in row))

    response = StreamingHttpResponse(
        (line.encode() for line in lines()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, header: list[str], rows: Iterable[tuple]) -> FileResponse:
    rows = _started(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(filename[:31])
    sheet.append(spreadsheets.sheet_row(sheet, header))
    for row in rows:
        sheet.append(spreadsheets.sheet_row(sheet, [_local(value) for value in row]))
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)


def in_month(queryset, field: str, period: str | None):
    """Rows whose `field` (a time) falls in the month `period` (YYYY-MM); all rows without one."""
    if period is None:
        return queryset
    start, end = periods.days_bounds(*periods.month_bounds(periods.period_parse(period)))
    return queryset.filter(**{f"{field}__gte": start, f"{field}__lt": end})


def ledger_response(format: str, filename: str, header: list[str], rows: Iterable[tuple]):
    """A ledger streamed as CSV or written to .xlsx, as the request's `format` asks."""
    render = csv_response if format == "csv" else xlsx_response
    return render(filename, header, rows)


def marked_response(record) -> FileResponse:
    """An import's file handed back with its errors (reading.marked), under the name it came with."""
    from property.imports.reading import marked

    data, extension = marked(record.file_name, bytes(record.data), record.errors)
    stem = record.file_name.rsplit(".", 1)[0] or "ledger"
    content_type = XLSX if extension == "xlsx" else "text/csv; charset=utf-8"
    return FileResponse(
        BytesIO(data), as_attachment=True, filename=f"{stem}-错误.{extension}", content_type=content_type
    )
