"""What the source lint refuses, refused again for tools that load without it.

``trustfund check`` lints the source before anything is booked; ``bean-check``
and Fava do not. So the plugin applies the same table
(``generator.books.refusals``) to what the loader read: the top file's options
and plugins, a Python path that an included file asked for, every entry (pad,
reserved metadata keys, custom directives that make Fava run code, documents
outside ``vouchers/``, amounts not exact to the cent). Entries that would make
Fava run code are removed so Fava never sees them::

    option "tolerance_multiplier" "0.5"              ; refused: lint-option
    2026-01-01 pad Assets:Bank:Fund Equity:Opening   ; refused: lint-pad
    2026-01-01 custom "fava-extension" "x.y"         ; refused and removed: lint-plugin

Under trustfund's own load the lint has judged every parsed entry already;
only the booked amounts (interpolation can make a sum too long) are checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books import refusals
from generator.rules.context import context_for

__plugins__ = ("rule",)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    context = context_for(options_map, config)
    if context.linted:
        return entries, list(_booked_amounts(entries))
    main = Path(options_map["filename"])
    try:
        text: str | None = main.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None
    errors: list[err.RuleError] = list(refusals.option_refusals(main, text, options_map, is_main=True))
    for folder in options_map.get("pythonpath") or []:
        errors.append(err.lint("lint-option", main, 1, f'an included file sets option "insert_pythonpath", which '
                               f"would let Beancount import code from {folder}; remove it"))
    files = set(options_map.get("include") or [str(main)])
    entry_errors, remove = refusals.entry_refusals(entries, files, context.compound.vouchers)
    errors.extend(entry_errors)
    return ([entry for entry in entries if id(entry) not in remove] if remove else entries), errors


def _booked_amounts(entries: list[data.Directive]) -> list[err.RuleError]:
    checked = [entry for entry in entries if isinstance(entry, data.Transaction)
               and any(not refusals.within_bounds_or_missing(p.units) for p in entry.postings)]
    errors, _ = refusals.entry_refusals(checked, {str(e.meta.get("filename")) for e in checked},
                                        Path("/nonexistent"))
    return list(errors)
