"""What a posting is worth in the compound's currency.

A posting in the compound's currency counts as written. A posting in another
currency that ``compound.yaml`` declares counts at its cost or price in the
compound's currency (Beancount's own weight); without one it cannot be
counted, and the currency rule says so. Every rule that adds money up
(caps, evidence, the trustee's income base) counts through here.
"""

from __future__ import annotations

from decimal import Decimal

from beancount.core import convert, data


def worth(posting: data.Posting, currency: str) -> Decimal | None:
    """The posting's amount in ``currency`` (Beancount's sign), or None if it has no such worth."""
    units = posting.units
    if units is None or not isinstance(units.number, Decimal):
        return None
    if units.currency == currency:
        return units.number
    if posting.cost is None and posting.price is None:
        return None
    weight = convert.get_weight(posting)
    if weight.currency == currency and isinstance(weight.number, Decimal):
        return weight.number
    return None
