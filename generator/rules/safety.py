"""What the source lint refuses, refused again for tools that load without it.

``trustfund check`` lints the source before Beancount loads it; ``bean-check``
and Fava do not. So the plugin refuses, with the lint's own rule ids, what it
can still see after parsing: a tolerance other than zero (balances must be
exact to the cent), ``pad`` (it invents entries nobody wrote), plugins outside
the allow-list, and ``custom "fava-extension"`` — which would make Fava run
code named by the ledger; those entries are removed so Fava never loads them::

    option "tolerance_multiplier" "0.5"            ; refused: lint-option
    2026-01-01 pad Assets:Bank:Fund Equity:Opening ; refused: lint-pad
    2026-01-01 custom "fava-extension" "x.y"       ; refused and removed: lint-plugin
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.lint import ALLOWED_PLUGINS, MAX_DECIMALS, MAX_INTEGER_DIGITS
from generator.money import CENT
from generator.rules.context import from_ledger

LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS

__plugins__ = ("rule",)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    errors: list[err.RuleError] = []
    main = options_map["filename"]
    if options_map.get("tolerance_multiplier") != 0:
        errors.append(err.lint("lint-option", main, 1, 'balances must be exact to the cent: main.beancount must set '
                               'option "tolerance_multiplier" "0"'))
    for name, _ in options_map.get("plugin", []):
        if name not in ALLOWED_PLUGINS:
            errors.append(err.lint("lint-plugin", main, 1, f'plugin "{name}" is not allowed; allowed: '
                                   f"{', '.join(sorted(ALLOWED_PLUGINS))}"))
    if options_map.get("plugin_processing_mode") != "default":
        errors.append(err.lint("lint-option", main, 1, 'option "plugin_processing_mode" is not allowed: '
                               "it switches off Beancount's own checks"))
    kept: list[data.Directive] = []
    for entry in entries:
        if isinstance(entry, data.Transaction):
            errors.extend(_amount_errors(entry, [posting.units for posting in entry.postings]))
        elif isinstance(entry, data.Balance):
            errors.extend(_amount_errors(entry, [entry.amount]))
            if entry.tolerance is not None:
                errors.append(err.lint("lint-amount", entry.meta["filename"], entry.meta["lineno"],
                                       "a balance tolerance (~) is not allowed; balances are exact to the cent"))
        if isinstance(entry, data.Pad):
            errors.append(err.lint("lint-pad", entry.meta["filename"], entry.meta["lineno"],
                                   "pad is not allowed: it books an amount nobody wrote; enter the real transaction"))
        if isinstance(entry, data.Custom) and entry.type == "fava-extension":
            errors.append(err.lint("lint-plugin", entry.meta["filename"], entry.meta["lineno"],
                                   "custom \"fava-extension\" is not allowed: it makes Fava run code; removed"))
            continue
        kept.append(entry)
    return kept, errors


def _amount_errors(entry: data.Directive, amounts: list[Any]) -> list[err.RuleError]:
    """Amounts as Beancount computed them (after any arithmetic): cents, at most 12 integer digits."""
    errors: list[err.RuleError] = []
    for units in amounts:
        number = getattr(units, "number", None)
        if number is None or not from_ledger(entry):
            continue
        exponent = number.as_tuple().exponent
        if (isinstance(exponent, int) and exponent < -MAX_DECIMALS and number != number.quantize(CENT)) or \
                abs(number) >= LIMIT:
            errors.append(err.lint("lint-amount", entry.meta["filename"], entry.meta["lineno"],
                                   f"amount {number} is not exact to the cent or has more than "
                                   f"{MAX_INTEGER_DIGITS} integer digits"))
    return errors
