"""unbudgeted: nothing is spent outside the approved open budget (开放式预算).

Every expense falls in a year whose budget the owners approved (``approved_by``
names a passed vote) and on an account some budget line covers. The trustee's
own remuneration is governed by the trustee-fee rule instead. One finding per
account and year, on its first entry, with the count and total::

    # budgets/x/2026.yaml has lines for Cleaning, Security, Repairs only

    2026-04-02 * "示例园林公司" "草坪补种"
      voucher: "2026-0101"
      evidence: "2026/04/2026-0101-invoice.pdf"
      Expenses:Greening    3200.00 CNY        ; refused: no budget line covers Expenses:Greening
      Assets:Bank:Fund
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.budget import spending
from generator.books.chart import covers
from generator.books.compound import Compound
from generator.books.profile import Profile
from generator.money import format_amount
from generator.rules.context import profile_rule

__plugins__ = ("rule",)


@dataclass
class Uncovered:
    first: data.Transaction
    count: int = 0
    total: Decimal = Decimal(0)


@profile_rule
def rule(entries: list[data.Directive], options_map: dict[str, Any], compound: Compound,
         profile: Profile) -> list[err.RuleError]:
    errors: list[err.RuleError] = []
    currency = profile.currency
    trustee_fee = profile.trustee_fee_account
    uncovered: dict[tuple[int, str], Uncovered] = {}
    covered: dict[tuple[int, str], bool] = {}
    for entry, account, amount in spending(entries, options_map["name_expenses"] + ":", currency):
        if amount <= 0 or covers(trustee_fee, account):
            continue
        key = (entry.date.year, account)
        if key not in covered:
            budget = compound.approved_budget(entry.date.year)
            covered[key] = budget is not None and budget.covering_line(account) is not None
        if covered[key]:
            continue
        found = uncovered.setdefault(key, Uncovered(entry))
        found.count += 1
        found.total += amount
    for (year, account), found in uncovered.items():
        spent = (f"{format_amount(found.total, currency)} in {found.count} "
                 f"{'entry' if found.count == 1 else 'entries'} of {year}, the first here")
        budget = compound.budgets.get(year)
        budget_file = f"budgets/{compound.id}/{year}.yaml"
        if budget is None:
            why = f"{year} has no budget ({budget_file} is missing); spending needs the owners' approved budget"
        elif not budget.approved:
            why = f"the {year} budget ({budget_file}) is not approved by a passed vote"
        else:
            why = (f"no line of {compound.relative(budget.path)} covers {account}; book it to a budgeted account "
                   "or have the owners approve an amendment that adds a line")
        errors.append(err.make(err.UnbudgetedError, found.first.meta, f"{account}: {spent}; {why}", found.first))
    return errors
