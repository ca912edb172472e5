"""Money invariants as properties, through Beancount's real loader and ``trustfund check``'s core.

Random books are generated as a plan of dated items (fee income, parking income, expenses on budgeted
accounts within their caps, trustee remuneration at exactly the allowed amount) and written as month
journals with correct month-end balance assertions. Such books must pass; one change — an overspend, a
balance off by a cent, a trustee fee a cent too high — must be caught as exactly one finding at that line.

Hypothesis runs many examples per test while function-scoped fixtures are set up once, so every example
builds its own repository in a fresh temporary directory with conftest's ``Repo``.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.conftest import Repo

# The fixture's compound, as conftest writes it (compound.yaml, budgets/test/2026.yaml, 01.beancount).
CAPS = {"Expenses:Cleaning": Decimal("10000.00"), "Expenses:Repairs": Decimal("5000.00")}
BUDGET_LINE = {"Expenses:Cleaning": "Expenses:Cleaning", "Expenses:Repairs": "Expenses:Repairs",
               "Expenses:Repairs:Elevator": "Expenses:Repairs"}
BASE_RATE = Decimal("0.12")
EVIDENCE_THRESHOLD = Decimal("500.00")
OPENING_BALANCE = Decimal("100000.00")
TRUSTEE_FEE = "Expenses:TrusteeFee"
FUND = "Assets:Bank:Fund"
CENT = Decimal("0.01")

EXAMPLES = settings(max_examples=25, deadline=None)


def money(cents: int) -> Decimal:
    """An amount from a whole number of cents: exact, two decimals, never a float."""
    return Decimal(cents).scaleb(-2)


def shown(amount: Decimal) -> str:
    """How trustfund's messages write an amount: thousands separators, two decimals."""
    return f"{amount:,.2f} CNY"


def fee_limit(income: Decimal) -> Decimal:
    """The base remuneration allowed on ``income``, rounded half up to the cent."""
    return (BASE_RATE * income).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Item:
    date: datetime.date
    kind: str  # "fees", "parking", "expense" or "trustee-fee"
    account: str
    amount: Decimal  # positive


@dataclass
class Written:
    """Where each item and each month-end balance assertion landed, as ``(path, line)``."""

    items: dict[Item, tuple[str, int]]
    balances: list[tuple[str, int, Decimal]]


def income_of(items: list[Item], upto: datetime.date) -> Decimal:
    return sum((item.amount for item in items if item.kind in ("fees", "parking") and item.date <= upto), Decimal(0))


def spent_on(items: list[Item], budget_line: str, before: datetime.date) -> Decimal:
    return sum((item.amount for item in items
                if item.kind == "expense" and BUDGET_LINE[item.account] == budget_line and item.date < before),
               Decimal(0))


def booked_fees(items: list[Item]) -> Decimal:
    return sum((item.amount for item in items if item.kind == "trustee-fee"), Decimal(0))


@st.composite
def valid_plans(draw: st.DrawFn) -> list[Item]:
    """Items on distinct days 1–27 of some months of 2026 (day 28 stays free for a test's own entry)."""
    months = sorted(draw(st.sets(st.integers(2, 12), min_size=1, max_size=4)))
    items: list[Item] = []
    spent = {budget_line: Decimal(0) for budget_line in CAPS}
    income = fees = Decimal(0)
    for month in months:
        for day in sorted(draw(st.sets(st.integers(1, 27), min_size=1, max_size=5))):
            date = datetime.date(2026, month, day)
            # The first item is income, so that remuneration can be due at all.
            kind = draw(st.sampled_from(["fees", "parking", "expense", "trustee-fee"])) if items else "fees"
            if kind == "trustee-fee":
                due = fee_limit(income) - fees
                if due > 0:
                    items.append(Item(date, kind, TRUSTEE_FEE, due))
                    fees += due
                    continue
                kind = "fees"
            if kind == "expense":
                account = draw(st.sampled_from(sorted(BUDGET_LINE)))
                left = int((CAPS[BUDGET_LINE[account]] - spent[BUDGET_LINE[account]]) * 100)
                if left > 0:
                    # Small amounts below the evidence threshold as well as large ones up to the cap.
                    amount = money(draw(st.one_of(st.integers(1, min(left, 49_999)), st.integers(1, left))))
                    items.append(Item(date, kind, account, amount))
                    spent[BUDGET_LINE[account]] += amount
                    continue
                kind = "fees"
            if kind == "fees":
                amount = money(draw(st.integers(1, 5_000_000)))
                items.append(Item(date, kind, "Income:PropertyFees", amount))
            else:
                amount = money(draw(st.integers(1, 100_000)))
                items.append(Item(date, kind, "Income:Parking", amount))
            income += amount
    return items


