"""What the books may not say, judged by what Beancount's parser read: one table for two checkers.

The source lint (``trustfund check``, before anything is booked or any plugin
runs) and the in-loader ``safety`` rule (``bean-check``, Fava) both call these
functions, so they refuse the same things with the same rule ids:

- ``lint-option``: an option outside the allow-list or set anywhere but in
  ``main.beancount``; a tolerance other than ``"0"``.
- ``lint-plugin``: a plugin outside the allow-list, in any file; a main file
  without ``plugin "generator.rules"``; ``custom "fava-extension"`` and Fava
  options that run code or name files (``import-config`` …).
- ``lint-include``: an include outside the compound's folder, or of anything
  but ``.beancount`` files.
- ``lint-pad``: ``pad`` (it books an amount nobody wrote).
- ``lint-directive``: a hand-written ``custom "budget"`` (budgets come from the
  YAML the owners approved), a ``document`` outside ``vouchers/``.
- ``lint-metadata``: a loader-reserved metadata key (``filename:``, ``lineno:``)
  written in the source, which would make an entry look generated.
- ``lint-amount``: an amount not exact to the cent or of more than twelve
  integer digits (whatever its spelling: ``10/3`` is 3.333…), a balance
  tolerance (``~``), a division whose divisor may be zero (it crashes
  Beancount's parser, so such a line never reaches it), a total cost on
  zero units (it crashes Beancount's booking).

Beancount's grammar accepts more spellings than any pattern anticipates
(``option"x""y"``, ``2025/01/28``); the parser has already read them all, so
nothing here looks at the text except to find the line of an option, which
the parser does not record — and that is done with Beancount's own lexer.
"""

from __future__ import annotations

import copy
import glob
import os
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from beancount.core import data, position
from beancount.parser import lexer, options

from generator import errors as err
from generator.money import MAX_INTEGER_DIGITS, within_bounds

ALLOWED_OPTIONS = frozenset({"title", "operating_currency", "tolerance_multiplier", "render_commas",
                             "display_precision", "booking_method"})
ALLOWED_PLUGINS = frozenset({
    "generator.rules",
    "beancount.plugins.check_commodity", "beancount.plugins.check_closing", "beancount.plugins.coherent_cost",
    "beancount.plugins.leafonly", "beancount.plugins.noduplicates", "beancount.plugins.nounused",
    "beancount.plugins.onecommodity",
})
# Fava options that only change how Fava shows the books; anything else (import-config, import-dirs,
# default-file, extensions …) runs code or names files, and is refused.
FAVA_OPTIONS = frozenset({
    "language", "locale", "default-page", "fiscal-year-end", "currency-column", "indent", "show-closed-accounts",
    "show-accounts-regex", "collapse-pattern", "sidebar-show-queries", "upcoming-events", "conversion-currencies",
    "account-journal-include-children", "uptodate-indicator-exclude-always", "invert-income-liabilities-equity",
    "invert-gains-losses", "auto-reload", "show-balance-sheet",
})
RESERVED_METADATA = ("filename", "lineno")
# Options the parser fills in itself, or that the loader sets: not something a file "set".
PARSER_OPTIONS = frozenset({"filename", "include", "plugin", "dcontext", "input_hash", "commodities"})
DEFAULTS = copy.deepcopy(options.OPTIONS_DEFAULTS)
ALLOWED_TEXT = ", ".join(sorted(ALLOWED_OPTIONS))
PLUGIN_TEXT = ", ".join(sorted(ALLOWED_PLUGINS))
RULES_PLUGIN = "generator.rules"


def options_set(options_map: dict[str, Any]) -> list[str]:
    """The options a file set to something other than Beancount's default, in the table's order."""
    return [key for key, default in DEFAULTS.items()
            if key not in PARSER_OPTIONS and options_map.get(key, default) != default]


