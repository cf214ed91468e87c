"""Money is Decimal yuan with two places: the fen is its smallest step."""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")


def round_fen(amount: Decimal) -> Decimal:
    """Half up at the fen. Only where a bill is issued (DESIGN.md); elsewhere sums are already exact."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)
