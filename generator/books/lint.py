"""The source lint: what is refused before any entry is booked or any plugin runs.

A pull request could try to switch the checks off or reach outside its
compound rather than break a rule. So before the books are loaded:

1. **Bytes**, for what no parser sees: symbolic links, Beancount cache files
   (pickles), files of a kind the books do not use (a ``.py`` or ``.html``
   beside the ledger), text that is not UTF-8 (GBK and UTF-16 are named).
2. **Parsed**: each ledger file is read with Beancount's parser — which
   follows no include and runs no plugin — starting from ``main.beancount``
   and following only includes that stay inside the compound; the options,
   plugins, includes and directives it read are judged by
   ``generator.books.refusals``, the same table the in-loader ``safety`` rule
   uses. A ``.beancount`` file that no include reaches is refused too: it
   would be published and reviewed as if it counted.

The parsed files are kept: the loader books exactly these entries, so the
books are parsed once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beancount.core import data
from beancount.parser import parser

from generator import errors as err
from generator.books import refusals
from generator.errors import BookError

# Beancount's loader writes its cache beside the main file when a load takes over a second; trustfund never reads
# it, and Fava (which loads uncached) writes none. ``bean-check --no-cache`` also deletes one that is there.
CACHE_MESSAGE = ("is Beancount's load cache (a pickle that could run code), left by bean-check run without "
                 "--no-cache or by bean-query run without BEANCOUNT_DISABLE_LOAD_CACHE=1; delete it (or run "
                 "bean-check --no-cache, which deletes it) and use those flags from now on; trustfund never reads it")

# Files each folder of a compound may hold (by suffix, lowercase); vouchers/ is judged by content later.
LEDGER_FILES = (".beancount",)
PROFILE_FILES = ("compound.yaml", "units.csv")
VOUCHER_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".csv")
TEXT_SUFFIXES = (".beancount", ".yaml", ".yml", ".md", ".csv")


@dataclass
class Parsed:
    """One ledger file as Beancount's parser read it."""

    path: Path
    text: str
    entries: list[data.Directive]
    errors: list[BookError]
    options: dict[str, Any]


@dataclass
class Source:
    files: list[Parsed] = field(default_factory=list)  # main first, then what it includes
    errors: list[BookError] = field(default_factory=list)  # lint findings and the parser's own errors

    @property
    def refused(self) -> bool:
        return any(isinstance(error, err.LintError) for error in self.errors)


def lint_compound(root: Path, compound_id: str) -> Source:
    """Lint one compound (its ledger, budget and notice folders) and parse its ledger files."""
    folder = root / "ledgers" / compound_id
    source = Source()
    texts: dict[Path, str] = {}
    allowed = {folder: _ledger_file_allowed, root / "budgets" / compound_id: _budget_file_allowed,
               root / "notices" / compound_id: _notice_file_allowed}
    for top, is_allowed in allowed.items():
        if top.is_symlink():
            source.errors.append(err.lint("lint-symlink", top, 0, "is a symbolic link; folders and files must be real"))
            continue
        for path in _walk(top, source.errors):
            problem = is_allowed(path.relative_to(top))
            if problem is not None:
                source.errors.append(err.lint("lint-file", path, 0, problem))
                continue
            if path.suffix.lower() in TEXT_SUFFIXES:
                text = _read_text(path, source.errors)
                if text is not None and path.suffix == ".beancount":
                    texts[path] = text
    main = folder / "main.beancount"
    if main not in texts:
        if not any((e.source or {}).get("filename") == str(main) for e in source.errors):
            source.errors.append(err.lint("lint-include", main, 0, "main.beancount is missing"))
        return source
    _parse_from_main(main, folder, texts, source)
    reached = {parsed.path for parsed in source.files}
    for path in sorted(set(texts) - reached):
        source.errors.append(err.lint("lint-include", path, 0, "is not included from main.beancount, so it does "
                                      "not count in the books; include it or remove it"))
    return source


