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
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries

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
# Units offices write after a header or a value (NFKC has made ㎡ and m² "m2").
_UNITS = re.compile(r"(m2|平方米|平米|㎡)$")
_PARTS = re.compile(r"[/／、|]")
# Headers of columns that number the rows, read by no kind and not worth a word.
ROW_NUMBERS = {"序号", "编号", "no", "no.", "序"}
# Columns of remarks offices keep beside the records: said to be left out, never asked about.
REMARKS = {"备注", "说明", "其他", "附注", "remarks", "notes"}
# A row adding up the ones above it, and the lines under a ledger (who made it, when, who checked).
TOTALS = ("合计", "总计", "小计", "共计")
SIGNATURES = ("制表", "填表", "审核", "负责人", "填报", "经办人", "统计人", "联系人")
# How far down a title may push the headers.
HEADER_SEARCH_ROWS = 20


def cell_text(value) -> str:
    """A cell's text as it is compared and read: full-width digits, letters and spaces as ASCII
    (NFKC: "１３８" is "138", "㎡" is "m2"), stripped. (A header is shown as the file writes it.)"""
    if isinstance(value, NumericText):
        return value
    return unicodedata.normalize("NFKC", str(value)).strip()


def row_values(row: list[str], found: dict[str, int]) -> dict[str, str]:
    """A record's cells by column key, as read (cell_text); a column the row is too short for is ""."""
    return {key: (cell_text(row[i]) if i < len(row) else "") for key, i in found.items()}


def normalised(header) -> str:
    """A header as it is compared: NFKC, no spaces, no '*' marks, no bracketed or trailing units
    ('建筑面积（㎡）' and '建筑面积㎡' are '建筑面积'), lower case."""
    return _UNITS.sub("", _NOISE.sub("", cell_text(header or "")).lower())


def _by_columns(build):
    """A cache of what a kind's columns give, by the columns' identity: each kind's are one module
    constant, and hashing them (their notes are lazy translations) on every row costs more than
    the work cached."""
    cached: dict[int, tuple] = {}

    def get(columns):
        hit = cached.get(id(columns))
        if hit is None or hit[0] is not columns:
            hit = cached[id(columns)] = (columns, build(columns))
        return hit[1]

    return get


@_by_columns
def _names(columns: tuple[Column, ...]) -> dict[str, str]:
    names = {}
    for column in columns:
        for name in (column.header, *column.synonyms):
            names[normalised(name)] = column.key
    return names


def header_key(columns: tuple[Column, ...], header, extra: dict | None = None) -> str | None:
    """The column a header names: as the worker mapped it for the community (`extra`: {header:
    key}, "" for a column not read), else by its whole name, or by a part of a name written as
    several ('门牌号/房号', '手机、电话')."""
    names = _names(columns)
    whole = normalised(header)
    if extra:
        mapped = {normalised(h): k for h, k in extra.items()}
        if whole in mapped:
            return mapped[whole] or None
    if whole in names:
        return names[whole]
    for part in _PARTS.split(whole):
        if part in names:
            return names[part]
    return None


def match_headers(
    columns: tuple[Column, ...], headers: list, row: int = 1, extra: dict | None = None
) -> tuple[dict[str, int], list[dict]]:
    """{column key: the index of the header that names it}, and the problems: a required column
    missing, or two headers naming one column. Unknown headers are left alone."""
    found: dict[str, int] = {}
    errors = []
    for index, header in enumerate(headers):
        key = header_key(columns, header, extra)
        if key is None:
            continue
        if key in found:
            message = _("Two columns name the same thing.")
            errors.append({"row": row, "column": str(header), "message": message, "header": True})
            continue
        found[key] = index
    for column in columns:
        if column.required and column.key not in found:
            errors.append(
                {
                    "row": row,
                    "column": column.header,
                    "message": _("This column is missing: %(name)s.") % {"name": column.header},
                    "header": True,
                }
            )
    return found, errors


