"""Reading a community's Excel ledgers (台账), of any kind: a kind's template from its columns, how a
ledger's own headers are matched to the columns — by name, with the synonyms offices use, not by
position — the rows of an .xlsx or .csv file, the cells' values, the marked file sent back and the
redacted file kept. Each kind (property.imports.households, .opening_arrears, volunteers.imports)
carries its own columns; this module knows none of them.

Headers are the ledgers' Chinese terms: they are the file's format, like a column name, so they are
kept as they are written; the notes under them are read by people and translated.
"""

import csv
import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core import bounds, spreadsheets
from core.spreadsheets import Unreadable
from property.register.services import id_number_mask


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    note: object  # a lazy translation: the template's notes row
    required: bool = False
    synonyms: tuple[str, ...] = field(default_factory=tuple)


_NOISE = re.compile(r"[\s\u3000:：*＊]|[（(][^）)]*[）)]")


def normalised(header) -> str:
    """A header as it is compared: no spaces (also full-width), no '*' marks, no bracketed units
    ('建筑面积（㎡）' is '建筑面积'), lower case."""
    return _NOISE.sub("", str(header or "")).lower()


def match_headers(columns: tuple[Column, ...], headers: list) -> tuple[dict[str, int], list[dict]]:
    """{column key: the index of the header that names it}, and the problems: a required column
    missing, or two headers naming one column. Unknown headers are left alone."""
    names = {}
    for column in columns:
        for name in (column.header, *column.synonyms):
            names[normalised(name)] = column.key
    found: dict[str, int] = {}
    errors = []
    for index, header in enumerate(headers):
        key = names.get(normalised(header))
        if key is None:
            continue
        if key in found:
            errors.append({"row": 1, "column": str(header), "message": _("Two columns name the same thing.")})
            continue
        found[key] = index
    for column in columns:
        if column.required and column.key not in found:
            errors.append(
                {
                    "row": 1,
                    "column": column.header,
                    "message": _("This column is missing: %(name)s.") % {"name": column.header},
                }
            )
    return found, errors


def template(columns: tuple[Column, ...], title: str) -> bytes:
    """The .xlsx template of a kind: the headers, then a row of notes (it is skipped when read)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(spreadsheets.sheet_row(sheet, [c.header for c in columns]))
    sheet.append(spreadsheets.sheet_row(sheet, [str(c.note) for c in columns]))
    bold, grey = Font(bold=True), Font(italic=True, color="666666")
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = bold
        sheet.cell(row=2, column=index).font = grey
        if column.required:
            sheet.cell(row=1, column=index).fill = PatternFill("solid", fgColor="FDE2E1")
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            12, len(column.header) * 3
        )
    sheet.freeze_panes = "A3"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps 3 as 3.0
    if isinstance(value, datetime):
        value = value.date() if value.time() == time(0) else value
    return str(value).strip()


def _xlsx(data: bytes) -> list[list[str]]:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        sheets = [n for n in archive.namelist() if n.lower().startswith("xl/worksheets/sheet")]
    except zipfile.BadZipFile as bad:
        raise Unreadable(_("This is not an .xlsx workbook or a .csv file.")) from bad
    merged = spreadsheets.workbook_check(
        archive,
        data,
        unpacked_max=settings.IMPORT_UNPACKED_MAX_BYTES,
        cell_max=settings.IMPORT_CELL_MAX_CHARS,
        columns_max=settings.IMPORT_MAX_COLUMNS,
    )
    if len(sheets) > 1:
        raise Unreadable(_("The workbook has several sheets: keep the ledger on one sheet."))
    if merged:
        raise Unreadable(
            _("The sheet has merged cells: unmerge them so that every row holds its own values.")
        )
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as bad:  # openpyxl raises many kinds on a damaged file
        raise Unreadable(_("This is not an .xlsx workbook or a .csv file.")) from bad
    rows = []
    sheet = workbook.active
    sheet.reset_dimensions()  # a row is as long as its cells, not as the sheet's declared width
    try:
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for index, cell in enumerate(row):
                if cell.data_type == "f":
                    raise Unreadable(
                        _("Row %(row)s, column %(column)s holds a formula: paste the values instead.")
                        % {"row": number, "column": index + 1}
                    )
                cells.append(_cell(cell.value))
            rows.append(cells)
            _limit(len(rows))
    except Unreadable:
        raise
    except Exception as bad:  # a value openpyxl cannot take (a number that is none, say)
        raise Unreadable(_("This is not an .xlsx workbook or a .csv file.")) from bad
    finally:
        workbook.close()
    return rows


def _csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Chinese Excel saves CSV as GB18030 (GBK)
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Unreadable(_("The file's encoding is neither UTF-8 nor GB18030: save it again as CSV UTF-8."))
    if "\x00" in text:  # UTF-16, as "Unicode text" is saved, reads as GB18030 with NULs
        raise Unreadable(_("The file's encoding is neither UTF-8 nor GB18030: save it again as CSV UTF-8."))
    rows = []
    reader = csv.reader(io.StringIO(text))
    try:
        for row in reader:
            if any(len(value) > settings.IMPORT_CELL_MAX_CHARS for value in row):
                raise csv.Error("field larger than IMPORT_CELL_MAX_CHARS")
            rows.append([spreadsheets.csv_text_read(value).strip() for value in row])
            _limit(len(rows))
    except csv.Error as bad:
        if "field larger" not in str(bad):  # a CR inside a cell not quoted
            raise Unreadable(_("This is not an .xlsx workbook or a .csv file.")) from bad
        raise Unreadable(  # over the bound (or over the csv module's own field limit)
            _("Row %(row)s holds a cell of more than %(n)s characters: no ledger's cell is that long.")
            % {"row": reader.line_num, "n": settings.IMPORT_CELL_MAX_CHARS}
        ) from bad
    return rows


def _limit(rows: int) -> None:
    if rows > settings.IMPORT_MAX_ROWS + 2:  # the header and the notes row
        raise Unreadable(_("The file has more than %(n)s rows: split it.") % {"n": settings.IMPORT_MAX_ROWS})


def read_table(name: str, data: bytes) -> list[tuple[int, list[str]]]:
    """The rows of an uploaded ledger as text with their row numbers in the file, the header first;
    blank rows dropped (their numbers are kept by the others, as the person sees them in Excel)."""
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise Unreadable(
            _("The file is larger than %(mb)s MB: split it.")
            % {"mb": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    if not data:
        raise Unreadable(_("The file is empty."))
    lower = (name or "").lower()
    if data[:2] == b"PK" or lower.endswith(".xlsx"):
        rows = _xlsx(data)
    elif lower.endswith((".csv", ".txt")):
        rows = _csv(data)
    else:
        raise Unreadable(_("This is not an .xlsx workbook or a .csv file."))
    rows = [(number, row) for number, row in enumerate(rows, start=1) if any(row)]
    if len(rows) < 2:
        raise Unreadable(_("The file has no rows under its headers."))
    return rows


def is_notes_row(columns: tuple[Column, ...], row: list[str], found: dict[str, int]) -> bool:
    """The template's notes row (in Chinese or English), which is not a record."""
    notes = _notes(columns)
    values = [normalised(row[i]) for i in found.values() if i < len(row) and row[i]]
    return bool(values) and all(v in notes for v in values)


