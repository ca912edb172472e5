"""The history of a compound's books, from git: every change, who signed it, what it touched.

For the site's history page, the closed-month marks on month pages and the
"entered / last changed" dates of each item. A commit's signature is checked
against the signers listed just before it (at its first parent), as
``verify`` would.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.audit.closing import Block, Closure, blocks, changed_blocks, closures
from generator.audit.git import Commit, Git
from generator.audit.signers import Signers, signers_at

PULL_REQUEST = re.compile(r"^Merge pull request #(\d+)")


@dataclass(frozen=True)
class ItemChange:
    voucher: str
    what: str  # added | changed | removed
    date: str  # the entry's date, YYYY-MM-DD


@dataclass
class Change:
    commit: Commit
    signed_by: str | None  # "principal (role)" when the signature verified
    verified: bool
    pull_request: int | None
    items: list[ItemChange] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def is_merge(self) -> bool:
        return len(self.commit.parents) > 1


@dataclass
class History:
    compound: str
    changes: list[Change]  # newest first
    closed: list[Closure]
    entered: dict[str, tuple[str, str]]  # voucher → (first commit date, last commit date)

    def closure_of(self, year: int, month: int) -> Closure | None:
        key = f"{year:04d}-{month:02d}"
        covering = [c for c in self.closed if c.supervisor and c.month >= key]
        return min(covering, key=lambda c: c.month) if covering else None


def load_history(root: Path, compound: str) -> History | None:
    git = Git(root)
    if not git.is_repository() or git.run("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode:
        return None
    paths = [f"ledgers/{compound}", f"budgets/{compound}", f"notices/{compound}"]
    commits = git.log(*paths)
    brought_by: dict[str, int] = {}
    for merge in (c for c in commits if len(c.parents) == 2):
        match = PULL_REQUEST.match(merge.subject)
        if match:
            for sha in git.run("rev-list", f"{merge.parents[0]}..{merge.parents[1]}").stdout.split():
                brought_by.setdefault(sha, int(match.group(1)))
    signers_cache: dict[str, Signers] = {}
    changes = []
    with tempfile.TemporaryDirectory() as folder:
        for commit in commits:
            changes.append(_change(git, commit, compound, paths, brought_by, signers_cache, Path(folder)))
    entered: dict[str, tuple[str, str]] = {}
    for change in reversed(changes):
        if change.is_merge:
            continue
        for item in change.items:
            first = entered.get(item.voucher, (change.commit.date, change.commit.date))[0]
            entered[item.voucher] = (first, change.commit.date)
    return History(compound, changes, [c for c in closures(git) if c.compound == compound], entered)


def _change(git: Git, commit: Commit, compound: str, paths: list[str], brought_by: dict[str, int],
            signers_cache: dict[str, Signers], folder: Path) -> Change:
    parent = commit.parents[0] if commit.parents else None
    files = [c.path for c in git.changes(commit.sha, parent) if any(c.path.startswith(p + "/") for p in paths)]
    match = PULL_REQUEST.match(commit.subject)
    if len(commit.parents) > 1:
        return Change(commit, None, False, int(match.group(1)) if match else None, [], files)
    signed_by, verified = None, False
    profile_revision = parent or commit.sha
    blob = git.run("rev-parse", f"{profile_revision}:ledgers/{compound}/compound.yaml", check=False).stdout.strip()
    if blob:
        if blob not in signers_cache:
            signers_cache[blob] = signers_at(git, profile_revision)
        signers = signers_cache[blob]
        status, key = git.signature(commit.sha, signers.write_allowed(folder))
        if status == "G" and key in signers.by_fingerprint:
            # A good signature by a listed key; whether that role may make the change is verify's question.
            verified = True
            signed_by = ", ".join(f"{k.principal} ({k.role})" for k in signers.by_fingerprint[key])
    items = _item_changes(git, commit.sha, parent, [f for f in files if f.endswith(".beancount")])
    return Change(commit, signed_by, verified, brought_by.get(commit.sha), items, files)


def _item_changes(git: Git, commit: str, parent: str | None, files: list[str]) -> list[ItemChange]:
    before: list[Block] = []
    after: list[Block] = []
    for name in files:
        if parent:
            before += blocks((git.show(parent, name) or b"").decode("utf-8", errors="replace"), name)
        after += blocks((git.show(commit, name) or b"").decode("utf-8", errors="replace"), name)
    removed, added = changed_blocks(before, after)
    old = {b.voucher: b for b in removed if b.voucher}
    new = {b.voucher: b for b in added if b.voucher}
    items = [ItemChange(v, "changed" if v in old else "added", new[v].date.isoformat()) for v in new]
    items += [ItemChange(v, "removed", old[v].date.isoformat()) for v in old if v not in new]
    return sorted(items, key=lambda i: (i.date, i.voucher))
