"""Bringing a community's Excel ledgers (台账) in: what each kind of import reads, its template, and
how a ledger's own headers are matched to it — by name, with the synonyms offices use, not by
position. (The reading of rows, the dry run and the import itself build on this.)

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
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from core import bounds, periods, spreadsheets
from core.errors import Invalid
from core.spreadsheets import Unreadable
from property.models import Household, Resident
from property.services import areas_check, floor_check, id_number_check, id_number_mask


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    note: object  # a lazy translation: the template's notes row
    required: bool = False
    synonyms: tuple[str, ...] = field(default_factory=tuple)


HOUSEHOLDS = (
    Column(
        "building",
        "楼栋",
        gettext_lazy("Required. e.g. 3号楼"),
        True,
        ("楼号", "楼幢", "幢号", "栋号", "楼栋号", "building"),
    ),
    Column("entrance", "单元", gettext_lazy("e.g. 2; leave empty if none"), False, ("单元号", "entrance")),
    Column(
        "unit",
        "房号",
        gettext_lazy("Required. e.g. 2-502"),
        True,
        ("门牌号", "户号", "室号", "房间号", "unit"),
    ),
    Column(
        "floor",
        "楼层",
        gettext_lazy("Required. A whole number; basements below 0"),
        True,
        ("层", "所在楼层", "floor"),
    ),
    Column(
        "building_area",
        "建筑面积",
        gettext_lazy("m², e.g. 72.5"),
        False,
        ("面积", "建筑面积㎡", "建筑面积m2", "建筑面积平方米", "building area"),
    ),
    Column(
        "inner_area",
        "套内面积",
        gettext_lazy("m²; not more than the building area"),
        False,
        ("套内建筑面积", "套内", "inner area"),
    ),
    Column(
        "area_source",
        "面积来源",
        gettext_lazy("登记, 测绘 or 合同; 登记 when empty"),
        False,
        ("面积依据", "area source"),
    ),
    Column(
        "name",
        "姓名",
        gettext_lazy("Required for a person; empty for a unit with nobody registered"),
        False,
        ("业主姓名", "户主", "户主姓名", "居民姓名", "name"),
    ),
    Column(
        "relation",
        "关系",
        gettext_lazy("业主, 家属 or 租户; 业主 when empty"),
        False,
        ("与房屋关系", "身份", "relation"),
    ),
    Column(
        "mobile",
        "手机",
        gettext_lazy("11 digits"),
        False,
        ("手机号", "手机号码", "联系电话", "电话", "mobile", "phone"),
    ),
    Column(
        "id_number",
        "身份证号",
        gettext_lazy("18 characters; checked, then kept only masked"),
        False,
        ("身份证号码", "证件号码", "公民身份号码", "身份证", "id number"),
    ),
    Column("party_member", "党员", gettext_lazy("是 or 否"), False, ("是否党员", "政治面貌", "party member")),
    Column(
        "moved_in_on",
        "入住日期",
        gettext_lazy("e.g. 2015-06-01"),
        False,
        ("入住时间", "迁入日期", "moved in"),
    ),
    Column(
        "held_by_developer",
        "开发商持有",
        gettext_lazy("是 for a unit not yet sold"),
        False,
        ("未售", "是否未售", "developer held"),
    ),
)
VOLUNTEERS = (
    Column("name", "姓名", gettext_lazy("Required: a person of the register"), True, ("志愿者姓名", "name")),
    Column(
        "mobile",
        "手机",
        gettext_lazy("11 digits; tells apart people of the same name"),
        False,
        ("手机号", "手机号码", "联系电话", "电话", "mobile"),
    ),
    Column(
        "id_number",
        "身份证号",
        gettext_lazy("18 characters, if known"),
        False,
        ("身份证号码", "证件号码", "id number"),
    ),
    Column(
        "service_types",
        "服务类型",
        gettext_lazy("e.g. 巡逻、垃圾分类; separated by 、 or ,"),
        False,
        ("服务项目", "志愿服务类型", "service types"),
    ),
    Column(
        "approved_on",
        "批准日期",
        gettext_lazy("e.g. 2024-03-01"),
        False,
        ("审核日期", "登记日期", "approved on"),
    ),
)
OPENING_ARREARS = (
    Column("building", "楼栋", gettext_lazy("Required"), True, ("楼号", "楼幢", "幢号", "栋号", "building")),
    Column("unit", "房号", gettext_lazy("Required"), True, ("门牌号", "户号", "室号", "unit")),
    Column(
        "amount",
        "欠费金额",
        gettext_lazy("Required. yuan, e.g. 1260.00"),
        True,
        ("期初欠费", "欠费", "金额", "amount"),
    ),
    Column(
        "period",
        "所属期间",
        gettext_lazy("Required. The month it was due, e.g. 2025-12"),
        True,
        ("欠费期间", "期间", "月份", "period"),
    ),
)
KINDS = {"households": HOUSEHOLDS, "volunteers": VOLUNTEERS, "opening_arrears": OPENING_ARREARS}
SHEET_TITLES = {"households": "房屋与居民", "volunteers": "志愿者", "opening_arrears": "期初欠费"}

_NOISE = re.compile(r"[\s\u3000:：*＊]|[（(][^）)]*[）)]")


def normalised(header) -> str:
    """A header as it is compared: no spaces (also full-width), no '*' marks, no bracketed units
    ('建筑面积（㎡）' is '建筑面积'), lower case."""
    return _NOISE.sub("", str(header or "")).lower()


def match_headers(kind: str, headers: list) -> tuple[dict[str, int], list[dict]]:
    """{column key: the index of the header that names it}, and the problems: a required column
    missing, or two headers naming one column. Unknown headers are left alone."""
    columns = KINDS[kind]
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


def template(kind: str) -> bytes:
    """The .xlsx template of a kind: the headers, then a row of notes (it is skipped when read)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLES[kind]
    columns = KINDS[kind]
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


