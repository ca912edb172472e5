"""Money: exact decimals, quantised to the cent, formatted only for people."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    """Round half up to the cent, as a Chinese accountant would."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal | None:
    """An amount as written in a file: plain digits, optional sign, at most two decimals."""
    text = text.strip().replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return None
    return value


def format_amount(value: Decimal, currency: str = "") -> str:
    """``62,400.00 CNY`` — thousands separators, exactly two decimals."""
    text = f"{cents(value):,.2f}"
    return f"{text} {currency}" if currency else text


def format_rate(rate: Decimal) -> str:
    """``12%`` or ``12.5%`` for a rate given as a fraction."""
    percent = (rate * 100).normalize()
    return f"{percent:f}%"
