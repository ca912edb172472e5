"""Issue 10, fees and owners: what an owner or the treasurer relies on, proved through the real code paths.

- The ``fees`` rule through ``trustfund check`` and Beancount's own loader, each refusal at its file:line,
  in a second spelling too, on books written in the test (``Repo``).
- The collection rates the built site shows for the example compounds equal a count made here from
  ``units.csv``, the budgets' fee standards and the receipts' detail sheets alone (``Reckoning``: Decimal
  and csv, nothing from ``generator.view`` or ``generator.books``), to the cent and to the household.
- Each unit's unlisted page lists exactly its sheet rows; no door number reaches the site or git.
- ``trustfund units`` and ``trustfund bills``; the bills printed to PDF by real Chromium, their QR codes
  decoded with zxing-cpp.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from beancount import loader
from beancount.core import data

from generator.books import load_books
from generator.books.fees import Dues
from generator.cli import main
from generator.findings import Finding, from_error
from generator.site.pages import SiteBuilder
from generator.view import build_view
from generator.view.fees import TOTAL
from tests.conftest import BUDGET_2026, EXAMPLES, PROFILE, PROJECT, Repo
from tests.html_tree import Node, read
from tests.test_browser import CHROMIUM_FLAGS, chromium_path, unavailable
from tests.test_site import build

if TYPE_CHECKING:
    from playwright.sync_api import Browser

Month = tuple[int, int]
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
JOURNAL = "ledgers/test/2026/03.beancount"
UNITS_FILE = "ledgers/test/units.csv"
SITE_URL = "https://books.example.org/"
CODE = re.compile(r"[a-z2-9]{8}")
A4 = (595.28, 841.89)  # points


# Money and months, written here rather than imported, so that the count below is independent


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    text = f"{value:,.2f}"
    return text.replace("-", "−")


def number(text: str) -> Decimal:
    return Decimal(text.strip().replace(",", "").replace("−", "-"))


def percent(part: Decimal, whole: Decimal) -> str:
    """A share to one decimal, rounded half up as people read it, or the dash the site shows for none."""
    if not whole:
        return "—"
    return f"{(part * 100 / whole).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def month_of(text: str) -> Month:
    year, number_ = text.split("-")
    return int(year), int(number_)


def following(month: Month) -> Month:
    return (month[0] + 1, 1) if month[1] == 12 else (month[0], month[1] + 1)


def month_range(first: Month, last: Month) -> list[Month]:
    found = []
    while first <= last:
        found.append(first)
        first = following(first)
    return found


def zh_month(month: Month) -> str:
    return f"{month[0]}年{month[1]}月"


def zh_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def building_key(label: str) -> tuple[int, str]:
    digits = re.match(r"[0-9]+", label)
    return (int(digits.group()) if digits else 10**6, label)


# The count: units.csv, the budgets' fees: and the detail sheets, read with csv, YAML and Beancount's loader


@dataclass(frozen=True)
class Part:
    """What one sheet row paid for one month."""

    amount: Decimal
    date: datetime.date
    voucher: str


@dataclass(frozen=True)
class SheetRow:
    voucher: str
    date: datetime.date
    period: str
    amount: Decimal


@dataclass
class Collected:
    due: Decimal = ZERO
    paid: Decimal = ZERO
    units_due: int = 0
    units_paid: int = 0


@dataclass
class Reckoning:
    """A compound's dues and payments, counted independently of the generator."""

    cid: str
    units: dict[str, tuple[str, Decimal, Month]]  # code → (building, area, since), in units.csv order
    standards: list[tuple[Month, Decimal, dict[str, Decimal]]]  # (from month, rate, buildings' own rates)
    as_of: datetime.date
    parts: dict[tuple[str, Month], list[Part]] = field(default_factory=lambda: defaultdict(list))
    rows: dict[str, list[SheetRow]] = field(default_factory=lambda: defaultdict(list))

    @property
    def buildings(self) -> list[str]:
        return sorted({building for building, _, _ in self.units.values()}, key=building_key)

    @property
    def current(self) -> Month:
        return (self.as_of.year, self.as_of.month)

    @property
    def last_complete(self) -> Month:
        """The as-of month if the books reach its last day, else the month before it."""
        if (self.as_of + datetime.timedelta(days=1)).day == 1:
            return self.current
        return (self.as_of.year - 1, 12) if self.as_of.month == 1 else (self.as_of.year, self.as_of.month - 1)

    @property
    def months(self) -> list[Month]:
        """The months the fees page shows: from the first billed month to the last complete one."""
        return month_range(min(since for _, _, since in self.units.values()), self.last_complete)

    def due(self, code: str, month: Month) -> Decimal | None:
        building, area, since = self.units[code]
        if month < since:
            return ZERO
        in_force = [s for s in self.standards if s[0] <= month and s[0][0] == month[0]]
        if not in_force:
            return None
        _, rate, own = max(in_force, key=lambda s: s[0])
        return cents(area * own.get(building, rate))

    def paid(self, code: str, month: Month) -> Decimal:
        return sum((part.amount for part in self.parts.get((code, month), [])), ZERO)

    def collected(self, month: Month, building: str | None = None) -> Collected:
        total = Collected()
        for code, (unit_building, _, _) in self.units.items():
            if building is not None and unit_building != building:
                continue
            due = self.due(code, month)
            if not due:
                continue
            paid = self.paid(code, month)
            total.due += due
            total.paid += paid
            total.units_due += 1
            total.units_paid += paid >= due
        return total

    def owed(self, code: str, through: Month | None = None) -> Decimal:
        """What a unit owes for its months up to the last complete one (or up to ``through``)."""
        last = through or self.last_complete
        return sum(((self.due(code, m) or ZERO) - self.paid(code, m)
                    for m in month_range(self.units[code][2], last)), ZERO)


def split(amount: Decimal, count: int) -> list[Decimal]:
    each = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    return [each] * (count - 1) + [amount - each * (count - 1)]


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    _, front, _ = text.split("---\n", 2)
    matter: dict[str, Any] = yaml.load(front, Loader=yaml.BaseLoader)  # BaseLoader: every scalar a string
    return matter


def fee_standards(cid: str) -> list[tuple[Month, Decimal, dict[str, Decimal]]]:
    """Each approved budget's fee standard from January, and each amendment's from the month after its vote."""
    standards = []
    for path in sorted((PROJECT / "budgets" / cid).glob("*.yaml")):
        budget = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        year = int(budget["year"])
        vote = front_matter(PROJECT / "notices" / cid / f"{budget['approved_by']}.md")
        assert vote["result"] == "passed", path
        if "fees" in budget:
            fees = budget["fees"]
            standards.append(((year, 1), Decimal(fees["rate"]),
                              {b: Decimal(r) for b, r in (fees.get("buildings") or {}).items()}))
        for amendment in budget.get("amendments") or []:
            if "fees" not in amendment:
                continue
            voted = front_matter(PROJECT / "notices" / cid / f"{amendment['approved_by']}.md")
            date = datetime.date.fromisoformat(voted["date"])
            start = max(following((date.year, date.month)), (year, 1))
            fees = amendment["fees"]
            standards.append((start, Decimal(fees["rate"]),
                              {b: Decimal(r) for b, r in (fees.get("buildings") or {}).items()}))
    return standards


