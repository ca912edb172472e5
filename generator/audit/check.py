"""``trustfund check``: the books of every compound (lint, load, rules) and what the supervisors closed.

The command line and the site build both call ``check``; neither holds any of
its logic. Importing ``generator.rules`` here makes sure the rules Beancount's
loader runs are this installation's, whatever folder the books are in.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import generator.rules  # noqa: F401 — the plugin the books name is this installation's, imported before any load
from generator.audit.closing import closed_month_problems
from generator.books import Books, compound_ids, load_books
from generator.findings import Finding, from_error


class CheckError(Exception):
    """The repository or the compound asked for is not there (a usage error, not a finding)."""


def select(root: Path, compound: str | None) -> list[str]:
    if not (root / "ledgers").is_dir():
        raise CheckError(f"{root} has no ledgers/ folder; pass the repository with --root")
    ids = compound_ids(root)
    if compound is not None:
        if compound not in ids:
            raise CheckError(f"no compound '{compound}' under {root / 'ledgers'} "
                             f"(there are: {', '.join(ids) or 'none'})")
        ids = [compound]
    return ids


MAX_PER_FILE_AND_RULE = 200


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Each finding once (Beancount reports some twice when several validations see them), in file order;
    past 200 of one rule in one file, one line says how many more there are."""
    ordered = sorted(set(findings), key=lambda f: (f.path, f.line, f.rule, f.message))
    shown: list[Finding] = []
    counts: dict[tuple[str, str], int] = {}
    for finding in ordered:
        key = (finding.path, finding.rule)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= MAX_PER_FILE_AND_RULE:
            shown.append(finding)
    for (path, rule), count in sorted(counts.items()):
        if count > MAX_PER_FILE_AND_RULE:
            shown.append(Finding(path, 0, rule, f"… and {count - MAX_PER_FILE_AND_RULE} more {rule} findings in this "
                                 "file, not shown; fix the ones above first"))
    return shown


def findings_of(root: Path, books: Iterable[Books]) -> list[Finding]:
    """Every finding about loaded books, and every change to what a supervisor closed."""
    found = []
    for compound_books in books:
        found += [from_error(error, root) for error in compound_books.errors]
        found += [Finding(path, line, "closed-month", message)
                  for path, line, message in closed_month_problems(root, compound_books.compound_id)]
    return sorted_findings(found)


def check(root: Path, compound: str | None = None) -> list[Finding]:
    return findings_of(root, (load_books(root, compound_id) for compound_id in select(root, compound)))
