"""The books as parsed entries, for comparing two states of them: closed months, history, verification.

A ledger file is read with Beancount's parser (no include followed, no plugin
run) and each dated directive becomes a comparable value with its location
metadata dropped — so ``bean-format`` or Fava's formatter, a move to another
file or a comment changes nothing, while a changed figure, account, payee or
voucher does, whatever date spelling (``2025/01/28``, ``2025-1-28``) it uses.
Budgets and notices compare by what their YAML and text say.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath

from beancount.parser import parser

from generator.books import refusals
from generator.books.compound import comparable

NOTICE_NAME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})-[a-z0-9][a-z0-9-]*\.md", re.ASCII)
BUDGET_NAME = re.compile(r"([0-9]{4})\.yaml", re.ASCII)
LOCATION = ("filename", "lineno")


@dataclass(frozen=True)
class Dated:
    """One dated thing in the books: an entry, a year's budget, a notice."""

    date: datetime.date
    key: object
    path: str
    line: int
    voucher: str | None = None

    @property
    def label(self) -> str:
        return self.voucher or self.path


def canonical(value: object) -> object:
    """A hashable value equal for equal entries, whatever their spelling, file or line."""
    if isinstance(value, dict):
        return tuple(sorted(((str(k), canonical(v)) for k, v in value.items() if k not in LOCATION),
                            key=lambda pair: pair[0]))
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return (type(value).__name__, *(canonical(item) for item in value))
    if isinstance(value, (list, tuple)):
        return tuple(canonical(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(str(item) for item in value))
    if isinstance(value, (str, int, Decimal, datetime.date, bool)) or value is None:
        return value
    return repr(value)


def dated(path: str, text: str) -> list[Dated]:
    """The dated things in one file of a compound's books."""
    return _dated(path, text, strict=False) or []


def dated_strictly(path: str, text: str) -> list[Dated] | None:
    """The dated things in a run of whole entries of a ledger file, or None if Beancount's parser found any
    error in it (then the run cannot be judged on its own)."""
    return _dated(path, text, strict=True)


def _dated(path: str, text: str, strict: bool) -> list[Dated] | None:
    name = PurePosixPath(path).name
    if path.endswith(".beancount"):
        safe = refusals.parseable(text, refusals.unparseable_lines(text))  # see refusals: 1/0 kills the parser
        try:
            entries, errors, _ = parser.parse_string(safe, report_filename=path)
            failed = bool(errors)
        except Exception:  # Beancount's C parser raises on some input: then nothing in the file is as it was
            entries, failed = [], True
        if strict and (failed or safe != text):
            return None
        result = []
        for entry in entries:
            meta = entry.meta or {}
            voucher = meta.get("voucher")
            line = meta.get("lineno")
            result.append(Dated(entry.date, canonical(entry), path, line if type(line) is int else 0,
                                voucher if isinstance(voucher, str) else None))
        return result
    notice = NOTICE_NAME.fullmatch(name)
    budget = BUDGET_NAME.fullmatch(name)
    try:
        if notice and path.startswith("notices/"):
            day = datetime.date(int(notice.group(1)), int(notice.group(2)), int(notice.group(3)))
        elif budget and path.startswith("budgets/"):
            day = datetime.date(int(budget.group(1)), 12, 31)
        else:
            return []
    except ValueError:
        return []
    return [Dated(day, canonical(comparable(path, text)), path, 1)]


def changes(before: list[Dated], after: list[Dated], through: datetime.date | None = None,
            ) -> list[tuple[str, Dated]]:
    """What changed from ``before`` to ``after`` (only things dated on or before ``through``, if given):
    ('changed' | 'removed' | 'added', item). A removed and an added entry with one voucher (or a budget or
    notice in one file) are one change, reported where it stands now."""
    if through is not None:
        before = [item for item in before if item.date <= through]
        after = [item for item in after if item.date <= through]
    old, new = Counter(item.key for item in before), Counter(item.key for item in after)
    removed = _take(before, old - new)
    added = _take(after, new - old)
    added_by_identity = {_identity(item): item for item in added if _identity(item)}
    removed_identities = {_identity(item) for item in removed if _identity(item)}
    result = [("changed", added_by_identity[_identity(item)]) if _identity(item) in added_by_identity
              else ("removed", item) for item in removed]
    result += [("added", item) for item in added if not (_identity(item) and _identity(item) in removed_identities)]
    return result


def _identity(item: Dated) -> str | None:
    """What stays the same when a thing changes: an entry's voucher; a budget's or notice's file."""
    return item.voucher if item.path.endswith(".beancount") else item.path


def _take(candidates: list[Dated], counts: Counter[object]) -> list[Dated]:
    taken = []
    for item in candidates:
        if counts[item.key] > 0:
            counts[item.key] -= 1
            taken.append(item)
    return taken


def is_books_file(path: str, compound: str) -> bool:
    """Whether a path holds dated things of a compound: its ledger files, budgets or notices."""
    return (path.startswith(f"ledgers/{compound}/") and path.endswith(".beancount")) or \
        path.startswith((f"budgets/{compound}/", f"notices/{compound}/"))