@dataclass
class Located:
    """A ledger as an office keeps it, read: where its headers are (below any title rows), its rows of
    records (not a totals row, not the signatures under them), and what was left out, in words."""

    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    notes: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # headers no column is read from
    mapped: list[str] = field(default_factory=list)  # headers read as the community mapped them


def locate(
    columns: tuple[Column, ...], table: list[tuple[int, list[str]]], extra: dict | None = None
) -> Located:
    """The header row is the first (of the first HEADER_SEARCH_ROWS) naming at least three of the
    kind's columns (all of them, for a kind of fewer); else the first row, whose missing columns are
    then named. The rows above it (a title, merged or not) are left out, and so are a totals row
    (合计, 总计), the lines under the records (制表人, 填表日期, 审核人 ...), the template's notes row
    and the columns no kind reads: each said in `notes`."""
    need = min(3, len(columns))
    at = 0
    for index, (_number, row) in enumerate(table[:HEADER_SEARCH_ROWS]):
        if len({k for cell in row if cell and (k := header_key(columns, cell, extra))}) >= need:
            at = index
            break
    header_row, headers = table[at]
    notes = []
    if at:
        notes.append(
            _("Rows %(first)s to %(last)s above the headers were left out (a title).")
            % {"first": table[0][0], "last": table[at - 1][0]}
            if at > 1
            else _("Row %(row)s above the headers was left out (a title).") % {"row": table[0][0]}
        )
    found, _problems = match_headers(columns, headers, extra=extra)
    unknown = [
        str(h)
        for h in headers
        if str(h).strip()
        and header_key(columns, h, extra) is None
        and normalised(h) not in {normalised(k) for k in (extra or {})}  # mapped to "not read"
        and normalised(h) not in ROW_NUMBERS
        and not str(h).startswith(ERROR_HEADER)  # a marked file sent back
    ]
    if unknown:
        notes.append(_("Columns not read: %(names)s.") % {"names": "、".join(unknown)})
    unknown = [h for h in unknown if normalised(h) not in REMARKS and len(h) <= 100]  # worth asking about
    mapped_names = {normalised(k) for k in (extra or {})}
    mapped = [str(h) for h in headers if str(h).strip() and normalised(h) in mapped_names]
    required = [found[c.key] for c in columns if c.required and c.key in found]
    rows, totals, signatures = [], [], []
    for index, (number, row) in enumerate(table[at + 1 :]):
        first = next((normalised(cell) for cell in row if cell), "")
        # only a row without the record's required cells: a unit or a person named 合计 stays a record
        bare = not any(i < len(row) and str(row[i]).strip() for i in required)
        if bare and first.startswith(TOTALS):
            totals.append(str(number))
        elif bare and first.startswith(SIGNATURES):
            signatures.append(str(number))
        elif index or not is_notes_row(columns, row, found):  # the template's notes: under the headers
            rows.append((number, row))
    if totals:
        notes.append(_("Totals rows left out: %(rows)s.") % {"rows": "、".join(totals)})
    if signatures:
        notes.append(_("Lines under the records left out: rows %(rows)s.") % {"rows": "、".join(signatures)})
    return Located(header_row, list(headers), rows, notes, unknown, mapped)


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


class NumericText(str):
    """A cell's text that the workbook held as a number: an ID number kept as a number has lost its
    last digits (Excel keeps 15), whatever its check digit says."""


def _cell(value) -> str:
    if value is None:
        return ""
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps 3 as 3.0
    elif isinstance(value, float):
        value = f"{value:.15g}"  # 86.2 computed as 86.19999999999999: Excel shows 15 digits
    if isinstance(value, datetime):
        value = value.date() if value.time() == time(0) else value
    cell = str(value).strip()
    return NumericText(cell) if numeric else cell


# Merged cells read as each cell's value: at most this many cells filled in a file (a ledger merges a
# building's name down its units, a few thousand cells; a hostile file merges whole sheets).
MERGED_FILL_MAX = 200_000