def reckon(cid: str) -> Reckoning:
    folder = PROJECT / "ledgers" / cid
    with (folder / "units.csv").open(encoding="utf-8", newline="") as file:
        units = {row["unit"]: (row["building"], Decimal(row["area"]), month_of(row["since"]))
                 for row in csv.DictReader(file)}
    loader.initialize(use_cache=False)
    entries, errors, _ = loader.load_file(str(folder / "main.beancount"))
    assert errors == []
    fee_accounts = {e.account for e in entries if isinstance(e, data.Open) and e.meta.get("income") == "fees"}
    assert fee_accounts, cid
    as_of = max(e.date for e in entries if isinstance(e, (data.Transaction, data.Balance)))
    reckoning = Reckoning(cid, units, fee_standards(cid), as_of)
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        fees = [p for p in entry.postings if p.account in fee_accounts or any(
            p.account.startswith(account + ":") for account in fee_accounts)]
        if not fees:
            continue
        income = -sum((p.units.number for p in fees if p.units is not None and p.units.number is not None), ZERO)
        voucher = entry.meta["voucher"]
        with (folder / "vouchers" / entry.meta["detail"]).open(encoding="utf-8", newline="") as file:
            sheet = list(csv.DictReader(file))
        assert sum(Decimal(row["amount"]) for row in sheet) == income, voucher
        for row in sheet:
            amount = Decimal(row["amount"])
            first, _, last = row["period"].partition("..")
            covered = month_range(month_of(first), month_of(last or first))
            reckoning.rows[row["unit"]].append(SheetRow(voucher, entry.date, row["period"], amount))
            for month, part in zip(covered, split(amount, len(covered)), strict=True):
                reckoning.parts[(row["unit"], month)].append(Part(part, entry.date, voucher))
    return reckoning


@pytest.fixture(scope="module")
def reckonings() -> dict[str, Reckoning]:
    return {cid: reckon(cid) for cid in EXAMPLES}


# HTML as a tree (the standard library's parser: the site must be readable without a browser)

def tree(path: Path) -> Node:
    return read(path)


# 1. The fees rule, through the real loader

FEE_BUDGET = BUDGET_2026 + """\
fees:
  rate: 1.80
  buildings: {"2号楼": 1.10}
"""
# Dues a month: aaaa2222 180.00; bbbb3333 161.10; cccc4444 100.15 × 1.10 = 110.165, half up 110.17 (half even
# would give 110.16); dddd5555 132.00, billed from March.
UNITS = """\
unit,building,area,since
aaaa2222,1号楼,100.00,2026-01
bbbb3333,1号楼,89.50,2026-01
cccc4444,2号楼,100.15,2026-01
dddd5555,2号楼,120.00,2026-03
"""
ENTRY_LINES = 6  # each receipt below: five lines and a blank one


@pytest.fixture
def fees(repo: Repo) -> Repo:
    """The test compound with a fee standard in its approved budget and a roster of four units."""
    repo.write("budgets/test/2026.yaml", FEE_BUDGET)
    repo.write(UNITS_FILE, UNITS)
    return repo


def receipts(repo: Repo, *sheets: str, books: list[str] | None = None) -> list[int]:
    """One fee receipt per sheet (``unit,period,amount`` rows), booking what the sheet adds up to (or ``books``).

    Returns each receipt's line in the March journal.
    """
    journal: list[str] = []
    lines: list[int] = []
    for index, rows in enumerate(sheets):
        voucher = f"2026-{index + 2:04d}"
        repo.voucher_file(f"2026/03/{voucher}-fees.csv", ("unit,period,amount\n" + rows).encode())
        amount = books[index] if books else str(sum(Decimal(row[2].replace(",", "")) for row in csv.reader(
            io.StringIO(rows))))
        lines.append(len(journal) * ENTRY_LINES + 1)
        journal.append(f'2026-03-{10 + index} * "物业费收款" "银行到账"\n  voucher: "{voucher}"\n'
                       f'  detail: "2026/03/{voucher}-fees.csv"\n  Assets:Bank:Fund   {amount} CNY\n'
                       "  Income:PropertyFees\n")
    repo.journal("\n".join(journal))
    return lines


def refusals(repo: Repo) -> list[Finding]:
    """What ``trustfund check`` finds, all of it under ``fees``; Beancount's own loader finds the same, at the same
    file:line (as bean-check and Fava would show it)."""
    findings = repo.check()
    assert [f for f in findings if f.rule != "fees"] == []
    _, errors, _ = repo.load()
    assert sorted(from_error(error, repo.root) for error in errors) == sorted(findings)
    return findings


def where(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.rule) for f in findings]


def test_receipts_that_pay_their_dues_pass_and_count_month_by_month(fees: Repo) -> None:
    receipts(fees,
             "aaaa2222,2026-03,180.00\n"
             " bbbb3333 ,2026-01..2026-03,483.30\n"  # cells are trimmed
             "cccc4444,2026-03,110.17\n"  # 110.165 rounded half up
             "dddd5555,2026-03..2026-12,1320.00\n",
             "aaaa2222,2026-04,100.00\n",
             "aaaa2222,2026-04,80.00\n")  # the rest of April, in a later receipt
    assert refusals(fees) == []
    view = build_view(load_books(fees.root, "test")).fees
    assert view is not None
    paid = {code: {m.month: m.paid for m in s.months} for code, s in view.units.items()}
    assert paid["aaaa2222"][(2026, 3)] == Decimal("180.00") and paid["aaaa2222"][(2026, 4)] == Decimal("180.00")
    assert [paid["bbbb3333"][(2026, m)] for m in (1, 2, 3)] == [Decimal("161.10")] * 3
    assert paid["cccc4444"][(2026, 3)] == Decimal("110.17")
    assert {m.due for m in view.units["cccc4444"].months} == {Decimal("110.17")}
    # dddd5555 is billed from March: nothing is due before, its prepaid months are on its statement through December.
    assert view.units["dddd5555"].months[0].month == (2026, 3)
    assert paid["dddd5555"][(2026, 12)] == Decimal("132.00")


@pytest.mark.parametrize("code", ["zzzz9999", "AAAA2222", "aaaa222", "aaaa22222", "99-1-101"])
def test_an_unknown_unit_code_is_refused_in_any_spelling(fees: Repo, code: str) -> None:
    [line] = receipts(fees, f"aaaa2222,2026-03,180.00\n{code},2026-03,100.00\n")
    [finding] = refusals(fees)
    assert where([finding]) == [(JOURNAL, line, "fees")]
    assert f"vouchers/2026/03/2026-0002-fees.csv line 3: unit '{code}' is not in units.csv" in finding.message


