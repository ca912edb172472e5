"""The public unit roster, ``ledgers/<id>/units.csv``: one row per billed unit, by opaque code.

``unit,building,area,since`` — ``unit`` 8 characters of ``a-z2-9`` (random,
never derived from the door number), ``building`` the public building label,
``area`` in m² with two decimals, ``since`` the first billed month
(``YYYY-MM``). The link between a code and a door number lives only in the
committee's private roster, outside the repository (``trustfund units``). A
code is a pseudonym, not a secret: a neighbour who knows that only one flat
has a given area can recognise it.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator import errors as err
from generator.money import parse_amount

CODE = re.compile(r"[a-z2-9]{8}", re.ASCII)
MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)
COLUMNS = ("unit", "building", "area", "since")
MAX_BUILDING = 40


@dataclass(frozen=True)
class Unit:
    code: str
    building: str
    area: Decimal
    since: tuple[int, int]  # (year, month): the first billed month
    line: int


@dataclass
class Roster:
    path: Path
    units: dict[str, Unit] = field(default_factory=dict)

    @property
    def buildings(self) -> list[str]:
        return sorted({unit.building for unit in self.units.values()}, key=building_order)


def building_order(label: str) -> tuple[int, str]:
    """Buildings in the order owners count them: 2号楼 before 10号楼."""
    number = re.match(r"[0-9]+", label)
    return (int(number.group()) if number else 10**6, label)


def month_of(text: str) -> tuple[int, int] | None:
    match = MONTH.fullmatch(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def read_roster(path: Path) -> tuple[Roster | None, list[err.RuleError]]:
    """The roster, or None when the compound keeps none; every problem names the file and line."""
    if not path.is_file() or path.is_symlink():
        return None, []
    roster = Roster(path)
    errors: list[err.RuleError] = []

    def refuse(line: int, message: str) -> None:
        errors.append(err.make(err.FeesError, err.source(path, line), message))

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return roster, errors  # the source lint names the encoding
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if tuple(header) != COLUMNS:
            refuse(1, f"units.csv must start with the header {','.join(COLUMNS)}; it has {','.join(header) or 'none'}"
                   " — door numbers, names and contacts stay in the committee's private roster")
            return roster, errors
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(COLUMNS):
                refuse(line, f"line {line} has {len(row)} cells, not {len(COLUMNS)} ({','.join(COLUMNS)})")
                continue
            code, building, raw_area, raw_since = (cell.strip() for cell in row)
            area = parse_amount(raw_area)
            since = month_of(raw_since)
            if not CODE.fullmatch(code):
                refuse(line, f"unit code {code[:20]!r} must be 8 characters of a-z and 2-9, made at random by "
                       "trustfund units (never a door number)")
            elif code in roster.units:
                refuse(line, f"unit code {code} is used twice (first at line {roster.units[code].line})")
            elif not building or len(building) > MAX_BUILDING:
                refuse(line, f"building must be a public label such as 3号楼 (at most {MAX_BUILDING} characters)")
            elif area is None or area <= 0:
                refuse(line, f"area {raw_area[:20]!r} must be a positive number of m² with at most two decimals")
            elif since is None:
                refuse(line, f"since {raw_since[:20]!r} must be the first billed month, YYYY-MM")
            else:
                roster.units[code] = Unit(code, building, area, since, line)
    except csv.Error as problem:
        refuse(reader.line_num, f"line {reader.line_num} is not valid CSV ({problem}); save the roster again")
    return roster, errors


PRIVATE_REQUIRED = ("door", "building", "area", "since")
CODE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l/o/1/0: codes are read aloud and typed by owners


class RosterError(Exception):
    """The private roster cannot be used; nothing was written."""


@dataclass(frozen=True)
class PrivateUnit:
    door: str  # the door number: only ever in the committee's private roster
    building: str
    area: Decimal
    since: str
    code: str


def new_code(taken: set[str]) -> str:
    """A random unit code, unlike every code already given (secrets: nothing about the unit is in it)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if code not in taken:
            taken.add(code)
            return code


def sync_roster(private: Path, public: Path) -> tuple[int, int]:
    """Give every unit of the private roster a code (kept once given) and rewrite the public ``units.csv``.

    The private roster (``door,building,area,since`` and optionally ``code``, ``contact`` …) is rewritten
    with its codes. A code once published stays in ``units.csv`` even when its unit leaves the private
    roster, so the payments that name it still count. Returns (units given a new code, units published).
    """
    try:
        text = private.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        raise RosterError(f"{private} cannot be read as UTF-8 CSV ({problem})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in PRIVATE_REQUIRED if name not in fields]
    if missing:
        raise RosterError(f"{private} needs the columns {', '.join(PRIVATE_REQUIRED)} (missing: {', '.join(missing)})")
    published, _ = read_roster(public)
    taken = set(published.units) if published else set()
    rows: list[dict[str, str]] = []
    given = 0
    try:
        for row in reader:
            cleaned = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
            if not any(cleaned.values()):
                continue
            area = parse_amount(cleaned.get("area", ""))
            if area is None or area <= 0 or month_of(cleaned.get("since", "")) is None or not cleaned.get("building"):
                raise RosterError(f"{private} line {reader.line_num}: needs a building, an area in m² and since "
                                  "YYYY-MM")
            code = cleaned.get("code", "")
            if not CODE.fullmatch(code):
                code = new_code(taken)
                given += 1
            taken.add(code)
            cleaned["code"] = code
            rows.append(cleaned)
    except csv.Error as problem:
        raise RosterError(f"{private} line {reader.line_num} is not valid CSV ({problem})") from None
    units = {unit.code: unit for unit in (published.units.values() if published else [])}
    for row in rows:
        units[row["code"]] = Unit(row["code"], row["building"], parse_amount(row["area"]) or Decimal(0),
                                  month_of(row["since"]) or (0, 0), 0)
    out_fields = ["code", *[name for name in fields if name != "code"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=out_fields, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    _replace(private, buffer.getvalue())
    public_rows = io.StringIO()
    public_writer = csv.writer(public_rows, lineterminator="\n")
    public_writer.writerow(COLUMNS)
    public_writer.writerows([u.code, u.building, f"{u.area:.2f}", f"{u.since[0]:04d}-{u.since[1]:02d}"]
                            for u in sorted(units.values(), key=lambda u: (building_order(u.building), u.code)))
    _replace(public, public_rows.getvalue())
    return given, len(units)


def _replace(path: Path, text: str) -> None:
    staging = path.with_name(path.name + ".new")
    staging.write_text(text, encoding="utf-8")
    staging.replace(path)


def read_private(path: Path) -> list[PrivateUnit]:
    """The committee's private roster (door numbers beside codes), as ``trustfund units`` keeps it."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        raise RosterError(f"{path} cannot be read as UTF-8 CSV ({problem})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    units = []
    try:
        for row in reader:
            cleaned = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
            area = parse_amount(cleaned.get("area", ""))
            if not CODE.fullmatch(cleaned.get("code", "")) or area is None:
                raise RosterError(f"{path} line {reader.line_num}: no unit code or area; run trustfund units first")
            units.append(PrivateUnit(cleaned.get("door", ""), cleaned.get("building", ""), area,
                                     cleaned.get("since", ""), cleaned["code"]))
    except csv.Error as problem:
        raise RosterError(f"{path} line {reader.line_num} is not valid CSV ({problem})") from None
    return units


def outside(path: Path, root: Path) -> bool:
    """Whether a path lies outside the repository: the private roster and the bills never enter it."""
    resolved, top = path.resolve(), root.resolve()
    return resolved != top and top not in resolved.parents
