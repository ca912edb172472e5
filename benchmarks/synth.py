#!/usr/bin/env python3
"""Synthetic compound books for the benchmarks.

    python benchmarks/synth.py --transactions 100000 --out benchmarks/books/100000 [--seed 1]

writes a repository-shaped tree that passes every rule:

    OUT/ledgers/bench/compound.yaml
    OUT/ledgers/bench/main.beancount         options, plugin "generator.rules", includes
    OUT/ledgers/bench/accounts.beancount
    OUT/ledgers/bench/<YYYY>/<MM>.beancount  about N / months transactions each
    OUT/ledgers/bench/vouchers/<YYYY>/<MM>/  shared evidence PDFs and detail CSVs
    OUT/budgets/bench/<YYYY>.yaml            caps comfortably above spending
    OUT/notices/bench/<YYYY-MM-DD>-budget-<YYYY>.md   the passed budget votes

    OUT/ledgers/bench/units.csv              the public unit roster (2,000 units from 50k transactions)

The books hold exactly N transactions: daily batch property-fee receipts, each with a detail sheet
unit,period,amount (most units pay each month, about 5% prepay the year in January, about 3% never
pay), itemised parking
and advertising lump sums with detail sheets, bank interest, contract and sundry expenses
(evidence on every entry at or above the threshold), the trustee fee at each month end
(round-half-up of the base rate x the year's income so far, less what was booked before) and an
exact balance assertion on the fund at the start of every month after the first. Money is Decimal
throughout; the output depends only on the arguments.
"""

from __future__ import annotations

import argparse
import calendar
import random
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path

COMPOUND = "bench"
CURRENCY = "CNY"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BASE_RATE = Decimal("0.15")
THRESHOLD = Decimal("500.00")
FEE_PER_M2 = Decimal("3.50")  # property fee, CNY per m² per month
FUND = "Assets:Bank:Fund"
TRUSTEE_FEE = "Expenses:TrusteeFee"

# Public halves of throwaway ed25519 keys made once for the benchmarks (private ones discarded).
SIGNERS = [
    (
        "treasurer-bench",
        "treasurer",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBPGyajqdiQqiNI/6JoIfgB1uaCe6TY3rgbuS2uE6fh/",
    ),
    (
        "committee-bench",
        "committee",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEVKQjKhL+3oIhp2fgDkntm7g5xbDCA7eyHZ9luXFPbs",
    ),
    (
        "supervisor-bench",
        "supervisor",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFbpA+cJTzivTor2qjorVAspIbPRfmIr23c1/YlnKMUj",
    ),
]

# (account, name, name_en, extra metadata lines)
ACCOUNTS: list[tuple[str, str, str, str]] = [
    (FUND, "共有资金银行账户", "Common fund bank account", ""),
    ("Income:PropertyFees", "物业费收入", "Property fee income", '  income: "fees"\n'),
    ("Income:Parking", "停车费收入", "Parking income", '  income: "itemised"\n'),
    ("Income:Advertising", "广告费收入", "Advertising income", '  income: "itemised"\n'),
    ("Income:Interest", "利息收入", "Bank interest", '  income: "interest"\n'),
    ("Expenses:Cleaning", "保洁费", "Cleaning", ""),
    ("Expenses:Security", "秩序维护费", "Security", ""),
    ("Expenses:Greening", "绿化养护费", "Landscaping", ""),
    ("Expenses:Utilities", "公共水电费", "Common-area utilities", ""),
    ("Expenses:Utilities:Electricity", "公共电费", "Common-area electricity", ""),
    ("Expenses:Utilities:Water", "公共水费", "Common-area water", ""),
    ("Expenses:Repairs", "维修费", "Repairs", ""),
    ("Expenses:Repairs:Elevator", "电梯维保", "Lift maintenance", ""),
    ("Expenses:Repairs:Plumbing", "给排水维修", "Plumbing repairs", ""),
    ("Expenses:Repairs:General", "日常维修", "General repairs", ""),
    ("Expenses:Office", "办公费", "Office costs", ""),
    ("Expenses:Insurance", "公众责任险", "Public liability insurance", ""),
    ("Expenses:BankFees", "银行手续费", "Bank charges", ""),
    ("Expenses:Community", "社区活动", "Community events", ""),
    (TRUSTEE_FEE, "受托人酬金", "Trustee remuneration", ""),
]

