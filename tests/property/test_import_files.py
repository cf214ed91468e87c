"""Reading an uploaded ledger: .xlsx in read-only mode and .csv in UTF-8 (with or without BOM) or
GB18030; bad files refused with a message that says why, before anything is read into the register."""

import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils.translation import gettext as _
from openpyxl import Workbook

from property.imports import households, reading, runs
from property.imports.reading import Unreadable, read_table
from tests.imports import SHEET, STRINGS, excel_workbook, patched

ROWS = [
    ["楼栋", "房号", "楼层", "建筑面积（㎡）", "户主姓名"],
    ["1号楼", "1-101", 1, 72.5, "王秀英"],
    ["1号楼", "1-102", 1, 80, ""],
]


def xlsx(rows=ROWS, build=None) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    if build:
        build(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_ledger_is_read_as_text_with_whole_numbers_whole():
    rows = read_table("台账.xlsx", xlsx())
    assert rows[1] == (2, ["1号楼", "1-101", "1", "72.5", "王秀英"])
    assert rows[2] == (3, ["1号楼", "1-102", "1", "80", ""])
    found, errors = reading.match_headers(households.COLUMNS, rows[0][1])
    assert errors == [] and found["building_area"] == 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_ledger_is_read_in_the_encodings_chinese_excel_saves(encoding):
    text = "楼栋,房号,楼层\n1号楼,1-101,1\n\n1号楼,1-102,1\n"
    rows = read_table("台账.csv", text.encode(encoding))
    # the blank row is dropped, and the next keeps its number in the file
    assert rows == [(1, ["楼栋", "房号", "楼层"]), (2, ["1号楼", "1-101", "1"]), (4, ["1号楼", "1-102", "1"])]


def test_the_templates_notes_row_is_recognised_and_not_a_record():
    rows = [row for _number, row in read_table("template.xlsx", runs.template("households"))]
    rows.append(["1号楼", "", "1-101", "1"])
    found, _errors = reading.match_headers(households.COLUMNS, rows[0])
    assert reading.is_notes_row(households.COLUMNS, rows[1], found) is True
    assert reading.is_notes_row(households.COLUMNS, rows[2], found) is False


def refused(name, data) -> str:
    with pytest.raises(Unreadable) as error:
        read_table(name, data)
    return error.value.message


def test_files_that_are_not_a_ledger_are_refused_with_the_reason(settings):
    assert "xlsx" in refused("photo.jpg", b"\xff\xd8\xff\xe0 not a ledger")
    assert "xlsx" in refused("fake.xlsx", b"PK\x03\x04 broken zip")
    assert refused("empty.csv", b"")
    assert refused("only-headers.csv", "楼栋,房号\n".encode())
    assert "UTF-8" in refused("unicode.csv", "楼栋,房号\n1号楼,101\n".encode("utf-16"))
    assert "UTF-8" in refused("latin.csv", b"\xff\xfe\xfa\xfb\x81\x30")


def _with_saved_value(data: bytes, formula: str, value: str) -> bytes:
    """The workbook as Excel saves it: the formula with the value it computed (openpyxl saves none)."""
    source, out = zipfile.ZipFile(BytesIO(data)), BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == SHEET:
                part = part.replace(
                    f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{value}</v>".encode()
                )
                part = part.replace(
                    f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{value}</v>".encode()
                )
            target.writestr(item, part)
    return out.getvalue()


def test_a_formula_is_read_as_its_saved_value_and_merged_cells_as_each_cells_value():
    def formula(workbook):
        workbook.active["D3"] = "=D2*2"

    def merged(workbook):
        workbook.active.merge_cells("A2:A3")

    unsaved = xlsx(build=formula)
    expected = _(
        "Row %(row)s, column %(column)s holds a formula whose value was not saved: "
        "open the file in Excel or WPS and save it again."
    )
    assert refused("f.xlsx", unsaved) == expected % {"row": 3, "column": 4}
    saved = _with_saved_value(unsaved, "D2*2", "145")
    assert read_table("f.xlsx", saved)[2][1][3] == "145"
    rows = read_table("m.xlsx", xlsx(build=merged))
    assert rows[1][1][0] == rows[2][1][0] == "1号楼"  # the merged building on both rows


def test_several_sheets_are_refused():
    def two_sheets(workbook):
        workbook.create_sheet("第二页")

    assert refused("s.xlsx", xlsx(build=two_sheets)) == _(
        "The workbook has several sheets: keep the ledger on one sheet."
    )


def test_files_over_the_size_or_row_limit_are_refused(settings):
    settings.IMPORT_MAX_ROWS = 2  # and up to 30 rows of titles, headers and signatures
    ledger = ("楼栋\n" + "1号楼\n" * 40).encode()
    assert refused("many.csv", ledger) == _("The file has more than %(n)s rows: split it.") % {"n": 2}
    settings.IMPORT_MAX_ROWS = 50_000
    settings.IMPORT_MAX_BYTES = 20
    assert refused("big.csv", ledger) == _("The file is larger than %(mb)s MB: split it.") % {"mb": 0}


# --- damaged and hostile workbooks (issue 22) ---------------------------------------------------------

LEDGER = [["楼栋", "房号", "楼层"], ["1号楼", "1-101", 1]]


def damaged_files(cell_max: int) -> dict[str, tuple[bytes, str]]:
    """Each damaged or hostile workbook, with what its refusal says (built from a good one)."""
    good = excel_workbook(LEDGER)
    sheet, strings = (zipfile.ZipFile(BytesIO(good)).getinfo(n) for n in (SHEET, STRINGS))
    again = _("Open it in Excel or WPS and save it again as .xlsx.")
    return {
        "encrypted": (
            patched(good, SHEET, flags=1),
            _("The file is protected by a password: save it again without one."),
        ),
        "unsupported method": (
            patched(good, SHEET, method=99),
            _("The file is compressed in a way Excel does not use (method %(method)s).") % {"method": 99}
            + " "
            + again,
        ),
        "bad crc": (
            patched(good, SHEET, crc=sheet.CRC ^ 1),
            _("The file is damaged: its part %(part)s does not match its checksum (CRC).") % {"part": SHEET}
            + " "
            + again,
        ),
        "declared smaller": (
            patched(good, STRINGS, size=strings.file_size - 10),
            _("The file is damaged: its part %(part)s is not the size the file declares.") % {"part": STRINGS}
            + " "
            + again,
        ),
        "declared larger": (
            patched(good, STRINGS, size=strings.file_size + 10),
            _("The file is damaged: its part %(part)s is not the size the file declares.") % {"part": STRINGS}
            + " "
            + again,
        ),
        "huge shared string": (
            excel_workbook(LEDGER, huge="张" * (cell_max + 1)),
            _("A cell holds more than %(n)s characters: no ledger's cell is that long.") % {"n": cell_max},
        ),
        "huge number in the sheet": (
            excel_workbook([*LEDGER, ["1号楼", "1-102", Decimal("9" * (cell_max + 1))]]),
            _("Cell %(cell)s holds more than %(n)s characters: no ledger's cell is that long.")
            % {"cell": "C3", "n": cell_max},
        ),
        "entities declared": (
            _with_part(good, STRINGS, b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]><sst>&a;</sst>'),
            _("The file's part %(part)s declares a document type, which no workbook does.")
            % {"part": STRINGS}
            + " "
            + again,
        ),
    }


def _with_part(data: bytes, member: str, content: bytes) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, content if info.filename == member else source.read(info))
    return buffer.getvalue()


