"""Money is integer tiyn (1 ₸ = 100 tiyn). Rounding rules and display live here and only here."""
from decimal import ROUND_HALF_UP, Decimal

TIYN_PER_TENGE = 100


def tenge_to_tiyn(tenge: int | str | Decimal) -> int:
    return int((Decimal(str(tenge)) * TIYN_PER_TENGE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent_of(amount_tiyn: int, percent: Decimal | str) -> int:
    """`percent` % of an amount, rounded half up to a whole tiyn."""
    value = Decimal(amount_tiyn) * Decimal(str(percent)) / 100
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def prorate(amount_tiyn: int, numerator: int, denominator: int) -> int:
    """amount × numerator / denominator, rounded half up, in integers only."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return (2 * amount_tiyn * numerator + denominator) // (2 * denominator)


def format_tiyn(amount_tiyn: int) -> str:
    """12345678 → '123 456,78 ₸' (a narrow no-break space between thousands)."""
    sign = "-" if amount_tiyn < 0 else ""
    tenge, tiyn = divmod(abs(amount_tiyn), TIYN_PER_TENGE)
    grouped = f"{tenge:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{tiyn:02d} ₸"
