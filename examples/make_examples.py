#!/usr/bin/env python3
"""Write the two FICTITIOUS example compounds of trustfund.

    python examples/make_examples.py            # (re)write ledgers/, budgets/, notices/ for both
    python examples/make_examples.py --verify   # only re-check what is on disk, independently

Every name, unit code, company and figure written here is made up (虚构示例). The output is
deterministic: seeded ``random.Random`` per compound, no wall clock, money as ``Decimal`` quantized
to the cent. Running it twice gives byte-identical files. It deletes and rewrites only its own
compounds' folders (``ledgers/<id>``, ``budgets/<id>``, ``notices/<id>``); the example signing
keys in ``examples/keys/`` are created once and kept.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import datetime as dt
import io
import json
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path

from beancount.scripts.format import align_beancount

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.books.scaffold import ACCOUNTS, CURRENCY_COLUMN

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "examples" / "keys"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
FUND = "Assets:Bank:Fund"
FEE = "Expenses:TrusteeFee"
OPENING = "Equity:Opening"
FIRST_MONTH = (2025, 1)
LAST_MONTH = (2026, 10)
YEARS = (2025, 2026)
THRESHOLD = Decimal("500.00")
FICTITIOUS_ZH = "虚构示例小区，所有名称与数字均为虚构"
FICTITIOUS_EN = "A fictitious example compound; every name and figure is made up."


# --------------------------------------------------------------------------------------------
# money helpers


def q(x: Decimal | int | str) -> Decimal:
    return Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP)


def rand_money(rng: random.Random, lo: int | str, hi: int | str) -> Decimal:
    """A random amount in [lo, hi] yuan, drawn in whole cents (no floats)."""
    lo_c = int(Decimal(lo) * 100)
    hi_c = int(Decimal(hi) * 100)
    return Decimal(rng.randint(lo_c, hi_c)) / 100


def ceil_to(x: Decimal, step: int) -> Decimal:
    return q((x / step).to_integral_value(rounding=ROUND_CEILING) * step)


def round_to(x: Decimal, step: int) -> Decimal:
    return q((x / step).to_integral_value(rounding=ROUND_HALF_UP) * step)


def fmt_amt(x: Decimal) -> str:
    return f"{x:.2f}"


def fmt_zh(x: Decimal) -> str:
    return f"{x:,.2f}"


def months() -> list[tuple[int, int]]:
    out = []
    y, m = FIRST_MONTH
    while (y, m) <= LAST_MONTH:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def last_day(y: int, m: int) -> dt.date:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def next_first(y: int, m: int) -> dt.date:
    return dt.date(y + 1, 1, 1) if m == 12 else dt.date(y, m + 1, 1)


# --------------------------------------------------------------------------------------------
# tiny deterministic evidence files


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text lines; correct xref; no dates or ids in it."""

    def esc(s: str) -> str:
        s.encode("ascii")  # evidence text is ASCII by construction
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    height = 40 + 14 * len(lines)
    ops = ["BT", "/F1 9 Tf", "14 TL", f"24 {height - 28} Td"]
    for i, line in enumerate(lines):
        ops.append(("" if i == 0 else "T* ") + f"({esc(line)}) Tj")
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 480 {height}] "
            "/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ).encode("ascii"),
        b"<< /Length " + str(len(stream)).encode("ascii") + b" >>\nstream\n" + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode("ascii") + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n".encode("ascii")
    out += b"0000000000 65535 f \n"
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode("ascii")
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode(
        "ascii"
    )
    return bytes(out)


GLYPHS = {  # 3x5 bitmap font, rows top to bottom
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001001001001", "8": "111101111101111",
    "9": "111101111001111", "-": "000000111000000", ".": "000000000000010",
    " ": "000000000000000", "A": "010101111101101", "C": "111100100100111",
    "E": "111100111100111", "F": "111100110100100", "I": "111010010010111",
    "L": "100100100100111", "M": "101111111101101", "N": "110101101101101",
    "O": "111101101101111", "P": "111101111100100", "S": "111100111001111",
    "T": "111010010010010", "U": "101101101101111", "X": "101101010101101",
    "Y": "101101010010010",
}


def png_bytes(lines: list[str], seed: int) -> bytes:
    """A 120x40 8-bit grey PNG: light background, border, faint diagonal hatching, text lines."""
    w, h = 120, 40
    px = [[224] * w for _ in range(h)]
    for y in range(h):
        for x in range(w):
            if x in (0, w - 1) or y in (0, h - 1):
                px[y][x] = 120
            elif (x + y + seed) % 9 == 0:
                px[y][x] = 208
    for li, text in enumerate(lines[:3]):
        top = 3 + li * 12
        for ci, ch in enumerate(text[:14]):
            glyph = GLYPHS[ch]
            for gy in range(5):
                for gx in range(3):
                    if glyph[gy * 3 + gx] == "1":
                        for dy in range(2):
                            for dx in range(2):
                                px[top + gy * 2 + dy][4 + ci * 8 + gx * 2 + dx] = 40
    raw = b"".join(b"\x00" + bytes(row) for row in px)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


# --------------------------------------------------------------------------------------------
# the model of one compound's books


@dataclass
class Txn:
    date: dt.date
    payee: str
    narration: str
    postings: list[tuple[str, Decimal]]
    en: str  # English description, for the evidence documents
    payee_en: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # extra metadata (unit, period)
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (kind, ext)
    evidence_extra: list[str] = field(default_factory=list)  # extra PDF lines
    detail: tuple[str, list[tuple[str, str, Decimal]]] | None = None  # (kind, rows)
    seq: int = 0
    voucher: str = ""

    @property
    def ym(self) -> tuple[int, int]:
        return (self.date.year, self.date.month)

    def evidence_paths(self) -> list[str]:
        y, m = self.ym
        return [f"{y}/{m:02d}/{self.voucher}-{kind}.{ext}" for kind, ext in self.evidence]

    def detail_path(self) -> str:
        assert self.detail is not None
        y, m = self.ym
        return f"{y}/{m:02d}/{self.voucher}-{self.detail[0]}.csv"


@dataclass(frozen=True)
class RosterUnit:
    code: str
    building: str
    area: Decimal
    since: tuple[int, int]
    door: str  # fictitious, and only ever in the private roster under build/


LAYOUTS = [Decimal(a) for a in ("78.60", "89.50", "98.40", "112.30", "126.80", "135.40", "143.60")]
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
PRIVATE_ROSTERS = ROOT / "build" / "rosters"


