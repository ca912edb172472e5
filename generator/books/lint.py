"""The source lint: what is refused before Beancount loads anything.

A pull request could try to switch the checks off or reach outside its
compound rather than break a rule. So before any ledger is parsed, the files
themselves are read as text and refused when they:

- set an option outside the allow-list, or a tolerance other than zero;
- enable a plugin outside the allow-list, or lack ``plugin "generator.rules"``;
- include a file outside the compound's folder, or anything but ``.beancount``;
- use ``pad`` or ``custom "fava-extension"``;
- contain a Beancount cache file (``*.picklecache``, a pickle) or a symlink;
- are not UTF-8 text (a GBK or UTF-16 file is named, not crashed on);
- write an amount of more than 12 integer digits, or more than 2 decimals.

Each finding names the file and line; a compound with lint findings is not
loaded at all.
"""

from __future__ import annotations

import bisect
import glob
import os
import re
from pathlib import Path

from generator import errors as err

ALLOWED_OPTIONS = frozenset({"title", "operating_currency", "tolerance_multiplier", "render_commas",
                             "display_precision", "booking_method"})
ALLOWED_PLUGINS = frozenset({
    "generator.rules",
    "beancount.plugins.check_commodity", "beancount.plugins.check_closing", "beancount.plugins.coherent_cost",
    "beancount.plugins.leafonly", "beancount.plugins.noduplicates", "beancount.plugins.nounused",
    "beancount.plugins.onecommodity",
})
TEXT_SUFFIXES = frozenset({".beancount", ".bean", ".yaml", ".yml", ".md", ".csv", ".txt"})
MAX_INTEGER_DIGITS = 12
MAX_DECIMALS = 2

STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
COMMENT = re.compile(r";[^\n]*")
DIRECTIVE = re.compile(r'^(option|plugin|include)[ \t]+("(?:[^"\\\n]|\\.)*")(?:[ \t]+("(?:[^"\\\n]|\\.)*"))?',
                       re.M)
DATED = re.compile(r'^\d{4}-\d{2}-\d{2}[ \t]+(pad\b|custom[ \t]+"fava-extension")', re.M)
# The units of a posting (indented, optional flag, account) and of a balance assertion: the
# whole expression between the account and the currency, cost or price.
UNITS = re.compile(r"^(?:[ \t]+(?:[!*&#?%PSTCURM][ \t]+)?|\d{4}-\d{2}-\d{2}[ \t]+balance[ \t]+)"
                   r"[A-Z][A-Za-z0-9:-]*[ \t]+([^A-Z{@;\n]*?)[ \t]*(?=[A-Z{@;]|$)", re.M)
PLAIN_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+$")
MAYBE_LONG = re.compile(r"\d{13}|\d,\d{3},\d{3},\d{3},\d{3}")
LONG_NUMBER = re.compile(r"(?<![\w:.])[-+]?(\d[\d,]*)(?:\.\d+)?(?![\w.])")