def _merged_fill(ranges: list[str]) -> dict[int, list[tuple[int, int]]]:
    """For each row, the merged spans crossing it below their first row: (column, the top row whose
    value it shows). Filled down only, in a span's first column: a title or a header merged across
    columns stays one cell, as the person reads it. Bounded: a file merging more is refused."""
    spans: dict[int, list] = {}
    filled = 0
    for ref in ranges:
        try:
            first_col, first_row, _last_col, last_row = range_boundaries(ref)
        except (TypeError, ValueError):
            continue
        if first_col > settings.IMPORT_MAX_COLUMNS or last_row <= first_row:
            continue
        filled += last_row - first_row
        if filled > MERGED_FILL_MAX:
            raise Unreadable(_("The sheet merges more cells than any ledger: unmerge them."))
        spans.setdefault(-first_row, []).append((first_col, first_row))  # the top, by its negative row
        for row in range(first_row + 1, last_row + 1):
            spans.setdefault(row, []).append((first_col, first_row))
    return spans


def _xlsx(data: bytes) -> list[list[str]]:
    """The rows of the workbook's one sheet as text. A value merged down is in every row it covers
    (a building's name merged down its units' rows is each row's building). A formula is read as the
    value Excel saved for it; one saved without its value (written by a program, never opened in
    Excel) is refused."""
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
    spans = _merged_fill([ref for refs in merged.values() for ref in refs])
    formulas = _sheet_rows(data, spans, formulas=None)
    if isinstance(formulas, set):  # formulas found: their saved values read in a second pass
        return _sheet_rows(data, spans, formulas=formulas)
    return formulas


def _sheet_rows(data: bytes, spans: dict, formulas: set | None):
    """One pass over the sheet. With formulas=None, the rows, or the set of (row, column) holding a
    formula if there is any; with that set, the rows with the formulas' saved values."""
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=formulas is not None)
    except Exception as bad:  # openpyxl raises many kinds on a damaged file
        raise Unreadable(_("This is not an .xlsx workbook or a .csv file.")) from bad
    rows, found, tops, unsaved = [], set(), {}, []
    sheet = workbook.active
    sheet.reset_dimensions()  # a row is as long as its cells, not as the sheet's declared width
    try:
        for number, row in enumerate(sheet.iter_rows(), start=1):
            cells = []
            for index, cell in enumerate(row, start=1):
                if formulas is None and cell.data_type == "f":
                    found.add((number, index))
                elif formulas and (number, index) in formulas and cell.value is None:
                    unsaved.append((number, index))  # an empty result, or never computed
                cells.append(_cell(cell.value))
            for column, top in spans.get(number, ()):
                if len(cells) < column:
                    cells.extend([""] * (column - len(cells)))
                cells[column - 1] = tops.get((top, column), "")
            for column, _top in spans.get(-number, ()):  # this row is a span's top: keep its value
                tops[(number, column)] = cells[column - 1] if column <= len(cells) else ""
            rows.append(cells)
            _limit(len(rows))
    except Unreadable:
        raise
    except Exception as bad:  # a value openpyxl cannot take (a number that is none, say)
        raise Unreadable(_("This is not an .xlsx workbook or a .csv file.")) from bad
    finally:
        workbook.close()
    if formulas and len(unsaved) == len(formulas):  # no formula has a value: never computed
        raise Unreadable(
            _(
                "Row %(row)s, column %(column)s holds a formula whose value was not saved: "
                "open the file in Excel or WPS and save it again."
            )
            % {"row": unsaved[0][0], "column": unsaved[0][1]}
        )
    return found if found and formulas is None else rows


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
    if rows > settings.IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS + 10:  # titles, headers, notes, signatures
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


@_by_columns
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
COMPACT_DATE = re.compile(r"^(19|20)\d{6}$")
# Excel counts days from 1899-12-30 (its 1900 leap-year slip included); 73,050 is 2099-12-31.
EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIAL_MAX = 73_050
# A number with a unit after it, as offices write areas: 117.5㎡, 117.5 平方米, 117.5m2 (NFKC: ㎡, m² are m2).
_NUMBER_UNIT = re.compile(r"\s*(m2|平方米|平米|㎡|元)$", re.IGNORECASE)


