"""The year's open budget, ``budgets/<id>/<YYYY>.yaml``, as the owners approved it.

Unknown keys are errors: a misspelt ``amendmends:`` must not silently drop an
approved change. Caps are exact decimals; the line of every cap is kept so a
finding can point at it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from beancount.core import account as bc_account
from beancount.core import data

from generator.books import yamlsource as ys
from generator.books.chart import covers
from generator.books.postings import worth

KEYS = {"year", "approved_by", "trustee", "income", "lines", "amendments", "fees"}
TRUSTEE_KEYS = {"base_rate", "bonus_rate", "bonus_min_score"}
AMENDMENT_KEYS = {"approved_by", "lines", "fees"}
FEE_KEYS = {"rate", "buildings"}


@dataclass(frozen=True)
class FeeStandard:
    """The property fee (收费标准) in force: CNY per m² per month, and the buildings with a rate of their own."""

    rate: Decimal
    buildings: dict[str, Decimal]
    line: int

    def rate_for(self, building: str) -> Decimal:
        return self.buildings.get(building, self.rate)


@dataclass(frozen=True)
class TrusteeTerms:
    base_rate: Decimal
    bonus_rate: Decimal
    bonus_min_score: Decimal | None
    line: int


@dataclass(frozen=True)
class Amendment:
    approved_by: str
    lines: dict[str, Decimal]
    line: int
    fees: FeeStandard | None = None
    effective: datetime.date | None = None  # the approving vote's date, once resolved


@dataclass
class Budget:
    path: Path
    year: int
    approved_by: str
    trustee: TrusteeTerms | None
    income: dict[str, Decimal]
    lines: dict[str, Decimal]
    line_of: dict[str, int]
    amendments: list[Amendment] = field(default_factory=list)
    approved_by_line: int = 1
    approved: bool = False  # set once approved_by resolves to a passed vote
    fees: FeeStandard | None = None

    def fee_standard(self, month: int) -> FeeStandard | None:
        """The fee standard of a month of the year: the budget's, or an amendment's from the first month that
        starts after its vote."""
        standard = self.fees
        for amendment in sorted(self.amendments, key=lambda a: a.effective or datetime.date.max):
            if amendment.fees is not None and amendment.effective is not None \
                    and amendment.effective < datetime.date(self.year, month, 1):
                standard = amendment.fees
        return standard

    def cap(self, budget_line: str, on: datetime.date) -> Decimal:
        """The line's cap on a date: the approved cap plus amendments voted by then."""
        total = self.lines[budget_line]
        for amendment in self.amendments:
            if amendment.effective is not None and amendment.effective <= on:
                total += amendment.lines.get(budget_line, Decimal(0))
        return total

    def covering_line(self, account: str) -> str | None:
        """The most specific budget line that covers an account (a line covers its sub-accounts)."""
        covering = [budget_line for budget_line in self.lines if covers(budget_line, account)]
        return max(covering, key=len) if covering else None

    def amendments_of(self, budget_line: str) -> list[tuple[str, datetime.date, Decimal]]:
        """(vote slug, effective date, change) of each applied amendment of a line."""
        return [(a.approved_by, a.effective, a.lines[budget_line]) for a in self.amendments
                if budget_line in a.lines and a.effective is not None]


def spending(entries: Iterable[data.Directive], expenses_root: str,
             currency: str) -> Iterator[tuple[data.Transaction, str, Decimal]]:
    """(entry, expense account, amount in the compound's currency) for every expense posting, in order."""
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account.startswith(expenses_root):
                    amount = worth(posting, currency)
                    if amount is not None:
                        yield entry, posting.account, amount


