"""What the source lint refuses, refused again for tools that load without it.

``trustfund check`` lints the source before anything is booked; ``bean-check``
and Fava do not. So the plugin applies the same table
(``generator.books.refusals``) to what the loader read: the top file's options
and plugins, a Python path that an included file asked for, an include that
reached outside the compound's folder, every entry (pad,
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

import os
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.core.interpolate import AUTOMATIC_META
from beancount.parser import parser

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
    text = _read(main)
    errors: list[err.RuleError] = list(refusals.option_refusals(main, text, options_map, is_main=True))
    loaded = list(options_map.get("include") or [str(main)])
    errors.extend(_pythonpath_refusals(main, loaded, options_map.get("pythonpath") or []))
    if any(not _inside(name, main.parent) for name in loaded):
        errors.extend(_include_refusals(main, loaded))
    entry_errors, remove = refusals.entry_refusals(entries, set(loaded), context.compound.vouchers)
    errors.extend(entry_errors)
    return ([entry for entry in entries if id(entry) not in remove] if remove else entries), errors


def _booked_amounts(entries: list[data.Directive]) -> list[err.RuleError]:
    """Amounts Beancount filled in while booking (the lint saw every amount that was written)."""
    checked = [entry for entry in entries if isinstance(entry, data.Transaction)
               and any(p.meta and AUTOMATIC_META in p.meta and not refusals.within_bounds_or_missing(p.units)
                       for p in entry.postings)]
    errors, _ = refusals.entry_refusals(checked, {str(e.meta.get("filename")) for e in checked},
                                        Path("/nonexistent"), texts={})
    return list(errors)


def _inside(name: str, folder: Path) -> bool:
    return os.path.realpath(name).startswith(os.path.realpath(folder) + os.sep)


def _pythonpath_refusals(main: Path, loaded: list[str], pythonpath: list[str]) -> list[err.RuleError]:
    """An ``insert_pythonpath`` set by an included file (Beancount ignores other options there, not this one),
    named at the file and line that set it; main's own is refused with the other options."""
    errors: list[err.RuleError] = []
    for folder in pythonpath:
        found = False
        for name in loaded:
            if os.path.dirname(name) != folder:
                continue
            text = _read(Path(name))
            line = refusals.option_line(text, "insert_pythonpath", default=0)
            if line and Path(name) != main:  # the lint's own refusal, word for word
                errors.append(err.lint("lint-option", name, line, 'option "insert_pythonpath" is not allowed; '
                                       f"allowed: {refusals.ALLOWED_TEXT}"))
            found = found or bool(line)
        if not found:
            errors.append(err.lint("lint-option", main, 1, f'an included file sets option "insert_pythonpath", which '
                                   f"would let Beancount import code from {folder}; remove it"))
    return errors


def _include_refusals(main: Path, loaded: list[str]) -> list[err.RuleError]:
    """The includes that reached outside the compound, named where they are written (the lint's own refusal)."""
    errors: list[err.RuleError] = []
    for name in loaded:
        if not _inside(name, main.parent):
            continue
        text = _read(Path(name))
        if text is None:
            continue
        _, _, options_map = parser.parse_string(text, report_filename=name)
        found, _ = refusals.include_refusals(Path(name), text, options_map["include"], main.parent)
        errors.extend(found)
    return errors or [err.lint("lint-include", main, 1, "the books include files outside the compound's folder")]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
