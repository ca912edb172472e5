"""itemised: a lump sum of public income comes with its detail sheet (明细表).

Income accounts opened with ``income: itemised`` (parking, advertising …; the
older ``itemise: TRUE`` means the same) are paid by many people at once;
owners must be able to see who paid for which space. A transaction booking
such income carries ``detail:`` naming a CSV sheet under ``vouchers/`` whose
``amount`` column adds up, to the cent, to the income booked to itemised
accounts in it. A single item may instead name its space with ``unit:``::

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

from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.chart import chart_of
from generator.books.compound import Compound
from generator.books.postings import worth
from generator.books.vouchers import DETAIL_SUFFIXES, read_sheet
from generator.money import format_amount
from generator.rules.context import compound_for

__plugins__ = ("rule",)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    chart = chart_of(entries)
    errors: list[err.RuleError] = []
    if "itemised" not in chart.income_kinds.values():
        return entries, errors
    currency = compound.profile.currency if compound.profile else "CNY"
    itemised: dict[str, bool] = {}
    checked: dict[str, Path | str] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        total = Decimal(0)
        accounts: list[str] = []
        for posting in entry.postings:
            if posting.account not in itemised:
                itemised[posting.account] = chart.income_kind(posting.account) == "itemised"
            amount = worth(posting, currency) if itemised[posting.account] else None
            if amount is not None:
                total -= amount  # income is booked negative
                if posting.account not in accounts:
                    accounts.append(posting.account)
        if not accounts:
            continue
        detail = entry.meta.get("detail")
        if detail is None:
            if isinstance(entry.meta.get("unit"), str) and entry.meta["unit"].strip():
                continue
            errors.append(err.make(err.ItemisedError, entry.meta,
                                   f"{format_amount(total, currency)} into {', '.join(accounts)} has no detail sheet; "
                                   'add detail: "YYYY/MM/sheet.csv" (unit,item,amount) or, for a single space, '
                                   'unit: "P-023"', entry))
            continue
        errors.extend(_check_sheet(compound, entry, detail, total, currency, checked))
    return entries, errors


def _check_sheet(compound: Compound, entry: data.Transaction, detail: object, amount: Decimal, currency: str,
                 checked: dict[str, Path | str]) -> list[err.RuleError]:
    if not isinstance(detail, str):
        return [err.make(err.ItemisedError, entry.meta,
                         'detail must name a CSV file: detail: "YYYY/MM/sheet.csv"', entry)]
    found = compound.voucher_file(detail.strip(), DETAIL_SUFFIXES, checked)
    if isinstance(found, str):
        return [err.make(err.ItemisedError, entry.meta, f"detail sheet {found}", entry)]
    sheet = read_sheet(found)
    if sheet.problem is not None:
        return [err.make(err.ItemisedError, entry.meta, f"detail sheet vouchers/{detail.strip()} {sheet.problem}",
                         entry)]
    assert sheet.total is not None
    if sheet.total != amount:
        return [err.make(err.ItemisedError, entry.meta,
                         f"detail sheet vouchers/{detail.strip()} adds up to {format_amount(sheet.total, currency)} "
                         f"but the entry books {format_amount(amount, currency)}; they must agree to the cent "
                         f"(difference {format_amount(amount - sheet.total, currency)})", entry)]
    return []
