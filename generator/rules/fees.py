"""fees: every fee payment is for a real unit, a billed month, and no more than that month's due.

When a compound keeps a unit roster (``units.csv``), a property-fee receipt
(an income account opened with ``income: "fees"``) carries a detail sheet
``unit,period,amount`` saying which unit paid for which month or months; the
sheet adds up to the receipt. A row is refused for a unit code the roster does
not have, a period before the unit's first billed month, or paying more than
the unit-month's due (a prepaid range is split evenly, the odd cents on its
last month, and checked month by month, across every receipt so far). Money
that really arrived beyond the dues is booked to the advance-receipts
liability (预收款) with the unit's code::

    2026-03-31 * "物业费收款" "2026年3月31日银行到账"
      voucher: "2026-0062"
      detail: "2026/03/2026-0062-fees.csv"    ; unit,period,amount — a3f9k2m7,2026-03,165.00 …
      Assets:Bank:Fund      12045.00 CNY
      Income:PropertyFees
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.chart import chart_of
from generator.books.compound import Compound
from generator.books.fees import Dues, fee_payments
from generator.books.profile import Profile
from generator.rules.context import profile_rule

__plugins__ = ("rule",)


@profile_rule
def rule(entries: list[data.Directive], options_map: dict[str, Any], compound: Compound,
         profile: Profile) -> list[err.RuleError]:
    if compound.roster is None:
        return []  # fee receipts are lump sums until the compound keeps a roster
    _, problems = fee_payments(entries, chart_of(entries), profile.currency, compound.roster,
                               Dues(compound.budgets), compound.vouchers)
    return [err.make(err.FeesError, problem.entry.meta, problem.message, problem.entry) for problem in problems]
