"""Fava's ``custom "budget"`` entries, made from the approved YAML budgets.

Not a rule: it adds entries so Fava's own budget charts show the caps the
owners approved. For each approved year and line::

    2026-01-01 custom "budget" Expenses:Repairs "yearly" 60000.00 CNY
    2026-06-28 custom "budget" Expenses:Repairs "yearly" 80000.00 CNY   ; after an amendment vote

A line that the next year's budget drops is set to zero on 1 January, since a
Fava budget otherwise carries on until replaced. Each entry points at the
budget file and line it came from.

No entry is dated after the books' last entry: Fava offers every year that
any entry falls in, so a zero dated next January (or next year's budget,
approved in December) would put an empty year in its time filter. Such an
entry is added once the books reach its date; until then nothing is spent
under it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from beancount.core import account, amount, data
from beancount.parser.grammar import ValueType

from generator import errors as err
from generator.books.budget import Budget
from generator.rules.context import compound_for

__plugins__ = ("rule",)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    if compound.profile is None:
        return entries, []
    currency = compound.profile.currency
    added: list[data.Directive] = []
    approved = {year: budget for year, budget in compound.budgets.items() if budget.approved}
    for year, budget in sorted(approved.items()):
        for budget_line in budget.lines:
            added.append(_budget_entry(budget, budget_line, datetime.date(year, 1, 1), budget.lines[budget_line],
                                       currency))
        for amendment in budget.amendments:
            if amendment.effective is None or amendment.effective.year != year:
                continue
            for budget_line in amendment.lines:
                added.append(_budget_entry(budget, budget_line, amendment.effective,
                                           budget.cap(budget_line, amendment.effective), currency))
        following = approved.get(year + 1)
        for budget_line in budget.lines:
            if following is None or budget_line not in following.lines:
                added.append(_budget_entry(budget, budget_line, datetime.date(year + 1, 1, 1), Decimal("0.00"),
                                           currency))
    last = max((entry.date for entry in entries), default=None)
    return entries + [entry for entry in added if last is not None and entry.date <= last], []


def _budget_entry(budget: Budget, budget_line: str, date: datetime.date, cap: Decimal, currency: str) -> data.Custom:
    meta = data.new_metadata(str(budget.path), budget.line_of[budget_line])
    # Beancount's grammar types account values with the string sentinel account.TYPE.
    account_value = ValueType(budget_line, account.TYPE)  # type: ignore[arg-type]
    return data.Custom(meta, date, "budget", [account_value, ValueType("yearly", str),
                                              ValueType(amount.Amount(cap, currency), amount.Amount)])
