"""budget-cap: spending on a budget line never passes the year's cap (预算上限).

The owners approved each line's cap; an amendment voted later raises it from
the vote's date. The cap holds at every date, not only at year end: spending
that passes it in May is an error dated in May, on the entry that passed it.
Spending counts against the most specific line covering its account::

    # budgets/x/2026.yaml:   lines: {Expenses:Repairs: 60000.00}

    2026-05-14 * "示例电梯维保有限公司" "3号楼电梯主板更换"
      voucher: "2026-0142"
      evidence: "2026/05/2026-0142-invoice.pdf"
      Expenses:Repairs    18400.00 CNY       ; refused: 62,400.00 spent by 2026-05-14, cap 60,000.00
      Assets:Bank:Fund
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.money import format_amount
from generator.rules.context import compound_for, relative

__plugins__ = ("rule",)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    errors: list[err.RuleError] = []
    if compound.profile is None:
        return entries, errors
    currency = compound.profile.currency
    expenses_root = options_map["name_expenses"] + ":"
    spent: dict[tuple[int, str], Decimal] = {}
    over: set[tuple[int, str]] = set()
    covering: dict[tuple[int, str], str | None] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        budget = compound.approved_budget(entry.date.year)
        if budget is None:
            continue
        touched: list[tuple[int, str]] = []
        for posting in entry.postings:
            units = posting.units
            if (not posting.account.startswith(expenses_root) or units is None or units.number is None
                    or units.currency != currency):
                continue
            key = (budget.year, posting.account)
            if key not in covering:
                covering[key] = budget.covering_line(posting.account)
            budget_line = covering[key]
            if budget_line is None:
                continue  # the unbudgeted rule reports it
            line_key = (budget.year, budget_line)
            spent[line_key] = spent.get(line_key, Decimal(0)) + units.number
            if line_key not in touched:
                touched.append(line_key)
        for line_key in touched:
            cap = budget.cap(line_key[1], entry.date)
            if spent[line_key] > cap and line_key not in over:
                over.add(line_key)
                amended = " with approved amendments" if cap != budget.lines[line_key[1]] else ""
                errors.append(err.make(
                    err.BudgetCapError, entry.meta,
                    f"{line_key[1]}: {format_amount(spent[line_key], currency)} spent by {entry.date}, cap "
                    f"{format_amount(cap, currency)}{amended} ({relative(compound, budget.path)}:"
                    f"{budget.line_of[line_key[1]]}); over by {format_amount(spent[line_key] - cap, currency)} — "
                    "the owners must approve an amendment before this is spent", entry))
            elif spent[line_key] <= cap:
                over.discard(line_key)
    return entries, errors
