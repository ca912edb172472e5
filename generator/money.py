"""Money: exact decimals, quantised to the cent, formatted only for people."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_INTEGER_DIGITS = 12
MAX_DECIMALS = 2
LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS

# ASCII digits only: ``\d`` would also take full-width and other scripts' digits. No exponent, no
# arithmetic, at most twelve integer digits and two decimals; thousands separators are allowed.
AMOUNT = re.compile(r"[-+]?(?:[0-9]{1,3}(?:,[0-9]{3}){1,3}|[0-9]{1,12})(?:\.[0-9]{1,2})?", re.ASCII)


def cents(value: Decimal) -> Decimal:
    """Round half up to the cent, as a Chinese accountant would."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal | None:
    """An amount as written in a file: plain ASCII digits, optional sign, at most two decimals."""
    text = text.strip()
    if len(text) > 24 or not AMOUNT.fullmatch(text):
        return None
    return Decimal(text.replace(",", ""))


def within_bounds(number: Decimal) -> bool:
    """Exact to the cent and fewer than thirteen integer digits (a million postings a second can ask)."""
    if not number.is_finite() or (number and number.adjusted() >= MAX_INTEGER_DIGITS):
        return False
    return number == number.quantize(CENT)


def format_amount(value: Decimal, currency: str = "") -> str:
    """``62,400.00 CNY`` — thousands separators, exactly two decimals."""
    text = f"{cents(value):,.2f}"
    return f"{text} {currency}" if currency else text


def format_money(value: Decimal) -> str:
    """``1,234.56``: thousands separators, two decimals, a true minus sign."""
    text = f"{cents(value):,.2f}"
    return text.replace("-", "−") if text.startswith("-") else text


def format_share(share: Decimal | None) -> str:
    """A share as a percentage to one decimal (``97.0%``), or a dash when there is none."""
    if share is None:
        return "—"
    return f"{(share * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,.1f}%"


def format_rate(rate: Decimal) -> str:
    """``12%`` or ``12.5%`` for a rate given as a fraction."""
    percent = (rate * 100).normalize()
    return f"{percent:f}%"


def share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    return part / whole if whole else None
