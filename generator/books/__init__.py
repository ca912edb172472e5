"""A compound's books, read once: profile, budgets and notices, then the ledger, linted, parsed and loaded.

``load_books`` is the one way trustfund reads a compound. It reads the
compound's YAML, lints its files and parses its ledger files with
Beancount's parser (``generator.books.lint``), and — when the lint refuses
nothing — books those same parsed entries and runs the plugins and
validations exactly as Beancount's loader does (the same functions, in the
same order), but over the files the lint vetted: no include the lint did not
follow, no Python path from the books, and Beancount's load cache is never
touched (it is a pickle a pull request could plant). ``trustfund build`` asks
for the rules' verdict to be reached in a second process while it renders
(``judge_beside``; generator/books/verdict.py).

Python's garbage collector is paused during the load: Beancount allocates
millions of small objects and frees few, so collection passes are wasted work
(10.5 s → 8.5 s for 100k transactions, measured).
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beancount import loader
from beancount.core import data
from beancount.parser import booking

from generator.books.compound import Compound, preloaded, read_compound
from generator.books.lint import lint_compound
from generator.books.verdict import PendingVerdict, judge
from generator.errors import BookError


@dataclass
class Books:
    compound: Compound
    entries: list[data.Directive] = field(default_factory=list)
    errors: list[BookError] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)  # the ledger files that were read, main first
    loaded: bool = False
    pending: PendingVerdict | None = None  # the rules' verdict, still being reached beside (verdict.py)

    def settle(self) -> None:
        """Wait for the rules' verdict if it is still being reached; its errors join ``errors``."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            self.errors.extend(pending.settle(self.entries))

    def abandon(self) -> None:
        if self.pending is not None:
            self.pending.abandon()
            self.pending = None

    @property
    def compound_id(self) -> str:
        return self.compound.id

    @property
    def main(self) -> Path:
        return self.compound.main


def load_books(root: Path, compound_id: str, *, judge_beside: bool = False) -> Books:
    """Read one compound; a compound the lint refuses is not loaded. With ``judge_beside`` the rules'
    verdict may still be pending when this returns: ``settle()`` the books before trusting ``errors``."""
    collecting = gc.isenabled()
    gc.disable()  # from the parse on: it allocates millions of objects and frees almost none
    try:
        return _load(root, compound_id, judge_beside)
    finally:
        if collecting:
            gc.enable()


def _load(root: Path, compound_id: str, judge_beside: bool) -> Books:
    source = lint_compound(root, compound_id)
    compound, compound_errors = read_compound(root, compound_id)
    books = Books(compound, errors=list(source.errors), files=[parsed.path for parsed in source.files])
    if source.refused or not source.files:
        return books  # what the lint refused is all there is to say until it is fixed
    books.errors.extend(compound_errors)
    entries = [entry for parsed in source.files for entry in parsed.entries]
    for parsed in source.files:  # the parse lives on only in ``entries``: one copy while booking
        parsed.entries, parsed.text = [], ""
    entries.sort(key=data.entry_sortkey)
    options = dict(source.files[0].options)
    options["include"] = sorted(str(path) for path in books.files)
    options = loader.aggregate_options_map(options, [parsed.options for parsed in source.files[1:]])
    with preloaded(compound):
        entries, booking_errors = booking.book(entries, options)
        entries, errors, books.pending = judge(entries, booking_errors, options, judge_beside)
    books.entries, books.options, books.loaded = entries, options, True
    books.errors.extend(errors)
    return books


def compound_ids(root: Path) -> list[str]:
    """The compounds of a repository: the folders under ``ledgers/``."""
    ledgers = root / "ledgers"
    if not ledgers.is_dir():
        return []
    return sorted(path.name for path in ledgers.iterdir() if path.is_dir() and not path.name.startswith("."))