# Budget lines; Water, Plumbing and General fall under their parents' lines.
BUDGET_LINES = [
    "Expenses:Cleaning",
    "Expenses:Security",
    "Expenses:Greening",
    "Expenses:Utilities",
    "Expenses:Utilities:Electricity",
    "Expenses:Repairs",
    "Expenses:Repairs:Elevator",
    "Expenses:Office",
    "Expenses:Insurance",
    "Expenses:BankFees",
    "Expenses:Community",
]
INCOME_ACCOUNTS = ["Income:PropertyFees", "Income:Parking", "Income:Advertising", "Income:Interest"]

# Monthly contract payments: (account, payee, what, CNY per household per month).
CONTRACTS = [
    ("Expenses:Cleaning", "清泉保洁服务有限公司", "保洁服务费", Decimal("6.00")),
    ("Expenses:Security", "安宁秩序维护服务有限公司", "秩序维护服务费", Decimal("8.00")),
    ("Expenses:Greening", "青林园林绿化工程有限公司", "绿化养护费", Decimal("2.00")),
    ("Expenses:Utilities:Electricity", "城市供电公司", "公共区域电费", Decimal("3.00")),
    ("Expenses:Utilities:Water", "城市自来水公司", "公共区域水费", Decimal("1.00")),
    ("Expenses:Repairs:Elevator", "升达电梯工程有限公司", "电梯维保费", Decimal("0.50")),
]

# Sundry spending: (account, payee, narrations).
SUNDRIES = [
    (
        "Expenses:Repairs:General",
        "顺安五金建材商行",
        ["楼道灯更换", "单元门闭门器维修", "围墙修补", "信报箱维修"],
    ),
    (
        "Expenses:Repairs:Plumbing",
        "通达管道维修服务部",
        ["水泵维修配件", "雨水管疏通", "化粪池清掏"],
    ),
    ("Expenses:Repairs:Elevator", "升达电梯工程有限公司", ["电梯配件更换", "电梯年检"]),
    ("Expenses:Office", "文华办公用品商店", ["办公用品采购", "打印纸和墨盒", "公示栏打印"]),
    ("Expenses:BankFees", "共有资金开户银行", ["银行转账手续费", "账户管理费"]),
    ("Expenses:Community", "邻里文化服务中心", ["社区活动物料", "重阳节活动", "业主大会会务"]),
    ("Expenses:Insurance", "平安财产保险公司", ["公众责任险分期保费"]),
    ("Expenses:Greening", "青林园林绿化工程有限公司", ["苗木补种", "草坪修剪耗材"]),
    ("Expenses:Cleaning", "清泉保洁服务有限公司", ["保洁耗材", "垃圾清运加班"]),
]

