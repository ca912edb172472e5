"""outflow: fund money leaves only as budgeted spending or to settle what the fund owes.

The fund's money is in the accounts ``accounts.fund`` names (with their
sub-accounts). When a transaction takes money out of them, everything it goes
to must be an expense — which the budget rules then count — or the settlement
of a liability opened with ``liability: TRUE`` (a deposit returned, an
advance receipt refunded), never more than the liability holds, with evidence
from the evidence threshold on. Money moved to another asset (``Assets:Prepaid``)
or to equity leaves the fund without ever counting as spending, and is
refused; so is a refund of spending booked anywhere but back into the fund.
A negative expense (a refund that lowers what a budget line has spent) names
the voucher it reverses with ``reverses:``, on the same account, for no more
than that voucher spent there::

    2026-03-10 * "示例电梯公司" "电梯维保预付款"
      voucher: "2026-0060"
      Assets:Prepaid        20000.00 CNY      ; refused: money leaves the fund to Assets:Prepaid
      Assets:Bank:Fund

    2026-03-12 * "示例电梯公司" "退回多付维修费"
      voucher: "2026-0061"
      reverses: "2026-0042"                   ; the voucher whose spending this refunds
      Assets:Bank:Fund        1200.00 CNY
      Expenses:Repairs
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.chart import Chart, chart_of, covered_by
from generator.books.compound import Compound
from generator.books.postings import worth
from generator.books.profile import Profile
from generator.books.vouchers import evidence_of
from generator.money import format_amount
from generator.rules.context import profile_rule

__plugins__ = ("rule",)


class Reversals:
    """What each voucher booked per account, and how much of it later entries have reversed."""

    def __init__(self) -> None:
        self.booked: dict[tuple[str, str], Decimal] = {}
        self.reversed: dict[tuple[str, str], Decimal] = {}

    def record(self, entry: data.Transaction, account: str, amount: Decimal) -> None:
        voucher = entry.meta.get("voucher")
        if isinstance(voucher, str):
            key = (voucher, account)
            self.booked[key] = self.booked.get(key, Decimal(0)) + amount

    def problem(self, entry: data.Transaction, account: str, amount: Decimal, currency: str) -> str | None:
        """Why ``amount`` (the opposite sign of what was booked) on ``account`` is not a valid reversal."""
        target = entry.meta.get("reverses")
        if not isinstance(target, str) or not target.strip():
            return (f"{format_amount(amount, currency)} on {account} goes against the account's direction; a refund "
                    'or correction names the voucher it reverses: reverses: "YYYY-NNNN"')
        key = (target.strip(), account)
        booked = self.booked.get(key)
        if booked is None:
            return (f"reverses {target} but that voucher booked nothing on {account} before "
                    f"{entry.date}; name the voucher whose {account} this refunds")
        total = self.reversed.get(key, Decimal(0)) + amount
        if abs(total) > abs(booked):
            return (f"reverses {format_amount(abs(total), currency)} of {target} on {account}, which booked only "
                    f"{format_amount(abs(booked), currency)} there")
        self.reversed[key] = total
        return None


@profile_rule
def rule(entries: list[data.Directive], options_map: dict[str, Any], compound: Compound,
         profile: Profile) -> list[err.RuleError]:
    errors: list[err.RuleError] = []
    currency = profile.currency
    chart = chart_of(entries)
    roots = {key: options_map[f"name_{key}"] + ":" for key in ("assets", "liabilities", "equity", "expenses")}
    reversals = Reversals()
    owed: dict[str, Decimal] = {}
    is_fund: dict[str, bool] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        amounts = [(posting, worth(posting, currency)) for posting in entry.postings]
        leaving = refunded = Decimal(0)
        for posting, amount in amounts:
            if posting.account not in is_fund:
                is_fund[posting.account] = covered_by(profile.fund_accounts, posting.account)
            if amount is not None and is_fund[posting.account]:
                leaving -= amount
            elif amount is not None and amount < 0 and posting.account.startswith(roots["expenses"]):
                refunded -= amount
        for posting, amount in amounts:
            if amount is None or is_fund[posting.account]:
                continue
            account = posting.account
            problem = None
            if account.startswith(roots["expenses"]):
                if amount < 0:
                    problem = reversals.problem(entry, account, amount, currency)
                else:
                    reversals.record(entry, account, amount)
            elif account.startswith(roots["liabilities"]):
                problem = _liability_problem(chart, entry, account, amount, owed, leaving, profile.evidence_threshold,
                                             currency)
            elif leaving > 0 and amount > 0 and account.startswith((roots["assets"], roots["equity"])):
                problem = (f"{format_amount(amount, currency)} leaves the fund to {account}, which is not the fund: "
                           "money paid out is spending on a budget line (or settles a liability opened with "
                           "liability: TRUE)")
            elif refunded > 0 and amount > 0 and account.startswith((roots["assets"], roots["equity"])):
                # Spending taken back to anywhere but the fund would leave the fund uncounted, in two steps.
                problem = (f"{format_amount(amount, currency)} of a refund goes to {account}, which is not the fund: "
                           "money refunded on an expense comes back to the fund it was paid from")
            if problem is not None:
                errors.append(err.make(err.OutflowError, posting.meta or entry.meta, problem, entry))
    return errors


def _liability_problem(chart: Chart, entry: data.Transaction, account: str, amount: Decimal,
                       owed: dict[str, Decimal], leaving: Decimal, threshold: Decimal, currency: str) -> str | None:
    if not covered_by(chart.liabilities, account):
        return (f"{account} is not opened with liability: TRUE; only a declared liability (a deposit held, fees "
                "received in advance) may be owed and settled from the fund")
    balance = owed.get(account, Decimal(0)) + amount
    owed[account] = balance
    if amount <= 0:
        return None
    if balance > 0:
        held = max(amount - balance, Decimal(0))
        return (f"settles {format_amount(amount, currency)} of {account}, which holds only "
                f"{format_amount(held, currency)}; a liability cannot pay out more than it received")
    if leaving > 0 and amount >= threshold and not evidence_of(entry)[0]:
        return (f"settles {format_amount(amount, currency)} of {account} without evidence; from "
                f"{format_amount(threshold, currency)} on, name the receipt under vouchers/: evidence: "
                '"YYYY/MM/file.pdf"')
    return None