def write_books(repo: Repo, items: list[Item], balance_offset: dict[int, Decimal] | None = None) -> Written:
    """Write the items as month journals, each ending with the fund's balance on the next month's first day.

    ``balance_offset`` makes a month's assertion wrong by that much.
    """
    offsets = balance_offset or {}
    written = Written({}, [])
    balance = OPENING_BALANCE
    voucher = 1  # 2026-0001 is the opening entry in January
    for month in sorted({item.date.month for item in items}):
        path = f"ledgers/test/2026/{month:02d}.beancount"
        lines: list[str] = []
        for item in sorted((item for item in items if item.date.month == month), key=lambda item: item.date):
            voucher += 1
            number = f"2026-{voucher:04d}"
            written.items[item] = (path, len(lines) + 1)
            if item.kind == "fees":
                lines += [f'{item.date} * "{month}号楼业主" "2026年{month}月物业费"', f'  voucher: "{number}"',
                          f"  {FUND}   {item.amount} CNY", f"  {item.account}"]
                balance += item.amount
            elif item.kind == "parking":
                lines += [f'{item.date} * "停车场收费" "临时停车"', f'  voucher: "{number}"',
                          f'  unit: "P-{voucher:03d}"', f"  {FUND}   {item.amount} CNY", f"  {item.account}"]
                balance += item.amount
            else:
                what = "受托人酬金" if item.kind == "trustee-fee" else "服务费"
                lines += [f'{item.date} * "示例物业服务有限公司" "2026年{month}月{what}"', f'  voucher: "{number}"']
                if item.amount >= EVIDENCE_THRESHOLD:
                    evidence = f"2026/{month:02d}/{number}-invoice.pdf"
                    repo.voucher_file(evidence)
                    lines.append(f'  evidence: "{evidence}"')
                lines += [f"  {item.account}   {item.amount} CNY", f"  {FUND}"]
                balance -= item.amount
            lines.append("")
        month_end = datetime.date(2026 + month // 12, month % 12 + 1, 1)
        asserted = balance + offsets.get(month, Decimal(0))
        written.balances.append((path, len(lines) + 1, asserted))
        lines.append(f"{month_end} balance {FUND}   {asserted} CNY")
        repo.write(path, "\n".join(lines) + "\n")
    return written


@contextmanager
def fresh_repo() -> Iterator[Repo]:
    with tempfile.TemporaryDirectory() as folder:
        yield Repo(Path(folder))


def free_day(items: list[Item], month: int, day: int) -> datetime.date:
    date = datetime.date(2026, month, day)
    assume(all(item.date != date for item in items))
    return date


# (a) valid books pass


@EXAMPLES
@given(valid_plans())
def test_random_valid_books_pass(items: list[Item]) -> None:
    with fresh_repo() as repo:
        write_books(repo, items)
        assert repo.check() == []


# (b) a single overspend is caught, spending up to the cap is not


@EXAMPLES
@given(valid_plans(), st.sampled_from(sorted(BUDGET_LINE)), st.integers(2, 12), st.integers(1, 28),
       st.integers(1, 2_000_000))
def test_any_single_overspend_is_caught(items: list[Item], account: str, month: int, day: int, over_cents: int) -> None:
    date = free_day(items, month, day)
    budget_line, over = BUDGET_LINE[account], money(over_cents)
    cap = CAPS[budget_line]
    overspend = Item(date, "expense", account, cap - spent_on(items, budget_line, date) + over)
    with fresh_repo() as repo:
        written = write_books(repo, [*items, overspend])
        findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(*written.items[overspend], "budget-cap")]
    message = findings[0].message
    assert message.startswith(f"{budget_line}: {shown(cap + over)} spent by {date}, cap {shown(cap)} ")
    assert f"over by {shown(over)}" in message
    assert "budgets/test/2026.yaml:" in message


