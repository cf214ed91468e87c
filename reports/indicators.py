"""The five-co indicators' figures for many compounds at once, each read through the selectors of
the app that owns its rule. A figure function takes compound ids and a month (its first day) and
answers {compound id: Figure}; every one costs a fixed number of queries, whatever the compounds.

Grid figures are kept per grid and count for every compound a grid covers. For the month in
progress, what is due or planned is counted up to now, not to the month's end.

"""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import StaffRole
from core.periods import add_months, days_bounds, month_bounds
from governance import selectors as governance
from governance.models import MeetingKind, NoticeKind
from grid import selectors as grids
from property.fees import selectors as fee_figures
from property.models import Compound
from property.register import selectors as register
from reports.scoring import Figure
from volunteers import selectors as volunteering


class Month:
    """The compounds and month being scored, with the lookups several indicators share (read once)."""

    def __init__(self, compound_ids, first: date, *, private: bool = False):
        self.ids, self.first, self.private = list(compound_ids), first, private
        self.start, self.end = month_bounds(first)

    @cached_property
    def households(self) -> dict[int, int]:
        return register.households_by_compound(self.ids)

    @cached_property
    def covering(self) -> dict[int, set[int]]:
        return grids.grids_covering(self.ids)

    @cached_property
    def grid_ids(self) -> set[int]:
        return {g for gs in self.covering.values() for g in gs}

    @cached_property
    def latest_ratings(self):
        communities = dict(Compound.objects.filter(pk__in=self.ids).values_list("pk", "community_id"))
        rounds = governance.latest_rounds(set(communities.values()), add_months(self.end, -12), self.end)
        return governance.ratings_by_compound(rounds.values(), self.ids), communities, rounds


# --- windows: what each indicator counts, shared by its figure and its records (reports/records.py) --


def at_end(m: Month) -> date:
    """The day a state is read on: the month's last day, or today for the month in progress."""
    return min(m.end - timedelta(days=1), timezone.localdate())


def months_to_end(m: Month, months: int) -> tuple[date, date]:
    """The days [`months` months before the month's end, the month's end)."""
    return add_months(m.end, -months), m.end


# Indicators read over a window of months up to the month's end, not the month alone: their figures
# and their records (reports.records) both take it from here, and the records page states it.
WINDOW_MONTHS = {"minutes_published": 6, "vote_participation": 12, "consultations_held": 6}


def months_to_end_at(m: Month, months: int):
    """months_to_end() as datetimes."""
    return days_bounds(*months_to_end(m, months))


def the_month_at(m: Month):
    return days_bounds(m.start, m.end)


def _flag(ids, hits) -> dict:
    return {cid: Figure(Decimal(1 if cid in hits else 0), 1, 1 if cid in hits else 0, 1) for cid in ids}


def _share(part, whole, grids=None) -> Figure:
    return Figure(Decimal(part) / Decimal(whole) if whole else None, int(whole), part, whole, grids=grids)


def _count(n) -> Figure:
    return Figure(Decimal(n), n, n, None)


def governing_body_in_office(m: Month) -> dict:
    return _flag(m.ids, governance.compounds_governed(m.ids, at_end(m)))


def management_in_place(m: Month) -> dict:
    return _flag(m.ids, register.compounds_managed(m.ids, at_end(m)))


def finance_disclosed(m: Month) -> dict:
    """A finance disclosure (Article 943) published in the six months up to the month's end."""
    published = governance.notices_by_compound(m.ids, *months_to_end(m, 6), kind=NoticeKind.FINANCE)
    return _flag(m.ids, set(published))


def notices_published(m: Month) -> dict:
    counts = governance.notices_by_compound(m.ids, m.start, m.end)
    return {cid: _count(counts.get(cid, 0)) for cid in m.ids}


def fee_collection_rate(m: Month) -> dict:
    """Paid / billed by amount for the month's bills (GET property/collection-rate's amount rate)."""
    amounts = fee_figures.amounts_collected_by_compound(m.ids, m.first)
    figures = {}
    for cid in m.ids:
        paid, billed = amounts.get(cid, (Decimal(0), Decimal(0)))
        share = fee_figures.amount_rate(paid, billed)
        value = None if share is None else Decimal(share.numerator) / Decimal(share.denominator)
        figures[cid] = Figure(value, 1 if billed else 0, paid, billed)
    return figures


def minutes_published(m: Month) -> dict:
    """Meetings of the six months up to the month's end published to residents / meetings."""
    counts = governance.meetings_published_by_compound(
        m.ids, *months_to_end_at(m, WINDOW_MONTHS["minutes_published"])
    )
    return {cid: _share(*counts.get(cid, (0, 0))) for cid in m.ids}


def until_now(first: date, months_back: int = 0):
    """The datetimes [first of `months_back` months before, end of the month), the end capped at now."""
    _start, end = month_bounds(first)
    start, stop = days_bounds(add_months(first, -months_back), end)
    return start, grids.judged_at(stop)