def write_private_roster(c: Compound, books: Books) -> None:
    """The committee's private roster, fictitious: door numbers beside codes, never committed (build/ is
    ignored); `trustfund bills` and the tests read it."""
    PRIVATE_ROSTERS.mkdir(parents=True, exist_ok=True)
    rows = ["code,door,building,area,since"] + [f"{u.code},{u.door},{u.building},{fmt_amt(u.area)},"
                                                f"{u.since[0]}-{u.since[1]:02d}" for u in books.units]
    (PRIVATE_ROSTERS / f"{c.cid}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


# The scaffold's standard chart (generator/books/scaffold.py), plus a sub-account for elevator repairs.
ACCOUNTS_COMMON = [a for a in ACCOUNTS if a[3] != "liability"]  # no unit has paid beyond its dues
ACCOUNTS_COMMON.insert([a[0] for a in ACCOUNTS_COMMON].index("Expenses:Repairs") + 1,
                       ("Expenses:Repairs:Elevator", "电梯维修费", "Elevator repairs", None))

BUDGET_LINES = [
    "Expenses:Cleaning", "Expenses:Security", "Expenses:Greening", "Expenses:Repairs",
    "Expenses:Utilities", "Expenses:Staff", "Expenses:Office",
]


@dataclass
class Compound:
    cid: str
    seed: int
    name: str
    name_en: str
    short_en: str
    description: str
    address: str
    address_en: str
    households: int
    floor_area: Decimal
    trustee: tuple[str, str]
    supervisors: list[tuple[str, str, str]]
    suffix: str  # principal suffix (qs / ht)
    opening: Decimal
    buildings: int
    fee_rate: dict[int, Decimal]  # CNY per m2 per month, by year
    base_rate: Decimal
    bonus_rate: Decimal | None
    bonus_min_score: int | None
    score_2025: int
    has_rental: bool
    has_elevator: bool
    costs: dict[str, dict[int, Decimal]]  # fixed monthly contracts by year
    parking_spaces: int
    parking_rates: tuple[Decimal, Decimal]
    parking_underground: int
    single_spaces: dict[str, tuple[str, Decimal, list[int]]]  # code -> (kind, amount, months)
    ad_slot_fee: Decimal
    ad_gate_fee: Decimal | None
    cleaning_payee: tuple[str, str]
    vote_dates: dict[int, dt.date]  # budget year -> vote date
    assessment_date: dt.date
    minutes_date: dt.date
    elec: tuple[int, int]
    water: tuple[int, int]
    greening_extra: tuple[int, int]
    repair_prob: float
    repair_range: tuple[int, int]
    office_range: tuple[int, int]
    planned_repairs: list[tuple[dt.date, str, str, Decimal]] = field(default_factory=list)

    @property
    def accounts(self) -> list[tuple[str, str, str, bool]]:
        out = []
        for acc in ACCOUNTS_COMMON:
            if acc[0] == "Income:Rental" and not self.has_rental:
                continue
            if acc[0] == "Expenses:Repairs:Elevator" and not self.has_elevator:
                continue
            out.append(acc)
        return out


QINGSHUI = Compound(
    cid="qingshui-garden",
    seed=20250101,
    name="清水花园",
    name_en="Qingshui Garden",
    short_en="Qingshui Garden",
    description=f"{FICTITIOUS_ZH} / {FICTITIOUS_EN}",
    address="示例市虚构区清水路1号",
    address_en="1 Qingshui Rd, Fictional District, Example City",
    households=439,
    floor_area=Decimal("41236.50"),
    trustee=("示例物业服务有限公司", "Example Property Services Co., Ltd."),
    supervisors=[
        ("community", "清水社区居民委员会", "Qingshui Community Residents' Committee"),
        ("lawyer", "示例律师事务所", "Example Law Firm"),
        ("accountant", "示例会计师事务所", "Example Accounting Firm"),
    ],
    suffix="qs",
    opening=Decimal("186420.35"),
    buildings=8,
    fee_rate={2025: Decimal("1.80"), 2026: Decimal("1.80")},
    base_rate=Decimal("0.15"),
    bonus_rate=None,
    bonus_min_score=None,
    score_2025=88,
    has_rental=False,
    has_elevator=False,
    costs={
        "cleaning": {2025: Decimal("15000.00"), 2026: Decimal("15450.00")},
        "security": {2025: Decimal("29800.00"), 2026: Decimal("30600.00")},
        "greening": {2025: Decimal("5200.00"), 2026: Decimal("5200.00")},
        "staff": {2025: Decimal("11600.00"), 2026: Decimal("12000.00")},
    },
    parking_spaces=120,
    parking_rates=(Decimal("200.00"), Decimal("150.00")),
    parking_underground=80,
    single_spaces={
        "P-023": ("year", Decimal("2160.00"), [1]),
        "P-101": ("half", Decimal("810.00"), [1, 7]),
    },
    ad_slot_fee=Decimal("600.00"),
    ad_gate_fee=None,
    cleaning_payee=("清水保洁服务有限公司", "Qingshui Cleaning Services Co., Ltd."),
    vote_dates={2025: dt.date(2024, 12, 21), 2026: dt.date(2025, 12, 20)},
    assessment_date=dt.date(2026, 1, 18),
    minutes_date=dt.date(2025, 9, 13),
    elec=(5600, 9200),
    water=(1700, 2900),
    greening_extra=(2800, 6200),
    repair_prob=0.6,
    repair_range=(1500, 9800),
    office_range=(120, 1300),
    planned_repairs=[
        (dt.date(2025, 8, 19), "2号楼外墙渗漏维修", "Facade leak repair, building 2",
         Decimal("12860.00")),
        (dt.date(2026, 5, 14), "地下车库排水沟改造", "Garage drainage channel rework",
         Decimal("9640.00")),
    ],
)

HETANG = Compound(
    cid="hetang-court",
    seed=20250202,
    name="荷塘苑",
    name_en="Hetang Court",
    short_en="Hetang Court",
    description=f"{FICTITIOUS_ZH} / {FICTITIOUS_EN}",
    address="示例市虚构区荷塘街88号",
    address_en="88 Hetang St, Fictional District, Example City",
    households=781,
    floor_area=Decimal("83120.40"),
    trustee=("示例安居物业服务有限公司", "Example Anju Property Services Co., Ltd."),
    supervisors=[
        ("community", "荷塘社区居民委员会", "Hetang Community Residents' Committee"),
        ("lawyer", "虚构律师事务所", "Fictional Law Firm"),
        ("accountant", "虚构会计师事务所", "Fictional Accounting Firm"),
    ],
    suffix="ht",
    opening=Decimal("352816.70"),
    buildings=12,
    fee_rate={2025: Decimal("1.65"), 2026: Decimal("1.65")},
    base_rate=Decimal("0.12"),
    bonus_rate=Decimal("0.03"),
    bonus_min_score=90,
    score_2025=93,
    has_rental=True,
    has_elevator=True,
    costs={
        "cleaning": {2025: Decimal("29500.00"), 2026: Decimal("30200.00")},
        "security": {2025: Decimal("56000.00"), 2026: Decimal("57400.00")},
        "greening": {2025: Decimal("10800.00"), 2026: Decimal("10800.00")},
        "staff": {2025: Decimal("23400.00"), 2026: Decimal("24100.00")},
        "rental": {2025: Decimal("7800.00"), 2026: Decimal("8100.00")},
    },
    parking_spaces=260,
    parking_rates=(Decimal("200.00"), Decimal("150.00")),
    parking_underground=180,
    single_spaces={
        "P-118": ("year", Decimal("2376.00"), [2]),
        "P-205": ("quarter", Decimal("480.00"), [1, 4, 7, 10]),
        "P-247": ("year", Decimal("1728.00"), [3]),
    },
    ad_slot_fee=Decimal("680.00"),
    ad_gate_fee=Decimal("3000.00"),
    cleaning_payee=("荷塘保洁服务有限公司", "Hetang Cleaning Services Co., Ltd."),
    vote_dates={2025: dt.date(2024, 12, 14), 2026: dt.date(2025, 12, 13)},
    assessment_date=dt.date(2026, 1, 20),
    minutes_date=dt.date(2025, 11, 22),
    elec=(13500, 20500),
    water=(3900, 6100),
    greening_extra=(4500, 9800),
    repair_prob=0.6,
    repair_range=(1200, 11800),
    office_range=(150, 1450),
)

COMPOUNDS = [QINGSHUI, HETANG]

# the hetang budget amendment
AMEND_SLUG = "2026-06-28-repair-amendment-vote"
AMEND_DATE = dt.date(2026, 6, 28)
AMEND_AMOUNT = Decimal("20000.00")

PAYEES_EN = {
    "示例银行": "Example Bank",
    "示例市供电公司": "Example City Power Supply Co.",
    "示例市自来水公司": "Example City Water Supply Co.",
    "示例安保服务有限公司": "Example Security Services Co., Ltd.",
    "示例园林绿化有限公司": "Example Landscaping Co., Ltd.",
    "示例文具办公用品有限公司": "Example Stationery and Office Supplies Co., Ltd.",
    "示例建筑维修工程有限公司": "Example Building Maintenance Engineering Co., Ltd.",
    "示例电梯工程有限公司": "Example Elevator Engineering Co., Ltd.",
    "示例传媒广告有限公司": "Example Media Advertising Co., Ltd.",
    "示例便民超市有限公司": "Example Convenience Store Co., Ltd.",
}

REPAIRS = [  # (zh template, en template); {b} = building number
    ("{b}号楼单元门禁维修", "Entrance access control repair, building {b}"),
    ("地下车库照明灯具更换", "Garage lighting replacement"),
    ("小区围墙局部修补", "Partial repair of the boundary wall"),
    ("{b}号楼屋面防水修补", "Roof waterproofing repair, building {b}"),
    ("消防栓阀门更换", "Fire hydrant valve replacement"),
    ("雨水井疏通及井盖更换", "Storm drain clearing and cover replacement"),
    ("儿童游乐设施维修", "Playground equipment repair"),
    ("车辆道闸系统维修", "Car park barrier repair"),
    ("监控摄像头更换", "CCTV camera replacement"),
    ("{b}号楼楼道窗户维修", "Stairwell window repair, building {b}"),
    ("二次供水水泵检修", "Secondary water supply pump overhaul"),
    ("{b}号楼单元门更换闭门器", "Door closer replacement, building {b}"),
]

ELEVATOR_REPAIRS = [
    ("{b}号楼{l}号电梯门机维修", "Lift door operator repair, building {b} lift {l}"),
    ("{b}号楼{l}号电梯钢丝绳更换", "Lift rope replacement, building {b} lift {l}"),
    ("{b}号楼{l}号电梯控制板更换", "Lift control board replacement, building {b} lift {l}"),
    ("{b}号楼{l}号电梯平层故障维修", "Lift levelling fault repair, building {b} lift {l}"),
]

OFFICE = [
    ("打印纸及耗材", "Printer paper and toner"),
    ("公示栏展板制作", "Notice board panels"),
    ("办公文具", "Stationery"),
    ("财务凭证装订用品", "Voucher binding supplies"),
    ("管理处网络通信费", "Office internet service"),
]


# --------------------------------------------------------------------------------------------
# generation


class Books:
    def __init__(self, c: Compound) -> None:
        self.c = c
        self.rng = random.Random(c.seed)
        self.txns: list[Txn] = []
        self._seq = 0
        self.building_area = self._building_areas()
        self.units = self._roster()
        # The profile's floor area is the roster's: votes are counted by it.
        c.floor_area = sum((u.area for u in self.units), ZERO)
        self.fee_events = self._fee_events()

    def _roster(self) -> list[RosterUnit]:
        """A few layouts per building, units numbered building-entrance-floor-room (fictitious, as everything
        here); codes are random, as `trustfund units` makes them."""
        c = self.c
        rng = random.Random(c.seed + 7)
        shares = [a / c.floor_area for a in self.building_area]
        counts = [int(c.households * share) for share in shares]
        counts[-1] += c.households - sum(counts)
        taken: set[str] = set()
        units = []
        for b, count in enumerate(counts, start=1):
            layouts = sorted(rng.sample(LAYOUTS, 3))
            per_floor = 4 if c.has_elevator else 2
            for index in range(count):
                entrance, rest = divmod(index, per_floor * 18)
                floor, room = divmod(rest, per_floor)
                area = layouts[room % len(layouts)]
                since = (2025, 7) if b == len(counts) and index >= count - 6 else FIRST_MONTH
                code = ""
                while not code or code in taken:
                    code = "".join(rng.choice(CODE_ALPHABET) for _ in range(8))
                taken.add(code)
                units.append(RosterUnit(code, f"{b}号楼", area, since, f"{b}-{entrance + 1}-{floor + 1}{room + 1:02d}"))
        return units

    def _fee_events(self) -> dict[tuple[int, int], list[tuple[dt.date, str, str, Decimal]]]:
        """Who pays for which month, and when. Most units pay on time; about one in six at first pays nothing
        until, month by month, they come round (as owners do when the books become visible) — some paying
        back what they owed; a handful never pay; some prepay the whole year in January."""
        c = self.c
        rng = random.Random(c.seed + 11)
        all_months = months()
        events: dict[tuple[int, int], list[tuple[dt.date, str, str, Decimal]]] = defaultdict(list)
        for unit in self.units:
            kind = rng.random()
            chronic, prepays, reluctant = kind < 0.012, 0.012 <= kind < 0.05, 0.05 <= kind < 0.26
            converts_at = rng.randint(0, len(all_months) - 2) if reluctant else 0
            pays_back = rng.random() < 0.2
            owed: list[tuple[int, int]] = []
            prepaid: set[int] = set()
            for index, (y, m) in enumerate(all_months):
                if (y, m) < unit.since or chronic:
                    continue
                due = q(unit.area * c.fee_rate[y])
                if reluctant and index < converts_at:
                    owed.append((y, m))
                    continue
                day = dt.date(y, m, rng.randint(3, 26))
                if reluctant and index == converts_at:
                    if pays_back:
                        for oy, om in owed:
                            events[(y, m)].append((day, unit.code, f"{oy}-{om:02d}", q(unit.area * c.fee_rate[oy])))
                    owed = []
                if prepays and m == 1:
                    events[(y, 1)].append((day, unit.code, f"{y}-01..{y}-12", due * 12))
                    prepaid.add(y)
                if y in prepaid:
                    continue
                if rng.random() < 0.985:
                    events[(y, m)].append((day, unit.code, f"{y}-{m:02d}", due))
                else:
                    owed.append((y, m))
                if owed and not reluctant and rng.random() < 0.6 and owed[-1] != (y, m):
                    for oy, om in owed:  # a month missed is paid with a later one
                        events[(y, m)].append((day, unit.code, f"{oy}-{om:02d}", q(unit.area * c.fee_rate[oy])))
                    owed = []
        return events

    def _building_areas(self) -> list[Decimal]:
        weights = [self.rng.randint(80, 120) for _ in range(self.c.buildings)]
        total = sum(weights)
        areas = [q(self.c.floor_area * w / total) for w in weights[:-1]]
        areas.append(self.c.floor_area - sum(areas))
        return areas

    def add(self, t: Txn) -> Txn:
        self._seq += 1
        t.seq = self._seq
        self.txns.append(t)
        return t

    def income(self, date: dt.date, payee: str, narration: str, account: str, amount: Decimal,
               en: str, **kw: object) -> Txn:
        return self.add(Txn(date, payee, narration, [(FUND, amount), (account, -amount)], en,
                            **kw))  # type: ignore[arg-type]

    def expense(self, date: dt.date, payee: str, narration: str, account: str, amount: Decimal,
                en: str, kinds: list[tuple[str, str]] | None = None, **kw: object) -> Txn:
        t = Txn(date, payee, narration, [(account, amount), (FUND, -amount)], en,
                **kw)  # type: ignore[arg-type]
        if amount >= THRESHOLD:
            t.evidence = kinds or [("invoice", "pdf")]
        return self.add(t)

    def balance_before(self, date: dt.date) -> Decimal:
        return sum((a for t in self.txns if t.date < date for acc, a in t.postings if acc == FUND),
                   ZERO)

    # ----------------------------------------------------------------------------------------

    def generate(self) -> None:
        c, rng = self.c, self.rng
        self.add(Txn(dt.date(2025, 1, 1), "示例银行", "共有资金期初结余",
                     [(FUND, c.opening), (OPENING, -c.opening)],
                     "Opening balance of the common fund account", "Example Bank",
                     evidence=[("statement", "pdf")]))
        # parking: which spaces are rented (state carried month to month)
        singles = set(c.single_spaces)
        spaces = [f"P-{i:03d}" for i in range(1, c.parking_spaces + 1)
                  if f"P-{i:03d}" not in singles]
        rented = {s: rng.random() < 0.62 for s in spaces}
        ad_slots = [f"AD-{b}-{lift}" for b in range(1, c.buildings + 1) for lift in (1, 2)]
        ad_taken = {s: rng.random() < 0.85 for s in ad_slots}
        fee_booked: dict[int, Decimal] = defaultdict(lambda: ZERO)
        income_ytd: dict[int, Decimal] = defaultdict(lambda: ZERO)

        for y, m in months():
            month_txns_start = len(self.txns)
            ym_zh = f"{y}年{m}月"
            ld = last_day(y, m)
            # --- property fees: one batch receipt a day, its sheet naming each unit and month paid for
            by_day: dict[dt.date, list[tuple[str, str, Decimal]]] = defaultdict(list)
            for day, code, period, amount in self.fee_events.get((y, m), []):
                by_day[day].append((code, period, amount))
            for day, rows in sorted(by_day.items()):
                total = sum((amount for _, _, amount in rows), ZERO)
                self.income(day, "物业费收款", f"{day.month}月{day.day}日物业费到账（{len(rows)}笔）",
                            "Income:PropertyFees", total, f"Property fees received {day.isoformat()}",
                            detail=("fees", sorted(rows)), payee_en="Property fee receipts")
            # --- parking lump sum with detail sheet
            rows = []
            for s in spaces:
                if rented[s]:
                    rented[s] = rng.random() < 0.96
                else:
                    rented[s] = rng.random() < 0.07
                if rented[s]:
                    n = int(s[2:])
                    under = n <= c.parking_underground
                    rate_p = c.parking_rates[0] if under else c.parking_rates[1]
                    kind = "地下月租车位" if n <= c.parking_underground else "地面月租车位"
                    rows.append((s, f"{ym_zh}{kind}", rate_p))
            temp = rand_money(rng, 2200, 4200) if c.cid == "qingshui-garden" else rand_money(
                rng, 4800, 7600)
            rows.append(("P-TEMP", f"{ym_zh}临时停车收费", temp))
            total = sum((r[2] for r in rows), ZERO)
            self.income(dt.date(y, m, rng.randint(6, 9)), c.trustee[0] + "停车场收费处",
                        f"{ym_zh}停车费汇总", "Income:Parking", total,
                        f"Parking fees {y}-{m:02d}", detail=("parking", rows),
                        payee_en=c.trustee[1] + " car park office")
            # --- single-space prepayments
            for code, (kind, amt, mths) in c.single_spaces.items():
                if m in mths:
                    period = {"year": f"{y}年全年", "half": f"{y}年{'上' if m <= 6 else '下'}半年",
                              "quarter": f"{y}年第{(m - 1) // 3 + 1}季度"}[kind]
                    self.income(dt.date(y, m, rng.randint(2, 5)), f"{code}车位承租户",
                                f"{code}车位{period}租金", "Income:Parking", amt,
                                f"Parking space {code} rent", meta={"unit": code},
                                payee_en=f"Tenant of space {code}")
            # --- advertising, quarterly
            if m in (1, 4, 7, 10):
                qtr = (m - 1) // 3 + 1
                rows = []
                for s in ad_slots:
                    if rng.random() < 0.05:
                        ad_taken[s] = not ad_taken[s]
                    if ad_taken[s]:
                        rows.append((s, f"{y}年第{qtr}季度电梯轿厢广告位", c.ad_slot_fee))
                if c.ad_gate_fee is not None:
                    rows.append(("AD-GATE-1", f"{y}年第{qtr}季度大门广告牌", c.ad_gate_fee))
                total = sum((r[2] for r in rows), ZERO)
                self.income(dt.date(y, m, rng.randint(10, 15)), "示例传媒广告有限公司",
                            f"{y}年第{qtr}季度广告位租金", "Income:Advertising", total,
                            f"Advertising slots, Q{qtr} {y}", detail=("advertising", rows),
                            payee_en=PAYEES_EN["示例传媒广告有限公司"])
            # --- rental (hetang: a shop space)
            if c.has_rental:
                self.income(dt.date(y, m, rng.randint(2, 6)), "示例便民超市有限公司",
                            f"S-01商铺{ym_zh}租金", "Income:Rental", c.costs["rental"][y],
                            f"Shop space S-01 rent {y}-{m:02d}", meta={"unit": "S-01"},
                            payee_en=PAYEES_EN["示例便民超市有限公司"])
            # --- interest, quarterly on the 21st
            if m in (3, 6, 9, 12):
                bal = self.balance_before(dt.date(y, m, 21))
                amt = q(bal * Decimal("0.0035") * 90 / 360 * Decimal(rng.randint(95, 105)) / 100)
                self.income(dt.date(y, m, 21), "示例银行", f"{y}年第{m // 3}季度存款利息",
                            "Income:Interest", amt, f"Deposit interest Q{m // 3} {y}",
                            payee_en="Example Bank")

            # --- monthly expenses
            self.expense(dt.date(y, m, 5), c.cleaning_payee[0], f"{ym_zh}保洁服务费",
                         "Expenses:Cleaning", c.costs["cleaning"][y],
                         f"Cleaning services {y}-{m:02d}", payee_en=c.cleaning_payee[1])
            self.expense(dt.date(y, m, 8), "示例安保服务有限公司", f"{ym_zh}秩序维护服务费",
                         "Expenses:Security", c.costs["security"][y],
                         f"Security services {y}-{m:02d}",
                         payee_en=PAYEES_EN["示例安保服务有限公司"])
            self.expense(dt.date(y, m, 10), c.trustee[0], f"{ym_zh}管理处人员薪酬",
                         "Expenses:Staff", c.costs["staff"][y],
                         f"Management office staff costs {y}-{m:02d} (summary, no names)",
                         [("payroll", "pdf")], payee_en=c.trustee[1])
            self.expense(dt.date(y, m, 12), "示例园林绿化有限公司", f"{ym_zh}绿化养护服务费",
                         "Expenses:Greening", c.costs["greening"][y],
                         f"Greening maintenance {y}-{m:02d}",
                         payee_en=PAYEES_EN["示例园林绿化有限公司"])
            if m in (4, 10):
                amt = rand_money(rng, *c.greening_extra)
                season = "春季" if m == 4 else "秋季"
                self.expense(dt.date(y, m, rng.randint(16, 24)), "示例园林绿化有限公司",
                             f"{y}年{season}补植苗木", "Expenses:Greening", amt,
                             f"Replanting, {'spring' if m == 4 else 'autumn'} {y}",
                             payee_en=PAYEES_EN["示例园林绿化有限公司"])
            summer = Decimal(1) + (Decimal("0.25") if m in (6, 7, 8) else ZERO) + (
                Decimal("0.10") if m in (1, 12) else ZERO)
            elec = q(rand_money(rng, *c.elec) * summer)
            self.expense(dt.date(y, m, 15), "示例市供电公司", f"{ym_zh}公共区域电费",
                         "Expenses:Utilities", elec, f"Common-area electricity {y}-{m:02d}",
                         [("bill", "pdf")], payee_en=PAYEES_EN["示例市供电公司"])
            water = rand_money(rng, *c.water)
            self.expense(dt.date(y, m, 16), "示例市自来水公司", f"{ym_zh}公共区域水费",
                         "Expenses:Utilities", water, f"Common-area water {y}-{m:02d}",
                         [("bill", "pdf")], payee_en=PAYEES_EN["示例市自来水公司"])
            for _ in range(rng.randint(1, 2)):
                zh, en = rng.choice(OFFICE)
                amt = rand_money(rng, *c.office_range)
                self.expense(dt.date(y, m, rng.randint(3, 27)), "示例文具办公用品有限公司",
                             f"{zh}（{ym_zh}）", "Expenses:Office", amt, f"{en} {y}-{m:02d}",
                             [("receipt", "png")],
                             payee_en=PAYEES_EN["示例文具办公用品有限公司"])
            # --- repairs, irregular
            self.repairs(y, m)

            # --- trustee fee, last day of the month
            income_ytd[y] += sum(
                (-a for t in self.txns[month_txns_start:] for acc, a in t.postings
                 if acc.startswith("Income:")), ZERO)
            target = q(c.base_rate * income_ytd[y])
            fee = target - fee_booked[y]
            fee_booked[y] = target
            pct = f"{c.base_rate * 100:.0f}%"
            basis = "基础酬金" if c.bonus_rate else "酬金"
            self.expense(ld, c.trustee[0], f"{ym_zh}受托人{basis}（按本年累计收入{pct}计提）", FEE,
                         fee, f"Trustee remuneration {y}-{m:02d}", [("computation", "pdf")],
                         payee_en=c.trustee[1], evidence_extra=[
                             f"Fund income {y} to {ld.isoformat()}: {fmt_amt(income_ytd[y])} CNY",
                             f"{pct} of it, rounded half up: {fmt_amt(target)} CNY",
                             f"Less remuneration booked earlier in {y}: "
                             f"{fmt_amt(target - fee)} CNY",
                             f"This entry: {fmt_amt(fee)} CNY"])
            # --- hetang: performance bonus for 2025, after the assessment (score 93)
            if c.bonus_rate is not None and (y, m) == (2026, 1):
                pass  # the bonus is booked in February, see below
            if c.bonus_rate is not None and (y, m) == (2026, 2):
                assert c.bonus_min_score is not None and c.score_2025 >= c.bonus_min_score
                inc25 = income_ytd[2025]
                bonus = q(c.bonus_rate * inc25)
                self.expense(dt.date(2026, 2, 10), c.trustee[0],
                             f"2025年度绩效奖励（考核{c.score_2025}分）", FEE, bonus,
                             "Performance bonus for 2025", [("computation", "pdf")],
                             meta={"period": "2025"}, payee_en=c.trustee[1], evidence_extra=[
                                 f"Fund income 2025 (whole year): {fmt_amt(inc25)} CNY",
                                 f"Assessment 2025 score {c.score_2025} (>= "
                                 f"{c.bonus_min_score}), notice of "
                                 f"{c.assessment_date.isoformat()}",
                                 f"Bonus {c.bonus_rate * 100:.0f}% of it: {fmt_amt(bonus)} CNY"])
        self.income_by_year = dict(income_ytd)
        self.assign_vouchers()

    def repairs(self, y: int, m: int) -> None:
        c, rng = self.c, self.rng
        if c.has_elevator and (y, m) == (2026, 6):
            return  # hetang: nothing in June 2026 while the amendment is being voted on
        if rng.random() < c.repair_prob:
            zh, en = rng.choice(REPAIRS)
            b = rng.randint(1, c.buildings)
            amt = rand_money(rng, *c.repair_range)
            day = rng.randint(3, 27)
            self.expense(dt.date(y, m, day), "示例建筑维修工程有限公司", zh.format(b=b),
                         "Expenses:Repairs", amt, en.format(b=b),
                         [("invoice", "pdf"), ("photo", "png")],
                         payee_en=PAYEES_EN["示例建筑维修工程有限公司"])
        if c.has_elevator and rng.random() < 0.3:
            zh, en = rng.choice(ELEVATOR_REPAIRS)
            b, lift = rng.randint(1, c.buildings), rng.randint(1, 2)
            amt = rand_money(rng, 1500, 6800)
            self.expense(dt.date(y, m, rng.randint(3, 27)), "示例电梯工程有限公司",
                         zh.format(b=b, l=lift), "Expenses:Repairs:Elevator", amt,
                         en.format(b=b, l=lift), [("invoice", "pdf"), ("photo", "png")],
                         payee_en=PAYEES_EN["示例电梯工程有限公司"])
        for d, zh, en, amt in c.planned_repairs:
            if (d.year, d.month) == (y, m):
                self.expense(d, "示例建筑维修工程有限公司", zh, "Expenses:Repairs", amt, en,
                             [("contract", "pdf"), ("invoice", "pdf"), ("photo", "png")],
                             payee_en=PAYEES_EN["示例建筑维修工程有限公司"])
        if c.has_elevator and (y, m) == (2026, 7):
            # the job the June amendment vote was about
            self.expense(dt.date(2026, 7, 16), "示例电梯工程有限公司",
                         "5号楼2号电梯曳引机更换（业主大会2026年6月28日表决通过）",
                         "Expenses:Repairs:Elevator", Decimal("31860.00"),
                         "Traction machine replacement, building 5 lift 2",
                         [("contract", "pdf"), ("invoice", "pdf"), ("photo", "png")],
                         payee_en=PAYEES_EN["示例电梯工程有限公司"])

    def assign_vouchers(self) -> None:
        self.txns.sort(key=lambda t: (t.date, t.seq))
        counters: dict[int, int] = defaultdict(int)
        for t in self.txns:
            counters[t.date.year] += 1
            t.voucher = f"{t.date.year}-{counters[t.date.year]:04d}"

    # ----------------------------------------------------------------------------------------
    # figures for budgets and notices

    def spend(self, year: int, line: str, until: dt.date | None = None) -> Decimal:
        return sum((a for t in self.txns
                    if t.date.year == year and (until is None or t.date <= until)
                    for acc, a in t.postings if acc == line or acc.startswith(line + ":")), ZERO)

    def income_of(self, year: int, account: str) -> Decimal:
        return sum((-a for t in self.txns if t.date.year == year for acc, a in t.postings
                    if acc == account), ZERO)

    def make_budgets(self) -> dict[int, dict[str, object]]:
        c = self.c
        rng = random.Random(f"{c.cid}-budgets")
        budgets: dict[int, dict[str, object]] = {}
        for y in YEARS:
            lines: dict[str, Decimal] = {}
            amendments: list[tuple[str, dict[str, Decimal]]] = []
            for line in BUDGET_LINES:
                s = self.spend(y, line)
                if line == "Expenses:Repairs":
                    if c.has_elevator and y == 2026:
                        before = self.spend(y, line, AMEND_DATE)
                        cap = ceil_to(s - AMEND_AMOUNT + 500, 1000)
                        assert before < cap < s <= cap + AMEND_AMOUNT, (before, cap, s)
                        amendments.append((AMEND_SLUG, {line: AMEND_AMOUNT}))
                    else:
                        cap = ceil_to(s * Decimal("1.01"), 1000)  # tight on purpose
                else:
                    # 2026: the budget plans the whole year; the books stop in October
                    whole = s if y == 2025 else s * 12 / 10
                    cap = ceil_to(whole * Decimal(rng.randint(106, 113)) / 100,
                                  1000 if whole >= 100000 else 100)
                lines[line] = cap
            income = {}
            for acc, _zh, _en, _it in c.accounts:
                if acc.startswith("Income:"):
                    # planned from the last year's actual income (2025: from the books themselves)
                    actual = self.income_of(2025, acc)
                    spread = (97, 103) if y == 2025 else (99, 104)
                    step = 100 if actual < 10000 else 1000
                    income[acc] = round_to(actual * Decimal(rng.randint(*spread)) / 100, step)
            budgets[y] = {"lines": lines, "amendments": amendments, "income": income}
        return budgets


# --------------------------------------------------------------------------------------------
# writing


def yaml_str(s: str) -> str:
    if re.fullmatch(r"[^\s:#'\"\[\]{},&*!|>%@`\-?][^:#]*", s) and not s.endswith(" ") and (
        ": " not in s
    ):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ensure_keys(c: Compound) -> list[tuple[str, str, str]]:
    out = []
    d = KEYS / c.cid
    d.mkdir(parents=True, exist_ok=True)
    for role in ("treasurer", "committee", "supervisor"):
        principal = f"{role}-{c.suffix}"
        key = d / principal
        if not (key.exists() and key.with_suffix(".pub").exists()):
            for p in (key, key.with_suffix(".pub")):
                p.unlink(missing_ok=True)
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                 f"trustfund EXAMPLE key, not secret: {principal}", "-f", str(key)],
                check=True)
        pub = key.with_suffix(".pub").read_text(encoding="ascii").strip()
        out.append((principal, role, pub))
    readme = KEYS / "README.md"
    readme.write_text(KEYS_README, encoding="utf-8")
    return out


