"""The downloads of a compound: every posting of a year as CSV (for Excel and WPS), one file a year.

Programs read the raw ledger files, which the data page offers beside these: a JSON copy of the same rows
would store every posting twice (it was half of a large compound's site).

A payee or description is written by the treasurer and read by owners in a
spreadsheet, so a text cell that a spreadsheet would run as a formula
(starting with ``= + - @``, a tab or a carriage return) is prefixed with an
apostrophe, as OWASP advises; amount cells stay plain numbers, so a negative
amount is still a number in Excel and WPS.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
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


def file_size(size: int) -> str:
    """A file's size as an owner on mobile data reads it: 850 KB, 6.3 MB."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"
