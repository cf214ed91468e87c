"""Reads of the five-co index: scores of compounds, communities and the subdistrict for a month,
from the snapshots for past months and computed on demand for the month in progress."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import MANAGING_ROLES, is_staff_of
from core import rates
from core.errors import Forbidden, Invalid, visible_or_invalid
from core.periods import add_months, last_full_month, month_start, period_label, period_parse
from property.models import Community, Compound, Subdistrict
from reports import scoring
from reports.alerts import alerts
from reports.indicators import FIGURES, NAMES, Month
from reports.models import Co, Indicator, Level, Snapshot
from reports.permissions import READABLE, home_place
from reports.records import RECORDS

VALUE_PLACES = rates.RATE_PLACES
PARENT = {Level.COMMUNITY: "community_id", Level.SUBDISTRICT: "community__subdistrict_id"}
PLACE_MODELS = {Level.COMPOUND: Compound, Level.COMMUNITY: Community, Level.SUBDISTRICT: Subdistrict}


@dataclass
class Scores:
    """A place's month: households, the overall and per-co scores, and each indicator's figure and score
    (a dict per code: value, records, score, target, weight, lower_is_better)."""

    households: int
    overall: Decimal | None
    scores: dict[str, Decimal | None]
    indicators: dict[str, dict] = field(default_factory=dict)


def _dec(text):
    return None if text is None else Decimal(text)


def _text(number):
    return None if number is None else str(number)


def _exact(text):
    return None if text is None else rates.exact(text)


def _grids_read(grids):
    return None if grids is None else tuple((g, rates.exact(p), rates.exact(w)) for g, p, w in grids)


def _grids_text(grids):
    return None if grids is None else [[g, rates.exact_text(p), rates.exact_text(w)] for g, p, w in grids]


def from_snapshot(snapshot: Snapshot) -> Scores:
    """A kept month. Rows kept before the parts were (issue 22) have no "part": their value reads as
    it was kept, and a roll-up's value then was the household-weighted mean (value_basis says so)."""
    indicators = {
        row["code"]: {
            **row,
            "value": _dec(row["value"]),
            "score": _dec(row["score"]),
            "target": _dec(row["target"]),
            "weight": _dec(row["weight"]),
            "part": _exact(row.get("part")),
            "whole": _exact(row.get("whole")),
            "per": row.get("per", 1),
            "grids": _grids_read(row.get("grids")),
            "value_basis": row.get(
                "value_basis", SUMMED if snapshot.level == Level.COMPOUND else HOUSEHOLD_WEIGHTED
            ),
        }
        for row in snapshot.indicators
    }
    scores = {co: getattr(snapshot, co) for co in Co.values}
    return Scores(snapshot.households, snapshot.overall, scores, indicators)


def snapshot_fields(scores: Scores) -> dict:
    """The Snapshot columns of a place's month (its indicators as exact strings)."""
    indicators = [
        {
            **row,
            "value": _text(row["value"]),
            "score": _text(row["score"]),
            "target": _text(row["target"]),
            "weight": _text(row["weight"]),
            "part": None if row["part"] is None else rates.exact_text(row["part"]),
            "whole": None if row["whole"] is None else rates.exact_text(row["whole"]),
            "grids": _grids_text(row["grids"]),
        }
        for row in scores.indicators.values()
    ]
    return {
        "households": scores.households,
        "overall": scores.overall,
        **scores.scores,
        "indicators": indicators,
    }


def active_indicators() -> list[Indicator]:
    return [i for i in Indicator.objects.filter(active=True) if i.code in FIGURES]