class Lines:
    """Line numbers for offsets into a text, computed only when a finding needs one."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None

    def of(self, offset: int) -> int:
        if self.starts is None:
            self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return bisect.bisect_right(self.starts, offset)


def lint_compound(root: Path, compound_id: str) -> list[err.LintError]:
    """Every lint finding for one compound (its ledger, budget and notice folders)."""
    errors: list[err.LintError] = []
    folder = root / "ledgers" / compound_id
    texts: dict[Path, str] = {}
    for top in (folder, root / "budgets" / compound_id, root / "notices" / compound_id):
        if top.is_symlink():
            errors.append(err.lint("lint-symlink", top, 0, "is a symbolic link; folders and files must be real"))
            continue
        for path in _walk(top, errors):
            text = _read_text(path, errors)
            if text is not None and path.suffix == ".beancount":
                texts[path] = text
    main = folder / "main.beancount"
    if main not in texts and not any(e.source["filename"] == str(main) for e in errors):
        errors.append(err.lint("lint-include", main, 0, "main.beancount is missing"))
    for path, text in sorted(texts.items()):
        errors.extend(_lint_ledger_text(path, text, folder, is_main=path == main))
    return errors


def _walk(top: Path, errors: list[err.LintError]) -> list[Path]:
    files: list[Path] = []
    for directory, dirnames, filenames in os.walk(top):
        base = Path(directory)
        for name in list(dirnames):
            if (base / name).is_symlink():
                errors.append(err.lint("lint-symlink", base / name, 0,
                                       "is a symbolic link; folders and files must be real, not links"))
                dirnames.remove(name)
        dirnames.sort()
        for name in sorted(filenames):
            path = base / name
            if path.is_symlink():
                errors.append(err.lint("lint-symlink", path, 0,
                                       "is a symbolic link; folders and files must be real, not links"))
            elif name.endswith(".picklecache"):
                errors.append(err.lint("lint-cache", path, 0,
                                       "is a Beancount cache file (a pickle that could run code); delete it — "
                                       "the cache is never used"))
            elif path.suffix.lower() in TEXT_SUFFIXES:
                files.append(path)
    return files


def _read_text(path: Path, errors: list[err.LintError]) -> str | None:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in raw[:4096] and raw.count(b"\x00") > len(raw) // 4):
        errors.append(err.lint("lint-encoding", path, 1, "is UTF-16 text; save it as UTF-8"))
        return None
    if raw.startswith(b"\xef\xbb\xbf") and path.suffix != ".csv":
        errors.append(err.lint("lint-encoding", path, 1,
                               "starts with a byte-order mark; save it as UTF-8 without BOM"))
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = raw.count(b"\n", 0, problem.start) + 1
        guess = ""
        try:
            raw.decode("gb18030")
            guess = " (it looks like GBK/GB18030, as saved by some Chinese editors)"
        except UnicodeDecodeError:
            pass
        errors.append(err.lint("lint-encoding", path, line, f"is not UTF-8 text{guess}; save it as UTF-8"))
        return None


def _blank_strings(text: str) -> str:
    """The text with string contents and comments blanked, keeping every offset and newline."""
    def blank(match: re.Match[str]) -> str:
        inner = match.group()[1:-1]
        return '"' + (re.sub(r"[^\n]", " ", inner) if "\n" in inner else " " * len(inner)) + '"'
    without_strings = STRING.sub(blank, text)
    return COMMENT.sub(lambda match: " " * len(match.group()), without_strings)


def _lint_ledger_text(path: Path, text: str, folder: Path, is_main: bool) -> list[err.LintError]:
    errors: list[err.LintError] = []
    lines = Lines(text)
    has_rules = has_tolerance = False
    for match in DIRECTIVE.finditer(text):
        keyword, first, second = match.group(1), match.group(2)[1:-1], (match.group(3) or '""')[1:-1]
        line = lines.of(match.start())
        if keyword == "option":
            if first not in ALLOWED_OPTIONS:
                errors.append(err.lint("lint-option", path, line, f'option "{first}" is not allowed; allowed: '
                                       f"{', '.join(sorted(ALLOWED_OPTIONS))}"))
            elif first == "tolerance_multiplier":
                has_tolerance = True
                if second.strip() != "0":
                    errors.append(err.lint("lint-option", path, line, 'tolerance_multiplier must be "0" so every '
                                           f'balance is exact to the cent, not "{second}"'))
        elif keyword == "plugin":
            if first not in ALLOWED_PLUGINS:
                errors.append(err.lint("lint-plugin", path, line, f'plugin "{first}" is not allowed; allowed: '
                                       f"{', '.join(sorted(ALLOWED_PLUGINS))}"))
            has_rules = has_rules or first == "generator.rules"
        else:
            errors.extend(_lint_include(path, line, first, folder))
    if is_main and not has_rules:
        errors.append(err.lint("lint-plugin", path, 1,
                               'main.beancount must enable the rules: plugin "generator.rules"'))
    if is_main and not has_tolerance:
        errors.append(err.lint("lint-option", path, 1,
                               'main.beancount must set option "tolerance_multiplier" "0" '
                               "(balances exact to the cent)"))
    for match in DATED.finditer(text):
        if match.group(1).startswith("pad"):
            errors.append(err.lint("lint-pad", path, lines.of(match.start()),
                                   "pad is not allowed: it books an amount nobody wrote; enter the real transaction"))
        else:
            errors.append(err.lint("lint-plugin", path, lines.of(match.start()),
                                   'custom "fava-extension" is not allowed: it makes Fava run code'))
    errors.extend(_lint_amounts(path, text, lines))
    return errors


def _lint_include(path: Path, line: int, pattern: str, folder: Path) -> list[err.LintError]:
    target = os.path.normpath(os.path.join(path.parent, pattern))
    inside = target.startswith(str(folder) + os.sep)
    if not inside or not pattern.endswith(".beancount"):
        return [err.lint("lint-include", path, line, f'include "{pattern}" must name .beancount files inside '
                         f"ledgers/{folder.name}/")]
    for match in glob.glob(target):
        if not os.path.realpath(match).startswith(str(folder.resolve()) + os.sep):
            return [err.lint("lint-include", path, line, f'include "{pattern}" reaches {match}, outside the compound')]
    return []


def _lint_amounts(path: Path, text: str, lines: Lines) -> list[err.LintError]:
    errors: list[err.LintError] = []
    # Only a text with a long run of digits needs the slow scan, with strings and comments blanked.
    if MAYBE_LONG.search(text):
        for match in LONG_NUMBER.finditer(_blank_strings(text)):
            if len(match.group(1).replace(",", "")) > MAX_INTEGER_DIGITS:
                errors.append(err.lint("lint-amount", path, lines.of(match.start()),
                                       f"amount {match.group().strip()} has more than {MAX_INTEGER_DIGITS} "
                                       "integer digits"))
    # Posting and balance lines hold no strings before their amount, so the raw text will do.
    for match in UNITS.finditer(text):
        number = match.group(1).strip()
        if not number:
            continue
        if "~" in number:
            errors.append(err.lint("lint-amount", path, lines.of(match.start(1)),
                                   f"balance tolerance '{number}' is not allowed; balances are exact to the cent"))
        elif not PLAIN_NUMBER.match(number):
            errors.append(err.lint("lint-amount", path, lines.of(match.start(1)),
                                   f"amount '{number}' must be written as a plain number such as 1234.56"))
        elif "." in number and len(number.split(".")[1]) > MAX_DECIMALS:
            errors.append(err.lint("lint-amount", path, lines.of(match.start(1)),
                                   f"amount {number} has more than {MAX_DECIMALS} decimals; "
                                   "money is exact to the cent"))
    return errors
