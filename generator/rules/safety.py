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

from typing import Any

from beancount.core import data

from generator import errors as err
from generator.lint import ALLOWED_PLUGINS

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
    kept: list[data.Directive] = []
    for entry in entries:
        if isinstance(entry, data.Pad):
            errors.append(err.lint("lint-pad", entry.meta["filename"], entry.meta["lineno"],
                                   "pad is not allowed: it books an amount nobody wrote; enter the real transaction"))
        if isinstance(entry, data.Custom) and entry.type == "fava-extension":
            errors.append(err.lint("lint-plugin", entry.meta["filename"], entry.meta["lineno"],
                                   "custom \"fava-extension\" is not allowed: it makes Fava run code; removed"))
            continue
        kept.append(entry)
    return kept, errors
