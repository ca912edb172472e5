"""All of trustfund's rules, run inside Beancount's loader.

A compound's ``main.beancount`` enables them with one line::

    plugin "generator.rules"

so ``bean-check``, Fava and ``trustfund check`` report the same findings at
the same file and line. The compound (profile, budgets, notices) is read once
and handed to every rule; problems in those files are findings too. The last
two are not rules: they add, in memory, Fava's budgets and what Fava needs to
show the books (options, saved queries, evidence as documents, watched files).
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.compound import compound_for_ledger
from generator.books.verdict import EntriesOnly
from generator.rules import (
    accounts,
    budget_cap,
    currency,
    evidence,
    fava_budgets,
    fava_view,
    fees,
    income,
    itemised,
    outflow,
    privacy,
    publish,
    safety,
    trustee_fee,
    unbudgeted,
    voucher,
)
from generator.rules.context import Context

__plugins__ = ("run",)

# The two that add entries rather than judge them (for Fava); under trustfund's own load no rule changes or
# removes an entry (the source lint refused what safety would remove), which generator/books/verdict.py checks.
ADDING = (fava_budgets, fava_view)
RULES = (safety, voucher, evidence, itemised, income, fees, currency, outflow, budget_cap, unbudgeted, trustee_fee,
         accounts, privacy, publish, fava_budgets, fava_view)


def run(entries: list[data.Directive], options_map: dict[str, Any],
        config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound, errors, linted = compound_for_ledger(options_map["filename"])
    context = Context(compound, linted)
    if isinstance(config, EntriesOnly):  # trustfund build's parent process: the verdict comes from its child
        for module in ADDING:
            entries, _ = module.rule(entries, options_map, context)
        return entries, []
    for module in RULES:
        entries, found = module.rule(entries, options_map, context)
        errors.extend(found)
    return entries, errors