def _per_compound(ids, per_grid: dict, covering: dict) -> dict[int, tuple[int, int, tuple]]:
    """Sum per-grid (part, whole) pairs over the grids covering each compound, keeping each grid's."""
    out = {}
    for cid in ids:
        grids_ = tuple((g, *per_grid[g]) for g in sorted(covering.get(cid, ())) if g in per_grid)
        out[cid] = (sum(p for _g, p, _w in grids_), sum(w for _g, _p, w in grids_), grids_)
    return out


# --- co-planning -----------------------------------------------------------------------------------


def solicitation_coverage(m: Month) -> dict:
    """Households that answered a solicitation closing in the 12 months up to the month's end / households."""
    answered = governance.households_answering_by_compound(m.ids, *months_to_end(m, 12))
    return {cid: _share(answered.get(cid, 0), m.households.get(cid, 0)) for cid in m.ids}


def vote_participation(m: Month) -> dict:
    """Mean owners' headcount participation of the votes closed in the 12 months up to the month's end."""
    turnouts = governance.vote_turnouts_by_compound(
        m.ids, *months_to_end_at(m, WINDOW_MONTHS["vote_participation"])
    )
    figures = {}
    for cid in m.ids:
        votes = turnouts.get(cid, [])
        mean = sum(votes) / len(votes) if votes else None
        figures[cid] = Figure(
            Decimal(mean.numerator) / Decimal(mean.denominator) if votes else None,
            len(votes),
            sum(votes, Fraction(0)),
            len(votes),
        )
    return figures


CONSULTING = [MeetingKind.CONSULTATION, MeetingKind.OWNERS_ASSEMBLY]


def consultations_held(m: Month) -> dict:
    """Consultation meetings and owners' assemblies in the six months up to the month's end."""
    held = governance.meetings_by_compound(
        m.ids, *months_to_end_at(m, WINDOW_MONTHS["consultations_held"]), CONSULTING
    )
    return {cid: _count(held.get(cid, 0)) for cid in m.ids}


# --- co-building ------------------------------------------------------------------------------------


def _per_100(part, households) -> Figure:
    return Figure(
        Decimal(part) * 100 / Decimal(households) if households else None,
        int(households),
        part,
        households,
        per=100,
    )


def volunteers_per_100(m: Month) -> dict:
    """Approved volunteers living in the compound at the month's end per 100 households."""
    living = volunteering.volunteers_living_by_compound(m.ids, at_end(m))
    return {cid: _per_100(living.get(cid, 0), m.households.get(cid, 0)) for cid in m.ids}


def volunteer_hours_per_100(m: Month) -> dict:
    """Hours credited on the compound's shifts of the month per 100 households."""
    hours = volunteering.hours_by_compound(m.ids, *the_month_at(m))
    return {cid: _per_100(hours.get(cid, 0), m.households.get(cid, 0)) for cid in m.ids}


def serving_window(m: Month):
    """The three months up to the month's end, as datetimes."""
    return days_bounds(add_months(m.first, -2), m.end)


def party_member_volunteering(m: Month) -> dict:
    """Party-member residents who served (checked in) in the three months up to the month's end / all of them."""
    counts = volunteering.party_members_serving_by_compound(m.ids, at_end(m), *serving_window(m))
    return {cid: _share(*counts.get(cid, (0, 0))) for cid in m.ids}


def shift_fill_rate(m: Month) -> dict:
    """Places confirmed / places on the compound's shifts of the month."""
    counts = volunteering.places_filled_by_compound(m.ids, *the_month_at(m))
    return {cid: _share(*counts.get(cid, (0, 0))) for cid in m.ids}


# --- co-management (and the grid's part of co-evaluation) --------------------------------------------


def actions_window(m: Month) -> tuple[date, date]:
    """Due in the six months up to the month's end, and not after today."""
    start, end = months_to_end(m, 6)
    return start, min(end, timezone.localdate())


def actions_on_time(m: Month) -> dict:
    """Follow-up actions due in the six months up to the month's end, closed by their date / due."""
    counts = governance.actions_on_time_by_compound(m.ids, *actions_window(m))
    return {cid: _share(*counts.get(cid, (0, 0))) for cid in m.ids}


def grid_roles_covered(m: Month) -> dict:
    """Core staff roles held on the grids covering the compound at the month's end / core roles."""
    held = grids.roles_held_by_grid(m.grid_ids, at_end(m))
    core = set(StaffRole.values)
    figures = {}
    for cid in m.ids:
        roles = set().union(*(held.get(g, set()) for g in m.covering.get(cid, ())))
        figures[cid] = _share(len(roles & core), len(core))
    return figures


def _grid_pairs(m: Month, per_grid, months_back: int = 0) -> dict[int, tuple[int, int, tuple]]:
    start, stop = until_now(m.first, months_back)
    return _per_compound(m.ids, per_grid(m.grid_ids, start, stop), m.covering)


