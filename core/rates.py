"""Rates: a part over a whole, kept exact until it is read, then rounded once, half up.

A rate is never rounded from a rate already rounded (0.74454 read as 0.7445 and then as 74.4 %
is the error this prevents): the API's rates (`rate`, four places) and the percentages pages and
documents show (`percent`, one place) are each rounded from the exact parts. Every page, the API
and the .docx read rates through these functions.
"""

from decimal import Decimal
from fractions import Fraction

RATE_PLACES = 4  # a rate in the API: 0.7445
PERCENT_PLACES = 1  # a percentage on a page or in a document: 74.5%
NONE_SHOWN = "—"


def exact(value) -> Fraction:
    """An int, Decimal, Fraction or exact string ("0.7445", "3/4") as a Fraction; never a float."""
    if isinstance(value, float):
        raise TypeError("a rate's parts are exact: use Decimal, not float")
    return value if isinstance(value, Fraction) else Fraction(value)


def exact_text(value) -> str:
    """An exact value as text that exact() reads back: a decimal where it has one ("24281.75"),
    else a fraction ("1/3")."""
    value = exact(value)
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return f"{value.numerator}/{value.denominator}"
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    return str(half_up(value, places))


def ratio(part, whole) -> Fraction | None:
    """part / whole exactly; None when the whole is 0 (nothing to count)."""
    whole = exact(whole)
    return None if not whole else exact(part) / whole


def half_up(value, places: int) -> Decimal:
    """An exact value rounded once to `places` decimal places, halves away from zero."""
    scaled = exact(value) * 10**places
    units, rest = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * rest >= scaled.denominator:
        units += 1
    return Decimal(-units if scaled < 0 else units).scaleb(-places)


def rate(part, whole, places: int = RATE_PLACES) -> Decimal | None:
    """The API's rate: part / whole rounded once, half up, to four places; None when the whole is 0."""
    value = ratio(part, whole)
    return None if value is None else half_up(value, places)


def rounded(value, places: int = RATE_PLACES) -> Decimal | None:
    """An exact share (or None) rounded once, half up: the API's form of a rate already divided."""
    return None if value is None else half_up(value, places)


def percent_number(value, places: int = PERCENT_PLACES) -> Decimal | None:
    """An exact share (0-1) as the number of its percentage, rounded once: 0.74454 -> 74.5."""
    return None if value is None else half_up(exact(value) * 100, places)


def percent_of(value, places: int = PERCENT_PLACES) -> str:
    """An exact share (0-1) as a percentage, rounded once: Fraction(74454, 100000) -> "74.5%"."""
    return NONE_SHOWN if value is None else f"{percent_number(value, places)}%"


def percent(part, whole, places: int = PERCENT_PLACES) -> str:
    """part / whole as a percentage, rounded once, half up, from the exact parts; "—" when the whole is 0."""
    return percent_of(ratio(part, whole), places)
