"""The history of a compound's books as owners and supervisors see it: changes, signers, closed months."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemChange:
    voucher: str
    what: str  # added | changed | removed
    date: str  # the entry's date, YYYY-MM-DD


@dataclass
class Change:
    sha: str
    date: str  # committer date, ISO 8601
    subject: str
    is_merge: bool
    signed_by: str | None  # "principal (role)" when the signature verified
    verified: bool
    pull_request: int | None
    items: list[ItemChange] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ClosedMonth:
    month: str  # YYYY-MM
    tag: str
    supervisor: str | None  # who signed it, when a supervisor of the compound did
    date: str  # tagger date, ISO 8601


@dataclass
class History:
    compound: str
    changes: list[Change]  # newest first
    closed: list[ClosedMonth]
    entered: dict[str, tuple[str, str]]  # voucher → (first commit date, last commit date)

    def closure_of(self, year: int, month: int) -> ClosedMonth | None:
        key = f"{year:04d}-{month:02d}"
        covering = [c for c in self.closed if c.supervisor and c.month >= key]
        return min(covering, key=lambda c: c.month) if covering else None


@dataclass(frozen=True)
class Provenance:
    """The commit the books were built from, or nothing outside git."""

    commit: str | None
    commit_time: str | None
