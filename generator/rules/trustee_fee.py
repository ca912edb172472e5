"""trustee-fee: the trustee draws no more than the agreed remuneration (酬金).

Remuneration booked for a year (to ``accounts.trustee_fee`` in compound.yaml)
may never exceed ``base_rate`` × the fund income of that year booked so far —
all Income accounts, up to and including the day of the booking. The bonus
(``bonus_rate`` × that income) is allowed only on or after the date of an
assessment notice for that year whose score reaches ``bonus_min_score``. A
payment for an earlier year says so with ``period: "2025"``::

    # budgets/x/2026.yaml:   trustee: {base_rate: 0.12, bonus_rate: 0.03, bonus_min_score: 90}

    2026-05-31 * "示例物业服务有限公司" "2026年5月受托人酬金"
      voucher: "2026-0160"
      evidence: "2026/05/2026-0160-fee-sheet.pdf"
      Expenses:TrusteeFee    25000.00 CNY    ; refused when 12% of the income so far is less
      Assets:Bank:Fund
"""

from __future__ import annotations

import bisect
import datetime
from decimal import Decimal
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.compound import Compound
from generator.money import cents, format_amount, format_rate
from generator.rules.context import compound_for, relative

__plugins__ = ("rule",)


class Income:
    """Cumulative fund income per year, readable at any date."""

    def __init__(self) -> None:
        self.dates: dict[int, list[datetime.date]] = {}
        self.totals: dict[int, list[Decimal]] = {}

    def add(self, date: datetime.date, amount: Decimal) -> None:
        dates = self.dates.setdefault(date.year, [])
        totals = self.totals.setdefault(date.year, [])
        if dates and dates[-1] == date:
            totals[-1] += amount
        else:
            dates.append(date)
            totals.append((totals[-1] if totals else Decimal(0)) + amount)

    def upto(self, year: int, date: datetime.date) -> Decimal:
        dates = self.dates.get(year, [])
        index = bisect.bisect_right(dates, date)
        return self.totals[year][index - 1] if index else Decimal(0)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    errors: list[err.RuleError] = []
    if compound.profile is None:
        return entries, errors
    currency = compound.profile.currency
    fee_account = compound.profile.trustee_fee_account
    income_root = options_map["name_income"] + ":"
    income = Income()
    bookings: list[tuple[data.Transaction, int, Decimal]] = []
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        fee = Decimal(0)
        for posting in entry.postings:
            units = posting.units
            if units is None or units.number is None or units.currency != currency:
                continue
            if posting.account.startswith(income_root):
                income.add(entry.date, -units.number)
            elif posting.account == fee_account or posting.account.startswith(fee_account + ":"):
                fee += units.number
        if not fee:
            continue
        period = _period(entry)
        if period is None:
            errors.append(err.make(err.TrusteeFeeError, entry.meta,
                                   f'period {entry.meta.get("period")!r} must be the year the remuneration is for, '
                                   'in quotes: period: "2025"', entry))
            continue
        bookings.append((entry, period, fee))
    booked: dict[int, Decimal] = {}
    over: set[int] = set()
    for entry, year, fee in bookings:
        booked[year] = booked.get(year, Decimal(0)) + fee
        problem = _excess(compound, entry, year, booked[year], income, currency)
        if problem is not None and year not in over:
            over.add(year)
            errors.append(err.make(err.TrusteeFeeError, entry.meta, f"{fee_account}: {problem}", entry))
        elif problem is None:
            over.discard(year)
    return entries, errors


def _period(entry: data.Transaction) -> int | None:
    """The year a remuneration booking is for: ``period:`` or the entry's own year."""
    period = entry.meta.get("period")
    if period is None:
        return entry.date.year
    if isinstance(period, str) and period.strip().isdigit() and len(period.strip()) == 4:
        return int(period)
    return None


def _excess(compound: Compound, entry: data.Transaction, year: int, booked: Decimal, income: Income,
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
    base = income.upto(year, min(entry.date, datetime.date(year, 12, 31)))
    limit = cents(terms.base_rate * base)
    formula = f"{format_rate(terms.base_rate)} × {format_amount(base, currency)} income"
    bonus_note = ""
    if terms.bonus_rate:
        assessment = _releasing_assessment(compound, year, entry.date, terms.bonus_min_score)
        if assessment is not None:
            limit += cents(terms.bonus_rate * base)
            formula += f" + {format_rate(terms.bonus_rate)} bonus released by notice {assessment}"
        else:
            bonus_note = (f"; the {format_rate(terms.bonus_rate)} bonus is not released: no assessment of {year} "
                          f"scoring {terms.bonus_min_score} or more is published by {entry.date}")
    if booked <= limit:
        return None
    return (f"{format_amount(booked, currency)} booked for {year} by {entry.date}, limit {formula} = "
            f"{format_amount(limit, currency)} ({relative(compound, budget.path)}:{terms.line}); over by "
            f"{format_amount(booked - limit, currency)}{bonus_note}")


def _releasing_assessment(compound: Compound, year: int, on: datetime.date, min_score: Decimal | None) -> str | None:
    for notice in compound.notices.values():
        if (notice.kind == "assessment" and notice.year == year and notice.date <= on
                and notice.score is not None and min_score is not None and notice.score >= min_score):
            return notice.slug
    return None