@pytest.mark.parametrize("problem", list(damaged_files(32767)))
def test_a_damaged_or_hostile_workbook_is_refused_naming_its_problem(problem, settings):
    data, says = damaged_files(settings.IMPORT_CELL_MAX_CHARS)[problem]
    assert refused("台账.xlsx", data) == says


def test_a_workbook_as_excel_saves_it_is_read():
    assert read_table("台账.xlsx", excel_workbook(LEDGER)) == [(1, LEDGER[0]), (2, ["1号楼", "1-101", "1"])]


def test_what_a_workbook_unpacks_to_is_bounded_as_declared_and_as_unpacked(settings):
    settings.IMPORT_UNPACKED_MAX_BYTES = 100_000
    many = excel_workbook([*LEDGER, *(["1号楼", f"{n:01000d}", 1] for n in range(200))])  # 200 KB of strings
    says = _("Unpacked, the file is larger than %(mb)s MB, far more than a ledger: split it.") % {"mb": 0}
    assert refused("many.xlsx", many) == says  # as its parts declare
    # its shared strings declaring 5 KB: refused as soon as they unpack beyond it, not at the end
    lying = patched(many, STRINGS, size=5000)
    assert refused("lying.xlsx", lying) == _(
        "The file is damaged: its part %(part)s is not the size the file declares."
    ) % {"part": STRINGS} + " " + _("Open it in Excel or WPS and save it again as .xlsx.")