def option_refusals(path: Path, text: str | None, options_map: dict[str, Any], is_main: bool,
                    ) -> list[err.LintError]:
    errors: list[err.LintError] = []
    for key in options_set(options_map):
        line = option_line(text, key)
        if key not in ALLOWED_OPTIONS:
            errors.append(err.lint("lint-option", path, line,
                                   f'option "{key}" is not allowed; allowed: {ALLOWED_TEXT}'))
        elif not is_main:
            errors.append(err.lint("lint-option", path, line,
                                   f'option "{key}" belongs in main.beancount (Beancount ignores it here)'))
    if is_main:
        errors.extend(tolerance_refusals(path, text, options_map))
    names = [name for name, _ in options_map.get("plugin", [])]
    for name in names:
        if name not in ALLOWED_PLUGINS:
            errors.append(err.lint("lint-plugin", path, directive_line(text, "PLUGIN", name),
                                   f'plugin "{name}" is not allowed; allowed: {PLUGIN_TEXT}'))
        elif not is_main:
            errors.append(err.lint("lint-plugin", path, directive_line(text, "PLUGIN", name),
                                   f'plugin "{name}" belongs in main.beancount'))
    if is_main and RULES_PLUGIN not in names:
        errors.append(err.lint("lint-plugin", path, 1,
                               f'main.beancount must enable the rules: plugin "{RULES_PLUGIN}"'))
    return errors


def tolerance_refusals(path: Path, text: str | None, options_map: dict[str, Any]) -> list[err.LintError]:
    tolerance = options_map.get("tolerance_multiplier")
    if tolerance == 0:
        return []
    line = option_line(text, "tolerance_multiplier", default=0)
    if line == 0:
        return [err.lint("lint-option", path, 1, 'main.beancount must set option "tolerance_multiplier" "0" '
                         "(balances exact to the cent)")]
    return [err.lint("lint-option", path, line, f'tolerance_multiplier must be "0", not "{tolerance}": main.beancount '
                     'must set option "tolerance_multiplier" "0" so every balance is exact to the cent')]


def include_refusals(path: Path, text: str | None, patterns: Iterable[str], folder: Path,
                     ) -> tuple[list[err.LintError], list[Path]]:
    """Refusals for a file's includes, and the files they name (inside the compound only)."""
    errors: list[err.LintError] = []
    files: list[Path] = []
    real_folder = str(folder.resolve()) + os.sep
    for pattern in patterns:
        line = directive_line(text, "INCLUDE", pattern)
        target = os.path.normpath(os.path.join(path.parent, pattern))
        if not target.startswith(str(folder) + os.sep) or not pattern.endswith(".beancount"):
            errors.append(err.lint("lint-include", path, line, f'include "{pattern}" must name .beancount files '
                                   f"inside ledgers/{folder.name}/"))
            continue
        for match in sorted(glob.glob(target, recursive=False)):
            if not os.path.realpath(match).startswith(real_folder) or os.path.islink(match):
                errors.append(err.lint("lint-include", path, line,
                                       f'include "{pattern}" reaches {match}, outside the compound'))
                break
            files.append(Path(os.path.normpath(match)))
    return errors, files


