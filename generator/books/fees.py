"""Property fees (物业费): what each unit owes, month by month, and what its payments paid for.

Dues are computed, not booked: a unit's area × the fee standard in force for
its building, rounded half up to the cent, for each month from its ``since``.
The standard is the approved budget's ``fees:`` for the year; an amendment's
applies from the first month that starts after its vote. Fees are booked when
paid, as batch receipts whose ``detail:`` sheet says, per row, which unit paid
for which month (``2026-03``) or months (``2026-01..2026-12``, split evenly,
the odd cents on the last month). The fees rule and the owners' view both
read payments through ``fee_payments``, so they can never disagree.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import NamedTuple

from beancount.core import data

from generator.books.budget import Budget
from generator.books.chart import Chart
from generator.books.postings import worth
from generator.books.units import Roster, Unit, month_of
from generator.books.vouchers import DETAIL_SUFFIXES, Sheet, read_sheet, voucher_file
from generator.money import CENT, cents, parse_amount

Month = tuple[int, int]
PERIOD = re.compile(r"([0-9]{4}-[0-9]{2})(?:\.\.([0-9]{4}-[0-9]{2}))?", re.ASCII)
MAX_PERIOD_MONTHS = 36
FEE_COLUMNS = ("unit", "period", "amount")


def next_month(month: Month) -> Month:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


def months(first: Month, last: Month) -> Iterator[Month]:
    month = first
    while month <= last:
        yield month
        month = next_month(month)


def month_label(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def period_months(text: str) -> list[Month] | None:
    """The months of ``2026-03`` or ``2026-01..2026-12``, or None if it is not one (or longer than 3 years)."""
    match = PERIOD.fullmatch(text.strip())
    if not match:
        return None
    first = month_of(match.group(1))
    last = month_of(match.group(2)) if match.group(2) else first
    if first is None or last is None or last < first:
        return None
    found = list(months(first, last))
    return found if len(found) <= MAX_PERIOD_MONTHS else None


def split(amount: Decimal, count: int) -> list[Decimal]:
    """An amount spread evenly over ``count`` months to the cent, the odd cents on the last month."""
    each = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    return [each] * (count - 1) + [amount - each * (count - 1)]


class Dues:
    """What a unit owes for a month under the approved fee standards (cached: a roster × the months)."""

    def __init__(self, budgets: Mapping[int, Budget]) -> None:
        self.budgets = budgets
        self._cache: dict[tuple[str, Decimal, Month], Decimal | None] = {}

    def due(self, unit: Unit, month: Month) -> Decimal | None:
        """The due of a unit-month; 0 before its ``since``; None when no approved fee standard covers the month."""
        if month < unit.since:
            return Decimal(0)
        key = (unit.building, unit.area, month)
        if key not in self._cache:
            budget = self.budgets.get(month[0])
            standard = budget.fee_standard(month[1]) if budget is not None and budget.approved else None
            self._cache[key] = cents(unit.area * standard.rate_for(unit.building)) if standard else None
        return self._cache[key]


class Payment(NamedTuple):
    """One unit's payment for one month, from one row of a fee receipt's detail sheet (a tuple: a 100k-entry
    compound's sheets make hundreds of thousands of them)."""

    unit: str
    month: Month
    amount: Decimal
    voucher: str
    date: datetime.date
    sheet: str
    line: int  # the row's line in the sheet


@dataclass(frozen=True)
class FeeProblem:
    """Something a fee receipt or its sheet gets wrong: where (the entry), and what."""

    entry: data.Transaction
    message: str


def fee_receipts(entries: Iterable[data.Directive], chart: Chart,
                 currency: str) -> Iterator[tuple[data.Transaction, Decimal]]:
    """(entry, fee income it books) for every transaction booking income to a ``fees`` account."""
    kinds: dict[str, bool] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        income = Decimal(0)
        for posting in entry.postings:
            if posting.account not in kinds:
                kinds[posting.account] = chart.income_kind(posting.account) == "fees"
            if kinds[posting.account]:
                amount = worth(posting, currency)
                if amount is not None:
                    income -= amount
        if income:
            yield entry, income


# The last answer, with what it was computed from: the `fees` rule reads the receipts inside Beancount's
# loader and the owners' view reads the same receipt objects again right after. The inputs are held (not
# their ids, which a freed object's successor could reuse) and compared by identity.
_last: list[tuple[tuple[object, ...], tuple[list[Payment], list[FeeProblem]]]] = []


def fee_payments(entries: Iterable[data.Directive], chart: Chart, currency: str, roster: Roster, dues: Dues,
                 vouchers: Path) -> tuple[list[Payment], list[FeeProblem]]:
    """Every unit-month paid, and what is wrong with the fee receipts and their sheets."""
    receipts = list(fee_receipts(entries, chart, currency))
    inputs = (roster, dues.budgets, *(entry for entry, _ in receipts))
    if _last and _last[0][0][:2] == (vouchers, currency) and len(_last[0][0]) == len(inputs) + 2 \
            and all(a is b for a, b in zip(_last[0][0][2:], inputs, strict=True)):
        return _last[0][1]
    found = _fee_payments(receipts, roster, dues, vouchers)
    _last[:] = [((vouchers, currency, *inputs), found)]
    return found


def _fee_payments(receipts: list[tuple[data.Transaction, Decimal]], roster: Roster, dues: Dues,
                  vouchers: Path) -> tuple[list[Payment], list[FeeProblem]]:
    payments: list[Payment] = []
    problems: list[FeeProblem] = []
    paid: dict[tuple[str, Month], Decimal] = {}
    sheets: dict[str, Sheet | str] = {}
    # Sheets repeat a few amounts and periods thousands of times: each is read once.
    amounts: dict[str, Decimal] = {}
    periods: dict[str, list[Month] | None] = {}
    parts: dict[tuple[Decimal, int], list[Decimal]] = {}
    units = roster.units
    for entry, income in receipts:
        detail = entry.meta.get("detail")
        if not isinstance(detail, str) or not detail.strip():
            problems.append(FeeProblem(entry, "a fee receipt needs its detail sheet: detail: \"YYYY/MM/sheet.csv\" "
                                       "with unit,period,amount for each unit that paid"))
            continue
        name = detail.strip()
        if name not in sheets:
            found = voucher_file(vouchers, name, DETAIL_SUFFIXES)
            sheets[name] = found if isinstance(found, str) else read_sheet(found)
        sheet = sheets[name]
        if isinstance(sheet, str) or sheet.problem is not None:
            problems.append(FeeProblem(entry, f"detail sheet {sheet if isinstance(sheet, str) else sheet.problem}"))
            continue
        if tuple(sheet.columns[:3]) != FEE_COLUMNS:
            problems.append(FeeProblem(entry, f"detail sheet vouchers/{name} must have the columns unit,period,amount"))
            continue
        voucher = str(entry.meta.get("voucher", ""))
        date = entry.date
        total = Decimal(0)
        for index, row in enumerate(sheet.rows):
            line = sheet.lines[index] if index < len(sheet.lines) else index + 2
            raw = row.get("amount", "")
            amount = amounts.get(raw)
            if amount is None:
                amount = amounts[raw] = parse_amount(raw) or Decimal(0)
            total += amount
            unit = units.get(row.get("unit", ""))
            text = row.get("period", "")
            if text in periods:
                covered = periods[text]
            else:
                covered = periods[text] = period_months(text)
            if unit is None:
                problems.append(FeeProblem(entry, f"vouchers/{name} line {line}: unit {row.get('unit', '')[:20]!r} "
                                           "is not in units.csv"))
                continue
            if covered is None:
                problems.append(FeeProblem(entry, f"vouchers/{name} line {line}: period {text[:30]!r} must be a "
                                           "month YYYY-MM or a range YYYY-MM..YYYY-MM (at most 36 months)"))
                continue
            if covered[0] < unit.since:
                problems.append(FeeProblem(entry, f"vouchers/{name} line {line}: unit {unit.code} is billed from "
                                           f"{month_label(unit.since)}, not {month_label(covered[0])}"))
                continue
            if len(covered) == 1:
                shares = [amount]
            else:
                shares = parts.get((amount, len(covered))) or parts.setdefault((amount, len(covered)),
                                                                                split(amount, len(covered)))
            for month, part in zip(covered, shares, strict=True):
                due = dues.due(unit, month)
                key = (unit.code, month)
                if due is None:
                    problems.append(FeeProblem(entry, f"vouchers/{name} line {line}: no approved fee standard for "
                                               f"{month_label(month)} (fees: in budgets/<id>/{month[0]}.yaml)"))
                    break
                so_far = paid.get(key, Decimal(0)) + part
                if so_far > due:
                    problems.append(FeeProblem(entry, f"vouchers/{name} line {line}: unit {unit.code} pays {so_far} "
                                               f"for {month_label(month)}, more than its due {due}; book what is "
                                               "beyond the dues to the advance-receipts liability (预收款) with "
                                               f'unit: "{unit.code}"'))
                    break
                paid[key] = so_far
                payments.append(Payment(unit.code, month, part, voucher, date, name, line))
        if total != income:
            problems.append(FeeProblem(entry, f"detail sheet vouchers/{name} adds up to {total} but the entry books "
                                       f"{income} of fees; they must agree to the cent"))
    return payments, problems
