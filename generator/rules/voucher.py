"""voucher: every transaction carries a unique voucher number (记账凭证号).

The voucher is the entry's permanent id: its anchor on the site and its name
in diffs, queries and history. It is ``YYYY-NNNN`` — the year of the entry's
date and a sequence of four or more ASCII digits (full-width or other
scripts' digits would make a second spelling of a used number) — and never
reused, however many leading zeros it is written with (``2026-00031`` is
``2026-0031``)::

    2026-03-05 * "清水保洁服务有限公司" "2026年3月保洁服务费"
      voucher: "2026-0031"
      Expenses:Cleaning    15000.00 CNY
      Assets:Bank:Fund

    2026-03-06 * "示例供电公司" "2026年2月公共用电"
      voucher: "2026-0031"                       ; refused: already used above
      Expenses:Utilities    4210.50 CNY
      Assets:Bank:Fund
"""

from __future__ import annotations

import re
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.rules.context import compound_for

__plugins__ = ("rule",)

PATTERN = re.compile(r"[0-9]{4}-[0-9]{4,12}", re.ASCII)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    errors: list[err.RuleError] = []
    seen: dict[tuple[str, int], dict[str, Any]] = {}  # (year, sequence number) → the entry that used it
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        voucher = entry.meta.get("voucher")
        if voucher is None:
            errors.append(err.make(err.VoucherError, entry.meta,
                                   f'the transaction has no voucher number; add voucher: "{entry.date.year}-NNNN" '
                                   "with the next free number", entry))
        elif not isinstance(voucher, str) or not PATTERN.fullmatch(voucher):
            errors.append(err.make(err.VoucherError, entry.meta,
                                   f"voucher {voucher!r} is not of the form YYYY-NNNN (year, hyphen, four or more "
                                   'digits, in quotes: voucher: "2026-0031")', entry))
        elif int(voucher[:4]) != entry.date.year:
            errors.append(err.make(err.VoucherError, entry.meta,
                                   f"voucher {voucher} is numbered for {voucher[:4]} but the entry is dated "
                                   f"{entry.date}; use a {entry.date.year} number", entry))
        elif (voucher[:4], int(voucher[5:])) in seen:
            first = seen[voucher[:4], int(voucher[5:])]
            spelt = f" (as {first['voucher']})" if first["voucher"] != voucher else ""
            errors.append(err.make(err.VoucherError, entry.meta,
                                   f"voucher {voucher} is already used at "
                                   f"{compound.relative(first['filename'])}:{first['lineno']}{spelt}; "
                                   "a voucher number is never reused — use the next free number", entry))
        else:
            seen[voucher[:4], int(voucher[5:])] = entry.meta
    return entries, errors

