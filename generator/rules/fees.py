"""fees: every fee payment is for a real unit, a billed month, and no more than that month's due.

When a compound keeps a unit roster (``units.csv``), a property-fee receipt
(an income account opened with ``income: "fees"``) carries a detail sheet
``unit,period,amount`` saying which unit paid for which month or months; the
sheet adds up to the receipt. A row is refused for a unit code the roster does
not have, a period before the unit's first billed month, or paying more than
the unit-month's due (a prepaid range is split evenly, the odd cents on its
last month, and checked month by month, across every receipt so far). A
budget's rate for a building no unit of the roster is in is refused too. Money
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
    errors = [err.make(err.FeesError, problem.entry.meta, problem.message, problem.entry) for problem in problems]
    # A building's own rate under a label no unit has (3号搂 for 3号楼) would bill that building at the default.
    known = compound.roster.buildings
    for budget in compound.budgets.values() if known else ():  # an unreadable roster is reported on its own
        for standard in (budget.fees, *(amendment.fees for amendment in budget.amendments)):
            if standard is None:
                continue
            for building in standard.buildings:
                if building not in known:
                    errors.append(err.make(err.FeesError, err.source(budget.path, standard.line),
                                           f"the fee standard's buildings name {building[:40]!r}, which no unit of "
                                           f"units.csv is in; write the label as units.csv does "
                                           f"({', '.join(known[:20])})"))
    return errors
