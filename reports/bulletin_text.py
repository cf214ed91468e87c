"""How the weekly bulletin reads, shared by its page and its .docx: the headline and the table."""

from decimal import Decimal

from django.utils.translation import gettext as _

from core.rates import percent


def signed(value) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    return f"+{value}" if value > 0 else f"{value}"


def headline(data: dict) -> str:
    return _("%(name)s weekly bulletin, %(week)s") % {
        "name": data["subdistrict"]["name"],
        "week": data["week"],
    }


def header() -> list[str]:
    return [
        _("community"),
        _("rank"),
        _("incidents opened"),
        _("closed"),
        _("on-time closure"),
        _("overdue"),
        _("median hours to close"),
        _("duty done / planned"),
        _("left early"),
        _("late"),
        _("missed"),
        _("inspections"),
        _("findings"),
        _("volunteer hours"),
        _("meetings"),
        _("votes closed"),
        _("fees collected (yuan)"),
        _("collection rate"),
        _("five-co overall"),
        _("change"),
        _("units overdue"),
    ]


def _cells(name: str, rank, f: dict, five_co: dict | None) -> list[str]:
    i, d = f["incidents"], f["duty"]
    return [
        name,
        "" if rank is None else str(rank),
        str(i["opened"]),
        str(i["closed"]),
        percent(i["closed_on_time"], i["due"]),  # rounded once from the parts, not from on_time_rate
        str(i["overdue"]),
        "—" if i["median_hours_to_close"] is None else str(i["median_hours_to_close"]),
        f"{d['done']}/{d['planned']}",
        str(d.get("left_early", 0)),  # bulletins published before it was counted have none
        str(d["late"]),
        str(d["missed"]),
        str(f["inspections"]),
        str(f["findings"]),
        str(f["volunteer_hours"]),
        str(f["meetings"]),
        str(f["votes_closed"]),
        str(f["fees"]["collected"]),
        percent(f["fees"]["paid"], f["fees"]["billed"]),
        "—" if not five_co or five_co["overall"] is None else str(five_co["overall"]),
        signed(five_co["change"]) if five_co else "",
        str(f["overdue_units"]),
    ]


def rows_for(data: dict) -> tuple[list[str], list[list[str]]]:
    """The table: a row per community in ranking order, then the totals."""
    by_id = {c["id"]: c for c in data["communities"]}
    rows = [
        _cells(by_id[pk]["name"], by_id[pk]["rank"], by_id[pk], by_id[pk]["five_co"])
        for pk in data["ranking"]
    ]
    rows.append(_cells(_("total"), None, data["totals"], None))
    return header(), rows