def test_trustfund_check_prints_each_fees_refusal_at_its_file_and_line(
        fees: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    fees.write(UNITS_FILE, UNITS + "aaaa2222,1号楼,77.00,2026-01\n")
    receipts(fees, "aaaa2222,2026-03,180.00\n", "zzzz9999,2026-03,100.00\n")
    assert main(["--root", str(fees.root), "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 2)[:2] for line in out] == [[f"{JOURNAL}:7", "fees"], [f"{UNITS_FILE}:6", "fees"]]
    assert "unit 'zzzz9999' is not in units.csv" in out[0] and "is used twice" in out[1]


@pytest.mark.parametrize("period", ["2026-02", "2026-02..2026-04", "2025-12..2026-12"])
def test_a_period_before_the_first_billed_month_is_refused(fees: Repo, period: str) -> None:
    [line] = receipts(fees, f"dddd5555,{period},132.00\n")
    [finding] = refusals(fees)
    assert where([finding]) == [(JOURNAL, line, "fees")]
    assert f"line 2: unit dddd5555 is billed from 2026-03, not {period[:7]}" in finding.message


@pytest.mark.parametrize("period", ["2026-1", "2026/03", "2026-13", "2026-03..2026-01", "2026-03..", "03-2026",
                                    "2026-01..2029-01", "2026-03 ..2026-04", "２０２６-03"])
def test_a_period_that_is_not_a_month_or_a_range_is_refused(fees: Repo, period: str) -> None:
    [line] = receipts(fees, f'aaaa2222,"{period}",180.00\n')
    [finding] = refusals(fees)
    assert where([finding]) == [(JOURNAL, line, "fees")]
    assert f"line 2: period '{period}' must be a month YYYY-MM or a range YYYY-MM..YYYY-MM" in finding.message


@pytest.mark.parametrize(("rows", "unit", "month", "pays", "due"), [
    ("aaaa2222,2026-03,180.01\n", "aaaa2222", "2026-03", "180.01", "180.00"),
    ("cccc4444,2026-03,110.18\n", "cccc4444", "2026-03", "110.18", "110.17"),  # half up, one cent more
    ("dddd5555,2026-12,132.01\n", "dddd5555", "2026-12", "132.01", "132.00"),  # a month not yet begun
    ("bbbb3333,2026-03,\"1,161.10\"\n", "bbbb3333", "2026-03", "1161.10", "161.10"),  # thousands separator
], ids=["a-cent-over", "a-cent-over-a-rounded-due", "in-advance", "thousands"])
def test_a_row_paying_more_than_its_months_due_is_refused(fees: Repo, rows: str, unit: str, month: str,
                                                          pays: str, due: str) -> None:
    [line] = receipts(fees, rows)
    [finding] = refusals(fees)
    assert where([finding]) == [(JOURNAL, line, "fees")]
    assert f"line 2: unit {unit} pays {pays} for {month}, more than its due {due}" in finding.message
    assert "预收款" in finding.message


def test_payments_for_one_month_add_up_across_receipts(fees: Repo) -> None:
    _, second = receipts(fees, "aaaa2222,2026-03,100.00\n", "bbbb3333,2026-03,161.10\naaaa2222,2026-03,80.01\n")
    [finding] = refusals(fees)
    assert where([finding]) == [(JOURNAL, second, "fees")]
    assert "2026-0003-fees.csv line 3: unit aaaa2222 pays 180.01 for 2026-03, more than its due 180.00" \
        in finding.message


def test_a_prepaid_range_is_split_evenly_with_the_odd_cents_on_its_last_month(fees: Repo) -> None:
    # 539.98 over three months: 179.99, 179.99 and the odd cents on March, 180.00: exactly its due.
    receipts(fees, "aaaa2222,2026-01..2026-03,539.98\n")
    assert refusals(fees) == []
    view = build_view(load_books(fees.root, "test")).fees
    assert view is not None
    assert [m.paid for m in view.units["aaaa2222"].months[:3]] == [Decimal(x) for x in ("179.99", "179.99", "180.00")]
    # One cent more: 179.99, 179.99, 180.01 — March is over its due, though the three months' dues are 540.00.
    [line] = receipts(fees, "aaaa2222,2026-01..2026-03,539.99\n")
    [finding] = refusals(fees)
    assert where([finding]) == [(JOURNAL, line, "fees")]
    assert "line 2: unit aaaa2222 pays 180.01 for 2026-03, more than its due 180.00" in finding.message


@pytest.mark.parametrize(("sheets", "refused_in", "message"), [
    # A year paid in advance, one cent over: the odd cent falls on December.
    (("aaaa2222,2026-01..2026-12,2160.01\n",), 0, "unit aaaa2222 pays 180.01 for 2026-12"),
    # February was paid already: a range over it pays February twice.
    (("aaaa2222,2026-02,180.00\n", "aaaa2222,2026-01..2026-03,540.00\n"), 1, "unit aaaa2222 pays 360.00 for 2026-02"),
    # A range the next year's standard does not cover (no 2027 budget) is refused, not counted.
    (("aaaa2222,2026-12..2027-01,360.00\n",), 0, "no approved fee standard for 2027-01"),
], ids=["year-in-advance-a-cent-over", "range-over-a-paid-month", "range-into-an-unbudgeted-year"])
def test_a_prepaid_range_is_checked_month_by_month(fees: Repo, sheets: tuple[str, ...], refused_in: int,
                                                   message: str) -> None:
    lines = receipts(fees, *sheets)
    [finding] = refusals(fees)
    assert where([finding]) == [(JOURNAL, lines[refused_in], "fees")]
    assert message in finding.message


@pytest.mark.parametrize(("sheet", "books", "message"), [
    ("aaaa2222,2026-03,180.00\nbbbb3333,2026-03,161.10\n", "341.11",
     "detail sheet vouchers/2026/03/2026-0002-fees.csv adds up to 341.10 but the entry books 341.11 of fees"),
    ("aaaa2222,2026-03,180.00\nbbbb3333,2026-03,161.10\n", "341.09",
     "adds up to 341.10 but the entry books 341.09 of fees"),
    ("aaaa2222,2026-03,180.00\nbbbb3333,2026-03,1e2\n", "280.00", "line 3: amount '1e2' is not an amount"),
    ("aaaa2222,2026-03,180.00\nbbbb3333,2026-03,161.1O\n", "341.10", "line 3: amount '161.1O' is not an amount"),
    ("aaaa2222,2026-03,180.00\nbbbb3333,2026-03,132.000001\n", "312.00", "line 3: amount '132.000001'"),
], ids=["a-cent-short", "a-cent-over", "exponent", "letter-o", "six-decimals"])
def test_a_sheet_that_does_not_add_up_to_the_receipt_is_refused(fees: Repo, sheet: str, books: str,
                                                                message: str) -> None:
    [line] = receipts(fees, sheet, books=[books])
    [finding] = refusals(fees)
    assert where([finding]) == [(JOURNAL, line, "fees")]
    assert message in finding.message


@pytest.mark.parametrize(("header", "message"), [
    (None, 'a fee receipt needs its detail sheet: detail: "YYYY/MM/sheet.csv"'),
    ("unit,item,amount", "must have the columns unit,period,amount"),
    ("period,unit,amount", "must have the columns unit,period,amount"),
])
def test_a_fee_receipt_needs_a_sheet_of_units_and_periods(fees: Repo, header: str | None, message: str) -> None:
    if header is None:
        fees.journal('2026-03-10 * "物业费收款" "银行到账"\n  voucher: "2026-0002"\n'
                     "  Assets:Bank:Fund   180.00 CNY\n  Income:PropertyFees\n")
    else:
        receipts(fees, "aaaa2222,2026-03,180.00\n")
        fees.voucher_file("2026/03/2026-0002-fees.csv", f"{header}\naaaa2222,2026-03,180.00\n".encode())
    [finding] = refusals(fees)
    assert where([finding]) == [(JOURNAL, 1, "fees")]
    assert message in finding.message


@pytest.mark.parametrize(("row", "message"), [
    ("aaaa2222,1号楼,77.00,2026-01", "unit code aaaa2222 is used twice (first at line 2)"),
    ("eeee6666,1号楼,0,2026-01", "area '0' must be a positive number"),
    ("eeee6666,1号楼,-89.50,2026-01", "area '-89.50' must be a positive number"),
    ("eeee6666,1号楼,89.505,2026-01", "area '89.505' must be a positive number of m² with at most two decimals"),
    ("eeee6666,1号楼,1e2,2026-01", "area '1e2' must be a positive number"),
    ("eeee6666,1号楼,八十九,2026-01", "area '八十九' must be a positive number"),
    ("eeee6666,,89.50,2026-01", "building must be a public label"),
    ("eeee6666,  ,89.50,2026-01", "building must be a public label"),
    ("eeee6666," + "很长的楼栋名" * 8 + ",89.50,2026-01", "building must be a public label"),
    ("eeee6666,1号楼,89.50,2026-1", "since '2026-1' must be the first billed month, YYYY-MM"),
    ("eeee6666,1号楼,89.50,2026-13", "since '2026-13' must be the first billed month"),
    ("eeee6666,1号楼,89.50,2026/01", "since '2026/01' must be the first billed month"),
    ("eeee6666,1号楼,89.50,", "since '' must be the first billed month"),
    ("EEEE6666,1号楼,89.50,2026-01", "unit code 'EEEE6666' must be 8 characters of a-z and 2-9"),
    ("99-1-101,1号楼,89.50,2026-01", "unit code '99-1-101' must be 8 characters"),
    ("eeee6666,1号楼,89.50", "line 6 has 3 cells, not 4"),
], ids=["duplicate-code", "zero-area", "negative-area", "three-decimals", "exponent-area", "chinese-area",
        "blank-building", "spaces-building", "long-building", "since-2026-1", "since-2026-13", "since-slash",
        "since-blank", "upper-case-code", "door-number-code", "three-cells"])
def test_a_bad_row_of_units_csv_is_refused_at_its_line(fees: Repo, row: str, message: str) -> None:
    fees.write(UNITS_FILE, UNITS + row + "\n")
    receipts(fees, "aaaa2222,2026-03,180.00\n")  # the good rows still count
    [finding] = refusals(fees)
    assert where([finding]) == [(UNITS_FILE, 6, "fees")]
    assert message in finding.message


def test_units_csv_needs_its_header(fees: Repo) -> None:
    fees.write(UNITS_FILE, "code,door,building,area,since\naaaa2222,99-1-101,1号楼,100.00,2026-01\n")
    findings = [f for f in fees.check() if f.rule == "fees"]
    assert where(findings) == [(UNITS_FILE, 1, "fees")]
    assert "units.csv must start with the header unit,building,area,since" in findings[0].message


def test_a_building_rate_for_a_building_no_unit_is_in_is_refused(fees: Repo) -> None:
    # A misspelt label (3号搂 for 3号楼) would bill that building at the default rate without a word.
    fees.write("budgets/test/2026.yaml",
               BUDGET_2026 + 'fees:\n  rate: 1.80\n  buildings: {"2号楼": 1.10, "3号搂": 2.00}\n')
    receipts(fees, "aaaa2222,2026-03,180.00\n")
    [finding] = refusals(fees)
    assert (finding.path, finding.rule) == ("budgets/test/2026.yaml", "fees")
    assert finding.line == len(BUDGET_2026.splitlines()) + 1
    assert "3号搂" in finding.message and "units.csv" in finding.message


FEE_VOTE = """\
---
title: 物业费标准调整表决结果
date: {date}
kind: vote
matter: budget
households: {{total: 100, voted: 80, for: 70}}
area: {{total: 10000.00, voted: 8000.00, for: 7000.00}}
result: passed
---
同意票过半，物业费标准调整通过。
"""


@pytest.mark.parametrize(("vote", "first_new"), [("2026-03-31", 4), ("2026-03-01", 4), ("2026-04-01", 5)])
def test_a_rate_changed_by_an_amendment_applies_from_the_first_month_after_the_vote(
        fees: Repo, vote: str, first_new: int) -> None:
    fees.write("budgets/test/2026.yaml", FEE_BUDGET + "amendments:\n  - approved_by: "
               f"{vote}-fee-vote\n    fees: {{rate: 2.00, buildings: {{\"2号楼\": 1.20}}}}\n")
    fees.write(f"notices/test/{vote}-fee-vote.md", FEE_VOTE.format(date=vote))
    old, new = f"2026-{first_new - 1:02d}", f"2026-{first_new:02d}"
    receipts(fees, f"aaaa2222,{old},180.00\naaaa2222,{new},200.00\ncccc4444,{new},120.18\n")
    assert refusals(fees) == []
    compound = load_books(fees.root, "test").compound
    assert compound.roster is not None
    unit, dues = compound.roster.units["aaaa2222"], Dues(compound.budgets)
    assert [dues.due(unit, (2026, m)) for m in range(1, first_new)] == [Decimal("180.00")] * (first_new - 1)
    assert [dues.due(unit, (2026, m)) for m in range(first_new, 13)] == [Decimal("200.00")] * (13 - first_new)
    # A cent over either standard is refused: the old one still holds for the month of the vote.
    lines = receipts(fees, f"aaaa2222,{old},180.01\n", f"bbbb3333,{new},179.01\n")
    assert where(refusals(fees)) == [(JOURNAL, lines[0], "fees"), (JOURNAL, lines[1], "fees")]
    findings = refusals(fees)
    assert f"unit aaaa2222 pays 180.01 for {old}, more than its due 180.00" in findings[0].message
    assert f"unit bbbb3333 pays 179.01 for {new}, more than its due 179.00" in findings[1].message


# 2. The collection rates on the site, against the count


def matrix(page: Node) -> tuple[list[str], dict[str, list[str]]]:
    table = page.one("table", "tf-fees")
    header = [th.text().strip() for th in table.one("thead").all("th")]
    rows = {}
    for tr in table.one("tbody").all("tr"):
        cells = tr.all("td")
        rows[cells[0].text().strip()] = [" ".join(cell.text(" ").split()) for cell in cells[1:]]
    return header, rows


def cards(page: Node) -> list[tuple[str, str, list[str]]]:
    found = []
    for card in page.all("div", "tf-card"):
        label, value = card.one("div", "label").text().strip(), card.one("div", "value").text().strip()
        found.append((label, value, [sub.text().strip() for sub in card.all("div", "sub")]))
    return found


@pytest.mark.parametrize("cid", EXAMPLES)
def test_collection_rates_on_the_fees_page_equal_an_independent_count(
        examples_site: Path, reckonings: dict[str, Reckoning], cid: str) -> None:
    count = reckonings[cid]
    page = tree(examples_site / cid / "fees" / "index.html")
    assert f"按账目最后日期 {zh_date(count.as_of)} 计算" in page.text()
    months = count.months
    assert len(months) >= 12 and months[-1] == count.last_complete

    # The month × building matrix: every complete month, every building, by amount and by household.
    header, rows = matrix(page)
    assert header == ["月份", "全小区", *count.buildings]
    assert list(rows) == [zh_month(m) for m in reversed(months)]
    for month in months:
        expected = []
        for building in (None, *count.buildings):
            c = count.collected(month, building)
            expected.append(f"{percent(c.paid, c.due)} {c.units_paid}/{c.units_due} 户交齐")
        assert rows[zh_month(month)] == expected, (cid, month)

    # Due, paid and owed of the whole compound, to the cent.
    stack = page.one("table", "tf-stack")
    shown = {tr.all("td")[0].text(): [number(td.text()) for td in tr.all("td")[1:]]
             for tr in stack.one("tbody").all("tr")}
    assert list(shown) == [zh_month(m) for m in reversed(months)]
    for month in months:
        c = count.collected(month)
        assert shown[zh_month(month)] == [c.due, c.paid, c.due - c.paid], (cid, month)

    # The headline cards: the last complete month, the year to date and the year before, the arrears.
    last = count.collected(count.last_complete)
    shown_cards = cards(page)
    households = percent(Decimal(last.units_paid), Decimal(last.units_due))
    assert shown_cards[0] == (f"物业费收缴率 · 上月（{zh_month(count.last_complete)}）",
                              percent(last.paid, last.due), [f"按户数 {households}"])
    years = sorted({m[0] for m in months}, reverse=True)[:2]
    for (label, value, subs), year in zip(shown_cards[1:3], years, strict=True):
        total = Collected()
        for month in months:
            if month[0] == year:
                c = count.collected(month)
                total.due += c.due
                total.paid += c.paid
        assert label == f"物业费收缴率 · {year}年{'累计' if year == count.last_complete[0] else '全年'}"
        assert (value, subs) == (percent(total.paid, total.due), [f"{money(total.paid)} / {money(total.due)}"])
    owed = {code: count.owed(code) for code in count.units}
    arrears = sum(owed.values(), ZERO)
    debtors = sum(1 for value in owed.values() if value > 0)
    assert shown_cards[3] == ("欠费", money(arrears), [f"{debtors} 户"])
    assert f"截至{zh_month(count.last_complete)}，共 {debtors} 户欠费，合计 {money(arrears)} 元" in page.text()

    # The chart's bars, one a complete month.
    bars = [title.text() for title in page.one("figure", "tf-chart").all("title")[1:]]
    assert bars == [f"{m[0] % 100:02d}.{m[1]:02d} {percent(count.collected(m).paid, count.collected(m).due)}"
                    for m in months]

    # The dashboard and the front page show the same last month's rate.
    dashboard = [card for card in cards(tree(examples_site / cid / "index.html")) if card[0] == "物业费收缴率"]
    assert dashboard == [("物业费收缴率", percent(last.paid, last.due),
                          [f"上月（{zh_month(count.last_complete)}）",
                           f"{years[0]}年累计 {shown_cards[1][1]}"])]
    front = tree(examples_site / "index.html")
    [row] = [tr for tr in front.all("tr") if any(a.attrs.get("href", "").rstrip("/").endswith(cid)
                                                 for a in tr.all("a"))]
    [cell] = [td for td in row.all("td") if td.attrs.get("data-label") == "物业费收缴率"]
    assert cell.text(" ").split()[0] == percent(last.paid, last.due)


@pytest.mark.parametrize("cid", EXAMPLES)
def test_each_building_and_month_of_the_view_equals_the_count_to_the_cent(
        reckonings: dict[str, Reckoning], cid: str) -> None:
    """The page shows buildings' rates only; their dues and payments, and every unit's balance, are checked here."""
    count = reckonings[cid]
    view = build_view(load_books(PROJECT, cid)).fees
    assert view is not None
    assert (view.as_of, view.last_complete, view.buildings) == (count.as_of, count.last_complete, count.buildings)
    for month in count.months:
        for building in (None, *count.buildings):
            c = view.by_month[month][TOTAL if building is None else building]
            assert (c.due, c.paid, c.units_due, c.units_paid) == \
                (*vars(count.collected(month, building)).values(),), (cid, month, building)
    assert {code: s.owed for code, s in view.units.items()} == {code: count.owed(code) for code in count.units}


# 3. Each unit's own page


def picked_units(count: Reckoning) -> dict[str, str]:
    """Units of every kind an owner might be: prepaid, in arrears, paying in parts, billed from mid-year."""
    picks: dict[str, str] = {}
    codes = list(count.units)
    picks["prepaid"] = next(c for c in codes if any(r.period.endswith(f"..{count.as_of.year}-12")
                                                    for r in count.rows[c]))
    picks["arrears"] = next(c for c in codes if count.owed(c) > 0)
    picks["most-owed"] = max(codes, key=count.owed)
    late = [c for c in codes if count.units[c][2] > min(s for _, _, s in count.units.values())]
    if late:
        picks["billed-later"] = late[0]
    split_months = [c for c in codes if any(len(count.parts[(c, m)]) > 1 for m in count.months)]
    if split_months:
        picks["several-payments-a-month"] = split_months[0]
    picks["first"], picks["last"] = codes[0], codes[-1]
    return picks


@dataclass(frozen=True)
class Shown:
    month: str
    due: Decimal
    paid: Decimal
    payments: tuple[tuple[str, str, Decimal], ...]  # (href, text, amount), sorted


def unit_page(site: Path, cid: str, code: str) -> tuple[Node, list[Shown]]:
    """A unit page's rows, each labelled as its month (``2026年3月``) or, under the earlier years, its year."""
    page = tree(site / cid / "unit" / code / "index.html")
    shown = []
    heading = ""
    for node in page.one("main").children:
        if not isinstance(node, Node):
            continue
        if node.tag == "h2":
            heading = node.text()
        if node.tag != "ol" or "tf-unit-months" not in node.classes():
            continue
        for li in node.all("li"):
            label = li.one("b").text()
            due, paid = (number(span.text().split()[-1]) for span in li.all("span") if "num" not in span.classes())
            payments = []
            links = li.all("a")
            for a in links:
                if "/data/" in a.attrs["href"]:
                    continue  # an earlier year's download
                amounts = a.all("span", "num")
                # One payment is the month's paid figure; several show their parts.
                part = number(amounts[0].text()) if amounts else paid
                assert len(links) == 1 or amounts, (code, label)
                text = a.text().replace(amounts[0].text(), "") if amounts else a.text()
                payments.append((a.attrs["href"], text.strip(), part))
            shown.append(Shown(label if label.endswith("年") else heading + label, due, paid, tuple(sorted(payments))))
    return page, shown


def anchors(site: Path, path: str, cache: dict[str, set[str]]) -> set[str]:
    if path not in cache:
        file = site / path / "index.html"
        cache[path] = {n.attrs["id"] for n in tree(file).walk() if "id" in n.attrs} if file.is_file() else set()
    return cache[path]


@pytest.mark.parametrize("cid", EXAMPLES)
def test_a_unit_page_lists_exactly_its_sheet_rows(
        examples_site: Path, reckonings: dict[str, Reckoning], cid: str) -> None:
    assert SiteBuilder.UNIT_MONTHLY_YEARS == 2  # this year and last: every month of the example books
    assert_unit_pages(examples_site, reckonings[cid], cid, 2)


@pytest.fixture(scope="module")
def one_year_monthly(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example site with only this year month by month on a unit page, so last year is an earlier year."""
    site = tmp_path_factory.mktemp("one-year") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SiteBuilder, "UNIT_MONTHLY_YEARS", 1)
        assert main(["--root", str(PROJECT), "build", "--site-dir", str(site)]) == 0
    yield site


def test_an_earlier_year_is_one_line_with_its_totals_and_download(
        one_year_monthly: Path, reckonings: dict[str, Reckoning]) -> None:
    for cid in EXAMPLES:
        assert_unit_pages(one_year_monthly, reckonings[cid], cid, 1)


def assert_unit_pages(site: Path, count: Reckoning, cid: str, monthly_years: int) -> None:
    """The picked units' pages against the independent count: months, dues, payments, links, totals."""
    examples_site = site
    ids: dict[str, set[str]] = {}
    for kind, code in picked_units(count).items():
        building, area, since = count.units[code]
        page, shown = unit_page(examples_site, cid, code)
        assert page.one("h1").text() == f"单元 {code} 的物业费", kind
        assert f"{building}，面积 {money(area)} ㎡" in page.text()
        balance = page.one("div", "tf-unit-balance")
        assert balance.one("div", "label").text() == f"截至{zh_month(count.last_complete)}尚欠"
        assert number(balance.one("div", "value").text()) == count.owed(code), (kind, code)
        # Every month from its first billed one to this month, and every later month it has paid for: this
        # year and last year month by month, earlier years one line each with the year's download.
        paid_to = max((m for (c, m) in count.parts if c == code), default=count.current)
        months = month_range(since, max(count.current, paid_to))
        expected = []
        earlier: dict[int, list[Decimal]] = {}
        for month in reversed(months):
            parts = count.parts.get((code, month), [])
            due = count.due(code, month)
            assert due is not None
            if month[0] < count.last_complete[0] - monthly_years + 1:
                sums = earlier.setdefault(month[0], [Decimal(0), Decimal(0)])
                sums[0] += due
                sums[1] += count.paid(code, month)
                continue
            expected.append(Shown(zh_month(month), due, count.paid(code, month), tuple(sorted(
                (f"../../{p.date.year}/{p.date.month:02d}/#{p.voucher}", f"缴于 {zh_date(p.date)}（{p.voucher}）",
                 p.amount) for p in parts))))
        expected += [Shown(f"{year}年", due, paid, ()) for year, (due, paid) in earlier.items()]
        assert shown == expected, (kind, code)
        for year in earlier:
            link = page.one("a", href=f"../../data/transactions-{year}.zip")
            assert (examples_site / cid / "data" / f"transactions-{year}.zip").is_file(), link
        # Together the parts shown month by month are the unit's sheet rows for those months, voucher by voucher,
        # to the cent.
        by_voucher: dict[str, Decimal] = defaultdict(Decimal)
        for entry in shown:
            for href, _, amount in entry.payments:
                by_voucher[urlsplit(href).fragment] += amount
        rows: dict[str, Decimal] = defaultdict(Decimal)
        for (unit, month), parts in count.parts.items():
            if unit == code and month[0] > count.last_complete[0] - monthly_years:
                for part in parts:
                    rows[part.voucher] += part.amount
        assert by_voucher == rows, (kind, code)
        # Each link leads to the receipt's row on its month's page.
        base = f"https://site.invalid/{cid}/unit/{code}/"
        for entry in shown:
            for href, _, _ in entry.payments:
                target = urlsplit(urljoin(base, href))
                assert target.fragment in anchors(examples_site, target.path.strip("/"), ids), (code, href)


# 4. Privacy: door numbers nowhere, unit pages unlisted


DOOR_LIKE = re.compile(r"(?<![0-9-])[0-9]+-[0-9]+-[0-9]+(?![0-9-])")


def doors(rosters: dict[str, Path]) -> set[str]:
    found = set()
    for path in rosters.values():
        with path.open(encoding="utf-8", newline="") as file:
            found |= {row["door"] for row in csv.DictReader(file)}
    assert found and all(DOOR_LIKE.fullmatch(door) for door in found), "the example door numbers changed form"
    return found


# Generic examples of what a door number looks like, written in code and tests before the fictitious private
# rosters existed; the qingshui-garden roster happens to have that door too. Nothing else may match.
GENERIC_EXAMPLES = {("tests/test_rules.py", "-".join(("3", "2", "501")))}  # spelt so as not to be one itself


def door_numbers_in(text: str, known: set[str]) -> set[str]:
    return {match for match in DOOR_LIKE.findall(text) if match in known}


def test_no_door_number_reaches_the_site_or_the_repository(
        examples_site: Path, example_rosters: dict[str, Path]) -> None:
    known = doors(example_rosters)
    # The search itself finds a door number where one is written.
    assert door_numbers_in(f"门牌 {sorted(known)[0]}，", known) == {sorted(known)[0]}
    leaks = {}
    files = [p for p in examples_site.rglob("*") if p.is_file()]
    assert len(files) > 1000
    for path in files:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        found = door_numbers_in(raw.decode("utf-8", "ignore"), known)
        if found:
            leaks[str(path.relative_to(examples_site))] = sorted(found)[:3]
    assert leaks == {}
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT, capture_output=True, check=True).stdout
    names = [name for name in tracked.decode().split("\0") if name]
    assert "ledgers/qingshui-garden/units.csv" in names
    for name in names:
        path = PROJECT / name
        if path.is_file() and not path.is_symlink():
            found = {door for door in door_numbers_in(path.read_bytes().decode("utf-8", "ignore"), known)
                     if (name, door) not in GENERIC_EXAMPLES}
            if found:
                leaks[name] = sorted(found)[:3]
    assert leaks == {}


def test_unit_pages_are_unlisted_and_unlinked(examples_site: Path, reckonings: dict[str, Reckoning]) -> None:
    for cid in EXAMPLES:
        pages = sorted(p.name for p in (examples_site / cid / "unit").iterdir())
        assert pages == sorted(reckonings[cid].units), "one page for each unit of units.csv, no other"
        for code in pages[:25]:
            page = tree(examples_site / cid / "unit" / code / "index.html")
            robots = [m.attrs["content"] for m in page.all("meta") if m.attrs.get("name") == "robots"]
            assert robots == ["noindex, nofollow"]
            assert page.all("script") == [] and page.all("form") == []
    assert "/unit/" not in (examples_site / "sitemap.xml").read_text(encoding="utf-8")
    for index in [*examples_site.rglob("*.json"), *examples_site.rglob("*.xml")]:
        assert "/unit/" not in index.read_text(encoding="utf-8"), index
    # No page links to a unit page: every href and src of every other page, resolved.
    for path in examples_site.rglob("*.html"):
        relative = path.relative_to(examples_site).as_posix()
        if "/unit/" in relative:
            continue
        base = "https://site.invalid/" + relative
        html = path.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src|action)\s*=\s*["\']?([^"\'\s>]+)', html):
            target = urlsplit(urljoin(base, link))
            assert not (target.hostname == "site.invalid" and re.search(r"/unit/", target.path)), (relative, link)


def small_compound(repo: Repo) -> None:
    repo.write("budgets/test/2026.yaml", FEE_BUDGET)
    repo.write(UNITS_FILE, UNITS)
    receipts(repo, "aaaa2222,2026-03,180.00\nbbbb3333,2026-01..2026-03,483.30\n")


def test_fees_unit_pages_false_removes_the_unit_pages(repo: Repo, tmp_path: Path) -> None:
    small_compound(repo)
    assert build(repo.root, tmp_path / "on") == 0
    assert (tmp_path / "on" / "test" / "unit" / "aaaa2222" / "index.html").is_file()
    # With a site address the sitemap lists every page: the fees page, never a unit's.
    config = repo.root / "mkdocs.yml"
    without = re.sub(r"(?m)^site_url:.*\n", "", config.read_text(encoding="utf-8"))
    config.write_text("site_url: https://books.example.org/\n" + without, encoding="utf-8")
    assert main(["--root", str(repo.root), "build", "--site-dir", str(tmp_path / "mapped")]) == 0
    sitemap = (tmp_path / "mapped" / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://books.example.org/test/fees/" in sitemap and "/unit/" not in sitemap
    assert (tmp_path / "mapped" / "test" / "unit" / "aaaa2222" / "index.html").is_file()
    repo.write("ledgers/test/compound.yaml", PROFILE + "fees:\n  unit_pages: false\n")
    assert build(repo.root, tmp_path / "off") == 0
    assert (tmp_path / "off" / "test" / "fees" / "index.html").is_file()
    assert not (tmp_path / "off" / "test" / "unit").exists()
    assert not [p for p in (tmp_path / "off").rglob("*") if "aaaa2222" in p.name or p.name == "unit"]


# 5. trustfund units


def git_repo(repo: Repo) -> Repo:
    subprocess.run(["git", "init", "-q", str(repo.root)], check=True)
    repo.write(".gitignore", "build/\n")
    return repo


PRIVATE = """\
door,building,area,since,contact
99-1-101,1号楼,100.00,2026-01,不公开
99-1-102,1号楼,89.50,2026-01,不公开
98-1-101,2号楼,100.15,2026-03,不公开
"""


def run_units(repo: Repo, roster: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--root", str(repo.root), "units", "test", "--roster", str(roster)])
    return code, capsys.readouterr().err


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize("inside", ["private.csv", "ledgers/test/private.csv", "budgets/private.csv", "link"])
def test_units_refuses_a_private_roster_inside_the_repository(repo: Repo, tmp_path_factory: pytest.TempPathFactory,
                                                              capsys: pytest.CaptureFixture[str], inside: str) -> None:
    git_repo(repo)
    if inside == "link":  # a path outside that leads inside
        roster = tmp_path_factory.mktemp("elsewhere") / "roster.csv"
        roster.symlink_to(repo.write("private.csv", PRIVATE))
    else:
        roster = repo.write(inside, PRIVATE)
    code, err = run_units(repo, roster, capsys)
    assert code == 2
    assert "is inside the repository; the private roster (door numbers) must be kept outside it" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert roster.read_text(encoding="utf-8") == PRIVATE, "the private roster is not rewritten"
    assert not (repo.compound / "units.csv").exists()


def test_units_takes_a_private_roster_in_a_folder_git_ignores(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    git_repo(repo)
    roster = repo.write("build/rosters/test.csv", PRIVATE)
    code, err = run_units(repo, roster, capsys)
    assert code == 0 and "3 new unit code(s)" in err
    assert len(read_csv(repo.compound / "units.csv")) == 3
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo.root,
                            capture_output=True, text=True, check=True).stdout
    assert "build/" not in status and "ledgers/test/units.csv" in status


def test_units_gives_new_units_random_codes_and_keeps_the_codes_of_removed_ones(
        repo: Repo, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]) -> None:
    git_repo(repo)
    roster = tmp_path_factory.mktemp("committee") / "roster.csv"
    roster.write_text(PRIVATE, encoding="utf-8")
    code, err = run_units(repo, roster, capsys)
    assert code == 0 and "3 new unit code(s)" in err and "lists 3 unit(s)" in err
    first = read_csv(roster)
    codes = [row["code"] for row in first]
    assert all(re.fullmatch(r"[abcdefghijkmnpqrstuvwxyz23456789]{8}", c) for c in codes) and len(set(codes)) == 3
    assert [row["door"] for row in first] == ["99-1-101", "99-1-102", "98-1-101"]
    assert [row["contact"] for row in first] == ["不公开"] * 3, "the committee's own columns are kept"
    public = (repo.compound / "units.csv").read_text(encoding="utf-8")
    assert public == ("unit,building,area,since\n" + "".join(
        f"{c},{b},{a},{s}\n" for c, b, a, s in sorted(
            [(r["code"], r["building"], r["area"], r["since"]) for r in first],
            key=lambda r: (building_key(r[1]), r[0]))))
    assert "99-1-101" not in public and "不公开" not in public
    # The same doors synced afresh get other codes: nothing about the unit is in its code.
    again = tmp_path_factory.mktemp("again") / "roster.csv"
    again.write_text(PRIVATE, encoding="utf-8")
    other = Repo(tmp_path_factory.mktemp("other"))
    git_repo(other)
    assert run_units(other, again, capsys)[0] == 0
    assert not {row["code"] for row in read_csv(again)} & set(codes)

    # 99-1-102 leaves the private roster, 97-1-101 joins it: the leaver's code stays published, with its row.
    kept = [row for row in first if row["door"] != "99-1-102"]
    gone = next(row for row in first if row["door"] == "99-1-102")
    text = "code,door,building,area,since,contact\n" + "".join(
        f"{r['code']},{r['door']},{r['building']},{r['area']},{r['since']},{r['contact']}\n" for r in kept)
    roster.write_text(text + ",97-1-101,3号楼,126.80,2026-05,不公开\n", encoding="utf-8")
    code, err = run_units(repo, roster, capsys)
    assert code == 0 and "1 new unit code(s)" in err and "lists 4 unit(s)" in err
    second = read_csv(roster)
    assert [row["code"] for row in second[:2]] == [row["code"] for row in kept]
    newcomer = second[2]["code"]
    assert CODE.fullmatch(newcomer) and newcomer not in codes
    published = {row["unit"]: row for row in read_csv(repo.compound / "units.csv")}
    assert set(published) == {*codes, newcomer}
    assert published[gone["code"]] == {"unit": gone["code"], "building": "1号楼", "area": "89.50", "since": "2026-01"}
    assert published[newcomer] == {"unit": newcomer, "building": "3号楼", "area": "126.80", "since": "2026-05"}
    # And the books accept what it wrote.
    repo.write("budgets/test/2026.yaml", FEE_BUDGET)
    assert repo.check() == []


@pytest.mark.parametrize(("content", "message"), [
    ("building,area,since\n1号楼,89.50,2026-01\n", "needs the columns door, building, area, since (missing: door)"),
    ("door,building,area,since\n99-1-101,1号楼,八十九,2026-01\n", "line 2: needs a building, an area in m²"),
    ("door,building,area,since\n99-1-101,1号楼,89.50,2026-1\n", "line 2: needs a building, an area in m²"),
    ("door,building,area,since\n99-1-101,,89.50,2026-01\n", "line 2: needs a building"),
    ("door,building,area,since\n99-1-101,1号楼,89.50,2026-01\n99-1-102,1号楼,-1,2026-01\n", "line 3: needs"),
    (b"door,building,area,since\n99-1-101,1\xba\xc5\xc2\xa5,89.50,2026-01\n", "cannot be read as UTF-8 CSV"),
    ("", "needs the columns door, building, area, since"),
    (None, "cannot be read as UTF-8 CSV"),
], ids=["no-door-column", "chinese-area", "bad-since", "blank-building", "second-row", "gbk", "empty", "missing"])
def test_units_says_what_is_wrong_with_a_bad_private_roster(
        repo: Repo, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str],
        content: str | bytes | None, message: str) -> None:
    git_repo(repo)
    repo.write(UNITS_FILE, UNITS)
    roster = tmp_path_factory.mktemp("committee") / "roster.csv"
    if isinstance(content, str):
        roster.write_text(content, encoding="utf-8")
    elif content is not None:
        roster.write_bytes(content)
    code, err = run_units(repo, roster, capsys)
    assert code == 2
    assert err.startswith("trustfund: ") and message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert (repo.compound / "units.csv").read_text(encoding="utf-8") == UNITS, "units.csv is not touched"


def test_the_units_command_itself_prints_no_traceback(repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> None:
    git_repo(repo)
    roster = tmp_path_factory.mktemp("committee") / "roster.csv"
    roster.write_bytes(b"\xff\xfe\x00garbage")
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(repo.root), "units", "test",
                             "--roster", str(roster)], capture_output=True, text=True, check=False, timeout=60,
                            cwd=roster.parent, env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("trustfund: ") and "cannot be read as UTF-8 CSV" in result.stderr


# 6. trustfund bills, printed by real Chromium


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def print_bills(chromium: Browser, roster: Path, out: Path, month: str = "2026-11") -> tuple[Path, Path]:
    assert main(["--root", str(PROJECT), "bills", "qingshui-garden", month, "--roster", str(roster),
                 "--out", str(out), "--site-url", SITE_URL]) == 0
    html = out / f"bills-qingshui-garden-{month}.html"
    page = chromium.new_page()
    try:
        page.goto(html.as_uri())
        pdf = out / "bills.pdf"
        page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)
    finally:
        page.close()
    return html, pdf


def roster_subset(example_rosters: dict[str, Path], count: Reckoning, size: int) -> list[dict[str, str]]:
    rows = read_csv(example_rosters["qingshui-garden"])
    wanted = set(picked_units(count).values())
    chosen = [row for row in rows if row["code"] in wanted]
    chosen += [row for row in rows[::17] if row["code"] not in wanted][:size - len(chosen)]
    return chosen


def write_roster(rows: list[dict[str, str]], path: Path) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_bills_print_one_a4_page_per_unit_with_its_door_and_a_qr_code_to_its_page(
        chromium: Browser, example_rosters: dict[str, Path], reckonings: dict[str, Reckoning],
        tmp_path: Path) -> None:
    import pypdfium2  # type: ignore[import-untyped]
    import zxingcpp
    from pypdf import PdfReader

    count = reckonings["qingshui-garden"]
    rows = roster_subset(example_rosters, count, 20)
    assert len(rows) == 20
    roster = write_roster(rows, tmp_path / "roster.csv")
    _, pdf = print_bills(chromium, roster, tmp_path / "bills")
    reader = PdfReader(pdf)
    assert len(reader.pages) == len(rows)
    month = (2026, 11)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for number_, (row, page) in enumerate(zip(rows, reader.pages, strict=True)):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert abs(width - A4[0]) < 1 and abs(height - A4[1]) < 1, (number_, width, height)
            image = document[number_].render(scale=2).to_pil()
            codes = zxingcpp.read_barcodes(image)
            assert [c.text for c in codes] == [f"{SITE_URL}qingshui-garden/unit/{row['code']}/"], number_
            text = page.extract_text()
            assert row["door"] in text and row["code"] in text, number_
            # What the bill asks for: this month's due less what was paid for it already, and what is owed before.
            code = row["code"]
            due = count.due(code, month)
            assert due is not None
            now = due - count.paid(code, month)
            before = count.owed(code, (2026, 10))
            figures = [number(x) for x in re.findall(r"−?[0-9][0-9,]*\.[0-9]{2}", text)]
            assert figures == [count.units[code][1], Decimal("1.80"), now, before, now + before], (number_, code)
    finally:
        document.close()


def test_bills_for_the_whole_roster_print_one_page_per_unit(
        chromium: Browser, example_rosters: dict[str, Path], tmp_path: Path) -> None:
    import pypdfium2
    import zxingcpp
    from pypdf import PdfReader

    units = read_csv(PROJECT / "ledgers" / "qingshui-garden" / "units.csv")
    roster = read_csv(example_rosters["qingshui-garden"])
    _, pdf = print_bills(chromium, example_rosters["qingshui-garden"], tmp_path / "bills")
    reader = PdfReader(pdf)
    assert len(reader.pages) == len(units) == len(roster)
    # The first and the last page still belong to the first and the last unit of the roster.
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for index in (0, len(roster) - 1):
            [qr] = zxingcpp.read_barcodes(document[index].render(scale=2).to_pil())
            assert qr.text == f"{SITE_URL}qingshui-garden/unit/{roster[index]['code']}/"
            assert roster[index]["door"] in reader.pages[index].extract_text()
    finally:
        document.close()


def test_bills_refuse_a_roster_or_an_output_inside_the_repository(
        example_rosters: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inside = PROJECT / "bills-out"
    code = main(["--root", str(PROJECT), "bills", "qingshui-garden", "2026-11", "--roster",
                 str(example_rosters["qingshui-garden"]), "--out", str(inside), "--site-url", SITE_URL])
    err = capsys.readouterr().err
    assert code == 2 and "the bills (with door numbers) must stay outside it" in err
    assert not inside.exists()
    code = main(["--root", str(PROJECT), "bills", "qingshui-garden", "2026-1", "--roster",
                 str(example_rosters["qingshui-garden"]), "--out", str(tmp_path), "--site-url", SITE_URL])
    assert code == 2 and "month '2026-1' must be YYYY-MM" in capsys.readouterr().err


@pytest.mark.parametrize("ahead", [0, 1], ids=["this-month", "next-month"])
def test_every_bill_asks_for_the_months_due_less_what_was_paid_for_it_and_what_is_owed_before(
        example_rosters: dict[str, Path], reckonings: dict[str, Reckoning], tmp_path: Path, ahead: int) -> None:
    """This month's bills, and next month's (past the books' last date), for every unit of the roster."""
    count = reckonings["qingshui-garden"]
    month = following(count.current) if ahead else count.current
    label = f"{month[0]}-{month[1]:02d}"
    assert main(["--root", str(PROJECT), "bills", "qingshui-garden", label, "--roster",
                 str(example_rosters["qingshui-garden"]), "--out", str(tmp_path), "--site-url", SITE_URL]) == 0
    page = tree(tmp_path / f"bills-qingshui-garden-{label}.html")
    bills = page.all("section", "bill")
    roster = read_csv(example_rosters["qingshui-garden"])
    assert len(bills) == len(roster) == len(count.units)
    asked = Decimal(0)
    for row, bill in zip(roster, bills, strict=True):
        cells = {tr.one("th").text(): tr.one("td").text() for tr in bill.all("tr")}
        code = row["code"]
        building, area, _ = count.units[code]
        due = count.due(code, month)
        assert due is not None
        now = due - count.paid(code, month)
        before = count.owed(code, (month[0] - 1, 12) if month[1] == 1 else (month[0], month[1] - 1))
        assert cells == {"门牌号": row["door"], "楼栋": building, "建筑面积（㎡）": money(area),
                         "收费标准（元/㎡·月）": "1.80", "本月应缴": money(now), "此前欠费": money(before),
                         "合计": money(now + before)}, code
        assert f"单元代码 {code}" in bill.text()
        asked += now
    # Prepaid units are not asked again: some of them have paid this month already.
    assert asked < sum((count.due(code, month) or ZERO for code in count.units), ZERO)
