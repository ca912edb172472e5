"""What the site shows, computed once from the loaded books.

Every figure is a ``Decimal`` summed from Beancount's own postings; pages only
format them. A transaction's legs are shown from the fund's side: a leg's
amount is the negative of its units (income arrives positive, spending
leaves negative), whatever the accounts, currencies or number of legs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from beancount.core import data

from generator.books import Books
from generator.books.budget import Budget, LineUse
from generator.books.chart import chart_of, covers
from generator.books.compound import Compound
from generator.books.notices import Notice
from generator.books.queries import Snapshot
from generator.books.trustee import Allowance, allowance, fee_year, shown_assessment
from generator.books.vouchers import evidence_names, read_sheet
from generator.view.fees import FeesView, build_fees
from generator.view.queries import QueriesView, build_queries

ZERO = Decimal(0)


class Leg(NamedTuple):  # tuples: a 100k-entry compound has hundreds of thousands of legs and postings
    account: str
    amount: Decimal  # from the fund's side: negative units
    currency: str


class Posting(NamedTuple):
    account: str
    number: Decimal  # Beancount's own sign
    currency: str


@dataclass
class Item:
    voucher: str
    date: datetime.date
    payee: str
    narration: str
    legs: list[Leg]
    evidence: list[str]
    detail: str | None
    detail_rows: list[dict[str, str]]
    unit: str | None
    filename: str
    lineno: int
    postings: list[Posting] = field(default_factory=list)
    income: Decimal = ZERO  # in the compound's currency
    spending: Decimal = ZERO
    fund: Decimal = ZERO  # what the fund's accounts gained (or, negative, lost), in the compound's currency
    remuneration_for: int | None = None  # the year a trustee remuneration booking is for


@dataclass
class Month:
    year: int
    month: int
    items: list[Item] = field(default_factory=list)
    income: Decimal = ZERO
    spending: Decimal = ZERO
    by_account: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @property
    def key(self) -> str:
        return f"{self.year:04d}/{self.month:02d}"


@dataclass
class Year:
    year: int
    months: dict[int, Month] = field(default_factory=dict)

    @property
    def income(self) -> Decimal:
        return sum((m.income for m in self.months.values()), ZERO)

    @property
    def spending(self) -> Decimal:
        return sum((m.spending for m in self.months.values()), ZERO)

    def by_account(self) -> dict[str, Decimal]:
        total: dict[str, Decimal] = defaultdict(Decimal)
        for month in self.months.values():
            for account, amount in month.by_account.items():
                total[account] += amount
        return dict(total)


@dataclass(frozen=True)
class BudgetLine:
    account: str
    approved: Decimal
    amendments: list[tuple[str, datetime.date, Decimal]]
    cap: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.cap - self.spent

    @property
    def share(self) -> Decimal | None:
        return self.spent / self.cap if self.cap else None


@dataclass(frozen=True)
class TrusteeStatement:
    """The year's remuneration: what the terms allow on the year's income, and what was booked."""

    allowed: Allowance
    booked: Decimal
    assessment: Notice | None = None  # the year's assessment and its scoring sheet: the releasing one, else the latest

    @property
    def difference(self) -> Decimal:
        return self.allowed.limit - self.booked


@dataclass
class BudgetView:
    year: int
    budget: Budget
    lines: list[BudgetLine]
    unbudgeted: dict[str, Decimal]
    planned_income: dict[str, Decimal]
    actual_income: dict[str, Decimal]
    trustee: TrusteeStatement | None

    @property
    def total_cap(self) -> Decimal:
        return sum((line.cap for line in self.lines), ZERO)

    @property
    def total_spent(self) -> Decimal:
        return sum((line.spent for line in self.lines), ZERO)


@dataclass
class CompoundView:
    compound: Compound
    accounts: dict[str, dict[str, str]]  # account → {"name": zh, "name_en": en}
    years: dict[int, Year]
    items: list[Item]
    fund_balance: dict[str, Decimal]
    last_date: datetime.date | None
    budgets: dict[int, BudgetView]
    trustee_fee_by_year: dict[int, Decimal]
    ledger_files: list[Path]
    income_root: str = "Income:"
    expenses_root: str = "Expenses:"
    queries: QueriesView | None = None  # when the build has a snapshot of the owners' queries
    fees: FeesView | None = None  # when the compound bills its fees per unit (units.csv)
    bank: dict[datetime.date, Decimal] = field(default_factory=dict)  # balance assertions on the fund account

    @property
    def id(self) -> str:
        return self.compound.id

    @property
    def current_year(self) -> int | None:
        return max(self.years) if self.years else None

    def display_name(self, account: str, language: str) -> str:
        names = self.accounts.get(account, {})
        key = "name_en" if language == "en" else "name"
        return names.get(key) or names.get("name") or account


def build_view(books: Books, snapshot: Snapshot | None = None) -> CompoundView:
    """The whole compound as the site shows it, from one load's entries (and the queries snapshot, if any)."""
    compound, entries, options = books.compound, books.entries, books.options
    profile = compound.profile
    currency = profile.currency if profile else "CNY"
    fund = profile.fund_account if profile else ""
    fund_accounts = profile.fund_accounts if profile else ()
    bank: dict[datetime.date, Decimal] = {}
    fee_account = profile.trustee_fee_account if profile else ""
    income_root, expenses_root = options["name_income"] + ":", options["name_expenses"] + ":"
    years: dict[int, Year] = {}
    items: list[Item] = []
    fund_balance: dict[str, Decimal] = defaultdict(Decimal)
    fee_by_year: dict[int, Decimal] = defaultdict(Decimal)
    sheets: dict[str, list[dict[str, str]]] = {}
    last_date = None
    chart = chart_of(entries)
    accounts = chart.names
    is_fund: dict[str, bool] = {}  # by account: the answers, once each
    is_remuneration: dict[str, bool] = {}
    for entry in entries:
        if isinstance(entry, data.Balance) and entry.account == fund and entry.amount.currency == currency \
                and entry.amount.number is not None:
            bank[entry.date] = entry.amount.number
        if not isinstance(entry, data.Transaction):
            continue
        legs: list[Leg] = []
        item = Item(voucher=str(entry.meta.get("voucher", "")), date=entry.date, payee=entry.payee or "",
                    narration=entry.narration or "", legs=legs,
                    evidence=evidence_names(entry.meta.get("evidence")),
                    detail=entry.meta["detail"].strip() if isinstance(entry.meta.get("detail"), str) else None,
                    detail_rows=[], unit=entry.meta["unit"] if isinstance(entry.meta.get("unit"), str) else None,
                    filename=str(entry.meta.get("filename", "")), lineno=int(entry.meta.get("lineno", 0)))
        month = years.setdefault(entry.date.year, Year(entry.date.year)).months.setdefault(
            entry.date.month, Month(entry.date.year, entry.date.month))
        for posting in entry.postings:
            units = posting.units
            if units is None or units.number is None:
                continue
            item.postings.append(Posting(posting.account, units.number, units.currency))
            in_fund = is_fund.get(posting.account)
            if in_fund is None:
                in_fund = is_fund[posting.account] = any(covers(account, posting.account) for account in fund_accounts)
            if units.currency == currency and in_fund:
                item.fund += units.number
            if posting.account == fund:
                fund_balance[units.currency] += units.number
                continue
            legs.append(Leg(posting.account, -units.number, units.currency))
            if units.currency != currency:
                continue
            if posting.account.startswith(income_root):
                item.income -= units.number
                month.by_account[posting.account] -= units.number
            elif posting.account.startswith(expenses_root):
                item.spending += units.number
                month.by_account[posting.account] += units.number
                is_fee = is_remuneration.get(posting.account)
                if is_fee is None:
                    is_fee = is_remuneration[posting.account] = covers(fee_account, posting.account)
                if is_fee:
                    item.remuneration_for = fee_year(entry) or entry.date.year
                    fee_by_year[item.remuneration_for] += units.number
        if not legs:  # a transaction entirely within the fund account
            legs.extend(Leg(p.account, -p.units.number, p.units.currency) for p in entry.postings
                        if p.units is not None and p.units.number is not None)
        if item.detail:
            if item.detail not in sheets:
                path = compound.vouchers / item.detail
                sheets[item.detail] = read_sheet(path).rows if path.is_file() else []
            item.detail_rows = sheets[item.detail]
        month.items.append(item)
        month.income += item.income
        month.spending += item.spending
        items.append(item)
        last_date = entry.date
    budgets = {year: _budget_view(compound, budget, years.get(year), fee_by_year.get(year, ZERO),
                                  expenses_root, fee_account)
               for year, budget in sorted(compound.budgets.items())}
    ledger_files = sorted(books.files)
    queries = build_queries(snapshot, compound.id, profile, (item.voucher for item in items)) \
        if snapshot is not None else None
    # As of the last date in the books: a month-end balance assertion dated the 1st says its month is complete.
    books_end = max((e.date for e in entries if isinstance(e, (data.Transaction, data.Balance))), default=None)
    fees = build_fees(compound, entries, chart, currency, books_end)
    if fees is not None:
        fees.unit_pages = profile.unit_pages if profile else True
    return CompoundView(compound, accounts, dict(sorted(years.items())), items, dict(fund_balance), last_date,
                        budgets, dict(fee_by_year), ledger_files, income_root, expenses_root, queries, fees, bank)


def _budget_view(compound: Compound, budget: Budget, year: Year | None, fee_booked: Decimal, expenses_root: str,
                 fee_account: str) -> BudgetView:
    by_account = year.by_account() if year else {}
    use = LineUse(budget)
    for account, amount in by_account.items():
        if account.startswith(expenses_root):
            use.add(account, amount)
    unbudgeted = {account: amount for account, amount in use.outside.items() if not covers(fee_account, account)}
    end = datetime.date(budget.year, 12, 31)
    lines = [BudgetLine(account=name, approved=cap, amendments=budget.amendments_of(name), cap=budget.cap(name, end),
                        spent=use.spent.get(name, ZERO))
             for name, cap in budget.lines.items()]
    actual_income = {account: amount for account, amount in by_account.items() if not account.startswith(expenses_root)}
    trustee = None
    if budget.trustee is not None:
        notices = compound.notices.values()
        allowed = allowance(budget.trustee, year.income if year else ZERO, notices, budget.year)
        trustee = TrusteeStatement(allowed, fee_booked, shown_assessment(allowed, notices, budget.year))
    return BudgetView(budget.year, budget, lines, unbudgeted, dict(budget.income), actual_income, trustee)