@functools.cache
def _notes(columns: tuple[Column, ...]) -> frozenset[str]:
    return frozenset(normalised(v) for c in columns for v in _all_languages(c.note))


def _all_languages(note) -> list[str]:
    out = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            out.append(str(note))
    return out

YES = {"是", "yes", "y", "true", "1", "党员", "中共党员", "√"}

NO = {"否", "no", "n", "false", "0", "群众"}

MASKED_ID = re.compile(r"^\d{3}\*{11}[\dX]{4}$")

DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass
class Problems:
    """The bad rows of a file: each with its row number, the column as the file names it, and why."""

    headers: list[str]
    found: dict[str, int]
    items: list[dict] = field(default_factory=list)

    @functools.cached_property
    def columns(self) -> dict[str, str]:
        return {key: self.headers[i] for key, i in self.found.items()}

    def add(self, row: int, key: str | None, message: str) -> None:
        column = self.headers[self.found[key]] if key in self.found else (key or "")
        self.items.append({"row": row, "column": column, "message": str(message)})


def _choice(value: str, choices: dict, row: int, key: str, problems: Problems, default=None):
    if not value:
        return default
    found = choices.get(value.strip().lower())
    if found is None:
        problems.add(
            row,
            key,
            _("Not one of: %(choices)s") % {"choices": "、".join(k for k in choices if not k.isascii())},
        )
    return found or default


def _flag(value: str, row: int, key: str, problems: Problems) -> bool | None:
    """是 or 否; an empty cell is not given (None): it changes nothing, and a new row takes 否."""
    text = value.strip().lower()
    if not text:
        return None
    if text in YES:
        return True
    if text not in NO:
        problems.add(row, key, _("Write 是 or 否."))
    return False


def parse_date(value: str, row: int, key: str, problems: Problems, kind: str = bounds.HISTORY):
    """A ledger's date within core.bounds (a moving-in day is of the register's past: HISTORY)."""
    if not value:
        return None
    match = DATE.match(value.split(" ")[0])
    try:
        if match is None:
            raise ValueError
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        problems.add(row, key, _("Not a date: %(value)s (write 2015-06-01)") % {"value": value})
        return None
    if problem := bounds.date_problem(day, kind):
        problems.add(row, key, problem)
        return None
    return day


def _too_long(text: str, model, field_name: str, row: int, key: str, problems: Problems) -> None:
    """The register's own limit on a field's length, checked before anything is written."""
    limit = model._meta.get_field(field_name).max_length
    if len(text) > limit:
        problems.add(row, key, _("At most %(n)s characters.") % {"n": limit})