# --- reading a file ---------------------------------------------------------------------------------


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


def is_notes_row(kind: str, row: list[str], found: dict[str, int]) -> bool:
    """The template's notes row (in Chinese or English), which is not a record."""
    notes = _notes(kind)
    values = [normalised(row[i]) for i in found.values() if i < len(row) and row[i]]
    return bool(values) and all(v in notes for v in values)


@functools.cache
def _notes(kind: str) -> frozenset[str]:
    return frozenset(normalised(v) for c in KINDS[kind] for v in _all_languages(c.note))


def _all_languages(note) -> list[str]:
    out = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            out.append(str(note))
    return out


# --- the dry run of a households ledger ------------------------------------------------------------

AREA_SOURCES = {
    "登记": "register",
    "不动产登记": "register",
    "测绘": "survey",
    "测量": "survey",
    "合同": "contract",
    "register": "register",
    "survey": "survey",
    "contract": "contract",
}
RELATIONS = {
    "业主": "owner",
    "产权人": "owner",
    "户主": "owner",
    "家属": "family",
    "家庭成员": "family",
    "租户": "tenant",
    "租客": "tenant",
    "owner": "owner",
    "family": "family",
    "tenant": "tenant",
}
# How the register's values are written in a ledger (an export reads back as it was written).
AREA_SOURCE_WORDS = {"register": "登记", "survey": "测绘", "contract": "合同"}
RELATION_WORDS = {"owner": "业主", "family": "家属", "tenant": "租户"}
YES = {"是", "yes", "y", "true", "1", "党员", "中共党员", "√"}
NO = {"否", "no", "n", "false", "0", "群众"}
MOBILE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
MASKED_MOBILE = re.compile(r"^\d{3}\*+\d{4}$")
MASKED_ID = re.compile(r"^\d{3}\*{11}[\dX]{4}$")
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
UNIT_FACTS = ("floor", "building_area", "inner_area", "area_source", "held_by_developer")


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


