"""trustee-fee: the trustee draws no more than the agreed remuneration (酬金).

Remuneration booked for a year (to ``accounts.trustee_fee`` in compound.yaml)
may never exceed ``base_rate`` × the fund income of that year booked so far —
all Income accounts. The limit holds at every date: when a fee is booked,
and when income is later taken back (a refund), up to the end of the year's
books. The bonus (``bonus_rate`` × that income) is allowed only on or after
the date of an assessment notice for that year whose score reaches
``bonus_min_score``. A payment for an earlier year says so with
``period: "2025"``::

    # budgets/x/2026.yaml:   trustee: {base_rate: 0.12, bonus_rate: 0.03, bonus_min_score: 90}

    2026-05-31 * "示例物业服务有限公司" "2026年5月受托人酬金"
      voucher: "2026-0160"
      evidence: "2026/05/2026-0160-fee-sheet.pdf"
      Expenses:TrusteeFee    25000.00 CNY    ; refused when 12% of the income so far is less
      Assets:Bank:Fund
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.chart import covers
from generator.books.compound import Compound
from generator.books.postings import worth
from generator.books.profile import Profile
from generator.books.trustee import IncomeByDate, allowance, fee_year
from generator.money import format_amount, format_rate
from generator.rules.context import profile_rule

__plugins__ = ("rule",)


@profile_rule
def rule(entries: list[data.Directive], options_map: dict[str, Any], compound: Compound,
         profile: Profile) -> list[err.RuleError]:
    errors: list[err.RuleError] = []
    currency = profile.currency
    fee_account = profile.trustee_fee_account
    income_root = options_map["name_income"] + ":"
    transactions = [entry for entry in entries if isinstance(entry, data.Transaction)]
    # The income of a date counts in full on that date, whatever order its entries are in.
    income = IncomeByDate()
    for entry in transactions:
        for posting in entry.postings:
            amount = worth(posting, currency) if posting.account.startswith(income_root) else None
            if amount is not None:
                income.add(entry.date, -amount)
    booked: dict[int, Decimal] = {}
    over: set[int] = set()
    for entry in transactions:
        fee = Decimal(0)
        income_changed = False
        for posting in entry.postings:
            if posting.account.startswith(income_root):
                income_changed = True
            elif covers(fee_account, posting.account):
                fee += worth(posting, currency) or Decimal(0)
        years = []
        if fee:
            year = fee_year(entry)
            if year is None:
                errors.append(err.make(err.TrusteeFeeError, entry.meta,
                                       f'period {entry.meta.get("period")!r} must be the year the remuneration is '
                                       'for, in quotes: period: "2025"', entry))
            else:
                booked[year] = booked.get(year, Decimal(0)) + fee
                years.append(year)
        if income_changed and booked.get(entry.date.year) and entry.date.year not in years:
            years.append(entry.date.year)
        for year in years:
            problem = _excess(compound, entry, year, booked[year], income.upto(year, entry.date), currency)
            if problem is not None and year not in over:
                over.add(year)
                errors.append(err.make(err.TrusteeFeeError, entry.meta, f"{fee_account}: {problem}", entry))
            elif problem is None:
                over.discard(year)
    return errors


def _excess(compound: Compound, entry: data.Transaction, year: int, booked: Decimal, income: Decimal,
            currency: str) -> str | None:
    """What is wrong with having booked ``booked`` for ``year`` by the entry's date, or None."""
    budget = compound.approved_budget(year)
    if budget is None or budget.trustee is None:
        where = f"budgets/{compound.id}/{year}.yaml"
        return (f"{format_amount(booked, currency)} booked for {year} by {entry.date}, but {year} has no approved "
                f"trustee terms (trustee: in {where}); no remuneration may be drawn without them")
    if year > entry.date.year:
        return f"remuneration for {year} booked on {entry.date}, before the year began"
    terms = budget.trustee
    allowed = allowance(terms, income, compound.notices.values(), year, on=entry.date)
    if booked <= allowed.limit:
        return None
    formula = f"{format_rate(terms.base_rate)} × {format_amount(income, currency)} income"
    bonus_note = ""
    if allowed.bonus_notice is not None:
        formula += f" + {format_rate(terms.bonus_rate)} bonus released by notice {allowed.bonus_notice.slug}"
    elif terms.bonus_rate:
        bonus_note = (f"; the {format_rate(terms.bonus_rate)} bonus is not released: no assessment of {year} "
                      f"scoring {terms.bonus_min_score} or more is published by {entry.date}")
    return (f"{format_amount(booked, currency)} booked for {year} by {entry.date}, limit {formula} = "
            f"{format_amount(allowed.limit, currency)} ({compound.relative(budget.path)}:{terms.line}); over by "
            f"{format_amount(booked - allowed.limit, currency)}{bonus_note}")