class LineUse:
    """Spending per budget line of one year, accumulated as it is booked: the budget-cap rule reads it
    entry by entry, the owners' view at the end of the year."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.spent: dict[str, Decimal] = {}
        self.outside: dict[str, Decimal] = {}  # spending on accounts no line covers
        self._line_of: dict[str, str | None] = {}

    def line_for(self, account: str) -> str | None:
        if account not in self._line_of:
            self._line_of[account] = self.budget.covering_line(account)
        return self._line_of[account]

    def add(self, account: str, amount: Decimal) -> str | None:
        """Count spending on an account; the line it counts against, or None when no line covers it."""
        budget_line = self.line_for(account)
        if budget_line is None:
            self.outside[account] = self.outside.get(account, Decimal(0)) + amount
        else:
            self.spent[budget_line] = self.spent.get(budget_line, Decimal(0)) + amount
        return budget_line


def parse_budget(doc: ys.Document) -> Budget:
    """Raises YamlProblem at the first thing that is wrong."""
    data = doc.data
    ys.keys(doc, data, KEYS, ("year", "approved_by", "lines"))
    year = ys.integer(doc, data["year"], "year", low=1900, high=2999)
    if doc.path.stem != str(year):
        raise ys.YamlProblem(doc.line("year"), f"year {year} does not match the file name {doc.path.name}")
    trustee = None
    if data.get("trustee") is not None:
        raw = ys.mapping(doc, data["trustee"], "trustee")
        unknown = sorted(set(raw) - TRUSTEE_KEYS)
        if unknown:
            raise ys.YamlProblem(doc.line("trustee", unknown[0]),
                                 f"unknown key 'trustee.{unknown[0]}' (allowed: {', '.join(sorted(TRUSTEE_KEYS))})")
        if "base_rate" not in raw:
            raise ys.YamlProblem(doc.line("trustee"), "'trustee.base_rate' is missing")
        bonus_rate = ys.rate(doc, raw["bonus_rate"], "trustee", "bonus_rate") if "bonus_rate" in raw else Decimal(0)
        min_score = (ys.amount(doc, raw["bonus_min_score"], "trustee", "bonus_min_score")
                     if "bonus_min_score" in raw else None)
        if bonus_rate and min_score is None:
            raise ys.YamlProblem(doc.line("trustee", "bonus_rate"),
                                 "a bonus_rate needs bonus_min_score, the score that releases it")
        trustee = TrusteeTerms(ys.rate(doc, raw["base_rate"], "trustee", "base_rate"), bonus_rate, min_score,
                               doc.line("trustee"))
    income = _accounts(doc, data.get("income") or {}, "income", "Income")
    lines = _accounts(doc, data["lines"], "lines", "Expenses")
    amendments = []
    for index, raw in enumerate(ys.sequence(doc, data.get("amendments") or [], "amendments")):
        entry = ys.mapping(doc, raw, "amendments", index)
        unknown = sorted(set(entry) - AMENDMENT_KEYS)
        if unknown:
            raise ys.YamlProblem(doc.line("amendments", index, unknown[0]),
                                 f"unknown key '{unknown[0]}' in an amendment (allowed: approved_by, lines, fees)")
        approved_by = ys.text(doc, entry.get("approved_by"), "amendments", index, "approved_by")
        changes = _accounts(doc, entry.get("lines") or {}, "amendments", "Expenses", index, "lines", signed=True)
        for budget_line in changes:
            if budget_line not in lines:
                raise ys.YamlProblem(doc.line("amendments", index, "lines", budget_line),
                                     f"amendment changes '{budget_line}', which is not a line of this budget")
        fees = _fees(doc, entry["fees"], "amendments", index, "fees") if entry.get("fees") is not None else None
        amendments.append(Amendment(approved_by, changes, doc.line("amendments", index), fees=fees))
    return Budget(path=doc.path, year=year, approved_by=ys.text(doc, data["approved_by"], "approved_by"),
                  trustee=trustee, income=income, lines=lines,
                  line_of={name: doc.line("lines", name) for name in lines}, amendments=amendments,
                  approved_by_line=doc.line("approved_by"),
                  fees=_fees(doc, data["fees"], "fees") if data.get("fees") is not None else None)


def _fees(doc: ys.Document, raw: object, *where: str | int) -> FeeStandard:
    """``fees: {rate: 1.65, buildings: {"3号楼": 1.80}}`` — CNY per m² per month."""
    values = ys.mapping(doc, raw, *where)
    unknown = sorted(set(values) - FEE_KEYS)
    if unknown:
        raise ys.YamlProblem(doc.line(*where, unknown[0]), f"unknown key '{unknown[0]}' in fees (allowed: rate, "
                             "buildings)")
    if "rate" not in values:
        raise ys.YamlProblem(doc.line(*where), "fees needs 'rate', CNY per m² per month (e.g. 1.65)")
    buildings = {name: ys.amount(doc, rate, *where, "buildings", name)
                 for name, rate in ys.mapping(doc, values.get("buildings") or {}, *where, "buildings").items()}
    return FeeStandard(ys.amount(doc, values["rate"], *where, "rate"), buildings, doc.line(*where))


def _accounts(doc: ys.Document, raw: object, key: str, root: str, *path: str | int,
              signed: bool = False) -> dict[str, Decimal]:
    where = (key, *path) if path else (key,)
    values = ys.mapping(doc, raw, *where)
    result = {}
    for name, value in values.items():
        if not bc_account.is_valid(name) or not (name == root or name.startswith(root + ":")):
            raise ys.YamlProblem(doc.line(*where, name), f"'{name}' is not an {root} account name")
        result[name] = ys.amount(doc, value, *where, name, positive=not signed)
    return result
