"""evidence: an expense at or above the threshold names its receipts (原始凭证).

Owners may see the voucher behind every sizeable payment. A transaction whose
expenses add up to ``evidence_threshold`` (compound.yaml) or more carries
``evidence:`` naming one or more files under the compound's ``vouchers/``,
separated by commas (on the transaction or on a posting); every file named must
exist, whatever the amount::

    2026-03-05 * "清水保洁服务有限公司" "2026年3月保洁服务费"
      voucher: "2026-0031"
      evidence: "2026/03/2026-0031-invoice.pdf, 2026/03/2026-0031-contract.pdf"
      Expenses:Cleaning    15000.00 CNY
      Assets:Bank:Fund

    2026-03-08 * "示例五金店" "更换楼道灯具"
      voucher: "2026-0032"                       ; refused: 820.00 >= 500.00 and no evidence
      Expenses:Repairs    820.00 CNY
      Assets:Bank:Fund
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.postings import worth
from generator.books.vouchers import EVIDENCE_SUFFIXES, evidence_of
from generator.money import format_amount
from generator.rules.context import compound_for

__plugins__ = ("rule",)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    profile = compound.profile
    expenses_root = options_map["name_expenses"] + ":"
    errors: list[err.RuleError] = []
    checked: dict[str, Path | str] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        files, given = evidence_of(entry)
        if given and not files:
            errors.append(err.make(err.EvidenceError, entry.meta,
                                   "evidence must name files under vouchers/, "
                                   'e.g. evidence: "2026/03/2026-0031-invoice.pdf"',
                                   entry))
        for name in files:
            found = compound.voucher_file(name, EVIDENCE_SUFFIXES, checked)
            if isinstance(found, str):
                errors.append(err.make(err.EvidenceError, entry.meta, f"evidence {found}", entry))
        if files or profile is None:
            continue
        spent = Decimal(0)
        for posting in entry.postings:
            if posting.account.startswith(expenses_root):
                amount = worth(posting, profile.currency)
                if amount is not None and amount > 0:
                    spent += amount
        if spent >= profile.evidence_threshold:
            errors.append(err.make(err.EvidenceError, entry.meta,
                                   f"{format_amount(spent, profile.currency)} of expenses without evidence; from "
                                   f"{format_amount(profile.evidence_threshold, profile.currency)} on, name the "
                                   'receipt or invoice under vouchers/: evidence: "YYYY/MM/file.pdf"', entry))
    return entries, errors