def _parse_from_main(main: Path, folder: Path, texts: dict[Path, str], source: Source) -> None:
    pending = [main]
    seen: set[Path] = set()
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.add(path)
        text = texts.get(path)
        if text is None:
            continue  # not a readable ledger file: _walk or _read_text named it
        # What would crash Beancount's parser is refused here and kept from it: see refusals.unparseable_lines.
        unsafe = refusals.unsafe_division_lines(text)
        reserved = refusals.reserved_metadata_refusals([str(path)], {str(path): text})
        source.errors.extend([*refusals.division_refusals(path, unsafe), *reserved])
        blank = [*unsafe, *(error.source["lineno"] for error in reserved)]
        try:
            # The file as it is, read by Beancount's own reader (a third faster than a string at 100k
            # transactions); only when lines had to be kept from the parser, the text without them.
            entries, errors, options_map = (parser.parse_string(refusals.parseable(text, blank),
                                                                report_filename=str(path))
                                            if blank else parser.parse_file(str(path)))
        except Exception as problem:  # Beancount's C parser raises on some input rather than report it
            source.errors.append(err.lint("syntax", path, 1, f"Beancount's parser failed on this file "
                                          f"({type(problem).__name__}); undo the last change to it"))
            continue
        source.files.append(Parsed(path, text, entries, list(errors), options_map))
        source.errors.extend(errors)
        source.errors.extend(refusals.option_refusals(path, text, options_map, is_main=path == main))
        include_errors, included = refusals.include_refusals(path, text, options_map["include"], folder)
        source.errors.extend(include_errors)
        pending.extend(included)
    for parsed in source.files:
        # Each file's entries must say they come from that file (reserved keys were named before parsing).
        name = str(parsed.path)
        entry_errors, _ = refusals.entry_refusals(parsed.entries, {name}, folder / "vouchers", texts={})
        source.errors.extend(entry_errors)


def _ledger_file_allowed(relative: Path) -> str | None:
    if relative.parts[0] == "vouchers":
        if relative.suffix.lower() in VOUCHER_SUFFIXES:
            return None
        return (f"is a {relative.suffix or 'file without extension'}: only PDF, JPEG, PNG (evidence) and CSV (detail "
                "sheets) may be kept under vouchers/, because everything there is published")
    if relative.suffix == ".beancount" or (len(relative.parts) == 1 and relative.name in PROFILE_FILES):
        return None
    return (f"is not a file the books use (ledgers/<id>/ holds .beancount files, {', '.join(PROFILE_FILES)} and "
            "vouchers/); move or remove it")


def _budget_file_allowed(relative: Path) -> str | None:
    if len(relative.parts) == 1 and relative.suffix == ".yaml":
        return None
    return "is not a budget: budgets/<id>/ holds one <YYYY>.yaml per year; move or remove it"


def _notice_file_allowed(relative: Path) -> str | None:
    if len(relative.parts) == 1 and relative.suffix == ".md":
        return None
    return "is not a notice: notices/<id>/ holds <YYYY-MM-DD>-<slug>.md files; move or remove it"


def _walk(top: Path, errors: list[BookError]) -> list[Path]:
    files: list[Path] = []
    for directory, dirnames, filenames in os.walk(top):
        base = Path(directory)
        for name in list(dirnames):
            if _misnamed(base / name, errors):
                dirnames.remove(name)
            elif (base / name).is_symlink():
                errors.append(err.lint("lint-symlink", base / name, 0,
                                       "is a symbolic link; folders and files must be real, not links"))
                dirnames.remove(name)
        dirnames.sort()
        for name in sorted(filenames):
            path = base / name
            if _misnamed(path, errors):
                continue
            if path.is_symlink():
                errors.append(err.lint("lint-symlink", path, 0,
                                       "is a symbolic link; folders and files must be real, not links"))
            elif name.endswith(".picklecache"):
                errors.append(err.lint("lint-cache", path, 0, CACHE_MESSAGE))
            else:
                files.append(path)
    return files


def _misnamed(path: Path, errors: list[BookError]) -> bool:
    """A name that is not UTF-8 text (Python keeps its bytes as surrogates) is refused, and named with those
    bytes escaped: no finding may carry a name that cannot be printed."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        printable = os.fsencode(path).decode("utf-8", "backslashreplace")
        errors.append(err.lint("lint-encoding", printable, 0, "its name is not UTF-8 text; rename it"))
        return True
    return False


def _read_text(path: Path, errors: list[BookError]) -> str | None:
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
