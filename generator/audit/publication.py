"""What one build of the site publishes: each compound's checked books as owners see them, with their history.

The books are loaded and checked (unless ``trustfund build`` has just done
it); a finding stops the publication. Then each compound's view, its history
from git and the commit the books were built from are gathered for the site
to render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.audit.check import findings_of
from generator.audit.history import load_history, provenance
from generator.books import Books, compound_ids, load_books
from generator.books.queries import Snapshot, read_snapshot
from generator.view import CompoundView, History, Provenance, build_view


class PublicationError(Exception):
    pass


@dataclass
class Publication:
    views: list[CompoundView]
    histories: dict[str, History | None]
    provenance: Provenance
    queries: Snapshot | None = None
    notes: list[str] = field(default_factory=list)  # warnings for the build's log, never a reason to stop


def gather(root: Path, checked: dict[str, Books] | None = None, queries: Path | None = None,
           compound: str | None = None) -> Publication:
    """Everything the site shows (of one ``compound`` only, for its part of a district site). Books handed over
    as ``checked`` are not checked again. A snapshot of the owners' queries is untrusted and never stops the
    publication: what cannot be read is left out, with a note."""
    chosen = [compound] if compound is not None else compound_ids(root)
    books = checked if checked is not None else {cid: load_books(root, cid) for cid in chosen}
    if checked is None:
        findings = findings_of(root, books.values())
        if findings:
            shown = "; ".join(f.text() for f in findings[:3])
            raise PublicationError(f"the books have {len(findings)} finding(s); nothing is built. {shown}")
    snapshot = read_snapshot(queries) if queries is not None else None
    views = [build_view(compound_books, snapshot) for compound_books in books.values()]
    publication = Publication(views, {view.id: load_history(root, view.id) for view in views}, provenance(root),
                              snapshot, list(snapshot.problems) if snapshot else [])
    if snapshot is not None and snapshot.fetched_at is not None:
        publication.notes.append(f"queries snapshot {queries} was fetched at {snapshot.fetched_at:%Y-%m-%d %H:%M} "
                                 "UTC")
    return publication
