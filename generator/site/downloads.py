"""The downloads of a compound: every posting as CSV (for Excel and WPS) and as JSON (for programs).

A payee or description is written by the treasurer and read by owners in a
spreadsheet, so a text cell that a spreadsheet would run as a formula
(starting with ``= + - @``, a tab or a carriage return) is prefixed with an
apostrophe, as OWASP advises; amount cells stay plain numbers, so a negative
amount is still a number in Excel and WPS.
"""

from __future__ import annotations

import csv
import json
from typing import IO

from generator.view import CompoundView

CSV_COLUMNS = ("voucher", "date", "payee", "narration", "account", "account_name", "account_name_en", "amount",
               "currency", "evidence", "detail")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A text cell a spreadsheet shows as text, never runs."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def write_transactions_csv(view: CompoundView, out: IO[str]) -> None:
    """Every posting of every transaction, in Beancount's own sign, one row a posting."""
    # A byte-order mark so that Excel and WPS open the Chinese text correctly.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    names_of = view.accounts
    accounts: dict[str, tuple[str, str, str]] = {}  # an account's three cells, once each
    for item in view.items:
        texts = (text_cell(item.voucher), item.date.isoformat(), text_cell(item.payee), text_cell(item.narration))
        evidence, detail = text_cell(", ".join(item.evidence)), text_cell(item.detail or "")
        for posting in item.postings:
            cells = accounts.get(posting.account)
            if cells is None:
                names = names_of.get(posting.account, {})
                cells = accounts[posting.account] = (posting.account, text_cell(names.get("name", "")),
                                                     text_cell(names.get("name_en", "")))
            writer.writerow((*texts, *cells, f"{posting.number:.2f}", posting.currency, evidence, detail))


def write_transactions_json(view: CompoundView, out: IO[str]) -> None:
    """One transaction a line, each encoded by json's C encoder (``indent`` would force the pure-Python
    one: 3 s and 350 MB of transient chunks at 100k transactions)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    out.write(encode({"compound": view.id})[:-1] + ',"transactions":[')
    separator = "\n"
    for item in view.items:
        out.write(separator)
        out.write(encode({"voucher": item.voucher, "date": item.date.isoformat(), "payee": item.payee,
                          "narration": item.narration, "evidence": item.evidence, "detail": item.detail,
                          "postings": [{"account": p.account, "amount": f"{p.number:.2f}", "currency": p.currency}
                                       for p in item.postings]}))
        separator = ",\n"
    out.write("\n]}\n")
