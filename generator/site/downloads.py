"""The downloads of a compound: every posting of a year as CSV (for Excel and WPS), one file a year, and
the raw ledger files, each year's in one archive.

Programs read the raw ledger files, which the data page offers beside these: a JSON copy of the same rows
would store every posting twice (it was half of a large compound's site). Both are published as .zip
archives, which Windows, WPS and phones open without another program, and each is stored once: compressed,
never also as plain files (a year's CSV shrinks about 16 times, its ledger files about 8). An archive is
deterministic — fixed member names, timestamps and permissions — so an unchanged year gives the same bytes
and a rebuild changes nothing a mirror would download again. No member name comes from the books: the CSV's
is fixed, and a ledger file keeps its path in the archive only when every part of it is plain letters,
digits, ``-`` and ``_`` (any other is numbered), so no name a treasurer chooses can reach outside the folder
an owner extracts to.

A payee or description is written by the treasurer and read by owners in a
spreadsheet, so a text cell that a spreadsheet would run as a formula
(starting with ``= + - @``, a tab or a carriage return) is prefixed with an
apostrophe, as OWASP advises; amount cells stay plain numbers, so a negative
amount is still a number in Excel and WPS.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from generator.view import CompoundView, Item

CSV_COLUMNS = ("voucher", "date", "payee", "narration", "account", "account_name", "account_name_en", "amount",
               "currency", "evidence", "detail")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A text cell a spreadsheet shows as text, never runs."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_transactions_csv(view: CompoundView, items: Iterable[Item], out: IO[str]) -> None:
    """Every posting of the items (a year's, on the site), in Beancount's own sign, one row a posting."""
    # A byte-order mark so that Excel and WPS open the Chinese text correctly.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    names_of = view.accounts
    accounts: dict[str, tuple[str, str, str]] = {}  # an account's three cells, once each
    for item in items:
        texts = (text_cell(item.voucher), item.date.isoformat(), text_cell(item.payee), text_cell(item.narration))
        evidence, detail = text_cell(", ".join(item.evidence)), text_cell(item.detail or "")
        for posting in item.postings:
            cells = accounts.get(posting.account)
            if cells is None:
                names = names_of.get(posting.account, {})
                cells = accounts[posting.account] = (posting.account, text_cell(names.get("name", "")),
                                                     text_cell(names.get("name_en", "")))
            writer.writerow((*texts, *cells, f"{posting.number:.2f}", posting.currency, evidence, detail))


# 1980-01-01 00:00, the earliest time a zip archive can hold: an archive's bytes depend only on its members.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
PLAIN_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
YEAR_FOLDER = re.compile(r"\d{4}")


def zip_member(name: str) -> zipfile.ZipInfo:
    """A member with a fixed time and permissions, deflated."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so that the permissions below are read as such
    info.external_attr = 0o644 << 16
    return info


def csv_member(year: int) -> str:
    return f"transactions-{year}.csv"


def write_transactions_zip(view: CompoundView, year: int, items: Iterable[Item], out: IO[bytes]) -> None:
    """The year's CSV (write_transactions_csv) as the one member of a zip archive."""
    with zipfile.ZipFile(out, "w") as archive, archive.open(zip_member(csv_member(year)), "w") as member, \
            io.TextIOWrapper(member, encoding="utf-8", newline="") as text:
        write_transactions_csv(view, items, text)


def ledger_groups(relatives: Sequence[str]) -> dict[str, list[str]]:
    """The raw ledger files (paths relative to the compound's folder) by archive: a year's journal folder
    (``2026/03.beancount``) in its year's, every other file (``main.beancount``, ``accounts.beancount``) in
    the books' own (key ``""``)."""
    groups: dict[str, list[str]] = {}
    for relative in relatives:
        first, _, rest = relative.partition("/")
        groups.setdefault(first if rest and YEAR_FOLDER.fullmatch(first) else "", []).append(relative)
    return groups


def member_name(relative: str, number: int) -> str:
    """A ledger file's name inside its archive: its path when every part is plain, else a numbered name."""
    parts = relative.removesuffix(".beancount").split("/")
    if relative.endswith(".beancount") and len(parts) <= 2 and all(PLAIN_PART.fullmatch(part) for part in parts):
        return relative
    return f"_file-{number:03d}.beancount"  # a leading "_" no plain name has


def write_ledger_zip(files: Sequence[tuple[str, Path]], out: IO[bytes]) -> None:
    """Ledger files (each its path relative to the compound's folder, and where it is) in one zip archive."""
    with zipfile.ZipFile(out, "w") as archive:
        for number, (relative, path) in enumerate(files, start=1):
            archive.writestr(zip_member(member_name(relative, number)), path.read_bytes())


def file_size(size: int) -> str:
    """A file's size as an owner on mobile data reads it: 850 KB, 6.3 MB."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"