def compound_scores(compound_ids, first: date) -> dict[int, Scores]:
    """Per compound: each indicator's figure and score, each co-'s score and the overall score.

    Only the active indicators whose figures are built count; a fixed number of queries (one per
    indicator and one for the indicators), whatever the number of compounds.
    """
    month = Month(compound_ids, first)
    indicators = active_indicators()
    figures = {i.code: FIGURES[i.code](month) for i in indicators}
    result = {}
    for cid in month.ids:
        rows, by_co = {}, {co: [] for co in Co.values}
        for indicator in indicators:
            figure = figures[indicator.code][cid]
            score = scoring.indicator_score(
                figure,
                target=indicator.target,
                minimum_data=indicator.minimum_data,
                lower_is_better=indicator.lower_is_better,
            )
            rows[indicator.code] = {
                "code": indicator.code,
                "co": indicator.co,
                **_parts(figure.part, figure.whole, figure.per, figure.grids),
                "records": figure.records,
                "score": score,
                "target": indicator.target,
                "weight": indicator.weight,
                "lower_is_better": indicator.lower_is_better,
            }
            by_co[indicator.co].append((score, indicator.weight))
        scores = {co: scoring.weighted_mean(pairs) for co, pairs in by_co.items()}
        households = month.households.get(cid, 0)
        result[cid] = Scores(households, scoring.overall(scores.values()), scores, rows)
    return result


SUMMED = "summed_parts"  # the figure the place's records add up to
HOUSEHOLD_WEIGHTED = "household_weighted_mean"  # of its compounds' (scores; values kept before issue 22)


# A compound's scores come from its indicators; a community's or the subdistrict's are the
# household-weighted mean of its compounds' (DESIGN.md), while its figures are its records added up.
SCORE_BASIS = {
    Level.COMPOUND: "indicators",
    Level.COMMUNITY: HOUSEHOLD_WEIGHTED,
    Level.SUBDISTRICT: HOUSEHOLD_WEIGHTED,
}


def exact_value(row):
    """An indicator row's value exactly, from its parts (per x part / whole; a count: the part);
    None when there is nothing to count or the row was kept without parts."""
    if row.get("part") is None:
        return None
    if row["whole"] is None:
        return rates.exact(row["part"])
    share = rates.ratio(row["part"], row["whole"])
    return None if share is None else share * row.get("per", 1)


def _parts(part, whole, per: int, grids) -> dict:
    """An indicator row's parts and its value, rounded once (half up, four places) from them."""
    row = {"part": part, "whole": whole, "per": per, "grids": grids, "value_basis": SUMMED}
    value = exact_value(row)
    return {**row, "value": None if value is None else rates.half_up(value, VALUE_PLACES)}


def _summed(rows: list[dict]) -> dict:
    """The members' rows of one indicator added up: the parts summed, each grid counted once."""
    first = rows[0]
    if first["grids"] is not None:
        grids = {g: (p, w) for row in rows for g, p, w in row["grids"]}
        each = tuple((g, *grids[g]) for g in sorted(grids))
        part, whole = sum(p for _g, p, _w in each), sum(w for _g, _p, w in each)
        return {**_parts(part, whole, first["per"], each), "records": int(whole)}
    part = sum(rates.exact(r["part"]) for r in rows)
    whole = None if first["whole"] is None else sum(rates.exact(r["whole"]) for r in rows)
    return {**_parts(part, whole, first["per"], None), "records": sum(r["records"] for r in rows)}


def _value_mean(pairs) -> Decimal | None:
    """Household-weighted mean of the compounds' values (those with a score): how a month kept
    before the parts rolls up (a member row without parts)."""
    total = weights = Decimal(0)
    for value, households in pairs:
        total += value * households
        weights += households
    return rates.half_up(rates.exact(total) / rates.exact(weights), VALUE_PLACES) if weights else None


def roll_up(members: list[Scores]) -> Scores:
    """A community's or the subdistrict's month from its compounds'.

    An indicator's value there is the one its records add up to: the compounds' parts summed
    (FIELD.md, as the bulletin counts), a grid covering several compounds counted once; its score
    is the household-weighted mean of the compounds' scores (DESIGN.md), as are the co- and
    overall scores (score_basis says so beside them).
    """
    households = sum(m.households for m in members)
    scores = {co: scoring.roll_up((m.scores[co], m.households) for m in members) for co in Co.values}
    overall = scoring.roll_up((m.overall, m.households) for m in members)
    indicators = {}
    for m in members:
        for code, row in m.indicators.items():
            indicators.setdefault(code, {**row, "rows": []})["rows"].append((row, m.households))
    for merged in indicators.values():
        rows = merged.pop("rows")
        scored = [(r, h) for r, h in rows if r["score"] is not None]
        if all(r.get("part") is not None for r, _h in rows):
            merged.update(_summed([r for r, _h in rows]))
        else:  # a member kept before the parts were: the rule of then
            merged.update(part=None, whole=None, grids=None, value_basis=HOUSEHOLD_WEIGHTED)
            merged["value"] = _value_mean((r["value"], h) for r, h in scored)
            merged["records"] = sum(r["records"] for r, _h in rows)
        merged["score"] = scoring.roll_up((r["score"], h) for r, h in scored)
    return Scores(households, overall, scores, indicators)


