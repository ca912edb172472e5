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

from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.budget import LineUse, spending
from generator.books.compound import Compound
from generator.books.profile import Profile
from generator.money import format_amount
from generator.rules.context import profile_rule

__plugins__ = ("rule",)


@profile_rule
def rule(entries: list[data.Directive], options_map: dict[str, Any], compound: Compound,
         profile: Profile) -> list[err.RuleError]:
    errors: list[err.RuleError] = []
    currency = profile.currency
    use: dict[int, LineUse] = {}
    over: set[tuple[int, str]] = set()
    touched: dict[tuple[int, str], data.Transaction] = {}

    def judge() -> None:
        for (year, budget_line), entry in touched.items():
            line_use = use[year]
            cap = line_use.budget.cap(budget_line, entry.date)
            spent = line_use.spent[budget_line]
            if spent > cap and (year, budget_line) not in over:
                over.add((year, budget_line))
                amended = " with approved amendments" if cap != line_use.budget.lines[budget_line] else ""
                errors.append(err.make(
                    err.BudgetCapError, entry.meta,
                    f"{budget_line}: {format_amount(spent, currency)} spent by {entry.date}, cap "
                    f"{format_amount(cap, currency)}{amended} ({compound.relative(line_use.budget.path)}:"
                    f"{line_use.budget.line_of[budget_line]}); over by {format_amount(spent - cap, currency)} — "
                    "the owners must approve an amendment before this is spent", entry))
            elif spent <= cap:
                over.discard((year, budget_line))
        touched.clear()

    current = None
    for entry, account, amount in spending(entries, options_map["name_expenses"] + ":", currency):
        if entry is not current:
            judge()
            current = entry
        budget = compound.approved_budget(entry.date.year)
        if budget is None:
            continue
        line_use = use.setdefault(budget.year, LineUse(budget))
        budget_line = line_use.add(account, amount)
        if budget_line is not None:
            touched[(budget.year, budget_line)] = entry
    judge()
    return errors