KEYS_README = """\
# Example signing keys — deliberately public

These ed25519 key pairs belong to the **fictitious** example compounds (`qingshui-garden`,
`hetang-court`). Their private halves are committed on purpose, so that anyone can try signed
commits and `trustfund verify` against the examples.

**They are not secret and must never be used for a real compound.** A real compound's signers create
their own keys (`ssh-keygen -t ed25519`) and put only the public half in `compound.yaml`.

这些是虚构示例小区的示例密钥，私钥故意公开，仅供演示与测试，切勿用于任何真实小区。

`examples/make_examples.py` creates them once and keeps them, so rerunning it gives the same files.
"""


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def write_compound(c: Compound, books: Books, budgets: dict[int, dict[str, object]]) -> None:
    led = ROOT / "ledgers" / c.cid
    signers = ensure_keys(c)
    # compound.yaml
    lines = [
        f"# {c.name} — {FICTITIOUS_ZH}。 / {FICTITIOUS_EN}",
        f"name: {c.name}",
        f"name_en: {c.name_en}",
        f"description: {yaml_str(c.description)}",
        f"address: {c.address}",
        f"address_en: {yaml_str(c.address_en)}",
        f"households: {c.households}",
        f"floor_area: {fmt_amt(c.floor_area)}",
        "currency: CNY",
        f"evidence_threshold: {fmt_amt(THRESHOLD)}",
        "trustee:",
        f"  name: {c.trustee[0]}",
        f"  name_en: {yaml_str(c.trustee[1])}",
        "supervisors:",
    ]
    for role, zh, en in c.supervisors:
        lines.append(f"  - {{role: {role}, name: {zh}, name_en: {yaml_str(en)}}}")
    # Organisations owners can reach (never a person); the numbers are fictitious, zeros included.
    number = "0101" if c.suffix == "qs" else "0202"
    lines += [
        "contact:",
        f"  - {{name: {c.name}物业服务中心（示例）, name_en: {yaml_str(c.short_en + ' property service centre')}, "
        f'phone: "010-0000-{number}", hours: "每天 8:00–18:00", hours_en: "daily 8:00–18:00", '
        f"mailbox: 1号楼大堂意见箱, mailbox_en: {yaml_str('mailbox in the lobby of building 1')}, "
        f"email: service@{c.cid}.example}}",
        f"  - {{name: {c.name}业主委员会（示例）, name_en: {yaml_str(c.short_en + ' owners committee')}, "
        f'phone: "400-000-{number}", mailbox: 东门公示栏旁意见箱, '
        f"mailbox_en: {yaml_str('mailbox beside the notice board at the east gate')}, "
        f"email: committee@{c.cid}.example}}",
        "response_days: 3",
    ]
    lines.append(f"accounts: {{fund: {FUND}, trustee_fee: {FEE}}}")
    lines.append("signers:")
    for principal, role, pub in signers:
        # GitHub logins are fictitious too: a reply in a query's thread by one of them counts as the compound's.
        lines.append(f'  - {{principal: {principal}, role: {role}, github: example-{principal}, key: "{pub}"}}')
    write_text(led / "compound.yaml", "\n".join(lines) + "\n")

    # units.csv: the public roster; the private one (door numbers) goes to the ignored build/ folder only
    public = ["unit,building,area,since"] + [f"{u.code},{u.building},{fmt_amt(u.area)},{u.since[0]}-{u.since[1]:02d}"
                                             for u in books.units]
    write_text(led / "units.csv", "\n".join(public) + "\n")
    write_private_roster(c, books)

    # main.beancount
    write_text(led / "main.beancount", (
        f"; {c.name} / {c.name_en} — 虚构示例 / fictitious example\n"
        f'option "title" "{c.name}共有资金 (虚构示例)"\n'
        'option "operating_currency" "CNY"\n'
        'option "tolerance_multiplier" "0"\n'
        'plugin "generator.rules"\n'
        'include "accounts.beancount"\n'
        'include "20[0-9][0-9]/[01][0-9].beancount"\n'))

    # accounts.beancount
    out = [f"; {c.name} 科目表 / chart of accounts — 虚构示例 / fictitious example", ""]
    for acc, zh, en, kind in c.accounts:
        out.append(f"2025-01-01 open {acc} CNY")
        out.append(f'  name: "{zh}"')
        out.append(f'  name_en: "{en}"')
        if kind:
            out.append(f'  income: "{kind}"')
        out.append("")
    write_text(led / "accounts.beancount", "\n".join(out))

    # journal, vouchers
    by_month: dict[tuple[int, int], list[Txn]] = defaultdict(list)
    for t in books.txns:
        by_month[t.ym].append(t)
    bal = ZERO
    for y, m in months():
        out = [f"; {c.name} {y}年{m}月 — 虚构示例 / fictitious example", ""]
        for t in by_month[(y, m)]:
            out.append(f'{t.date.isoformat()} * "{t.payee}" "{t.narration}"')
            out.append(f'  voucher: "{t.voucher}"')
            for k, v in t.meta.items():
                out.append(f'  {k}: "{v}"')
            if t.evidence:
                out.append(f'  evidence: "{",".join(t.evidence_paths())}"')
            if t.detail:
                out.append(f'  detail: "{t.detail_path()}"')
            for acc, a in t.postings:
                out.append(f"  {acc:<34}{fmt_amt(a):>12} CNY")
                if acc == FUND:
                    bal += a
            out.append("")
            write_evidence(c, led, t)
        out.append(f"{next_first(y, m).isoformat()} balance {FUND}  {fmt_amt(bal)} CNY")
        out.append("")
        # Laid out as bean-format (and Fava's editor) lays it out, so formatting the books changes nothing.
        write_text(led / f"{y}" / f"{m:02d}.beancount",
                   align_beancount("\n".join(out), currency_column=CURRENCY_COLUMN))

    # budgets
    for y, b in budgets.items():
        bl = [f"# {c.name} {y}年度开放式预算 — 虚构示例 / fictitious example",
              f"year: {y}",
              f"approved_by: {budget_vote_slug(c, y)}",
              "trustee:",
              f"  base_rate: {c.base_rate}"]
        if c.bonus_rate is not None:
            bl += [f"  bonus_rate: {c.bonus_rate}", f"  bonus_min_score: {c.bonus_min_score}"]
        bl += ["fees:", f"  rate: {fmt_amt(c.fee_rate[y])}                 # CNY per m² per month"]
        bl.append("income:")
        for acc, amt in b["income"].items():  # type: ignore[attr-defined]
            bl.append(f"  {acc}: {fmt_amt(amt)}")
        bl.append("lines:")
        for acc, amt in b["lines"].items():  # type: ignore[attr-defined]
            bl.append(f"  {acc}: {fmt_amt(amt)}")
        if b["amendments"]:
            bl.append("amendments:")
            for slug, am in b["amendments"]:  # type: ignore[attr-defined]
                bl.append(f"  - approved_by: {slug}")
                bl.append("    lines:")
                for acc, amt in am.items():
                    bl.append(f"      {acc}: {fmt_amt(amt)}")
        write_text(ROOT / "budgets" / c.cid / f"{y}.yaml", "\n".join(bl) + "\n")