def _decimal(value: str, row: int, key: str, problems: Problems):
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        problems.add(row, key, _("Not a number: %(value)s") % {"value": value})
        return None
    if not number.is_finite() or number <= 0 or number.as_tuple().exponent < -2:
        problems.add(row, key, _("An area is a number above 0 with at most two decimals."))
        return None
    if problem := bounds.area_problem(number):
        problems.add(row, key, problem)
        return None
    return number


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


def households_dry_run(
    compound, table: list[tuple[int, list[str]]], progress=None
) -> tuple[list[dict], list[dict]]:
    """Every row of a households ledger checked against the compound's register: the units (each with
    its people) it would write, and every bad row with its row number, column and reason. Nothing
    is written."""
    (_n, headers), rows = table[0], table[1:]
    found, header_errors = match_headers("households", headers)
    problems = Problems(headers, found, list(header_errors))
    if header_errors:
        return [], problems.items
    buildings = {b.name: b for b in compound.buildings.all()}
    columns = {key: headers[i] for key, i in found.items()}  # for the rows' later errors
    units: dict[tuple, dict] = {}
    for checked, (number, row) in enumerate(rows, start=1):
        if progress is not None and checked % 500 == 0:
            progress(checked)
        if is_notes_row("households", row, found):
            continue
        value = {key: (row[i] if i < len(row) else "") for key, i in found.items()}
        building = buildings.get(value.get("building", ""))
        if not value.get("building"):
            problems.add(number, "building", _("This column is required."))
        elif building is None:
            problems.add(
                number,
                "building",
                _("No building %(name)s in %(compound)s.")
                % {"name": value["building"], "compound": compound.name},
            )
        label = value.get("unit", "")
        if not label:
            problems.add(number, "unit", _("This column is required."))
        elif value.get("entrance") and "-" not in label:
            label = f"{value['entrance']}-{label}"
        _too_long(label, Household, "unit_label", number, "unit", problems)
        try:
            floor = int(value.get("floor", ""))
        except ValueError:
            floor = None
            problems.add(number, "floor", _("A floor is a whole number."))
        if floor is not None and building is not None:
            try:
                floor_check(building, floor)  # the register's own rule
            except Invalid as bad:
                problems.add(number, "floor", bad.message)
        # None is "not given" (no such column, or an empty cell): it changes nothing.
        facts = {
            "floor": floor,
            "building_area": _decimal(value.get("building_area", ""), number, "building_area", problems),
            "inner_area": _decimal(value.get("inner_area", ""), number, "inner_area", problems),
            "area_source": _choice(
                value.get("area_source", ""), AREA_SOURCES, number, "area_source", problems
            ),
            "held_by_developer": _flag(
                value.get("held_by_developer", ""), number, "held_by_developer", problems
            ),
        }
        try:
            areas_check(facts["building_area"], facts["inner_area"])
        except Invalid as bad:
            problems.add(number, "inner_area", bad.message)
        key = (value.get("building", ""), label)
        unit = units.setdefault(
            key,
            {
                "row": number,
                "building": building,
                "unit_label": label,
                **facts,
                "people": [],
                "columns": columns,
            },
        )
        for fact in UNIT_FACTS:  # a ledger may give a unit's facts on its first row only
            if unit[fact] is None:
                unit[fact] = facts[fact]
            elif facts[fact] is not None and unit[fact] != facts[fact]:
                problems.add(
                    number, fact, _("Row %(row)s says otherwise for the same unit.") % {"row": unit["row"]}
                )
        person = _person(value, number, problems)
        if person is not None:
            same = [
                p
                for p in unit["people"]
                if (p["id_number"] and p["id_number"] == person["id_number"])
                or (p["name"], p["mobile"], p["mobile_masked"], p["id_masked"])
                == (person["name"], person["mobile"], person["mobile_masked"], person["id_masked"])
            ]
            if same:
                problems.add(
                    number,
                    "name",
                    _("The same person in this unit twice (row %(row)s).") % {"row": same[0]["row"]},
                )
            unit["people"].append(person)
    return list(units.values()), problems.items


