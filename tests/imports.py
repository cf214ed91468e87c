"""Sending a ledger to POST property/imports as a client would, the worker's task run on commit; and
workbooks as Excel writes them, whole or damaged."""

import struct
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape


def import_ledger(client, capture, **fields) -> dict:
    """The import as GET property/imports/{id} answers once its task has run."""
    with capture(execute=True):
        answer = client.post("/api/v1/property/imports", fields)
    assert answer.status_code == 202, answer.content
    return client.get(f"/api/v1/property/imports/{answer.json()['id']}").json()


# --- workbooks as Excel writes them, and damaged ones ------------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def excel_workbook(rows: list[list], huge: str | None = None) -> bytes:
    """A workbook as Excel saves it: its text in the shared strings (xl/sharedStrings.xml), numbers
    in the sheet. `huge`, if given, is one more string cell (written in chunks, never held twice)."""
    strings: list[str] = []
    cells = []
    for r, row in enumerate(rows, start=1):
        out = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, str):
                strings.append(value)
                out.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
        cells.append(f'<row r="{r}">{"".join(out)}</row>')
    if huge is not None:
        last = len(rows) + 1
        cells.append(f'<row r="{last}"><c r="A{last}" t="s"><v>{len(strings)}</v></c></row>')
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            '<sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(cells)}</sheetData></worksheet>'
        archive.writestr(SHEET, sheet)
        with archive.open(STRINGS, "w") as part:
            count = len(strings) + (huge is not None)
            part.write(f'<sst xmlns="{MAIN}" count="{count}" uniqueCount="{count}">'.encode())
            for text in strings:
                part.write(f"<si><t>{escape(text)}</t></si>".encode())
            if huge is not None:
                part.write(b"<si><t>")
                for start in range(0, len(huge), 1 << 20):
                    part.write(escape(huge[start : start + (1 << 20)]).encode())
                part.write(b"</t></si>")
            part.write(b"</sst>")
    return buffer.getvalue()


def patched(data: bytes, member: str, *, flags=0, method=None, crc=None, size=None) -> bytes:
    """The workbook with one entry's headers (local and central, alike) saying what a damaged or
    hostile file says: flag bits set (1: encrypted), another compression method, another CRC-32,
    another uncompressed size. The data itself is left as it is."""
    out = bytearray(data)
    name = member.encode()
    local = zipfile.ZipFile(BytesIO(data)).getinfo(member).header_offset
    central = out.find(b"PK\x01\x02")
    while out[central + 46 : central + 46 + struct.unpack_from("<H", out, central + 28)[0]] != name:
        central = out.find(b"PK\x01\x02", central + 4)
    for base, (at_flags, at_method, at_crc, at_size) in ((local, (6, 8, 14, 22)), (central, (8, 10, 16, 24))):
        old_flags = struct.unpack_from("<H", out, base + at_flags)[0]
        struct.pack_into("<H", out, base + at_flags, old_flags | flags)
        if method is not None:
            struct.pack_into("<H", out, base + at_method, method)
        if crc is not None:
            struct.pack_into("<L", out, base + at_crc, crc)
        if size is not None:
            struct.pack_into("<L", out, base + at_size, size)
    return bytes(out)