def compounds_of(level: str, place_ids) -> dict[int, int]:
    """{compound id: the id of its place at `level`} for the places given."""
    if level == Level.COMPOUND:
        return {pk: pk for pk in place_ids}
    path = PARENT[level]
    return dict(Compound.objects.filter(**{f"{path}__in": place_ids}).values_list("pk", path))


def computed(level: str, place_ids, first: date) -> dict[int, Scores]:
    """The month's scores of the places, computed now (the month in progress, or a month not filled)."""
    parents = compounds_of(level, place_ids)
    by_compound = compound_scores(parents, first)
    if level == Level.COMPOUND:
        return by_compound
    members: dict[int, list[Scores]] = {pk: [] for pk in place_ids}
    for cid, scores in by_compound.items():
        members[parents[cid]].append(scores)
    return {pk: roll_up(rows) for pk, rows in members.items()}


def month_start_today() -> date:
    return month_start(timezone.localdate())


def is_filled(first: date) -> bool:
    return first < month_start(timezone.localdate())


def scores_for(level: str, place_ids, first: date) -> dict[int, Scores]:
    """The month's scores of the places: the stored snapshot where there is one, else computed."""
    return months_of(level, place_ids, [first])[first]


def months_of(level: str, place_ids, periods) -> dict[date, dict[int, Scores]]:
    """The places' scores for several months, the stored ones in one query, the others computed."""
    place_ids, periods = list(place_ids), list(periods)
    found = {period: {} for period in periods}
    filled = [p for p in periods if is_filled(p)]
    if filled and place_ids:
        for s in Snapshot.objects.filter(level=level, place_id__in=place_ids, period__in=filled):
            found[s.period][s.place_id] = from_snapshot(s)
    for period in periods:
        missing = [pk for pk in place_ids if pk not in found[period]]
        if missing:
            found[period] |= computed(level, missing, period)
    return found


def trend(level: str, place_id: int, last: date, months: int) -> list[tuple[date, Scores | None]]:
    """The place's months up to `last`, oldest first: snapshots (one query), the month in progress
    computed; a past month with no snapshot is None (not filled yet)."""
    periods = [add_months(last, -k) for k in range(months - 1, -1, -1)]
    stored = {
        s.period: from_snapshot(s)
        for s in Snapshot.objects.filter(level=level, place_id=place_id, period__in=periods)
    }
    out = []
    for period in periods:
        if period not in stored and not is_filled(period):
            stored[period] = computed(level, [place_id], period)[place_id]
        out.append((period, stored.get(period)))
    return out


def default_period() -> date:
    return last_full_month(timezone.localdate())


def children_of(level: str, place_id: int):
    """The places one level down, (level, queryset ordered by name)."""
    if level == Level.SUBDISTRICT:
        return Level.COMMUNITY, Community.objects.filter(subdistrict_id=place_id).order_by("name", "id")
    if level == Level.COMMUNITY:
        return Level.COMPOUND, Compound.objects.filter(community_id=place_id).order_by("name", "id")
    return None, Compound.objects.none()


def level_filter(level: str, place_id: int, compound_path: str) -> Q:
    """Records whose compound (reached by `compound_path`) lies in the place."""
    if level == Level.COMPOUND:
        return Q(**{f"{compound_path}_id": place_id})
    return Q(**{f"{compound_path}__{PARENT[level]}": place_id})


def _change(now, before):
    return None if now is None or before is None else now - before


