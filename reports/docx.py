"""The weekly bulletin as a Word document (.docx), as offices circulate it (python-docx)."""

import re
from io import BytesIO

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.rates import percent
from reports.bulletin_text import headline, rows_for


def _font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: str) -> str:
    """Text as a .docx holds it: XML refuses most control characters (pasted from Excel, say)."""
    return CONTROL.sub("", text)


def _renovation(document, r: dict) -> None:
    document.add_heading(_("Renovation projects"), level=2)
    header = [
        _("project"),
        _("stage"),
        _("done"),
        _("progress updates"),
        _("defects found / open"),
        _("milestones overdue"),
    ]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for p in r["projects"]:
        stage = "；".join([p["stage_name"], *(_("reached %(s)s") % {"s": s} for s in p["reached"])])
        late = str(p["milestones_overdue"]) + (" · " + "、".join(p["late_units"]) if p["late_units"] else "")
        row = [
            f"{p['community']} · {p['name']}",
            stage,
            f"{p['percent_done']}%",
            str(p["progress_updates"]),
            f"{p['defects_found']} / {p['defects_open']}",
            late,
        ]
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = _clean(text)
    document.add_heading(_("Blacklist of responsible units"), level=3)
    if not r["blacklist"]:
        document.add_paragraph(_("None."))
    for e in r["blacklist"]:
        line = _("%(unit)s: on since %(on)s") % {"unit": e["unit"], "on": e["came_on"]}
        if e["came_off"]:
            line += _("; came off %(off)s") % {"off": e["came_off"]}
        document.add_paragraph(_clean(line), style="List Bullet")


def bulletin_docx(data: dict) -> bytes:
    document = Document()
    _font(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    document.add_heading(_clean(headline(data)), level=1)
    document.add_paragraph(
        _("Week %(week)s: %(start)s to %(end)s")
        % {"week": data["week"], "start": data["from"], "end": data["to"]}
    )
    header, rows = rows_for(data)
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _clean(text)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = _clean(text)
    document.add_heading(_("Act on"), level=2)
    if not data["act_on"]:
        document.add_paragraph(_("No compound's score fell."))
    for entry in data["act_on"]:
        line = _("%(name)s: overall %(change)s") % {"name": entry["name"], "change": entry["change"]}
        if entry["indicator"]:
            line += _("; most fallen: %(indicator)s (%(fall)s)") % {
                "indicator": entry["indicator_name"],
                "fall": entry["indicator_change"],
            }
        document.add_paragraph(_clean(line), style="List Bullet")
    document.add_heading(_("Units on the overdue list"), level=2)
    if not data["overdue_units"]:
        document.add_paragraph(_("None."))
    for unit in data["overdue_units"]:
        if unit.get("communities") is None:  # a bulletin kept before the list named the column's units
            line = _("%(name)s: %(n)s overdue in 90 days") % {"name": unit["name"], "n": unit["overdue"]}
        else:
            line = _("%(name)s: %(n)s overdue at the week's end (%(where)s)") % {
                "name": unit["name"],
                "n": unit["overdue"],
                "where": "、".join(unit["communities"]),
            }
        document.add_paragraph(_clean(line), style="List Bullet")
    if data.get("renovation"):
        _renovation(document, data["renovation"])
    rate = percent(data["totals"]["incidents"]["closed_on_time"], data["totals"]["incidents"]["due"])
    document.add_paragraph(_("On-time closure across the subdistrict: %(rate)s") % {"rate": rate})
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