def duty_done_rate(m: Month) -> dict:
    """Duty shifts of the month done / planned (up to now for the month in progress)."""
    return {cid: _share(*parts) for cid, parts in _grid_pairs(m, grids.duty_by_grid).items()}


def incidents_on_time(m: Month) -> dict:
    """按期结案率: incidents due in the month closed by their deadline / due."""
    return {cid: _share(*parts) for cid, parts in _grid_pairs(m, grids.incidents_on_time_by_grid).items()}


def rework_rate(m: Month) -> dict:
    """返工率: incidents sent back (returned or reopened) / resolved, in the month; lower is better."""
    return {cid: _share(*parts) for cid, parts in _grid_pairs(m, grids.rework_by_grid).items()}


def incident_rating(m: Month) -> dict:
    """Mean reporter rating of incidents closed in the three months up to the month's end."""
    pairs = _grid_pairs(m, grids.incident_ratings_by_grid, months_back=2)
    return {
        cid: Figure(
            Decimal(total) / Decimal(n) if n else None,
            n,
            total,
            n,
            grids=tuple((g, t, k) for g, k, t in each),  # per grid (rating total, rated)
        )
        for cid, (n, total, each) in pairs.items()
    }


# --- co-evaluation ------------------------------------------------------------------------------------


def evaluation_response_rate(m: Month) -> dict:
    """Households that rated in the latest round closed in the 12 months up to the month's end / households."""
    ratings, communities, rounds = m.latest_ratings
    figures = {}
    for cid in m.ids:
        if communities.get(cid) not in rounds:
            figures[cid] = Figure(None, 0, 0, 0)  # no round: nothing to count
            continue
        figures[cid] = _share(ratings.get(cid, (0, None))[0], m.households.get(cid, 0))
    return figures


def satisfaction(m: Month) -> dict:
    """The mean score of that round's ratings from the compound (at least 5 ratings to count)."""
    ratings, _communities, _rounds = m.latest_ratings
    figures = {}
    for cid in m.ids:
        n, mean = ratings.get(cid, (0, None))
        # scores are whole numbers: their sum is the mean times how many, to the unit
        total = 0 if mean is None else int((mean * n).to_integral_value())
        figures[cid] = Figure(mean, n, total, n)
    return figures


FIGURES = {
    "governing_body_in_office": governing_body_in_office,
    "management_in_place": management_in_place,
    "finance_disclosed": finance_disclosed,
    "notices_published": notices_published,
    "fee_collection_rate": fee_collection_rate,
    "minutes_published": minutes_published,
    "solicitation_coverage": solicitation_coverage,
    "vote_participation": vote_participation,
    "consultations_held": consultations_held,
    "actions_on_time": actions_on_time,
    "grid_roles_covered": grid_roles_covered,
    "duty_done_rate": duty_done_rate,
    "incidents_on_time": incidents_on_time,
    "rework_rate": rework_rate,
    "incident_rating": incident_rating,
    "evaluation_response_rate": evaluation_response_rate,
    "satisfaction": satisfaction,
    "volunteers_per_100": volunteers_per_100,
    "volunteer_hours_per_100": volunteer_hours_per_100,
    "party_member_volunteering": party_member_volunteering,
    "shift_fill_rate": shift_fill_rate,
}


NAMES = {
    "solicitation_coverage": _("Households answering solicitations"),
    "vote_participation": _("Owners taking part in votes"),
    "consultations_held": _("Consultations and owners' assemblies"),
    "volunteers_per_100": _("Volunteers per 100 households"),
    "volunteer_hours_per_100": _("Volunteer hours per 100 households"),
    "party_member_volunteering": _("Party members who served"),
    "shift_fill_rate": _("Volunteer places filled"),
    "governing_body_in_office": _("A governing body in office"),
    "management_in_place": _("A management plan and mode in place"),
    "actions_on_time": _("Follow-up actions closed on time"),
    "grid_roles_covered": _("Grid roles held"),
    "duty_done_rate": _("Duty shifts done"),
    "incidents_on_time": _("Incidents closed on time"),
    "rework_rate": _("Incidents sent back (rework)"),
    "evaluation_response_rate": _("Households rating the service"),
    "satisfaction": _("Satisfaction score"),
    "incident_rating": _("Reporters' rating of incidents"),
    "finance_disclosed": _("Finances disclosed"),
    "notices_published": _("Notices published"),
    "fee_collection_rate": _("Fee collection rate"),
    "minutes_published": _("Meeting minutes published"),
}

# How a value reads: a flag (1 or 0), a share (0-1, shown as a percentage), else a count or a mean.
FLAGS = {"governing_body_in_office", "management_in_place", "finance_disclosed"}
SHARES = {
    "solicitation_coverage",
    "vote_participation",
    "party_member_volunteering",
    "shift_fill_rate",
    "actions_on_time",
    "grid_roles_covered",
    "duty_done_rate",
    "incidents_on_time",
    "rework_rate",
    "evaluation_response_rate",
    "fee_collection_rate",
    "minutes_published",
}
