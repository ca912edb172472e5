"""The fee collection rate (收缴率) as owners see it: by month and building, as of the last date in the books.

A month's collection rate is what has been paid *for* that month over what
was due for it — by amount, and by households fully paid — per building and
in total. It is as of the last date in the books (printed beside it), never
the wall clock, so a build is reproducible. Headlines show the last complete
month and the year to date, not a month just begun. Arrears are a total and
a count of units, never a list of units; each unit's own statement is on its
unlisted page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from generator.books.chart import Chart
from generator.books.compound import Compound
from generator.books.fees import Dues, Month, Payment, fee_payments, months
from generator.books.units import PrivateUnit, Unit
from generator.money import share

ZERO = Decimal(0)
TOTAL = ""  # the key of the whole compound beside its buildings


@dataclass
class Collection:
    due: Decimal = ZERO
    paid: Decimal = ZERO
    units_due: int = 0
    units_paid: int = 0  # fully paid

    @property
    def rate(self) -> Decimal | None:
        return share(self.paid, self.due)

    @property
    def household_rate(self) -> Decimal | None:
        return share(Decimal(self.units_paid), Decimal(self.units_due))

    @property
    def owed(self) -> Decimal:
        return self.due - self.paid

    def add(self, due: Decimal, paid: Decimal) -> None:
        if due <= 0:
            return
        self.due += due
        self.paid += paid
        self.units_due += 1
        self.units_paid += paid >= due


class UnitMonth(NamedTuple):  # a tuple: a roster of 2,000 units over five years has 120,000
    month: Month
    due: Decimal
    paid: Decimal
    payments: tuple[Payment, ...]


@dataclass
class UnitStatement:
    unit: Unit
    months: list[UnitMonth]
    owed_through: Month = (0, 0)  # the last complete month: what is owed counts up to it

    @property
    def due(self) -> Decimal:
        return sum((m.due for m in self.months), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((m.paid for m in self.months), ZERO)

    @property
    def owed(self) -> Decimal:
        """What is owed for the months up to the last complete one (a month just begun is not late yet)."""
        return sum((m.due - m.paid for m in self.months if m.month <= self.owed_through), ZERO)


@dataclass
class FeesView:
    as_of: datetime.date
    last_complete: Month
    buildings: list[str]
    months: list[Month]
    by_month: dict[Month, dict[str, Collection]] = field(default_factory=dict)  # TOTAL or a building
    last_month: dict[str, Collection] = field(default_factory=dict)
    year_to_date: dict[str, Collection] = field(default_factory=dict)
    arrears: Decimal = ZERO  # through the last complete month
    units_in_arrears: int = 0
    units: dict[str, UnitStatement] = field(default_factory=dict)
    unit_pages: bool = True


def build_fees(compound: Compound, entries: Iterable[data.Directive], chart: Chart, currency: str,
               as_of: datetime.date | None) -> FeesView | None:
    roster = compound.roster
    if roster is None or not roster.units or as_of is None:
        return None
    dues = Dues(compound.budgets)
    payments, _ = fee_payments(entries, chart, currency, roster, dues, compound.vouchers)
    by_unit_month: dict[tuple[str, Month], list[Payment]] = {}
    paid_to: dict[str, Month] = {}  # the last month each unit has paid for, later than today when prepaid
    for payment in payments:
        by_unit_month.setdefault((payment.unit, payment.month), []).append(payment)
        paid_to[payment.unit] = max(payment.month, paid_to.get(payment.unit, payment.month))
    current: Month = (as_of.year, as_of.month)
    # The month of the last date is complete only on its last day; otherwise the month before it is the last.
    complete_today = (as_of + datetime.timedelta(days=1)).day == 1
    last_complete: Month = current if complete_today else (
        (as_of.year - 1, 12) if as_of.month == 1 else (as_of.year, as_of.month - 1))
    first = min(unit.since for unit in roster.units.values())
    view = FeesView(as_of, last_complete, roster.buildings, list(months(first, current)))
    for month in view.months:
        view.by_month[month] = {TOTAL: Collection(), **{b: Collection() for b in view.buildings}}
    for unit in roster.units.values():
        statement = UnitStatement(unit, [], last_complete)
        # A unit's statement runs to this month, or on to the last month it has paid for in advance.
        for month in months(first, max(current, paid_to.get(unit.code, current))):
            due = dues.due(unit, month)
            if due is None or month < unit.since:
                continue
            paid_for = by_unit_month.get((unit.code, month))
            if paid_for is None:
                statement.months.append(UnitMonth(month, due, ZERO, ()))
                paid = ZERO
            else:
                paid = sum((p.amount for p in paid_for), ZERO)
                statement.months.append(UnitMonth(month, due, paid, tuple(paid_for)))
            collections = view.by_month.get(month)
            if collections is not None:
                collections[TOTAL].add(due, paid)
                collections[unit.building].add(due, paid)
        view.units[unit.code] = statement
        owed = statement.owed
        if owed > 0:
            view.arrears += owed
            view.units_in_arrears += 1
    view.last_month = view.by_month.get(last_complete, {TOTAL: Collection()})
    year: dict[str, Collection] = {TOTAL: Collection(), **{b: Collection() for b in view.buildings}}
    for month in view.months:
        if month[0] == last_complete[0] and month <= last_complete:
            for key, collection in view.by_month[month].items():
                target = year[key]
                target.due += collection.due
                target.paid += collection.paid
                target.units_due += collection.units_due
                target.units_paid += collection.units_paid
    view.year_to_date = year
    return view


@dataclass(frozen=True)
class Bill:
    """One unit's bill for a month: its door number comes from the private roster, never from the books."""

    code: str
    door: str
    building: str
    area: Decimal
    rate: Decimal | None
    due: Decimal  # what is still due for the month: its due less what was paid for it (in advance, say)
    arrears: Decimal  # owed for the months before this one


def bills(fees: FeesView, compound: Compound, private: Iterable[PrivateUnit], month: Month) -> list[Bill]:
    """The bills of a month for the units of the private roster that the public roster knows."""
    found = []
    dues = Dues(compound.budgets)
    for unit in private:
        statement = fees.units.get(unit.code)
        if statement is None:
            continue
        budget = compound.budgets.get(month[0])
        standard = budget.fee_standard(month[1]) if budget is not None and budget.approved else None
        # The month may lie past the books' last date (next month's bills): its due is computed, not looked up.
        paid = sum((m.paid for m in statement.months if m.month == month), ZERO)
        due = (dues.due(statement.unit, month) or ZERO) - paid
        arrears = sum((m.due - m.paid for m in statement.months if m.month < month), ZERO)
        found.append(Bill(unit.code, unit.door, statement.unit.building, statement.unit.area,
                          standard.rate_for(statement.unit.building) if standard else None, due, arrears))
    return found