@EXAMPLES
@given(valid_plans(), st.sampled_from(sorted(BUDGET_LINE)), st.integers(2, 12), st.integers(1, 28))
def test_spending_exactly_up_to_the_cap_passes(items: list[Item], account: str, month: int, day: int) -> None:
    date = free_day(items, month, day)
    budget_line = BUDGET_LINE[account]
    rest = CAPS[budget_line] - spent_on(items, budget_line, date)
    # Spending after this date on the same line would pass the cap: drop it so the cap is reached exactly.
    kept = [item for item in items
            if not (item.kind == "expense" and BUDGET_LINE[item.account] == budget_line and item.date > date)]
    assume(rest > 0)
    with fresh_repo() as repo:
        write_books(repo, [*kept, Item(date, "expense", account, rest)])
        assert repo.check() == []


# (c) a balance assertion off by a cent is caught


@EXAMPLES
@given(valid_plans(), st.data(), st.sampled_from([CENT, -CENT]))
def test_a_balance_off_by_a_cent_is_caught(items: list[Item], data: st.DataObject, offset: Decimal) -> None:
    month = data.draw(st.sampled_from(sorted({item.date.month for item in items})))
    with fresh_repo() as repo:
        written = write_books(repo, items, {month: offset})
        findings = repo.check()
    [(path, line, asserted)] = [balance for balance in written.balances
                                if balance[0].endswith(f"/{month:02d}.beancount")]
    assert [(f.path, f.line, f.rule) for f in findings] == [(path, line, "balance")]
    assert f"Balance failed for '{FUND}': expected {asserted} CNY" in findings[0].message
    assert f"accumulated {asserted - offset} CNY" in findings[0].message


# (d) trustee remuneration a cent over the limit is caught, exactly at the limit passes


def remuneration_at_the_limit(items: list[Item]) -> Item:
    """A remuneration booking on the free day 28 of the last month that reaches the limit exactly."""
    last = max(item.date for item in items)
    date = last.replace(day=28)
    due = fee_limit(income_of(items, date)) - booked_fees(items)
    assume(due > 0)
    return Item(date, "trustee-fee", TRUSTEE_FEE, due)


@EXAMPLES
@given(valid_plans())
def test_trustee_fee_one_cent_over_the_limit_is_caught(items: list[Item]) -> None:
    exact = remuneration_at_the_limit(items)
    over = replace(exact, amount=exact.amount + CENT)
    income = income_of(items, over.date)
    with fresh_repo() as repo:
        written = write_books(repo, [*items, over])
        findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(*written.items[over], "trustee-fee")]
    message = findings[0].message
    booked = booked_fees(items) + over.amount
    assert message.startswith(f"{TRUSTEE_FEE}: {shown(booked)} booked for 2026 by {over.date}")
    assert f"limit 12% × {shown(income)} income = {shown(fee_limit(income))}" in message
    assert f"over by {shown(CENT)}" in message


@EXAMPLES
@given(valid_plans())
def test_trustee_fee_exactly_at_the_limit_passes(items: list[Item]) -> None:
    with fresh_repo() as repo:
        write_books(repo, [*items, remuneration_at_the_limit(items)])
        assert repo.check() == []
