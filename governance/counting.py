"""Civil Code Article 278, counted with exact fractions.

A vote counts only if owners holding at least two thirds of the exclusive area AND at least two
thirds of the owners take part (the bound itself counts). A special matter (items 6-8) then
passes with at least three quarters of the participants' area AND headcount; any other matter
with more than half (strictly) of both. Abstaining is taking part without approving.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core import rates

QUORUM = Fraction(2, 3)
THREE_QUARTERS = Fraction(3, 4)
HALF = Fraction(1, 2)


@dataclass(frozen=True)
class Tally:
    area_total: Decimal
    headcount_total: int
    area: Decimal
    headcount: int
    area_for: Decimal
    headcount_for: int
    special: bool

    @property
    def area_participation(self) -> Fraction:
        return _share(self.area, self.area_total)

    @property
    def headcount_participation(self) -> Fraction:
        return _share(self.headcount, self.headcount_total)

    @property
    def area_approval(self) -> Fraction:
        return _share(self.area_for, self.area)

    @property
    def headcount_approval(self) -> Fraction:
        return _share(self.headcount_for, self.headcount)

    @property
    def quorum_met(self) -> bool:
        return (
            self.headcount_total > 0
            and self.area_participation >= QUORUM
            and self.headcount_participation >= QUORUM
        )

    @property
    def passed(self) -> bool:
        if not self.quorum_met:
            return False
        if self.special:
            return self.area_approval >= THREE_QUARTERS and self.headcount_approval >= THREE_QUARTERS
        return self.area_approval > HALF and self.headcount_approval > HALF


def _share(part, whole) -> Fraction:
    # Decimal -> Fraction is exact; a zero whole has no share (and cannot meet any bound).
    return Fraction(part) / Fraction(whole) if whole else Fraction(0)


def tally(roll: dict[int, Decimal], choices: dict[int, str], *, special: bool) -> Tally:
    """`roll`: owner id -> the owner's area; `choices`: owner id -> for | against | abstain."""
    voted = [owner for owner in choices if owner in roll]
    approving = [owner for owner in voted if choices[owner] == "for"]
    return Tally(
        area_total=sum(roll.values(), Decimal(0)),
        headcount_total=len(roll),
        area=sum((roll[o] for o in voted), Decimal(0)),
        headcount=len(voted),
        area_for=sum((roll[o] for o in approving), Decimal(0)),
        headcount_for=len(approving),
        special=special,
    )


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def percent(value: Fraction) -> str:
    """For people: two decimals, rounded once, half up (the exact fraction decides, not this)."""
    return str(rates.percent_number(value, 2))
