"""All of trustfund's rules, run inside Beancount's loader.

A compound's ``main.beancount`` enables them with one line::

    plugin "generator.rules"

so ``bean-check``, Fava and ``trustfund check`` report the same findings at
the same file and line. The compound (profile, budgets, notices) is read once
and handed to every rule; problems in those files are findings too.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.compound import load_compound
from generator.rules import (
    accounts,
    budget_cap,
    evidence,
    fava_budgets,
    itemised,
    privacy,
    safety,
    trustee_fee,
    unbudgeted,
    voucher,
)

__plugins__ = ("run",)

RULES = (safety, voucher, evidence, itemised, budget_cap, unbudgeted, trustee_fee, accounts, privacy, fava_budgets)


def run(entries: list[data.Directive], options_map: dict[str, Any],
        config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound, errors = load_compound(options_map["filename"])
    for module in RULES:
        entries, found = module.rule(entries, options_map, compound)
        errors.extend(found)
    return entries, errors