def test_a_csv_cell_over_the_bound_is_refused_with_its_row(settings):
    settings.IMPORT_CELL_MAX_CHARS = 50
    ledger = ("楼栋,房号\n1号楼,101\n1号楼," + "1" * 51 + "\n").encode()
    assert refused("long.csv", ledger) == _(
        "Row %(row)s holds a cell of more than %(n)s characters: no ledger's cell is that long."
    ) % {"row": 3, "n": 50}
    beyond_csv_module = ("楼栋,房号\n1号楼," + "1" * 200_000 + "\n").encode()
    settings.IMPORT_CELL_MAX_CHARS = 1_000_000
    assert "2" in refused("longer.csv", beyond_csv_module)


def _sheet_with(good: bytes, before: bytes = b"", rows: bytes = b"") -> bytes:
    """The workbook with XML put before its sheet's data and rows added at its end."""
    with zipfile.ZipFile(BytesIO(good)) as archive:
        sheet = archive.read(SHEET)
    sheet = sheet.replace(b"<sheetData>", before + b"<sheetData>")
    sheet = sheet.replace(b"</sheetData>", rows + b"</sheetData>")
    return _with_part(good, SHEET, sheet)


def test_a_cell_beyond_the_columns_a_ledger_has_is_refused(settings):
    """Each row would be filled up to its last cell: 2,000 rows with a cell in column XFD took 260 MB
    and 14 s from a 14 KB file."""
    far = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r) for r in range(3, 30))
    says = _("A cell lies beyond column %(n)s: a ledger has far fewer. Delete the columns after its own.")
    assert refused("wide.xlsx", _sheet_with(excel_workbook(LEDGER), rows=far)) == says % {"n": 256}
    settings.IMPORT_MAX_COLUMNS = 2
    assert refused("3.xlsx", excel_workbook(LEDGER)) == says % {"n": 2}


def test_a_sheet_declaring_itself_as_wide_as_excel_is_read_as_its_cells(settings):
    wide = _sheet_with(excel_workbook(LEDGER), before=b'<dimension ref="A1:XFD50000"/>')
    assert read_table("wide.xlsx", wide) == [(1, LEDGER[0]), (2, ["1号楼", "1-101", "1"])]


def _renamed(data: bytes, names: dict[str, str]) -> bytes:
    """The workbook with parts renamed, its relations and content types pointing at the new names (a
    reader finds a sheet through them, whatever its part is called)."""
    buffer = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            content = source.read(info)
            for old, new in names.items():
                content = content.replace(old.split("/")[-1].encode(), new.split("/")[-1].encode())
            out.writestr(names.get(info.filename, info.filename), content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "strings, sheet", [("xl/sharedStrings.XML", SHEET), (STRINGS, "xl/worksheets/sheet1.bin")]
)
def test_a_part_named_otherwise_than_xml_is_checked_as_its_reader_would_read_it(settings, strings, sheet):
    # The reader follows the workbook's relations, not the part's name: a renamed part with a huge
    # cell or a cell far beyond the ledger's columns is refused all the same.
    settings.IMPORT_CELL_MAX_CHARS = 1000
    huge = excel_workbook(LEDGER, huge="张" * 1001)
    wide = _sheet_with(excel_workbook(LEDGER), rows=b'<row r="9"><c r="XFD9"><v>1</v></c></row>')
    renamed = {STRINGS: strings, SHEET: sheet}
    assert "1000" in refused("台账.xlsx", _renamed(huge, renamed))
    assert str(settings.IMPORT_MAX_COLUMNS) in refused("台账.xlsx", _renamed(wide, renamed))


def test_a_small_workbook_merging_whole_sheets_is_refused_not_unpacked_into_memory():
    import time
    import tracemalloc

    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "楼层"])
    data = BytesIO()
    book.save(data)
    raw = data.getvalue()
    # 200 merges of whole sheets written as Excel would (mergeCell elements in the sheet part)
    source, out = zipfile.ZipFile(BytesIO(raw)), BytesIO()
    merges = "".join(f'<mergeCell ref="A{5 + n}:XFD1048576"/>' for n in range(200))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == SHEET:
                part = part.replace(
                    b"</sheetData>", f'</sheetData><mergeCells count="200">{merges}</mergeCells>'.encode()
                )
            target.writestr(item, part)
    tracemalloc.start()
    started = time.monotonic()
    message = refused("m.xlsx", out.getvalue())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert message == _("The sheet merges more cells than any ledger: unmerge them.")
    assert peak < 50 * 2**20 and time.monotonic() - started < 5
