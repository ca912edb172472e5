"""income: every income account says what it is, and income is not quietly taken back.

The fund's income is the trustee's remuneration base and the owners' public
income, so each income account declares its kind when opened — ``income:
fees`` (property fees), ``itemised`` (parking, advertising …: lump sums need a
detail sheet), ``interest`` or ``other`` — and a new account cannot dodge
itemisation by saying nothing, nor by declaring another kind under an
itemised account (which covers its sub-accounts). An ``other`` receipt from the evidence
threshold on names its evidence. Income booked back (a refund to a payer)
names the voucher it reverses with ``reverses:``, on the same account::

    2025-01-01 open Income:Sponsorship CNY
      name: "赞助收入"
      name_en: "Sponsorship"                  ; refused: no income: kind

    2026-03-15 * "示例广告公司" "电梯广告位"
      voucher: "2026-0070"                    ; refused when Income:Sponsorship is other: no evidence
      Assets:Bank:Fund    6000.00 CNY
      Income:Sponsorship
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.chart import INCOME_KINDS, chart_of, declared_income_kind
from generator.books.postings import worth
from generator.books.vouchers import evidence_of
from generator.money import format_amount
from generator.rules.context import compound_for
from generator.rules.outflow import Reversals

__plugins__ = ("rule",)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    profile = compound.profile
    errors: list[err.RuleError] = []
    income_root = options_map["name_income"] + ":"
    chart = chart_of(entries)
    for entry in entries:
        if isinstance(entry, data.Open) and entry.account.startswith(income_root):
            kind = declared_income_kind(entry.meta or {})
            itemised = chart.itemised_parent(entry.account)
            if kind not in INCOME_KINDS:
                said = f"says income: {kind!r}" if kind else "does not say what it is"
                errors.append(err.make(err.IncomeError, entry.meta,
                                       f"{entry.account} {said}; add income: with one of {', '.join(INCOME_KINDS)} "
                                       "(itemised for parking, advertising and other lump sums)", entry))
            elif itemised is not None and kind != "itemised":
                errors.append(err.make(err.IncomeError, entry.meta,
                                       f"{entry.account} says income: {kind!r} under {itemised}, which is itemised; "
                                       "an itemised account covers its sub-accounts: say income: itemised (its "
                                       "lump sums need a detail sheet)", entry))
    if profile is None:
        return entries, errors
    reversals = Reversals()
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        other = Decimal(0)
        for posting in entry.postings:
            if not posting.account.startswith(income_root):
                continue
            amount = worth(posting, profile.currency)
            if amount is None:
                continue
            if amount > 0:
                problem = reversals.problem(entry, posting.account, amount, profile.currency)
                if problem is not None:
                    errors.append(err.make(err.IncomeError, posting.meta or entry.meta, problem, entry))
                continue
            reversals.record(entry, posting.account, amount)
            if chart.income_kind(posting.account) == "other":
                other -= amount
        if other >= profile.evidence_threshold and other > 0 and not evidence_of(entry)[0]:
            errors.append(err.make(err.IncomeError, entry.meta,
                                   f"{format_amount(other, profile.currency)} of other income without evidence; from "
                                   f"{format_amount(profile.evidence_threshold, profile.currency)} on, name the "
                                   'contract or bank slip under vouchers/: evidence: "YYYY/MM/file.pdf"', entry))
    return entries, errors
