"""What one build of the site publishes: each compound's checked books as owners see them, with their history.

The books are loaded and checked (unless ``trustfund build`` has just done
it); a finding stops the publication. Then each compound's view, its history
from git and the commit the books were built from are gathered for the site
to render.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.audit.check import findings_of
from generator.audit.history import load_history, provenance
from generator.books import Books, compound_ids, load_books
from generator.view import CompoundView, History, Provenance, build_view


class PublicationError(Exception):
    pass


@dataclass
class Publication:
    views: list[CompoundView]
    histories: dict[str, History | None]
    provenance: Provenance


def gather(root: Path, checked: dict[str, Books] | None = None) -> Publication:
    """Everything the site shows. Books handed over as ``checked`` are not checked again."""
    books = checked if checked is not None else {cid: load_books(root, cid) for cid in compound_ids(root)}
    if checked is None:
        findings = findings_of(root, books.values())
        if findings:
            shown = "; ".join(f.text() for f in findings[:3])
            raise PublicationError(f"the books have {len(findings)} finding(s); nothing is built. {shown}")
    views = [build_view(compound_books) for compound_books in books.values()]
    return Publication(views, {view.id: load_history(root, view.id) for view in views}, provenance(root))
