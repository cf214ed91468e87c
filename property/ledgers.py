"""Ledgers (台账) as CSV or .xlsx, streamed so that a million rows take flat memory: the writer every
app's ledgers use (property's own rows are in property/fees/ledgers.py and register/ledgers.py).

Rows come from the database in chunks (QuerySet.iterator); CSV goes out line by line; .xlsx is
written by openpyxl's write-only workbook into a temporary file, which is then streamed. Every
ledger of every app is written here, its text as text (core.spreadsheets), never as a formula.
"""

import csv
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Literal

from django.http import FileResponse, StreamingHttpResponse
from ninja import Field, Schema
from openpyxl import Workbook

from core import periods, spreadsheets

CHUNK = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The OpenAPI description of a ledger endpoint's answer (`openapi_extra={"responses": RESPONSES}`).
RESPONSES = {
    200: {
        "description": "The ledger as CSV (UTF-8 with BOM) or .xlsx, streamed.",
        "content": {"text/csv": {}, XLSX: {}},
    },
}


def _local(value):
    """Spreadsheets hold no time zones: times are written in Asia/Shanghai."""
    if isinstance(value, datetime):
        return periods.local(value).replace(tzinfo=None)
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


class LedgerFilter(Schema):
    # The query of property's ledgers (bills, payments, households): where, and in what format.
    compound: int | None = None
    community: int | None = None
    format: Literal["csv", "xlsx"] = "csv"
    period: str | None = Field(None, description="YYYY-MM (bills)")


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