def entry_refusals(entries: Iterable[data.Directive], files: set[str], vouchers: Path,
                   texts: Mapping[str, str] | None = None) -> tuple[list[err.LintError], set[int]]:
    """Refusals for parsed (or loaded) entries, and the ids of entries that must be removed.

    ``files`` are the ledger files the entries may come from (``texts``, their text if already read).
    An entry that claims another file or a line that is not a line number has had ``filename:`` or
    ``lineno:`` written in the source; its own checks are skipped, as its location cannot be trusted.
    """
    errors: list[err.LintError] = []
    remove: set[int] = set()
    for entry in entries:
        meta = entry.meta or {}
        filename, lineno = meta.get("filename"), meta.get("lineno")
        if filename not in files or type(lineno) is not int:
            continue
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                pmeta = posting.meta or {}
                if pmeta and (pmeta.get("filename") != filename or type(pmeta.get("lineno")) is not int):
                    continue
                errors.extend(_amount_refusals(filename, pmeta.get("lineno", lineno), posting.units))
                if _total_cost_on_zero_units(posting):
                    errors.append(err.lint("lint-amount", filename, pmeta.get("lineno", lineno),
                                           "a total cost ({{…}} or #) on zero units is not allowed: Beancount "
                                           "divides by the units and crashes; write the units bought"))
        elif isinstance(entry, data.Balance):
            errors.extend(_amount_refusals(filename, lineno, entry.amount))
            if entry.tolerance is not None:
                errors.append(err.lint("lint-amount", filename, lineno,
                                       "a balance tolerance (~) is not allowed; balances are exact to the cent"))
        elif isinstance(entry, data.Pad):
            errors.append(err.lint("lint-pad", filename, lineno,
                                   "pad is not allowed: it books an amount nobody wrote; enter the real transaction"))
        elif isinstance(entry, data.Custom):
            problem = _custom_problem(entry)
            if problem is not None:
                rule, message = problem
                errors.append(err.lint(rule, filename, lineno, message))
                remove.add(id(entry))
        elif isinstance(entry, data.Document):
            target = Path(os.path.normpath(os.path.join(os.path.dirname(filename), entry.filename)))
            if vouchers not in target.parents:
                errors.append(err.lint("lint-directive", filename, lineno,
                                       f'document "{entry.filename}" must name a file under vouchers/'))
                remove.add(id(entry))
    # Every reserved key written in the source, whether or not it managed to override the location
    # (Beancount keeps a posting's own and reports only a duplicate key at the entry): Beancount's lexer
    # finds where each is written, and only in files where the word occurs at all.
    errors.extend(reserved_metadata_refusals(files, texts))
    return errors, remove


def _custom_problem(entry: data.Custom) -> tuple[str, str] | None:
    if entry.type == "fava-extension":
        return "lint-plugin", 'custom "fava-extension" is not allowed: it makes Fava run code; removed'
    if entry.type == "fava-option":
        key = entry.values[0].value if entry.values else None
        if key not in FAVA_OPTIONS:
            return "lint-plugin", (f'custom "fava-option" "{key}" is not allowed: it runs code or names files; '
                                   f"allowed: {', '.join(sorted(FAVA_OPTIONS))}")
        return None
    if entry.type == "budget":
        return "lint-directive", ('custom "budget" is not allowed: budgets come from budgets/<id>/<YYYY>.yaml '
                                  "as the owners approved them")
    return None


def _total_cost_on_zero_units(posting: data.Posting) -> bool:
    """Beancount 3.2.3's booking divides a total cost by the units with no check for zero (beancount#1048)."""
    cost, number = posting.cost, getattr(posting.units, "number", None)
    return (isinstance(cost, position.CostSpec) and isinstance(cost.number_total, Decimal)
            and isinstance(number, Decimal) and number == 0)


def within_bounds_or_missing(units: Any) -> bool:
    number = getattr(units, "number", None)
    return not isinstance(number, Decimal) or within_bounds(number)


def _amount_refusals(filename: str, lineno: int, units: Any) -> list[err.LintError]:
    number = getattr(units, "number", None)
    if not isinstance(number, Decimal) or within_bounds(number):
        return []
    if abs(number) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        problem = f"has more than {MAX_INTEGER_DIGITS} integer digits"
    else:
        problem = "has more than 2 decimals; money is exact to the cent"
    return [err.lint("lint-amount", filename, lineno, f"amount {number} {problem}")]


# Beancount 3.2.3's C parser kills the interpreter (SIGSEGV) on a division whose divisor is zero — ``1/0``,
# ``1/(1-1)``, ``1/-0`` — so no such text may reach it; its lexer is safe. A quick search finds the few files
# where a divisor could be zero (a division by a plain non-zero number is parsed and judged as an amount).
MAYBE_ZERO_DIVISOR = re.compile(r"/[ \t]*(?:[(+\-]|[0.]+(?![0-9]))")