def _too_long(text: str, model, field_name: str, row: int, key: str, problems: Problems) -> None:
    """The register's own limit on a field's length, checked before anything is written."""
    limit = model._meta.get_field(field_name).max_length
    if len(text) > limit:
        problems.add(row, key, _("At most %(n)s characters.") % {"n": limit})


def _person(value: dict, number: int, problems: Problems) -> dict | None:
    name = value.get("name", "")
    if not name:
        if any(value.get(k) for k in ("mobile", "id_number", "relation")):
            problems.add(number, "name", _("A person needs a name."))
        return None
    _too_long(name, Resident, "name", number, "name", problems)
    mobile = value.get("mobile", "").replace(" ", "")
    # A ledger exported from Gongzhi shows numbers masked (138****1234): such a number is kept as
    # registered, and helps to find the person it belongs to.
    mobile_masked = mobile if MASKED_MOBILE.match(mobile) else ""
    if mobile_masked:
        mobile = ""
    elif mobile and not MOBILE.match(mobile):
        problems.add(number, "mobile", _("Enter an 11-digit mobile number or a landline number."))
    id_number = value.get("id_number", "").strip().upper()
    id_masked = id_number if MASKED_ID.match(id_number) else ""
    if id_masked:
        id_number = ""
    elif id_number:
        try:
            id_number = id_number_check(id_number)  # the register's own check-digit rule
        except Invalid as bad:
            problems.add(number, "id_number", bad.message)
    return {
        "row": number,
        "columns": problems.columns,
        "name": name,
        "mobile": mobile,
        "mobile_masked": mobile_masked,
        "id_number": id_number,
        "id_masked": id_masked,
        "relation": _choice(value.get("relation", ""), RELATIONS, number, "relation", problems, "owner"),
        "party_member": _flag(value.get("party_member", ""), number, "party_member", problems),
        "moved_in_on": parse_date(value.get("moved_in_on", ""), number, "moved_in_on", problems),
    }


# --- the file handed back with its errors ----------------------------------------------------------

ERROR_HEADER = "错误"
BAD = PatternFill("solid", fgColor="FDE2E1")


def marked(name: str, data: bytes, errors: list[dict]) -> tuple[bytes, str]:
    """The uploaded file as it came, with a last column 错误 giving each bad row its reasons and the
    bad cells shaded: fixed there and sent again. Returns the bytes and the file's extension."""
    by_row: dict[int, list[dict]] = {}
    for error in errors:
        by_row.setdefault(error["row"], []).append(error)
    if data[:2] == b"PK" or (name or "").lower().endswith(".xlsx"):  # as read_table tells a workbook
        return _marked_xlsx(data, by_row), "xlsx"
    return _marked_csv(data, by_row), "csv"


def _reasons(errors: list[dict]) -> str:
    return "；".join(f"{e['column']}: {e['message']}" if e["column"] else e["message"] for e in errors)


def _marked_xlsx(data: bytes, by_row: dict[int, list[dict]]) -> bytes:
    workbook = load_workbook(BytesIO(data))
    sheet = workbook.active
    headers = {}
    first = next((r for r in range(1, sheet.max_row + 1) if any(c.value for c in sheet[r])), 1)
    for cell in sheet[first]:
        if cell.value is not None and str(cell.value) != ERROR_HEADER:
            headers[str(cell.value)] = cell.column
    column = max(headers.values(), default=0) + 1
    spreadsheets.sheet_put(sheet, first, column, ERROR_HEADER).font = Font(bold=True, color="B42318")
    for row in range(first + 1, sheet.max_row + 1):
        sheet.cell(row=row, column=column, value=None)
    for row, errors in by_row.items():
        target = max(row, first) if row else first
        spreadsheets.sheet_put(sheet, target, column, _reasons(errors))
        for error in errors:
            if error["column"] in headers and row > first:
                sheet.cell(row=row, column=headers[error["column"]]).fill = BAD
    sheet.column_dimensions[sheet.cell(row=first, column=column).column_letter].width = 48
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