def write_evidence(c: Compound, led: Path, t: Txn) -> None:
    amount = sum((a for acc, a in t.postings if acc.startswith("Expenses:") and a > 0), ZERO)
    if amount == 0:
        amount = sum((a for acc, a in t.postings if acc == FUND), ZERO)
    for (kind, ext), rel in zip(t.evidence, t.evidence_paths(), strict=True):
        path = led / "vouchers" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if ext == "pdf":
            lines = [
                f"FICTITIOUS EXAMPLE {kind.upper()} - not a real document",
                f"{c.short_en} (example compound) - voucher {t.voucher} - {fmt_amt(amount)} CNY",
                f"Date: {t.date.isoformat()}",
                f"Counterparty: {t.payee_en or 'n/a'}",
                f"Item: {t.en}",
                *t.evidence_extra,
            ]
            path.write_bytes(pdf_bytes(lines))
        else:
            seed = int(t.voucher[5:])
            path.write_bytes(png_bytes(["FICTITIOUS", t.voucher, f"{fmt_amt(amount)} CNY"], seed))
    if t.detail:
        path = led / "vouchers" / t.detail_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["unit", "period" if t.detail[0] == "fees" else "item", "amount"])
        for unit, item, amt in t.detail[1]:
            w.writerow([unit, item, fmt_amt(amt)])
        path.write_bytes(buf.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------------------------
# notices


def budget_vote_slug(c: Compound, year: int) -> str:
    return f"{c.vote_dates[year].isoformat()}-budget-vote"


def vote_figures(c: Compound, rng: random.Random) -> tuple[dict[str, int], dict[str, Decimal]]:
    h_total = c.households
    h_voted = rng.randint(-(-h_total * 70 // 100), h_total * 88 // 100)
    h_for = rng.randint(h_voted * 70 // 100, h_voted * 92 // 100)
    a_total = c.floor_area
    a_voted = q(a_total * h_voted / h_total * Decimal(rng.randint(985, 1015)) / 1000)
    a_voted = min(a_voted, a_total)
    a_for = q(a_voted * h_for / h_voted * Decimal(rng.randint(985, 1015)) / 1000)
    a_for = min(a_for, a_voted)
    assert 3 * h_voted >= 2 * h_total and 3 * a_voted >= 2 * a_total
    assert 2 * h_for > h_voted and 2 * a_for > a_voted
    return ({"total": h_total, "voted": h_voted, "for": h_for},
            {"total": a_total, "voted": a_voted, "for": a_for})


def pct(a: Decimal | int, b: Decimal | int) -> str:
    return f"{q(Decimal(a) * 100 / Decimal(b)).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def front(fields: list[tuple[str, str]]) -> str:
    """Front matter; a value that starts with a newline is a block (a list of items, one a line)."""
    return "---\n" + "".join(f"{k}:{v}\n" if v.startswith("\n") else f"{k}: {v}\n"
                             for k, v in fields) + "---\n\n"


def flow_str(s: str) -> str:
    """A string inside a YAML flow mapping ({...}), where a comma or bracket would end it."""
    if yaml_str(s) == s and not any(ch in s for ch in ",[]{}"):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


FOOT = ("\n*本公告为虚构示例，所有名称与数字均为虚构。 / "
        "Fictitious example: every name and figure is made up.*\n")


def vote_block(c: Compound, h: dict[str, int], a: dict[str, Decimal]
               ) -> tuple[list[tuple[str, str]], str]:
    fm = [
        ("households", f"{{total: {h['total']}, voted: {h['voted']}, for: {h['for']}}}"),
        ("area", f"{{total: {fmt_amt(a['total'])}, voted: {fmt_amt(a['voted'])}, "
                 f"for: {fmt_amt(a['for'])}}}"),
        ("result", "passed"),
    ]
    table = (
        "| 计票 | 总数 | 参与表决 | 同意 | 参与率 | 同意率 |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        f"| 户数 | {h['total']} | {h['voted']} | {h['for']} | {pct(h['voted'], h['total'])} | "
        f"{pct(h['for'], h['voted'])} |\n"
        f"| 面积（m²） | {fmt_zh(a['total'])} | {fmt_zh(a['voted'])} | {fmt_zh(a['for'])} | "
        f"{pct(a['voted'], a['total'])} | {pct(a['for'], a['voted'])} |\n"
    )
    return fm, table


def unwrap(body: str) -> str:
    """Join a paragraph's source lines without a space (Chinese text has none between lines);
    tables and list items keep their own lines."""
    out: list[str] = []
    for line in body.strip().split("\n"):
        if (out and out[-1] and line and not line.startswith(("|", "- "))
                and not re.match(r"\d+\. ", line) and not out[-1].startswith("|")):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


LINE_ZH = {acc: zh for acc, zh, _en, _it in ACCOUNTS_COMMON}


def write_notices(c: Compound, books: Books, budgets: dict[int, dict[str, object]]) -> None:
    nd = ROOT / "notices" / c.cid
    rng = random.Random(f"{c.cid}-notices")
    trustee_terms = (f"按年度共有资金收入的{c.base_rate * 100:.0f}%计提"
                     if c.bonus_rate is None else
                     f"基础酬金按年度共有资金收入的{c.base_rate * 100:.0f}%计提；年度考核评分达到"
                     f"{c.bonus_min_score}分的，另计绩效奖励{c.bonus_rate * 100:.0f}%")

    def put(date: dt.date, slug: str, fm: list[tuple[str, str]], body: str) -> None:
        write_text(nd / f"{date.isoformat()}-{slug}.md", front(fm) + unwrap(body) + "\n" + FOOT)

    # 0. about this example (the first notice)
    first = c.vote_dates[2025] - dt.timedelta(days=20)
    put(first, "about-this-example", [
        ("title", f"关于本示例：{c.name}为虚构小区"),
        ("title_en", yaml_str(f"About this example: {c.name_en} is fictitious")),
        ("date", first.isoformat()),
        ("kind", "announcement"),
        ("summary", f"{FICTITIOUS_ZH}。"),
        ("summary_en", yaml_str(FICTITIOUS_EN)),
    ], f"""
**{c.name}是虚构的示例小区。** 本站展示的小区名称、地址、受托人、监察人、单位代码、
金额和表决数字全部为虚构，仅用于演示信托制物业共有资金的公开账本，
与任何真实小区、企业或个人无关。

{FICTITIOUS_EN} It exists only to demonstrate trustfund.

示例设定：共{c.households}户，建筑面积{fmt_zh(c.floor_area)}平方米，共有资金自2025年1月1日起记账，受托人为{c.trustee[0]}，酬金{trustee_terms}。
""")

    # 1. budget votes
    for y in YEARS:
        d = c.vote_dates[y]
        h, a = vote_figures(c, rng)
        fm, table = vote_block(c, h, a)
        b = budgets[y]
        rows = "\n".join(f"| {LINE_ZH[acc]} | `{acc}` | {fmt_zh(amt)} |"
                         for acc, amt in b["lines"].items())  # type: ignore[attr-defined]
        inc = "\n".join(f"| {LINE_ZH[acc]} | `{acc}` | {fmt_zh(amt)} |"
                        for acc, amt in b["income"].items())  # type: ignore[attr-defined]
        put(d, "budget-vote", [
            ("title", f"{y}年度开放式预算表决结果"),
            ("title_en", f"Result of the vote on the {y} open budget"),
            ("date", d.isoformat()),
            ("kind", "vote"),
            ("matter", "budget"),
            *fm,
            ("summary", f"{y}年度开放式预算经业主大会表决通过。"),
            ("summary_en", f"The owners' assembly approved the {y} open budget."),
        ], f"""
{c.name}业主大会于{d.year}年{d.month}月{d.day}日前以书面及线上方式，就《{y}年度共有资金开放式预算》进行表决。计票结果如下：

{table}
参与表决的户数和面积均达到三分之二以上，同意的户数和面积均超过参与表决的半数，预算获得通过。

支出预算上限（元）：

| 预算科目 | 科目 | 上限 |
| --- | --- | ---: |
{rows}

计划收入（元）：

| 收入科目 | 科目 | 计划 |
| --- | --- | ---: |
{inc}

受托人酬金：{trustee_terms}，不另列预算科目。
""")

    # 2. the hetang amendment
    if c.has_elevator:
        h, a = vote_figures(c, rng)
        fm, table = vote_block(c, h, a)
        cap = budgets[2026]["lines"]["Expenses:Repairs"]  # type: ignore[index]
        before = books.spend(2026, "Expenses:Repairs", AMEND_DATE)
        put(AMEND_DATE, AMEND_SLUG.removeprefix(AMEND_DATE.isoformat() + "-"), [
            ("title", "关于调增2026年度维修费预算的表决结果"),
            ("title_en", "Result of the vote on raising the 2026 repairs budget"),
            ("date", AMEND_DATE.isoformat()),
            ("kind", "vote"),
            ("matter", "budget"),
            *fm,
            ("summary", f"维修费预算上限调增{fmt_zh(AMEND_AMOUNT)}元，"
                        "用于5号楼2号电梯曳引机更换。"),
            ("summary_en", "Repairs cap raised by 20,000.00 CNY for a lift traction machine."),
        ], f"""
5号楼2号电梯曳引机磨损严重，经电梯维保单位检测并经监察人现场查看，需要整体更换，报价约3.2万元。截至{AMEND_DATE.month}月{AMEND_DATE.day}日，2026年度维修费已支出{fmt_zh(before)}元，预算上限为{fmt_zh(cap)}元，余额不足以支付本项工程。

业委会提请业主大会将2026年度“维修费”（`Expenses:Repairs`，含电梯维修）
预算上限调增{fmt_zh(AMEND_AMOUNT)}元，调整后上限为{fmt_zh(cap + AMEND_AMOUNT)}元。
计票结果如下：

{table}
参与表决的户数和面积均达到三分之二以上，同意的户数和面积均超过参与表决的半数，调整获得通过，自本公告之日起生效。
""")

    # 3. assessment of 2025
    d = c.assessment_date
    s = c.score_2025
    parts = [("服务质量（保洁、秩序、绿化）", "Service quality (cleaning, order, greening)", 30),
             ("财务公开与账目规范", "Open and orderly books", 25),
             ("业主满意度调查", "Owners' satisfaction survey", 25),
             ("设施设备与安全管理", "Facilities, equipment and safety", 20)]
    lost = 100 - s
    scores = []
    for i, (label, label_en, full) in enumerate(parts):
        take = lost if i == len(parts) - 1 else min(lost, rng.randint(0, max(0, lost // 2 + 1)))
        take = min(take, full)
        lost -= take
        scores.append((label, label_en, full, full - take))
    assert sum(x[3] for x in scores) == s
    # The scoring sheet (评分细则) is data the check adds up; the site shows it as a table, so the body has none.
    items = "".join(f"\n  - {{name: {flow_str(label)}, name_en: {flow_str(label_en)}, weight: {full}, score: {got}}}"
                    for label, label_en, full, got in scores)
    if c.bonus_rate is not None:
        bonus = q(c.bonus_rate * books.income_by_year[2025])
        verdict = (f"评分达到{c.bonus_min_score}分，依照受托合同，受托人可计提2025年度绩效奖励，"
                   f"即2025年度共有资金收入{fmt_zh(books.income_by_year[2025])}元的"
                   f"{c.bonus_rate * 100:.0f}%，计{fmt_zh(bonus)}元。")
    else:
        verdict = "本小区受托合同未设绩效奖励，考核结果用于下一年度服务改进。"
    questionnaires = rng.randint(c.households * 55 // 100, c.households * 75 // 100)
    put(d, "assessment-2025", [
        ("title", "2025年度受托人考核评分结果"),
        ("title_en", "Assessment of the trustee for 2025"),
        ("date", d.isoformat()),
        ("kind", "assessment"),
        ("year", "2025"),
        ("score", str(s)),
        ("items", items),
        ("summary", f"2025年度受托人考核得分{s}分。"),
        ("summary_en", f"The trustee scored {s} in the 2025 assessment."),
    ], f"""
业委会会同监察人（{"、".join(x[1] for x in c.supervisors)}）依照评分细则，
对受托人{c.trustee[0]}2025年度的服务进行了考核，
其中业主满意度调查共回收有效问卷{questionnaires}份。

{verdict}
""")

    # Monthly reports are not written by hand: the site builds each month's report from the books.

    # 4. minutes
    d = c.minutes_date
    members = rng.randint(5, 7)
    put(d, "committee-meeting-minutes", [
        ("title", f"业委会{d.year}年第{3 if d.month < 10 else 4}季度例会纪要"),
        ("title_en", f"Minutes of the owners' committee meeting, {d.isoformat()}"),
        ("date", d.isoformat()),
        ("kind", "minutes"),
    ], f"""
时间：{d.year}年{d.month}月{d.day}日晚。出席：业委会委员{members}名，
监察人代表2名（{c.supervisors[0][1]}、{c.supervisors[2][1]}）；受托人{c.trustee[0]}派员列席。

1. 受托人通报1至{d.month - 1}月共有资金收支及预算执行情况，各预算科目均未超过上限。
2. 监察人抽查了{d.month - 1}月全部500元以上支出的原始凭证，未发现问题；
对一笔办公费支出提出质询，受托人已当场说明。
3. 会议同意启动{d.year + 1}年度开放式预算的征求意见工作，征求意见稿将在公示栏和本站同时公示。
4. 会议讨论了地下车库照明节能改造的建议，决定请受托人先行询价，下次例会再议。
""")


# --------------------------------------------------------------------------------------------
# independent verification of what is on disk


PRIV_PHONE = re.compile(r"(?<!\d)1\d{10}(?!\d)")
PRIV_LONG = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
PERSON_NAMES = ["张三", "李四", "王五", "赵六"]
NOTICE_KEYS = {"title", "title_en", "date", "kind", "matter", "households", "area", "result",
               "year", "score", "items", "summary", "summary_en"}


def load_books(cid: str) -> tuple[list[object], list[object]]:
    from beancount import loader

    # Beancount would otherwise leave a pickle cache beside a slow load, which the source lint refuses.
    loader.initialize(use_cache=False)
    led = ROOT / "ledgers" / cid
    try:
        import generator.rules  # noqa: F401
        have_rules = True
    except Exception:
        have_rules = False
    if have_rules:
        return loader.load_file(str(led / "main.beancount"))[:2]
    text = (led / "main.beancount").read_text(encoding="utf-8")
    text = text.replace('plugin "generator.rules"\n', "")
    text = re.sub(r'include "([^"]+)"', lambda mm: f'include "{led}/{mm.group(1)}"', text)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "main.beancount"
        p.write_text(text, encoding="utf-8")
        return loader.load_file(str(p))[:2]


def verify(c: Compound) -> list[str]:
    import yaml
    from beancount.core import data

    problems: list[str] = []
    led = ROOT / "ledgers" / c.cid
    entries, errors = load_books(c.cid)
    for e in errors:
        problems.append(f"beancount: {e.message}")  # type: ignore[attr-defined]
    prof = yaml.safe_load((led / "compound.yaml").read_text(encoding="utf-8"))
    threshold = Decimal(str(prof["evidence_threshold"]))
    households, floor_area = prof["households"], Decimal(str(prof["floor_area"]))
    roles = sorted(s["role"] for s in prof["signers"])
    if roles != ["committee", "supervisor", "treasurer"]:
        problems.append(f"signers roles {roles}")

    # notices
    notices = {}
    for p in sorted((ROOT / "notices" / c.cid).glob("*.md")):
        text = p.read_text(encoding="utf-8")
        mm = re.match(r"---\n(.*?)\n---\n", text, re.S)
        if not mm:
            problems.append(f"{p.name}: no front matter")
            continue
        fm = yaml.safe_load(mm.group(1))
        notices[p.stem] = fm
        if set(fm) - NOTICE_KEYS:
            problems.append(f"{p.name}: keys {set(fm) - NOTICE_KEYS}")
        if str(fm["date"]) != p.stem[:10]:
            problems.append(f"{p.name}: date {fm['date']}")
        if fm["kind"] == "vote":
            h, a = fm["households"], fm["area"]
            ha = {k: Decimal(str(v)) for k, v in a.items()}
            if h["total"] != households or ha["total"] != floor_area:
                problems.append(f"{p.name}: totals")
            if 3 * h["voted"] < 2 * h["total"] or 3 * ha["voted"] < 2 * ha["total"]:
                problems.append(f"{p.name}: participation")
            if 2 * h["for"] <= h["voted"] or 2 * ha["for"] <= ha["voted"]:
                problems.append(f"{p.name}: approval")
            if fm["result"] != "passed":
                problems.append(f"{p.name}: result")
        if fm["kind"] == "assessment":
            items = fm.get("items") or []
            if not items or sum(i["weight"] for i in items) != 100 or any(
                    not 0 <= i["score"] <= i["weight"] or not i.get("name_en") for i in items):
                problems.append(f"{p.name}: scoring sheet")
            if sum(i["score"] for i in items) != fm["score"]:
                problems.append(f"{p.name}: items do not add up to the score")

    # budgets
    budgets = {}
    for y in YEARS:
        b = yaml.safe_load((ROOT / "budgets" / c.cid / f"{y}.yaml").read_text(encoding="utf-8"))
        budgets[y] = b
        if b["year"] != y:
            problems.append(f"budget {y}: year")
        nv = notices.get(b["approved_by"])
        if not nv or nv["kind"] != "vote" or nv["result"] != "passed" or nv["matter"] != "budget":
            problems.append(f"budget {y}: approved_by {b['approved_by']}")
        for am in b.get("amendments", []):
            if am["approved_by"] not in notices:
                problems.append(f"budget {y}: amendment {am['approved_by']}")

    txns = [e for e in entries if isinstance(e, data.Transaction)]
    vouchers = [t.meta.get("voucher") for t in txns]
    if len(set(vouchers)) != len(vouchers):
        problems.append("duplicate vouchers")
    for t in txns:
        v = t.meta.get("voucher", "")
        if not re.fullmatch(r"\d{4}-\d{4,}", v) or int(v[:4]) != t.date.year:
            problems.append(f"voucher {v} on {t.date}")
        exp = sum((p.units.number for p in t.postings if p.account.startswith("Expenses:")
                   and p.units.number > 0), ZERO)
        ev = t.meta.get("evidence")
        if exp >= threshold and not ev:
            problems.append(f"{v}: no evidence")
        for f in (ev.split(",") if ev else []):
            if not (led / "vouchers" / f.strip()).is_file():
                problems.append(f"{v}: missing {f}")
        itemised = sum((-p.units.number for p in t.postings if p.account in (
            "Income:Parking", "Income:Advertising", "Income:Rental")), ZERO)
        if itemised:
            if "detail" in t.meta:
                path = led / "vouchers" / t.meta["detail"]
                with path.open(encoding="utf-8", newline="") as fh:
                    rows = list(csv.DictReader(fh))
                if list(rows[0]) != ["unit", "item", "amount"]:
                    problems.append(f"{v}: csv header")
                if any(not re.fullmatch(r"-?\d+\.\d\d", r["amount"]) for r in rows):
                    problems.append(f"{v}: csv amount format")
                if sum(Decimal(r["amount"]) for r in rows) != itemised:
                    problems.append(f"{v}: detail sum")
            elif "unit" not in t.meta:
                problems.append(f"{v}: itemised without detail or unit")
        for p in t.postings:
            if p.units.number != p.units.number.quantize(CENT):
                problems.append(f"{v}: more than 2 decimals")

    # running checks at every date: fund balance, caps, trustee fee
    spend: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    income: dict[int, Decimal] = defaultdict(lambda: ZERO)
    fee: dict[int, Decimal] = defaultdict(lambda: ZERO)
    bal = ZERO
    lowest = (None, None)
    fee_exact_over = 0
    lines_of = {y: {k: Decimal(str(v)) for k, v in budgets[y]["lines"].items()} for y in YEARS}
    assess = {fm["year"]: (fm["date"], fm["score"]) for fm in notices.values()
              if fm["kind"] == "assessment"}
    amendment_needed = False
    for t in txns:
        y = t.date.year
        for p in t.postings:
            n = p.units.number
            if p.account == FUND:
                bal += n
            elif p.account.startswith("Income:"):
                income[y] -= n
            elif p.account == FEE:
                fee[int(t.meta.get("period", y))] += n
            elif p.account.startswith("Expenses:"):
                cands = [k for k in lines_of.get(y, {}) if p.account == k
                         or p.account.startswith(k + ":")]
                if not cands:
                    problems.append(f"{t.meta['voucher']}: unbudgeted {p.account}")
                    continue
                line = max(cands, key=len)
                spend[(y, line)] += n
                cap = lines_of[y][line]
                original = cap
                for am in budgets[y].get("amendments", []):
                    vd = notices[am["approved_by"]]["date"]
                    if t.date >= vd:
                        cap += Decimal(str(am["lines"].get(line, 0)))
                if spend[(y, line)] > cap:
                    problems.append(f"{t.meta['voucher']}: {line} over cap {cap}")
                if spend[(y, line)] > original:
                    amendment_needed = True
        if lowest[0] is None or bal < lowest[0]:
            lowest = (bal, t.date)
        if bal <= 0:
            problems.append(f"{t.meta['voucher']}: fund balance {bal}")
        for py, booked in fee.items():
            b = budgets[py]["trustee"]
            rate = Decimal(str(b["base_rate"]))
            a = assess.get(py)
            if "bonus_rate" in b and a and t.date >= a[0] and a[1] >= b["bonus_min_score"]:
                limit_exact = rate * income[py] + Decimal(str(b["bonus_rate"])) * income[py]
                limit = q(rate * income[py]) + q(Decimal(str(b["bonus_rate"])) * income[py])
            else:
                limit_exact = rate * income[py]
                limit = q(limit_exact)
            if booked > limit:
                problems.append(f"{t.meta['voucher']}: trustee fee {py} {booked} > {limit}")
            if booked > limit_exact:
                fee_exact_over += 1
    if c.has_elevator and not amendment_needed:
        problems.append("the hetang amendment is never needed")

    # privacy and text hygiene over every text file written
    files = [*led.rglob("*"), *(ROOT / "budgets" / c.cid).rglob("*"),
             *(ROOT / "notices" / c.cid).rglob("*")]
    for f in files:
        if f.is_file() and f.suffix in (".beancount", ".yaml", ".md", ".csv"):
            text = f.read_text(encoding="utf-8")
            for rx in (PRIV_PHONE, PRIV_LONG):
                for hit in rx.findall(text):
                    problems.append(f"{f.relative_to(ROOT)}: number {hit}")
            for nm in PERSON_NAMES:
                if nm in text:
                    problems.append(f"{f.relative_to(ROOT)}: {nm}")
    size = sum(f.stat().st_size for f in (led / "vouchers").rglob("*") if f.is_file())
    print(f"{c.cid}: {len(txns)} transactions, lowest fund balance {lowest[0]} on {lowest[1]}, "
          f"closing {bal}; vouchers {size} bytes; fee entries over the unrounded limit at "
          f"{fee_exact_over} dates (rounding half up)")
    return problems


# --------------------------------------------------------------------------------------------


# The fictitious snapshot of owners' queries and work orders (examples/queries.json), by the item each names.
QUERY_REPO = "https://github.com/example-district/open-books/issues/"
QUERIES: list[dict[str, object]] = [
    {"n": 101, "cid": "qingshui-garden", "about": "2026年5月保洁服务费", "created": "2026-05-10T01:20:00Z",
     "title": "5月保洁费为何比4月高？", "replies": [("committee", "2026-05-11T02:00:00Z")],
     "closed": "2026-05-15T08:00:00Z"},
    {"n": 102, "cid": "qingshui-garden", "about": "2026年7月保洁服务费", "created": "2026-07-08T03:00:00Z",
     "title": "7月保洁服务费的合同依据", "replies": [("owner", "2026-07-12T03:00:00Z"),
                 ("treasurer", "2026-07-15T06:00:00Z")],
     "closed": "2026-07-20T06:00:00Z"},
    {"n": 103, "cid": "qingshui-garden", "about": "2026年8月停车费汇总", "created": "2026-08-09T04:00:00Z",
     "title": "8月停车费汇总的明细表", "replies": [("committee", "2026-08-10T01:00:00Z")]},
    {"n": 104, "cid": "qingshui-garden", "place": "3号楼2单元楼道", "created": "2026-09-02T11:00:00Z",
     "title": "3号楼2单元楼道灯不亮", "replies": [("treasurer", "2026-09-03T01:00:00Z")],
     "closed": "2026-09-05T09:00:00Z"},
    {"n": 105, "cid": "qingshui-garden", "about": "2026年9月保洁服务费", "created": "2026-09-20T05:00:00Z",
     "title": "9月保洁费（与#101重复）", "closed": "2026-09-28T02:00:00Z", "reason": "not_planned"},
    {"n": 106, "cid": "qingshui-garden", "voucher": "2026-9999", "created": "2026-10-02T06:00:00Z",
     "title": "凭证号写错的质询", "replies": [("committee", "2026-10-03T02:00:00Z")]},
    {"n": 107, "cid": "qingshui-garden", "about": "2026年10月停车费汇总", "created": "2026-10-09T07:00:00Z",
     "title": "请回电 139 0000 0000 说明10月停车费"},
    {"n": 108, "cid": "qingshui-garden", "place": "东门内侧路面", "created": "2026-10-12T00:30:00Z",
     "title": "东门路面坑洼（隐患随手拍）", "label": True},
    {"n": 109, "cid": "qingshui-garden", "about": "2026年10月保洁服务费", "created": "2026-10-25T02:00:00Z",
     "title": "代业主电话质询：10月保洁费", "author": "supervisor", "replies": [("committee", "2026-10-27T03:00:00Z")]},
    {"n": 110, "cid": "qingshui-garden", "place": "2号楼电梯", "created": "2026-11-01T09:00:00Z",
     "title": "2号楼电梯运行有异响"},
    {"n": 111, "cid": "hetang-court", "about": "2026年8月保洁服务费", "created": "2026-08-07T02:00:00Z",
     "title": "8月保洁服务费", "replies": [("committee", "2026-08-08T02:00:00Z")],
     "closed": "2026-08-10T02:00:00Z"},
    {"n": 112, "cid": "hetang-court", "about": "公示栏展板制作（2026年5月）", "created": "2026-06-06T02:00:00Z",
     "title": "公示栏展板的报价", "replies": [("treasurer", "2026-06-12T02:00:00Z")],
     "closed": "2026-06-15T02:00:00Z"},
    {"n": 113, "cid": "hetang-court", "place": "9号楼1单元", "created": "2026-10-06T01:00:00Z",
     "title": "9号楼单元门禁损坏", "replies": [("treasurer", "2026-10-06T05:00:00Z")],
     "closed": "2026-10-08T05:00:00Z"},
    {"n": 114, "cid": "hetang-court", "about": "S-01商铺2026年10月租金", "created": "2026-10-15T03:00:00Z",
     "title": "S-01商铺10月租金是否足额"},
]


def write_queries(books: dict[str, Books]) -> None:
    """examples/queries.json: each query names the voucher of the item it is about, as generated."""
    items = []
    for spec in QUERIES:
        cid = str(spec["cid"])
        suffix = next(c.suffix for c in COMPOUNDS if c.cid == cid)
        voucher = spec.get("voucher")
        if "about" in spec:
            voucher = next(t.voucher for t in books[cid].txns if t.narration == spec["about"])
        closed = spec.get("closed")
        author = f"example-supervisor-{suffix}" if spec.get("author") == "supervisor" else f"example-owner-{spec['n']}"
        item: dict[str, object] = {
            "number": spec["n"], "kind": "work-order" if "place" in spec else "query", "title": spec["title"],
            "state": "closed" if closed else "open",
            "state_reason": spec.get("reason", "completed") if closed else None,
            "created_at": spec["created"], "closed_at": closed, "answered_label": bool(spec.get("label")),
            "url": f"{QUERY_REPO}{spec['n']}", "author": author, "compound": cid,
            "comments": [{"login": (f"example-owner-{spec['n']}" if who == "owner" else f"example-{who}-{suffix}"),
                          "created_at": at} for who, at in spec.get("replies", [])],  # type: ignore[attr-defined]
        }
        if voucher:
            item["voucher"] = voucher
        if "place" in spec:
            item["place"] = spec["place"]
        items.append(item)
    snapshot = {"version": 1, "note": "虚构示例：所有质询、工单、账号与日期均为虚构。 / Fictitious example: "
                "every query, work order, login and date is made up.", "repo": "example-district/open-books",
                "fetched_at": "2026-11-03T02:00:00+00:00", "items": items}
    write_text(ROOT / "examples" / "queries.json", json.dumps(snapshot, ensure_ascii=False, indent=1) + "\n")


def generate() -> dict[str, Books]:
    out = {}
    for c in COMPOUNDS:
        for base in ("ledgers", "budgets", "notices"):
            d = ROOT / base / c.cid
            if d.exists():
                shutil.rmtree(d)
        books = Books(c)
        books.generate()
        budgets = books.make_budgets()
        write_compound(c, books, budgets)
        write_notices(c, books, budgets)
        out[c.cid] = books
        summary(c, books, budgets)
    write_queries(out)
    return out


def summary(c: Compound, books: Books, budgets: dict[int, dict[str, object]]) -> None:
    for y in YEARS:
        inc = books.income_by_year[y]
        fee = sum((a for t in books.txns if t.date.year == y for acc, a in t.postings
                   if acc == FEE and "period" not in t.meta), ZERO)
        print(f"{c.cid} {y}: income {inc}, base fee {fee}")
        for line, cap in budgets[y]["lines"].items():  # type: ignore[attr-defined]
            print(f"    {line:<22} spent {books.spend(y, line):>12}  cap {cap:>12}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verify", action="store_true", help="only check what is on disk")
    ap.add_argument("--private-rosters", action="store_true",
                    help=f"only write the fictitious private rosters to {PRIVATE_ROSTERS.relative_to(ROOT)}/")
    args = ap.parse_args(argv)
    if args.private_rosters:
        for c in COMPOUNDS:
            write_private_roster(c, Books(c))
        return 0
    if not args.verify:
        generate()
    bad = 0
    for c in COMPOUNDS:
        for p in verify(c):
            print(f"{c.cid}: {p}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