def number_text(value: str) -> str:
    """A number's text without the unit written after it, thousands separators or spaces."""
    return _NUMBER_UNIT.sub("", value).replace(",", "").replace(" ", "")


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
    word = value.split(" ")[0].split("T")[0]
    match = DATE.match(word)
    try:
        if match is not None:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        elif COMPACT_DATE.match(word):  # 20190501
            day = date(int(word[:4]), int(word[4:6]), int(word[6:]))
        elif isinstance(value, NumericText) and word.isdigit() and 10_000 < int(word) <= EXCEL_SERIAL_MAX:
            # a date Excel keeps as its serial, in a number cell (a year alone, 2019, is no date)
            day = EXCEL_EPOCH + timedelta(days=int(word))
        else:
            raise ValueError
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


def marked(
    columns: tuple[Column, ...], name: str, data: bytes, errors: list[dict], extra: dict | None = None
) -> tuple[bytes, str]:
    """The uploaded file as it came, with a last column 错误 giving each bad row its reasons and the
    bad cells shaded: fixed there and sent again. Returns the bytes and the file's extension."""
    by_row: dict[int, list[dict]] = {}
    for error in errors:
        by_row.setdefault(error["row"], []).append(error)
    if data[:2] == b"PK" or (name or "").lower().endswith(".xlsx"):  # as read_table tells a workbook
        return _marked_xlsx(columns, name, data, by_row, extra), "xlsx"
    return _marked_csv(data, by_row), "csv"


def _reasons(errors: list[dict]) -> str:
    return "；".join(f"{e['column']}: {e['message']}" if e["column"] else e["message"] for e in errors)


def _marked_xlsx(
    columns: tuple[Column, ...],
    name: str,
    data: bytes,
    by_row: dict[int, list[dict]],
    extra: dict | None = None,
) -> bytes:
    """Streamed, in flat memory like `redacted`: the rows read as text (read_table), written to a
    write-only workbook with the reasons in a last column and the bad cells shaded. The cells' values
    are kept, their formatting not (the stored file is the redacted one, which kept none either)."""
    table = read_table(name, data)
    located = locate(columns, table, extra)
    first, header = located.header_row, located.headers
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
        for error in by_row.get(number, []) if number > first else []:  # (titles above are kept)
            if error["column"] in headers:
                cells[headers[error["column"]]].fill = BAD
        if number < first:
            extra = None
        elif number == first:
            extra = title
            if first in reasons:  # the file's own problems after the column's name
                extra = spreadsheets.text_cell(sheet, f"{ERROR_HEADER}：{_reasons(reasons[first])}")
                extra.font = red
        else:
            extra = spreadsheets.text_cell(sheet, _reasons(reasons[number])) if number in reasons else None
        sheet.append(spreadsheets.sheet_row(sheet, [*cells, extra]))
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


def redacted(
    columns: tuple[Column, ...], title: str, name: str, data: bytes, table=None, extra: dict | None = None
) -> bytes:
    """The file with every ID number in it masked (the register keeps none in full), written again
    from its rows (streamed, in flat memory: the cells' values kept, their formatting not). A file
    that cannot be read is returned as it came (it holds no rows). `table`: its rows, if read."""
    if table is None:
        try:
            table = read_table(name, data)
        except Unreadable:
            return data
    located = locate(columns, table, extra)  # extra: the community's mapped columns, as it was read
    found, _problems = match_headers(columns, located.headers, extra=extra)
    if "id_number" not in found:
        return data
    index = found["id_number"]

    def masked(number: int, row: list[str]) -> list[str]:
        row = list(row)
        if number > located.header_row and index < len(row):
            value = row[index].strip().upper()
            if len(value) == 18 and not MASKED_ID.match(value):
                row[index] = id_number_mask(value)
        return row

    if data[:2] == b"PK":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title)
        last = 0
        for number, row in table:
            for _blank in range(number - last - 1):  # blank rows kept, so that row numbers stay
                sheet.append([])
            sheet.append(spreadsheets.sheet_row(sheet, masked(number, row)))
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
        writer.writerow(spreadsheets.csv_row(masked(number, row)))
        last = number
    return out.getvalue().encode("utf-8-sig")
