"""The month's financial report (月度财务报告) for the paper notice board, and the year's budget execution.

Every figure is summed from the same loaded entries as the rest of the site:
the fund's opening and closing balance (its accounts and their sub-accounts,
in the compound's currency), income and spending by account, each budget
line's use to the end of the month against its cap on that day, the
trustee's remuneration this month and for the year so far against what the
terms allow on the income so far (and, on lines of their own, what was
paid this year for another year, such as last year's bonus, so the spending
rows add up to the month's spending), and the month's ten largest items.
Whatever moved the fund without being income or spending (a deposit taken or
returned, an opening balance) is shown on its own line, so opening + income
− spending + other = closing, to the cent.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from generator.books.budget import LineUse
from generator.books.chart import covers
from generator.books.trustee import allowance
from generator.view.books import CompoundView, Item, Month

ZERO = Decimal(0)
LARGEST = 10


@dataclass(frozen=True)
class LineToDate:
    account: str
    cap: Decimal  # on the last day of the month: the approved cap and amendments voted by then
    spent: Decimal  # from 1 January to the end of the month
    month: Decimal  # in the month itself

    @property
    def share(self) -> Decimal | None:
        return self.spent / self.cap if self.cap else None


@dataclass
class MonthReport:
    year: int
    month: int
    opening: Decimal
    closing: Decimal
    income: dict[str, Decimal]  # account → amount, largest first
    spending: dict[str, Decimal]
    other: Decimal  # fund movements that are neither income nor spending
    bank: Decimal | None  # the fund account's balance assertion at the start of the next month, if any
    elapsed: Decimal  # the share of the year gone by at the end of the month
    lines: list[LineToDate] = field(default_factory=list)
    unbudgeted: Decimal = ZERO  # spending to date no line covers (the trustee's remuneration is shown on its own)
    unbudgeted_month: Decimal = ZERO
    remuneration_month: Decimal = ZERO  # booked this month for this year
    remuneration_to_date: Decimal = ZERO  # booked for this year up to the end of the month
    remuneration_limit: Decimal | None = None  # what the terms allow on this year's income so far
    # booked this year for another year (last year's bonus, paid once its assessment is out): year → (month, to date)
    remuneration_other: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)
    largest: list[Item] = field(default_factory=list)

    @property
    def income_total(self) -> Decimal:
        return sum(self.income.values(), ZERO)

    @property
    def spending_total(self) -> Decimal:
        return sum(self.spending.values(), ZERO)


def openings(view: CompoundView) -> dict[tuple[int, int], Decimal]:
    """The fund's balance at the start of every month with entries, in one pass over the books."""
    found: dict[tuple[int, int], Decimal] = {}
    running = ZERO
    for year in view.years.values():
        for number, month in sorted(year.months.items()):
            found[(year.year, number)] = running
            running += sum((item.fund for item in month.items), ZERO)
    return found


def month_report(view: CompoundView, month: Month, opening: Decimal | None = None) -> MonthReport:
    """The month's report; ``opening`` is the fund's balance on the 1st when the caller has it (``openings``)."""
    year, number = month.year, month.month
    first = datetime.date(year, number, 1)
    last = datetime.date(year, number, calendar.monthrange(year, number)[1])
    following = last + datetime.timedelta(days=1)
    if opening is None:
        opening = sum((item.fund for item in view.items if item.date < first), ZERO)
    closing = opening + sum((item.fund for item in month.items), ZERO)
    income = {a: v for a, v in month.by_account.items() if a.startswith(view.income_root) and v}
    spending = {a: v for a, v in month.by_account.items() if a.startswith(view.expenses_root) and v}
    other = closing - opening - sum(income.values(), ZERO) + sum(spending.values(), ZERO)
    days = 366 if calendar.isleap(year) else 365
    report = MonthReport(year, number, opening, closing, _largest_first(income), _largest_first(spending), other,
                         view.bank.get(following), Decimal(last.timetuple().tm_yday) / Decimal(days))
    budget_view = view.budgets.get(year)
    profile = view.compound.profile
    fee_account = profile.trustee_fee_account if profile else ""
    currency = profile.currency if profile else "CNY"
    months = [m for n, m in sorted(view.years[year].months.items()) if n <= number] if year in view.years else []
    if budget_view is not None and budget_view.budget.approved:
        budget = budget_view.budget
        use, this_month = LineUse(budget), LineUse(budget)
        for to_date in months:
            for account, amount in to_date.by_account.items():
                if account.startswith(view.expenses_root):
                    use.add(account, amount)
                    if to_date is month:
                        this_month.add(account, amount)
        report.lines = [LineToDate(name, budget.cap(name, last), use.spent.get(name, ZERO),
                                   this_month.spent.get(name, ZERO)) for name in budget.lines]
        report.unbudgeted = sum((amount for account, amount in use.outside.items()
                                 if not covers(fee_account, account)), ZERO)
        report.unbudgeted_month = sum((amount for account, amount in this_month.outside.items()
                                       if not covers(fee_account, account)), ZERO)
        if budget.trustee is not None:
            income_to_date = sum((m.income for m in months), ZERO)
            report.remuneration_limit = allowance(budget.trustee, income_to_date, view.compound.notices.values(),
                                                  year, last).limit
    for to_date in months:
        for item in to_date.items:
            if item.remuneration_for is None:
                continue
            booked = sum((p.number for p in item.postings if covers(fee_account, p.account)
                          and p.currency == currency), ZERO)
            in_month = booked if to_date is month else ZERO
            if item.remuneration_for == year:
                report.remuneration_to_date += booked
                report.remuneration_month += in_month
            else:
                earlier = report.remuneration_other.get(item.remuneration_for, (ZERO, ZERO))
                report.remuneration_other[item.remuneration_for] = (earlier[0] + in_month, earlier[1] + booked)
    report.largest = sorted(month.items, key=lambda item: (-max(item.income, item.spending, abs(item.fund)),
                                                            item.date, item.voucher))[:LARGEST]
    return report


def _largest_first(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    return dict(sorted(amounts.items(), key=lambda pair: (-pair[1], pair[0])))