ERROR_HEADER = "错误"

BAD = PatternFill("solid", fgColor="FDE2E1")


def marked(name: str, data: bytes, errors: list[dict]) -> tuple[bytes, str]:
    """The uploaded file as it came, with a last column 错误 giving each bad row its reasons and the
    bad cells shaded: fixed there and sent again. Returns the bytes and the file's extension."""
    by_row: dict[int, list[dict]] = {}
    for error in errors:
        by_row.setdefault(error["row"], []).append(error)
    if data[:2] == b"PK" or (name or "").lower().endswith(".xlsx"):  # as read_table tells a workbook
        return _marked_xlsx(name, data, by_row), "xlsx"
    return _marked_csv(data, by_row), "csv"


def _reasons(errors: list[dict]) -> str:
    return "；".join(f"{e['column']}: {e['message']}" if e["column"] else e["message"] for e in errors)


def _marked_xlsx(name: str, data: bytes, by_row: dict[int, list[dict]]) -> bytes:
    """Streamed, in flat memory like `redacted`: the rows read as text (read_table), written to a
    write-only workbook with the reasons in a last column and the bad cells shaded. The cells' values
    are kept, their formatting not (the stored file is the redacted one, which kept none either)."""
    table = read_table(name, data)
    first, header = table[0]
    if header and header[-1].startswith(ERROR_HEADER):  # marked before and sent again: its reasons go
        table = [(number, row[: len(header) - 1]) for number, row in table]
        header = header[:-1]
    headers = {text: index for index, text in enumerate(header) if text}
    width = max((len(row) for _number, row in table), default=0)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.column_dimensions[get_column_letter(width + 1)].width = 48
    numbers = {number for number, _row in table}
    reasons: dict[int, list[dict]] = {}
    for row, errors in sorted(by_row.items()):  # a file's own problem (row 0) on the header's row
        reasons.setdefault(row if row in numbers and row > first else first, []).extend(errors)
    red = Font(bold=True, color="B42318")
    title = spreadsheets.text_cell(sheet, ERROR_HEADER)
    title.font = red
    last = 0
    for number, row in table:
        for _blank in range(number - last - 1):  # blank rows kept, so that row numbers stay
            sheet.append([])
        cells = spreadsheets.sheet_row(sheet, [*row, *[""] * (width - len(row))])
        for error in by_row.get(number, []) if number > first else []:
            if error["column"] in headers:
                cells[headers[error["column"]]].fill = BAD
        if number == first:
            extra = title
            if first in reasons:  # the file's own problems after the column's name
                extra = spreadsheets.text_cell(sheet, f"{ERROR_HEADER}：{_reasons(reasons[first])}")
                extra.font = red
        else:
            extra = spreadsheets.text_cell(sheet, _reasons(reasons[number])) if number in reasons else None
        sheet.append([*cells, extra])
        last = number
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _marked_csv(data: bytes, by_row: dict[int, list[dict]]) -> bytes:
    rows = _csv(data)
    width = max((len(r) for r in rows), default=0)
    if rows and rows[0] and rows[0][-1] == ERROR_HEADER:
        width -= 1
        rows = [r[:width] for r in rows]
    out = io.StringIO()
    writer = csv.writer(out)
    for number, row in enumerate(rows, start=1):
        padded = row + [""] * (width - len(row))
        extra = ERROR_HEADER if number == 1 else _reasons(by_row.get(number, []))
        writer.writerow(spreadsheets.csv_row([*padded, extra]))
    return out.getvalue().encode("utf-8-sig")


def redacted(columns: tuple[Column, ...], title: str, name: str, data: bytes, table=None) -> bytes:
    """The file with every ID number in it masked (the register keeps none in full), written again
    from its rows (streamed, in flat memory: the cells' values kept, their formatting not). A file
    that cannot be read is returned as it came (it holds no rows). `table`: its rows, if read."""
    if table is None:
        try:
            table = read_table(name, data)
        except Unreadable:
            return data
    found, _problems = match_headers(columns, table[0][1])
    if "id_number" not in found:
        return data
    index = found["id_number"]

    def masked(row: list[str]) -> list[str]:
        row = list(row)
        if index < len(row):
            text = row[index].strip().upper()
            if len(text) == 18 and not MASKED_ID.match(text):
                row[index] = id_number_mask(text)
        return row

    if data[:2] == b"PK":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title)
        last = 0
        for number, row in table:
            for _blank in range(number - last - 1):  # blank rows kept, so that row numbers stay
                sheet.append([])
            sheet.append(spreadsheets.sheet_row(sheet, masked(row)))
            last = number
        buffer = BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    out = io.StringIO()
    writer = csv.writer(out)
    last = 0
    for number, row in table:
        for _blank in range(number - last - 1):
            writer.writerow([])
        writer.writerow(spreadsheets.csv_row(masked(row)))
        last = number
    return out.getvalue().encode("utf-8-sig")
