"""Sane bounds for the dates, amounts and areas people and clients enter (DESIGN.md: no year 9999, no
999,999,999,999.99 yuan). One module: the API's schemas (core.validation), the pages' forms
(core.forms) and the ledger imports all check through the functions below, so a bound is written once.

Two kinds of value are told apart:

- refused: what no real record can be (a works notice in year 9999, a flat of 999,999.99 m², a payment
  of a billion yuan). The check returns a message that names the limit; the caller puts it on the field.
- to check: what a real record can be but seldom is (funding received above what was planned, a unit
  larger than any flat). It is written, and the desk page shows it with 请核对 (`unusual_*` below).

Dates. The horizon is DATE_HORIZON_YEARS (a setting, 10) from today for every date: nothing Gongzhi
plans (a committee's term is at most 5 years, a contract or a fee item a few) reaches further. The floor
depends on the kind of date:

- HISTORY (1900-01-01): facts of the register that a worker copies from paper, decades back: when a
  person moved in or became an owner, when a committee's term or a post began, when a management plan
  or a fee item took effect. Old compounds were built from the 1950s on (year built is bounded at 1900
  too); 1900 refuses a mistyped 0202 or 1800 and no real residency.
- ACTIVITY (2000-01-01): what is done through Gongzhi or recorded as it happens: meetings, votes,
  solicitations, shifts, duty, incidents, renovation projects, contracts, works, payments. The
  renovation of old compounds and the grid system began well after 2000 (renovation years are bounded
  at 2000 too), so an earlier date is a typing slip.

Money (yuan) has one maximum per kind of amount, each far above any real one and far below what the
database column holds (14 digits), so a slipped finger is refused, not stored.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

HISTORY = "history"
ACTIVITY = "activity"
FLOORS = {HISTORY: date(1900, 1, 1), ACTIVITY: date(2000, 1, 1)}

# The largest amount, in yuan, that one record of each kind may carry.
MONEY_MAX = {
    # A household's fees: a unit price per m² per month, per household or fixed, at most this much.
    "unit_price": Decimal("10000"),
    # One bill, payment or adjustment of one household: years of fees of the largest unit.
    "household": Decimal("1000000"),
    # One line of a compound's financial disclosure (a year's fee income, a repair).
    "disclosure": Decimal("100000000"),
    # A renovation project's item budget, funding by source, a contract's value: the largest
    # programmes renovate a compound for tens of millions; a billion is refused.
    "renovation": Decimal("1000000000"),
}

# Areas in m². A unit (an exclusive part): flats of old compounds are 30-150 m², a shop or a whole
# floor registered as one unit may be a few thousand; above UNIT_AREA_MAX none is real. Above
# UNIT_AREA_CHECK it is written but shown to check (a decimal point slipped: 9520 for 95.20).
UNIT_AREA_MAX = Decimal("5000")
UNIT_AREA_CHECK = Decimal("500")

# Funding received may exceed what was planned (a top-up arrives), and is then shown to check; more
# than this many times the plan is a slip of a digit and refused.
FUNDING_RECEIVED_MAX_TIMES = Decimal("2")


# --- dates ------------------------------------------------------------------------------------------


def horizon() -> date:
    """The last day a date may name: DATE_HORIZON_YEARS from today (29 February -> 28 February)."""
    today = timezone.localdate()
    years = settings.DATE_HORIZON_YEARS
    try:
        return today.replace(year=today.year + years)
    except ValueError:
        return today.replace(year=today.year + years, day=28)


def date_problem(value: date, kind: str = ACTIVITY) -> str | None:
    """Why a date is refused (a message naming the limit), or None when it is sane."""
    if value is None:
        return None
    floor, last = FLOORS[kind], horizon()
    if value < floor:
        return _("Enter a date on or after %(limit)s.") % {"limit": floor.isoformat()}
    if value > last:
        return _("Enter a date on or before %(limit)s.") % {"limit": last.isoformat()}
    return None


def datetime_problem(value: datetime, kind: str = ACTIVITY) -> str | None:
    """The same for a moment, compared as moments (converting 9999-12-31 to local time overflows)."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    floor = timezone.make_aware(datetime.combine(FLOORS[kind], time.min))
    end = timezone.make_aware(datetime.combine(horizon() + timedelta(days=1), time.min))
    if value < floor:
        return _("Enter a time on or after %(limit)s.") % {"limit": FLOORS[kind].isoformat()}
    if value >= end:
        return _("Enter a time on or before %(limit)s.") % {"limit": horizon().isoformat()}
    return None


# --- amounts and areas --------------------------------------------------------------------------------


def money_problem(value: Decimal, kind: str) -> str | None:
    """Why an amount in yuan is refused, or None."""
    if value is not None and value > MONEY_MAX[kind]:
        return _("Enter at most %(limit)s yuan.") % {"limit": f"{MONEY_MAX[kind]:,}"}
    return None


def area_problem(value: Decimal, limit: Decimal = UNIT_AREA_MAX) -> str | None:
    """Why an area in m² is refused, or None."""
    if value is not None and value > limit:
        return _("Enter at most %(limit)s m².") % {"limit": f"{limit:,}"}
    return None


def received_problem(planned: Decimal, received: Decimal) -> str | None:
    """Funding received more than FUNDING_RECEIVED_MAX_TIMES what was planned is refused."""
    if received and received > (planned or 0) * FUNDING_RECEIVED_MAX_TIMES:
        return _(
            "More than %(times)s times the planned amount was received: correct the planned amount first."
        ) % {"times": f"{FUNDING_RECEIVED_MAX_TIMES.normalize()}"}
    return None


def unusual_area(value: Decimal | None) -> bool:
    """A unit's area that a real unit can have but seldom does: shown to check."""
    return value is not None and value > UNIT_AREA_CHECK


def unusual_funding(planned: Decimal, received: Decimal) -> bool:
    """Funding received above what was planned: accepted, shown to check."""
    return received > planned