def place_query(level: str, place_id: int, first: date, **extra) -> str:
    return urlencode({level: place_id, "period": period_label(first), **extra})


def place_index(level: str, place, first: date) -> dict:
    """GET governance/five-co: the place's scores for the month with their change, each co- opened to
    its indicators (each with the API path of its records), and the places one level down."""
    previous = add_months(first, -1)
    months = months_of(level, [place.pk], [first, previous])
    now, before = months[first][place.pk], months[previous][place.pk]
    records = reverse("api:five_co_records")
    by_co = {co: [] for co in Co.values}
    for code, row in now.indicators.items():
        by_co[row["co"]].append(
            {
                **row,
                "name": str(NAMES.get(code, code)),
                "sufficient": row["score"] is not None,
                "records": f"{records}?{place_query(level, place.pk, first, indicator=code)}",
            }
        )
    child_level, children = children_of(level, place.pk)
    children = list(children)
    child_scores = scores_for(child_level, [c.pk for c in children], first) if children else {}
    return {
        "period": period_label(first),
        "level": level,
        "place": {"id": place.pk, "name": place.name},
        "households": now.households,
        "score_basis": SCORE_BASIS[level],
        "overall": now.overall,
        "change": _change(now.overall, before.overall),
        "scores": [
            {
                "co": co,
                "name": str(Co(co).label),
                "score": now.scores.get(co),
                "change": _change(now.scores.get(co), before.scores.get(co)),
                "indicators": by_co[co],  # in the order they were scored: the indicators' order
            }
            for co in Co.values
        ],
        "child_level": child_level,
        "children": [
            {
                "id": c.pk,
                "name": c.name,
                "households": child_scores[c.pk].households,
                "overall": child_scores[c.pk].overall,
                "scores": child_scores[c.pk].scores,
            }
            for c in children
        ],
    }


def place_records(user, level: str, place, first: date, code: str):
    """The records behind one indicator of a place's month: (queryset, row function). Read by
    someone who is not the community's staff (a committee member), they show no one (records.py)."""
    community = place if level == Level.COMMUNITY else getattr(place, "community", None)
    private = level == Level.COMPOUND and not is_staff_of(user, community, roles=MANAGING_ROLES)
    month = Month(list(compounds_of(level, [place.pk])), first, private=private)
    return RECORDS[code](month)


def place_for(user, *, compound=None, community=None, subdistrict=None):
    """(level, place) named by one of the ids, among the places the user reads; none named: the
    user's own widest place. Unknown, not readable or several named: bad input naming the field."""
    named = [
        (lvl, pk)
        for lvl, pk in (
            (Level.COMPOUND, compound),
            (Level.COMMUNITY, community),
            (Level.SUBDISTRICT, subdistrict),
        )
        if pk is not None
    ]
    if len(named) > 1:
        raise Invalid(_("Name one place: a compound, a community or a subdistrict."), field=named[1][0])
    if not named:
        home = home_place(user)
        if home is None:
            raise Forbidden(
                _("The five-co index is read by officers, community workers and committee members.")
            )
        return home
    level, pk = named[0]
    return level, visible_or_invalid(READABLE[level](user), pk, level)


def period_or_default(value: str | None) -> date:
    if not value:
        return default_period()
    first = period_parse(value)
    if first > month_start(timezone.localdate()):
        raise Invalid(_("That month has not begun."), field="period")
    return first


def alert_place(user, *, community=None, subdistrict=None):
    """(level, place) for the gap alerts: a community or subdistrict the user reads, by default
    their own (the alerts are the worker's and the officer's, not a committee member's)."""
    if community is None and subdistrict is None:
        home = home_place(user)
        if home is None or home[0] == Level.COMPOUND:
            raise Forbidden(_("The gap alerts are for community workers and subdistrict officers."))
        return home
    return place_for(user, community=community, subdistrict=subdistrict)


def alert_list(level: str, place) -> list[dict]:
    communities = (
        [place.pk]
        if level == Level.COMMUNITY
        else list(Community.objects.filter(subdistrict=place).values_list("pk", flat=True))
    )
    return alerts(communities)
