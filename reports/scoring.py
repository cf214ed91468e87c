"""The five-co scoring rule (DESIGN.md), as pure functions of figures already computed.

- An indicator scores 100 x min(1, value / target); where lower is better, 100 x min(1, target / value)
  (a value of 0 then scores 100).
- An indicator with fewer records than its minimum data is "insufficient data": it has no score and
  is left out, never counted as 0.
- A co- scores the weighted mean of its indicators that have a score; with none it has no score.
- The overall score is the mean of the co- scores there are.
- A community or the subdistrict scores the household-weighted mean of its compounds' scores
  (compounds without a score for that co- are left out, with their households).
Scores are Decimals with one place, rounded half up.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    """An indicator's value for a place and month, with how many records it rests on.

    The parts the value is counted from, exact, so that a place above adds its members' parts
    (the figure its records add up to) and a rate is rounded once where it is read:
    value = per x part / whole; with no whole the value is a count (the part). A figure counted
    per grid also keeps each grid's parts, so that a grid covering two compounds counts once.
    """

    value: Decimal | None
    records: int
    part: object = field(default=None, compare=False)
    whole: object = field(default=None, compare=False)
    per: int = field(default=1, compare=False)
    grids: tuple | None = field(default=None, compare=False)


def indicator_score(
    figure: Figure, *, target: Decimal, minimum_data: int, lower_is_better: bool
) -> Decimal | None:
    if figure.value is None or figure.records < minimum_data:
        return None
    value = Decimal(figure.value)
    if lower_is_better:
        ratio = Decimal(1) if value <= 0 else min(Decimal(1), Decimal(target) / value)
    else:
        ratio = min(Decimal(1), value / Decimal(target))
    return _round(HUNDRED * max(ratio, Decimal(0)))


def weighted_mean(pairs: Iterable[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    """Mean of the scores there are, each with its weight; None when there is none."""
    total = weights = Decimal(0)
    for score, weight in pairs:
        if score is None or weight <= 0:
            continue
        total += Decimal(score) * Decimal(weight)
        weights += Decimal(weight)
    return _round(total / weights) if weights else None


def overall(co_scores: Iterable[Decimal | None]) -> Decimal | None:
    return weighted_mean((score, Decimal(1)) for score in co_scores)


def roll_up(compounds: Iterable[tuple[Decimal | None, int]]) -> Decimal | None:
    """A community's (or the subdistrict's) score: its compounds' scores weighted by households."""
    return weighted_mean((score, Decimal(households)) for score, households in compounds)