def unsafe_division_lines(text: str) -> list[int]:
    """Lines holding a division whose divisor is not a plain non-zero number, found with Beancount's lexer."""
    if not MAYBE_ZERO_DIVISOR.search(text):
        return []
    lines: set[int] = set()
    after_slash = False
    for token, line, _, value in lexer.lex_iter_string(text):
        if after_slash and not (token == "NUMBER" and value != 0):
            lines.add(int(line))
        after_slash = token == "SLASH"
    return sorted(lines)


def parseable(text: str, unsafe: Iterable[int]) -> str:
    """The text with the given lines made comments — an indented line stays indented, so the entry it is part
    of goes on — and every other line kept at its number (lines as Beancount counts them, by ``\n`` only)."""
    blank = set(unsafe)
    if not blank:
        return text
    return "\n".join((line[:len(line) - len(line.lstrip(" \t"))] + ";" if line[:1] in (" ", "\t") else "")
                     if number in blank else line for number, line in enumerate(text.split("\n"), 1))


def unparseable_lines(text: str) -> list[int]:
    """Lines Beancount's parser must not see: a division that may be by zero kills it, and a reserved metadata
    key that is not a number (``lineno: "9"``) makes it raise while it sorts the entries."""
    return sorted({*unsafe_division_lines(text), *(line for line, _ in reserved_metadata_keys(text))})


def division_refusals(path: Path, unsafe: Iterable[int]) -> list[err.LintError]:
    return [err.lint("lint-amount", path, line, "a division whose divisor may be zero is not allowed: it crashes "
                     "Beancount's parser (bean-check and Fava too); write the amount itself") for line in unsafe]


def reserved_metadata_refusals(files: Iterable[str], texts: Mapping[str, str] | None = None,
                               ) -> list[err.LintError]:
    """Every ``filename:``/``lineno:`` key written in the files, found with Beancount's lexer.

    With ``texts``, only the files it holds are read (from it); otherwise each file is read from disk.
    """
    errors = []
    for filename in sorted(files):
        if texts is not None:
            if filename not in texts:
                continue
            text = texts[filename]
        else:
            try:
                text = Path(filename).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
        for line, key in reserved_metadata_keys(text):
            errors.append(err.lint("lint-metadata", filename, line,
                                   f"metadata key '{key}:' is reserved for Beancount's loader (it would make "
                                   "the entry look generated and skip the rules); remove it"))
    return errors


def reserved_metadata_keys(text: str) -> list[tuple[int, str]]:
    """(line, key) of every ``filename:``/``lineno:`` key written in a text, found with Beancount's lexer
    (only in a text where one of the words occurs at all)."""
    if not any(key in text for key in RESERVED_METADATA):
        return []
    return [(int(line), str(value)) for token, line, _, value in lexer.lex_iter_string(text)
            if token == "KEY" and value in RESERVED_METADATA]


def option_line(text: str | None, key: str, default: int = 1) -> int:
    """The line of the option that set ``key`` (under its name or an old alias): the last one, as it wins."""
    return directive_line(text, "OPTION", key, default, last=True)


def directive_line(text: str | None, keyword: str, value: str, default: int = 1, last: bool = False) -> int:
    """The line of ``option``/``plugin``/``include`` whose first string is ``value``, by Beancount's lexer
    (the first such line, or with ``last`` the last)."""
    if not text or value not in text:
        return default
    found = default
    expecting = False
    for token, line, _, token_value in lexer.lex_iter_string(text):
        if token == keyword:
            expecting = True
        elif expecting and token == "STRING":
            if token_value == value or (keyword == "OPTION" and options.OPTIONS.get(token_value) is not None
                                        and options.OPTIONS[token_value].alias == value):
                if not last:
                    return int(line)
                found = int(line)
            expecting = False
        elif token not in ("INDENT",):
            expecting = False
    return found
