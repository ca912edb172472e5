"""The trustee's remuneration (酬金): how much may be drawn for a year, and when the bonus is released.

The limit is ``base_rate`` × the fund income of the year (all Income accounts,
in the compound's currency), rounded half up to the cent; the bonus
(``bonus_rate`` × the same income) is added only once an assessment notice of
that year, published by the date in question, scores at least
``bonus_min_score``. The trustee-fee rule and the owners' budget page both
call this module, so they can never disagree.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from generator.books.budget import TrusteeTerms
from generator.books.notices import Notice
from generator.money import cents

YEAR = re.compile(r"[0-9]{4}", re.ASCII)


@dataclass(frozen=True)
class Allowance:
    income: Decimal
    base_rate: Decimal
    base_amount: Decimal
    bonus_rate: Decimal
    bonus_min_score: Decimal | None
    bonus_notice: Notice | None  # the assessment that released the bonus, if it is released
    bonus_amount: Decimal

    @property
    def limit(self) -> Decimal:
        return self.base_amount + self.bonus_amount


def releasing_assessment(notices: Iterable[Notice], year: int, min_score: Decimal | None,
                         on: datetime.date | None = None) -> Notice | None:
    """The first assessment of ``year`` (published by ``on``, if given) whose score releases the bonus."""
    if min_score is None:
        return None
    passing = [n for n in notices if n.kind == "assessment" and n.year == year and n.score is not None
               and n.score >= min_score and (on is None or n.date <= on)]
    return min(passing, key=lambda n: (n.date, n.slug)) if passing else None


def shown_assessment(allowed: Allowance, notices: Iterable[Notice], year: int) -> Notice | None:
    """The assessment a remuneration statement shows: the one that released the bonus, else the year's latest."""
    if allowed.bonus_notice is not None:
        return allowed.bonus_notice
    assessments = [n for n in notices if n.kind == "assessment" and n.year == year]
    return max(assessments, key=lambda n: (n.date, n.slug)) if assessments else None


def allowance(terms: TrusteeTerms, income: Decimal, notices: Iterable[Notice], year: int,
              on: datetime.date | None = None) -> Allowance:
    """What may be drawn for ``year`` on an income base, with the bonus only if released by ``on``."""
    notice = releasing_assessment(notices, year, terms.bonus_min_score, on) if terms.bonus_rate else None
    return Allowance(income, terms.base_rate, cents(terms.base_rate * income), terms.bonus_rate,
                     terms.bonus_min_score, notice, cents(terms.bonus_rate * income) if notice else Decimal(0))


def fee_year(entry: data.Transaction) -> int | None:
    """The year a remuneration booking is for: ``period: "2025"`` or the entry's own year; None if malformed."""
    period = entry.meta.get("period")
    if period is None:
        return entry.date.year
    if isinstance(period, str) and YEAR.fullmatch(period.strip()):
        return int(period.strip())
    return None


class IncomeByDate:
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
        """The year's income booked on or before ``date`` (all of it for a date after the year)."""
        dates = self.dates.get(year, [])
        index = bisect.bisect_right(dates, min(date, datetime.date(year, 12, 31)))
        return self.totals[year][index - 1] if index else Decimal(0)

    def total(self, year: int) -> Decimal:
        totals = self.totals.get(year)
        return totals[-1] if totals else Decimal(0)
