"""itemised: a lump sum of public income comes with its detail sheet (明细表).

Income accounts opened with ``itemise: TRUE`` (parking, advertising …) are
paid by many people at once; owners must be able to see who paid for which
space. A transaction booking such income carries ``detail:`` naming a CSV
sheet under ``vouchers/`` whose ``amount`` column adds up, to the cent, to the
income booked to itemised accounts in it. A single item may instead name its
space with ``unit:``::

    2026-03-31 * "停车场收费" "2026年3月月租车位"
      voucher: "2026-0040"
      detail: "2026/03/2026-0040-parking.csv"   ; unit,item,amount — lines add up to 8,400.00
      Assets:Bank:Fund     8400.00 CNY
      Income:Parking

    2026-03-31 * "停车场收费" "2026年3月临时停车"
      voucher: "2026-0041"                      ; refused: no detail sheet, no unit
      Assets:Bank:Fund     1230.00 CNY
      Income:Parking
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.compound import DETAIL_SUFFIXES, Compound, voucher_file
from generator.money import format_amount, parse_amount
from generator.rules.context import compound_for, from_ledger

__plugins__ = ("rule",)


def itemised_accounts(entries: list[data.Directive]) -> set[str]:
    return {entry.account for entry in entries
            if isinstance(entry, data.Open) and entry.meta.get("itemise") is True}


def read_sheet(path: Path) -> tuple[list[dict[str, str]], Decimal | None, str | None]:
    """The sheet's rows, their total, or what is wrong with it (naming the sheet's line)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], None, "is not UTF-8 text; save it as CSV UTF-8"
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "amount" not in [name.strip() for name in reader.fieldnames]:
        return [], None, "line 1: the sheet needs a header line with an 'amount' column (unit,item,amount)"
    rows = []
    total = Decimal(0)
    for row in reader:
        cleaned = {(key or "").strip(): (value or "").strip() if isinstance(value, str) else ""
                   for key, value in row.items()}
        raw = cleaned.get("amount", "")
        amount = parse_amount(raw)
        if amount is None:
            return [], None, f"line {reader.line_num}: amount {raw!r} is not an amount with at most two decimals"
        total += amount
        rows.append(cleaned)
    return rows, total, None


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    opened = itemised_accounts(entries)
    errors: list[err.RuleError] = []
    if not opened:
        return entries, errors
    # Whether each account seen is itemised (opened so, or below one that is), decided once.
    itemised = dict.fromkeys(opened, True)
    checked: dict[str, Path | str] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction) or not from_ledger(entry):
            continue
        booked = _itemised_income(entry, itemised)
        if booked is None:
            continue
        amount, currency, accounts = booked
        detail = entry.meta.get("detail")
        if detail is None:
            if isinstance(entry.meta.get("unit"), str) and entry.meta["unit"].strip():
                continue
            errors.append(err.make(err.ItemisedError, entry.meta,
                                   f"{format_amount(amount, currency)} into {', '.join(accounts)} has no detail sheet; "
                                   'add detail: "YYYY/MM/sheet.csv" (unit,item,amount) or, for a single space, '
                                   'unit: "P-023"', entry))
            continue
        errors.extend(_check_sheet(compound, entry, detail, amount, currency, checked))
    return entries, errors


def _itemised_income(entry: data.Transaction, itemised: dict[str, bool]) -> tuple[Decimal, str, list[str]] | None:
    total = Decimal(0)
    currency = ""
    accounts: list[str] = []
    for posting in entry.postings:
        account = posting.account
        if account not in itemised:
            itemised[account] = any(account.startswith(a + ":") for a, is_open in list(itemised.items()) if is_open)
        if itemised[account]:
            units = posting.units
            if units is None or units.number is None:
                continue
            total -= units.number  # income is booked negative
            currency = units.currency
            if account not in accounts:
                accounts.append(account)
    return (total, currency, accounts) if accounts else None


def _check_sheet(compound: Compound, entry: data.Transaction, detail: object, amount: Decimal, currency: str,
                 checked: dict[str, Path | str]) -> list[err.RuleError]:
    if not isinstance(detail, str):
        return [err.make(err.ItemisedError, entry.meta,
                         'detail must name a CSV file: detail: "YYYY/MM/sheet.csv"', entry)]
    found = voucher_file(compound, detail.strip(), DETAIL_SUFFIXES, checked)
    if isinstance(found, str):
        return [err.make(err.ItemisedError, entry.meta, f"detail sheet {found}", entry)]
    _, total, problem = read_sheet(found)
    if problem is not None:
        return [err.make(err.ItemisedError, entry.meta, f"detail sheet vouchers/{detail.strip()} {problem}", entry)]
    assert total is not None
    if total != amount:
        return [err.make(err.ItemisedError, entry.meta,
                         f"detail sheet vouchers/{detail.strip()} adds up to {format_amount(total, currency)} but the "
                         f"entry books {format_amount(amount, currency)}; they must agree to the cent "
                         f"(difference {format_amount(amount - total, currency)})", entry)]
    return []
