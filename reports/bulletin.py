"""The weekly subdistrict bulletin (街道每周情况通报): per community the week's incidents, duty,
inspections, volunteering, meetings, votes and fees, the five-co score and its change, with totals,
a ranking, the change against the week before and the compounds to act on.

Figures are counted as FIELD.md gives them: 按期结案率 = incidents due in the week (deadline in it)
closed by their deadline / due; totals are sums, and rates are recomputed from the summed parts.
A fixed number of queries whatever the number of communities.
"""

import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rates
from core.errors import Forbidden, Invalid, visible_or_invalid
from core.periods import (
    add_months,
    days_bounds,
    last_full_month,
    last_full_week,
    week_bounds,
    week_label,
    week_parse,
    week_start,
)
from governance import selectors as governance
from grid import selectors as grids
from property.fees import selectors as fee_figures
from property.models import Community, Subdistrict
from property.register import selectors as register
from renovation import selectors as renovation
from reports import selectors
from reports.indicators import NAMES
from reports.models import Bulletin, Level
from reports.permissions import communities_readable, subdistricts_readable
from volunteers import selectors as volunteering

ACT_ON = 5  # compounds named under "act on"


def _hours(seconds: float) -> Decimal:
    return Decimal(seconds / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def week_figures(
    community_ids, monday: date, collection: dict | None = None, overdue_units: list | None = None
) -> dict[int, dict]:
    """Each community's figures for the ISO week starting on `monday` (`collection` keeps the
    month's collection rates when two weeks fall in the same month). Given a list, `overdue_units`
    gets the week's overdue units, which each community's count is read from; without one (the
    week before, read for its changes only) they are not counted."""
    first, end = week_bounds(monday)
    start, stop = days_bounds(first, end)
    incidents = grids.incidents_by_community(community_ids, start, stop)
    units = [] if overdue_units is None else grids.units_overdue(community_ids, stop)
    if overdue_units is not None:
        overdue_units.extend(units)
    durations = grids.hours_to_close_by_community(community_ids, start, stop)
    duty = grids.duty_by_community(community_ids, start, grids.judged_at(stop))  # a week not over: so far
    inspections = grids.inspections_by_community(community_ids, first, end, start, stop)
    hours = volunteering.hours_by_community(community_ids, start, stop)
    meetings = governance.meetings_by_community(community_ids, start, stop)
    votes = governance.votes_closed_by_community(community_ids, start, stop)
    collected = fee_figures.collected_by_community(community_ids, start, stop)
    month = first.replace(day=1)
    collection = {} if collection is None else collection
    if month not in collection:
        collection[month] = fee_figures.amounts_collected_by_community(community_ids, month)
    amounts = collection[month]
    out = {}
    for cid in community_ids:
        i = incidents.get(cid, {})
        closing = durations.get(cid, [])
        paid, billed = amounts.get(cid, (Decimal(0), Decimal(0)))
        out[cid] = {
            "incidents": {
                "opened": i.get("opened", 0),
                "closed": i.get("closed", 0),
                "due": i.get("due", 0),
                "closed_on_time": i.get("on_time", 0),
                "overdue": i.get("overdue", 0),
                "on_time_rate": rates.rate(i.get("on_time", 0), i.get("due", 0)),
                "median_hours_to_close": _hours(median(closing)) if closing else None,
            },
            "duty": duty.get(cid, {"planned": 0, "done": 0, "left_early": 0, "late": 0, "missed": 0}),
            "inspections": inspections.get(cid, (0, 0))[0],
            "findings": inspections.get(cid, (0, 0))[1],
            "volunteer_hours": hours.get(cid, Decimal(0)).quantize(Decimal("0.01")),
            "meetings": meetings.get(cid, 0),
            "votes_closed": votes.get(cid, 0),
            "fees": {
                "collected": collected.get(cid, Decimal(0)).quantize(Decimal("0.01")),
                "billed": billed.quantize(Decimal("0.01")),
                "paid": paid.quantize(Decimal("0.01")),
                "collection_rate": rates.rounded(fee_figures.amount_rate(paid, billed)),
            },
            "overdue_units": sum(1 for u in units if cid in u["communities"]),
            "_closing": closing,
        }
    return out


SUMMED = ("inspections", "findings", "volunteer_hours", "meetings", "votes_closed")


def _totals(rows: list[dict], overdue_units: list[dict]) -> dict:
    """The communities' figures summed; rates from the summed parts, the median over every incident;
    the overdue units are the list's (a unit overdue in two communities is one unit)."""
    total = {k: sum((r[k] for r in rows), Decimal(0) if k == "volunteer_hours" else 0) for k in SUMMED}
    total["overdue_units"] = len(overdue_units)
    inc = {
        k: sum(r["incidents"][k] for r in rows)
        for k in ("opened", "closed", "due", "closed_on_time", "overdue")
    }
    closing = [h for r in rows for h in r["_closing"]]
    inc["on_time_rate"] = rates.rate(inc["closed_on_time"], inc["due"])
    inc["median_hours_to_close"] = _hours(median(closing)) if closing else None
    fees = {k: sum(r["fees"][k] for r in rows) for k in ("collected", "billed", "paid")}
    fees["collection_rate"] = rates.rounded(fee_figures.amount_rate(fees["paid"], fees["billed"]))
    duty = {k: sum(r["duty"][k] for r in rows) for k in ("planned", "done", "left_early", "late", "missed")}
    return {**total, "incidents": inc, "duty": duty, "fees": fees, "_closing": closing}


def _change(now, before):
    return None if now is None or before is None else now - before


def _against(now: dict, before: dict) -> dict:
    """The change of the headline figures against the week before."""
    return {
        "incidents_opened": now["incidents"]["opened"] - before["incidents"]["opened"],
        "incidents_closed": now["incidents"]["closed"] - before["incidents"]["closed"],
        "on_time_rate": _change(now["incidents"]["on_time_rate"], before["incidents"]["on_time_rate"]),
        "duty_done": now["duty"]["done"] - before["duty"]["done"],
        "volunteer_hours": now["volunteer_hours"] - before["volunteer_hours"],
        "fees_collected": now["fees"]["collected"] - before["fees"]["collected"],
    }


def _act_on(parents, month: date) -> list[dict]:
    """Of the compounds, those whose overall score fell most from the month before, each with the
    indicator whose score fell most."""
    before_month = add_months(month, -1)
    months = selectors.months_of(Level.COMPOUND, parents, [month, before_month])
    now, before = months[month], months[before_month]
    falls = []
    for cid, scores in now.items():
        change = _change(scores.overall, before[cid].overall)
        if change is None or change >= 0:
            continue
        worst, worst_fall = None, Decimal(0)
        for code, row in scores.indicators.items():
            fall = _change(row["score"], before[cid].indicators.get(code, {}).get("score"))
            if fall is not None and fall < worst_fall:
                worst, worst_fall = code, fall
        falls.append((change, cid, worst, worst_fall))
    falls.sort(key=lambda f: (f[0], f[1]))
    return [
        {
            "compound": cid,
            "change": change,
            "indicator": worst,
            "indicator_name": str(NAMES[worst]) if worst else "",
            "indicator_change": fall if worst else None,
        }
        for change, cid, worst, fall in falls[:ACT_ON]
    ]


def bulletin(subdistrict, monday: date) -> dict:
    """The bulletin of the subdistrict for the ISO week starting on `monday` (computed now)."""
    communities = list(Community.objects.filter(subdistrict=subdistrict).order_by("name", "pk"))
    ids = [c.pk for c in communities]
    names_of = {c.pk: c.name for c in communities}  # in the bulletin's order
    collection, overdue_units = {}, []
    this_week = week_figures(ids, monday, collection, overdue_units)
    last_week = week_figures(ids, monday - timedelta(days=7), collection)
    first, end = week_bounds(monday)
    month = last_full_month(end)  # the latest month whole by the week's end
    months = selectors.months_of(Level.COMMUNITY, ids, [month, add_months(month, -1)])
    rows = []
    for c in communities:
        figures = this_week[c.pk]
        now, before = months[month][c.pk], months[add_months(month, -1)][c.pk]
        rows.append(
            {
                "id": c.pk,
                "name": c.name,
                **figures,
                "five_co": {"overall": now.overall, "change": _change(now.overall, before.overall)},
                "against_last_week": _against(figures, last_week[c.pk]),
            }
        )
    ranked = sorted(
        rows, key=lambda r: (r["five_co"]["overall"] is None, -(r["five_co"]["overall"] or 0), r["name"])
    )
    for rank, row in enumerate(ranked, 1):
        row["rank"] = rank
    totals = _totals(rows, overdue_units)
    totals_before = _totals(list(last_week.values()), [])
    parents = selectors.compounds_of(Level.SUBDISTRICT, [subdistrict.pk])
    names = dict(register.compound_names(parents))
    act_on = _act_on(parents, month)
    for entry in act_on:
        entry["name"] = names.get(entry["compound"], "")
    for row in rows:
        row.pop("_closing")
    totals.pop("_closing")
    return {
        "week": week_label(monday),
        "from": first,
        "to": end - timedelta(days=1),
        "subdistrict": {"id": subdistrict.pk, "name": subdistrict.name},
        "month": f"{month:%Y-%m}",
        "published_at": None,
        "communities": rows,
        "ranking": [r["id"] for r in ranked],
        "totals": {**totals, "against_last_week": _against(totals, totals_before)},
        "act_on": act_on,
        "overdue_units": [
            {**u, "communities": [names_of[c] for c in ids if c in u["communities"]]} for u in overdue_units
        ],
        "renovation": renovation.week_of_projects(subdistrict.pk, first, end, *days_bounds(first, end)),
    }


def bulletin_subdistricts(user):
    """The subdistricts whose weekly bulletin the user reads: an officer's, and a community worker's."""
    return Subdistrict.objects.filter(
        Q(pk__in=subdistricts_readable(user).values("pk"))
        | Q(pk__in=communities_readable(user).values("subdistrict_id"))
    )


def bulletin_data(subdistrict, week: date) -> dict:
    """The bulletin's figures computed now, as plain JSON values (exactly as a kept one reads back)."""
    return json.loads(json.dumps(bulletin(subdistrict, week), cls=DjangoJSONEncoder))


def bulletin_for(subdistrict, week: date) -> dict:
    """The published bulletin of the week if there is one, else computed now (published_at null)."""
    kept = Bulletin.objects.filter(subdistrict=subdistrict, week=week).first()
    return kept.data if kept else bulletin_data(subdistrict, week)


def place_and_week(user, subdistrict_id: int | None, week: str | None):
    """The subdistrict (named, or the reader's own) and the week (default the last full one)."""
    readable = bulletin_subdistricts(user)
    if subdistrict_id is None:
        subdistrict = readable.order_by("pk").first()
        if subdistrict is None:
            raise Forbidden(_("The weekly bulletin is for subdistrict officers and community workers."))
    else:
        subdistrict = visible_or_invalid(readable, subdistrict_id, "subdistrict")
    today = timezone.localdate()
    monday = week_parse(week) if week else last_full_week(today)
    if monday > week_start(today):
        raise Invalid(_("That week has not begun."), field="week")
    return subdistrict, monday