# --- the dry run of opening arrears ----------------------------------------------------------------

MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月|[-/.]\s*\d{1,2}\s*日?)?$")


def _money(value: str, row: int, key: str, problems: Problems):
    try:
        number = Decimal(value.replace(",", "").replace("¥", "").replace("￥", "").strip())
    except InvalidOperation:
        problems.add(row, key, _("Not a number: %(value)s") % {"value": value})
        return None
    if not number.is_finite() or number <= 0 or number.as_tuple().exponent < -2:
        problems.add(row, key, _("An amount is yuan above 0 with at most two decimals."))
        return None
    if problem := bounds.money_problem(number, "household"):
        problems.add(row, key, problem)
        return None
    return number


def _month(value: str, row: int, key: str, problems: Problems):
    match = MONTH.match(value.split(" ")[0])
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) not in periods.YEARS:
        problems.add(row, key, _("Not a month: %(value)s (write 2025-12)") % {"value": value})
        return None
    month = date(int(match[1]), int(match[2]), 1)
    if month > periods.month_start(timezone.localdate()):
        problems.add(row, key, _("Opening arrears are for a month that has begun."))
        return None
    return month


def opening_dry_run(compound, table, progress=None) -> tuple[list[dict], list[dict]]:
    """Every row of an opening-arrears ledger: its unit of the compound, amount and month, or why
    not. The same unit and month twice is an error (two debts for one month are one)."""
    (_n, headers), rows = table[0], table[1:]
    found, header_errors = match_headers("opening_arrears", headers)
    problems = Problems(headers, found, list(header_errors))
    if header_errors:
        return [], problems.items
    units = {
        (h.building.name, h.unit_label): h
        for h in Household.objects.filter(building__compound=compound).select_related("building")
    }
    out, seen = [], {}
    for checked, (number, row) in enumerate(rows, start=1):
        if progress is not None and checked % 500 == 0:
            progress(checked)
        if is_notes_row("opening_arrears", row, found):
            continue
        value = {key: (row[i] if i < len(row) else "") for key, i in found.items()}
        for key in ("building", "unit", "amount", "period"):
            if not value.get(key):
                problems.add(number, key, _("This column is required."))
        if not all(value.get(k) for k in ("building", "unit", "amount", "period")):
            continue
        household = units.get((value["building"], value["unit"]))
        if household is None:
            problems.add(
                number,
                "unit",
                _("No unit %(building)s %(unit)s in %(compound)s.")
                % {"building": value["building"], "unit": value["unit"], "compound": compound.name},
            )
        amount = _money(value["amount"], number, "amount", problems)
        month = _month(value["period"], number, "period", problems)
        if household is None or amount is None or month is None:
            continue
        if (household.pk, month) in seen:
            problems.add(
                number,
                "period",
                _("Row %(row)s has this unit and month already.") % {"row": seen[(household.pk, month)]},
            )
            continue
        seen[(household.pk, month)] = number
        out.append({"row": number, "household": household, "amount": amount, "period": month})
    return out, problems.items


# --- ID numbers masked in a kept file ---------------------------------------------------------------


def redacted(kind: str, name: str, data: bytes, table=None) -> bytes:
    """The file with every ID number in it masked (the register keeps none in full), written again
    from its rows (streamed, in flat memory: the cells' values kept, their formatting not). A file
    that cannot be read is returned as it came (it holds no rows). `table`: its rows, if read."""
    if table is None:
        try:
            table = read_table(name, data)
        except Unreadable:
            return data
    found, _problems = match_headers(kind, table[0][1])
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
        sheet = workbook.create_sheet(SHEET_TITLES.get(kind, kind))
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