FIXED_PER_MONTH = len(CONTRACTS) + 3 + 1 + 1 + 28  # contracts, three lump sums, interest, trustee fee, fee days
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # as trustfund units gives them
UNITS_FROM_50K = 2000
INVOICE_FILES = 4  # shared evidence PDFs per month for sundry spending

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def rand_money(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount between low and high yuan, in whole cents."""
    return Decimal(rng.randint(low * 100, high * 100)).scaleb(-2)


@dataclass
class Txn:
    day: int
    payee: str
    narration: str
    postings: list[tuple[str, Decimal | None]]  # None: the fund posting, left to interpolation
    meta: list[tuple[str, str]] = field(default_factory=list)
    sheet: tuple[str, list[tuple[str, str, Decimal]]] | None = None  # (suffix, rows)
    header: str = "unit,item,amount"
    evidence: list[str] = field(default_factory=list)


@dataclass
class Household:
    code: str  # an opaque roster code
    building: int
    area: Decimal
    fee: Decimal  # the month's due: area x rate, half up to the cent
    habit: str  # "monthly", "prepays" (the year in January) or "never"


def households_for(count: int, rng: random.Random) -> list[Household]:
    """108 units a building, areas from a few layouts per building, random 8-character codes."""
    result = []
    taken: set[str] = set()
    layouts: list[Decimal] = []
    for i in range(count):
        building = i // 108 + 1
        if i % 108 == 0:
            layouts = [Decimal(rng.randint(6000, 16000)).scaleb(-2) for _ in range(3)]
        code = ""
        while not code or code in taken:
            code = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
        taken.add(code)
        roll = rng.random()
        habit = "never" if roll < 0.03 else "prepays" if roll < 0.08 else "monthly"
        area = layouts[i % 3]
        result.append(Household(code, building, area, money(area * FEE_PER_M2), habit))
    return result


def default_years(transactions: int) -> int:
    if transactions >= 50_000:
        return 5
    if transactions >= 5_000:
        return 2
    return 1


def months(start_year: int, years: int) -> Iterator[tuple[int, int]]:
    for year in range(start_year, start_year + years):
        for month in range(1, 13):
            yield year, month


def most_specific_line(account: str) -> str:
    best = ""
    for line in BUDGET_LINES:
        if (account == line or account.startswith(line + ":")) and len(line) > len(best):
            best = line
    if not best:
        raise AssertionError(f"{account} has no budget line")
    return best


def yaml_amount(value: Decimal) -> str:
    return f"{value:.2f}"


class Books:
    def __init__(self, transactions: int, seed: int, start_year: int, years: int, units: int | None = None) -> None:
        self.rng = random.Random(seed)
        self.start_year = start_year
        self.years = years
        self.month_count = years * 12
        per_month = transactions / self.month_count
        variable = per_month - FIXED_PER_MONTH
        if variable < 9:
            raise SystemExit(
                f"synth: {transactions} transactions over {self.month_count} months is too few "
                f"(need at least {(FIXED_PER_MONTH + 9) * self.month_count}); use fewer --years"
            )
        small = max(2, round(per_month * 1.5))
        count = units if units is not None else UNITS_FROM_50K if transactions >= 50_000 else small
        self.households = households_for(count, self.rng)
        self.floor_area = sum((h.area for h in self.households), ZERO)
        self.parking_spaces = max(5, len(self.households) // 4)
        self.space_rent = {
            f"P-{i + 1:03d}": Decimal(self.rng.choice([150, 200, 250, 300])).quantize(CENT)
            for i in range(self.parking_spaces)
        }
        self.ad_spots = max(2, len(self.households) // 60)
        base, extra = divmod(transactions, self.month_count)
        self.month_sizes = [base + (1 if i < extra else 0) for i in range(self.month_count)]
        self.spending: dict[int, dict[str, Decimal]] = {}
        self.income: dict[int, dict[str, Decimal]] = {}
        self.transaction_count = 0

    # -- one month ---------------------------------------------------------------------------

    def month_txns(self, year: int, month: int, size: int, opening: Decimal) -> list[Txn]:
        rng = self.rng
        last = calendar.monthrange(year, month)[1]
        label = f"{year}年{month}月"
        folder = f"{year}/{month:02d}"
        invoices = [f"{folder}/invoices-{i + 1}.pdf" for i in range(INVOICE_FILES)]
        txns: list[Txn] = []

        # Fees: one batch receipt per day money arrived, with a sheet of the units that paid that day.
        by_day: dict[int, list[tuple[str, str, Decimal]]] = {}
        period = f"{year}-{month:02d}"
        for house in self.households:
            if house.habit == "never" or (house.habit == "prepays" and month != 1):
                continue
            if house.habit == "prepays":
                row = (house.code, f"{year}-01..{year}-12", house.fee * 12)
            else:
                row = (house.code, period, house.fee)
            by_day.setdefault(min(rng.randint(1, 28), last - 1), []).append(row)
        for day in sorted(by_day):
            txns.append(self.lump(day, "物业费收款", f"{month}月{day}日物业费到账（{len(by_day[day])}笔）",
                                  "Income:PropertyFees", "fees", by_day[day], header="unit,period,amount"))

        rows = [(space, f"{label}月租车位", rent) for space, rent in self.space_rent.items()]
        txns.append(self.lump(3, "月租车位业主", f"{label}月租车位停车费", "Income:Parking", "parking", rows))
        daily_high = max(60, len(self.households) // 3)
        rows = [
            ("临停", f"{year}-{month:02d}-{day:02d} 临时停车收入", rand_money(rng, 10, daily_high))
            for day in range(1, last)
        ]
        txns.append(
            self.lump(
                last - 1,
                "临时停车收费系统",
                f"{label}临时停车费",
                "Income:Parking",
                "temp-parking",
                rows,
            )
        )
        rows = [(f"AD-{i + 1:02d}", f"{label}电梯广告位", rand_money(rng, 300, 1500)) for i in range(self.ad_spots)]
        txns.append(
            self.lump(
                10,
                "明远广告传媒有限公司",
                f"{label}电梯广告位租金",
                "Income:Advertising",
                "advertising",
                rows,
            )
        )
        interest = money(max(opening, ZERO) * Decimal("0.00025")) + CENT
        txns.append(
            Txn(
                20,
                "共有资金开户银行",
                f"{label}活期利息",
                [(FUND, interest), ("Income:Interest", -interest)],
            )
        )

        households = len(self.households)
        for account, payee, what, per_household in CONTRACTS:
            amount = money(per_household * households * Decimal(rng.randint(95, 105)) / 100)
            amount = max(amount, THRESHOLD)
            txns.append(
                Txn(
                    25,
                    payee,
                    f"{label}{what}",
                    [(account, amount), (FUND, None)],
                    evidence=[f"{folder}/contracts.pdf"],
                )
            )

        if size - len(txns) - 1 < 0:
            raise SystemExit(f"synth: {size} transactions in {year}-{month:02d} are too few; use fewer --years")
        for _ in range(size - len(txns) - 1):
            account, payee, narrations = rng.choice(SUNDRIES)
            roll = rng.random()
            if roll < 0.05:  # two lines that together reach the threshold
                other, _, more = rng.choice(SUNDRIES)
                postings: list[tuple[str, Decimal | None]] = [
                    (account, rand_money(rng, 260, 480)),
                    (other, rand_money(rng, 260, 480)),
                    (FUND, None),
                ]
                narration = f"{rng.choice(narrations)}及{rng.choice(more)}"
            else:
                amount = rand_money(rng, 500, 3000) if roll < 0.20 else rand_money(rng, 10, 300)
                postings = [(account, amount), (FUND, None)]
                narration = rng.choice(narrations)
            spent = sum((a for _, a in postings if a is not None), ZERO)
            evidence: list[str] = []
            if spent >= THRESHOLD or rng.random() < 0.3:
                evidence = [rng.choice(invoices)]
                if rng.random() < 0.1:
                    evidence.append(rng.choice([i for i in invoices if i != evidence[0]]))
            txns.append(Txn(rng.randint(1, last - 1), payee, narration, postings, evidence=evidence))

        txns.sort(key=lambda t: t.day)  # stable: same-day entries keep their order
        return txns

    def lump(
        self,
        day: int,
        payee: str,
        narration: str,
        account: str,
        suffix: str,
        rows: list[tuple[str, str, Decimal]],
        header: str = "unit,item,amount",
    ) -> Txn:
        total = sum((amount for _, _, amount in rows), ZERO)
        return Txn(day, payee, narration, [(FUND, total), (account, -total)], sheet=(suffix, rows), header=header)

    # -- writing -------------------------------------------------------------------------------

    def write(self, out: Path) -> None:
        ledger = out / "ledgers" / COMPOUND
        budgets = out / "budgets" / COMPOUND
        notices = out / "notices" / COMPOUND
        for path in (ledger, budgets, notices):
            if path.exists():
                shutil.rmtree(path)
            path.mkdir(parents=True)
        vouchers = ledger / "vouchers"

        balance = ZERO
        sequence: dict[int, int] = {}
        year_income = ZERO
        fee_booked = ZERO
        pending_balance: str | None = None
        for index, (year, month) in enumerate(months(self.start_year, self.years)):
            if month == 1:
                year_income = ZERO
                fee_booked = ZERO
                sequence[year] = 0
                self.spending[year] = {line: ZERO for line in BUDGET_LINES}
                self.income[year] = {account: ZERO for account in INCOME_ACCOUNTS}
            last = calendar.monthrange(year, month)[1]
            folder = vouchers / f"{year}" / f"{month:02d}"
            folder.mkdir(parents=True)
            rel_folder = f"{year}/{month:02d}"
            txns = self.month_txns(year, month, self.month_sizes[index], balance)

            parts: list[str] = []
            if pending_balance:
                parts.append(pending_balance)
            for txn in txns:
                sequence[year] += 1
                voucher = f"{year}-{sequence[year]:05d}"
                lines = [
                    f'{year}-{month:02d}-{txn.day:02d} * "{txn.payee}" "{txn.narration}"',
                    f'  voucher: "{voucher}"',
                ]
                lines.extend(f'  {key}: "{value}"' for key, value in txn.meta)
                if txn.sheet:
                    suffix, rows = txn.sheet
                    name = f"{voucher}-{suffix}.csv"
                    sheet = [txn.header]
                    sheet.extend(f"{unit},{item},{amount}" for unit, item, amount in rows)
                    (folder / name).write_text("\n".join(sheet) + "\n", encoding="utf-8")
                    lines.append(f'  detail: "{rel_folder}/{name}"')
                if txn.evidence:
                    lines.append(f'  evidence: "{", ".join(txn.evidence)}"')
                fund = ZERO
                explicit = ZERO
                for account, amount in txn.postings:
                    if amount is None:
                        lines.append(f"  {account}")
                        continue
                    explicit += amount
                    if account == FUND:
                        fund += amount
                    lines.append(f"  {account:<32} {amount:>12} {CURRENCY}")
                    if account.startswith("Expenses:"):
                        line = most_specific_line(account)
                        self.spending[year][line] += amount
                    elif account.startswith("Income:"):
                        year_income -= amount
                        self.income[year][account] -= amount
                if any(amount is None for _, amount in txn.postings):
                    fund -= explicit
                balance += fund
                parts.append("\n".join(lines))

            # Trustee remuneration at month end: the base rate of the year's income so far,
            # rounded half up to the cent, less what was booked earlier in the year.
            fee = money(BASE_RATE * year_income) - fee_booked
            fee_booked += fee
            sequence[year] += 1
            voucher = f"{year}-{sequence[year]:05d}"
            parts.append(
                "\n".join(
                    [
                        f'{year}-{month:02d}-{last:02d} * "基准物业服务有限公司" "{year}年{month}月受托人酬金"',
                        f'  voucher: "{voucher}"',
                        f'  evidence: "{rel_folder}/trustee-statement.pdf"',
                        f"  {TRUSTEE_FEE:<32} {fee:>12} {CURRENCY}",
                        f"  {FUND:<32} {-fee:>12} {CURRENCY}",
                    ]
                )
            )
            balance -= fee
            self.transaction_count += len(txns) + 1

            for name in ["contracts.pdf", "trustee-statement.pdf"] + [
                f"invoices-{i + 1}.pdf" for i in range(INVOICE_FILES)
            ]:
                (folder / name).write_bytes(MINIMAL_PDF)

            (ledger / f"{year}").mkdir(exist_ok=True)
            (ledger / f"{year}" / f"{month:02d}.beancount").write_text("\n\n".join(parts) + "\n", encoding="utf-8")
            next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
            pending_balance = f"{next_year}-{next_month:02d}-01 balance {FUND:<24} {balance:>12} {CURRENCY}"
            if balance < 0:
                raise SystemExit(
                    f"synth: the fund is overdrawn at the end of {year}-{month:02d}; "
                    "use more transactions or fewer --years"
                )

        self.write_profile(ledger)
        (ledger / "units.csv").write_text(
            "unit,building,area,since\n"
            + "".join(f"{h.code},{h.building}号楼,{h.area},{self.start_year}-01\n" for h in self.households),
            encoding="utf-8",
        )
        self.write_budgets_and_votes(budgets, notices)

    def write_profile(self, ledger: Path) -> None:
        signers = "\n".join(
            f'  - {{principal: {principal}, role: {role}, key: "{key}"}}' for principal, role, key in SIGNERS
        )
        (ledger / "compound.yaml").write_text(
            "name: 基准花园\n"
            "name_en: Benchmark Garden\n"
            f"households: {len(self.households)}\n"
            f"floor_area: {yaml_amount(self.floor_area)}\n"
            f"currency: {CURRENCY}\n"
            f"evidence_threshold: {yaml_amount(THRESHOLD)}\n"
            f"accounts: {{fund: {FUND}, trustee_fee: {TRUSTEE_FEE}}}\n"
            "signers:\n" + signers + "\n",
            encoding="utf-8",
        )
        (ledger / "main.beancount").write_text(
            'option "title" "基准花园共有资金账簿"\n'
            'option "operating_currency" "CNY"\n'
            'option "tolerance_multiplier" "0"\n'
            'plugin "generator.rules"\n'
            'include "accounts.beancount"\n'
            'include "20[0-9][0-9]/[01][0-9].beancount"\n',
            encoding="utf-8",
        )
        opened = f"{self.start_year}-01-01"
        (ledger / "accounts.beancount").write_text(
            "\n".join(
                f'{opened} open {account} {CURRENCY}\n  name: "{name}"\n  name_en: "{name_en}"\n{extra}'
                for account, name, name_en, extra in ACCOUNTS
            ),
            encoding="utf-8",
        )

    def write_budgets_and_votes(self, budgets: Path, notices: Path) -> None:
        rng = self.rng
        total_households = len(self.households)
        for year in range(self.start_year, self.start_year + self.years):
            vote_date = f"{year - 1}-12-20"
            slug = f"{vote_date}-budget-{year}"
            lines = []
            for line in BUDGET_LINES:
                spent = self.spending[year][line]
                cap = (spent * Decimal("1.3") / 1000).to_integral_value(rounding=ROUND_CEILING)
                lines.append(f"  {line}: {yaml_amount(cap * 1000 + 1000)}")
            income = [f"  {account}: {yaml_amount(money(self.income[year][account]))}" for account in INCOME_ACCOUNTS]
            (budgets / f"{year}.yaml").write_text(
                f"year: {year}\n"
                f"approved_by: {slug}\n"
                "trustee:\n"
                f"  base_rate: {BASE_RATE}\n"
                f"fees:\n  rate: {FEE_PER_M2}\n"
                "income:\n" + "\n".join(income) + "\n"
                "lines:\n" + "\n".join(lines) + "\n",
                encoding="utf-8",
            )

            # About 80% of households take part and about 75% of them approve.
            order = list(range(total_households))
            rng.shuffle(order)
            voted = order[: (total_households * 4 + 4) // 5]
            approving = voted[: (len(voted) * 3 + 3) // 4]
            voted_area = sum((self.households[i].area for i in voted), ZERO)
            for_area = sum((self.households[i].area for i in approving), ZERO)
            if not (
                3 * len(voted) >= 2 * total_households
                and 3 * voted_area >= 2 * self.floor_area
                and 2 * len(approving) > len(voted)
                and 2 * for_area > voted_area
            ):
                raise AssertionError(f"the synthetic {year} budget vote would not pass")
            (notices / f"{slug}.md").write_text(
                "---\n"
                f"title: {year}年度开放式预算表决结果\n"
                f"title_en: Result of the vote on the {year} open budget\n"
                f"date: {vote_date}\n"
                "kind: vote\n"
                "matter: budget\n"
                f"households: {{total: {total_households}, voted: {len(voted)}, "
                f"for: {len(approving)}}}\n"
                f"area: {{total: {yaml_amount(self.floor_area)}, voted: {yaml_amount(voted_area)}, "
                f"for: {yaml_amount(for_area)}}}\n"
                "result: passed\n"
                f"summary: 业主大会表决通过{year}年度开放式预算。\n"
                f"summary_en: The owners' assembly approved the {year} open budget.\n"
                "---\n\n"
                f"业主大会对{year}年度开放式预算进行了表决，"
                "参与表决的业主人数和专有部分面积均超过三分之二，"
                "同意的人数和面积均超过参与表决的一半，预算获得通过。\n\n"
                f"The owners' assembly voted on the {year} open budget. More than two thirds of "
                "the households and of the floor area took part, and more than half of both "
                "approved.\n",
                encoding="utf-8",
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--transactions",
        "-n",
        type=int,
        required=True,
        help="how many transactions to write (exactly)",
    )
    parser.add_argument("--out", type=Path, required=True, help="root of the synthetic repository")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--years",
        type=int,
        default=None,
        help="years of books (default: 1 below 5k, 2 below 50k, else 5)",
    )
    parser.add_argument("--start-year", type=int, default=2021)
    parser.add_argument("--units", type=int, default=None, help=f"units in the roster (default: {UNITS_FROM_50K} "
                        "from 50k transactions, else one and a half per transaction a month)")
    args = parser.parse_args(argv)
    years = args.years or default_years(args.transactions)
    started = time.perf_counter()
    books = Books(args.transactions, args.seed, args.start_year, years, args.units)
    books.write(args.out)
    print(
        f"synth: {books.transaction_count} transactions, {len(books.households)} households, "
        f"{years} year(s) from {args.start_year} -> {args.out} "
        f"in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
