"""``trustfund verify BASE..HEAD``: every change to the books is signed by someone allowed to make it.

- HEAD descends from BASE (no history rewrite); the clone is not shallow.
- Every non-merge commit is SSH-signed by a key that the **base's** ``signers``
  authorise for what it touches: treasurers for a compound's journal and
  vouchers, the committee for its ``compound.yaml``, budgets and notices.
  A commit touching several compounds needs authority in each. Paths outside
  the books need a maintainer key listed in ``.trustfund/maintainers`` at base.
- A merge commit introduces nothing beyond the automatic merge of its parents.
- No symlink, submodule or Beancount cache file enters the range.
- No commit changes an entry dated in or before a month that a supervisor had
  closed (signed tag ``close/<compound>/<YYYY-MM>``) on the history it builds on —
  whatever dates the commit claims.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from generator.audit.closing import Closure, blocks, closed_changes, closures
from generator.audit.git import Commit, Git, GitError, fingerprint
from generator.audit.signers import Key, Signers, signers_at

COMPOUND_DATA = ("ledgers", "budgets", "notices")


@dataclass(frozen=True)
class Refusal:
    commit: str
    author: str
    rule: str
    message: str
    touched: tuple[str, ...] = ()

    def text(self) -> str:
        where = f"commit {self.commit[:12]}" if self.commit else "range"
        touched = f" [touches {', '.join(self.touched[:5])}{' …' if len(self.touched) > 5 else ''}]" \
            if self.touched else ""
        who = f" by {self.author}" if self.author else ""
        return f"{where}{who}: {self.rule}: {self.message}{touched}"


def needed_role(path: str) -> tuple[str, str] | None:
    """(compound, role) a path needs, or None for a path outside the books."""
    parts = path.split("/")
    if len(parts) < 3 or parts[0] not in COMPOUND_DATA:
        return None
    compound = parts[1]
    if parts[0] == "ledgers":
        return compound, "committee" if parts[2:] == ["compound.yaml"] else "treasurer"
    return compound, "committee"


def maintainers_at(git: Git, revision: str) -> dict[str, str]:
    """Fingerprint → name for the keys in ``.trustfund/maintainers`` (``name ssh-ed25519 AAAA…`` lines)."""
    raw = git.show(revision, ".trustfund/maintainers") or b""
    keys = {}
    for line in raw.decode("utf-8", errors="replace").split("\n"):
        parts = line.split()
        if len(parts) >= 3 and not line.startswith("#"):
            print_ = fingerprint(" ".join(parts[1:3]))
            if print_:
                keys[print_] = parts[0]
    return keys


def verify(root: Path, revision_range: str) -> list[Refusal]:
    git = Git(root)
    if ".." not in revision_range:
        raise GitError(f"'{revision_range}' is not a range; give BASE..HEAD")
    base_name, head_name = revision_range.split("..", 1)
    if git.is_shallow():
        return [Refusal("", "", "verify-shallow", "the clone is shallow, so the history cannot be checked; "
                        "fetch the full history (fetch-depth: 0)")]
    base, head = git.resolve(base_name), git.resolve(head_name or "HEAD")
    if not git.is_ancestor(base, head):
        return [Refusal(head, "", "verify-history", f"{head_name or 'HEAD'} does not descend from {base_name}: "
                        "published history was rewritten")]
    signers = signers_at(git, base)
    refusals = [Refusal(base, "", "verify-signers", problem) for problem in signers.problems]
    maintainers = maintainers_at(git, base)
    with tempfile.TemporaryDirectory() as folder:
        allowed = _allowed_file(Path(folder), signers, maintainers, git, base)
        closed = closures(git, signers)
        for commit in git.commits(base, head):
            refusals.extend(_check_commit(git, commit, signers, maintainers, allowed, closed))
    return refusals


def _allowed_file(folder: Path, signers: Signers, maintainers: dict[str, str], git: Git, base: str) -> Path:
    path = signers.write_allowed(folder)
    raw = git.show(base, ".trustfund/maintainers") or b""
    extra = [f'{parts[0]} namespaces="git" {parts[1]} {parts[2]}'
             for parts in (line.split() for line in raw.decode("utf-8", errors="replace").split("\n"))
             if len(parts) >= 3 and not parts[0].startswith("#")]
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(extra) + ("\n" if extra else ""))
    return path


def _check_commit(git: Git, commit: Commit, signers: Signers, maintainers: dict[str, str], allowed: Path,
                  closed: list[Closure]) -> list[Refusal]:
    parent = commit.parents[0] if commit.parents else None
    changes = git.changes(commit.sha, parent)
    touched = tuple(sorted({change.path for change in changes}))
    refusals = []

    def refuse(rule: str, message: str) -> None:
        refusals.append(Refusal(commit.sha, commit.author, rule, message, touched))

    for change in changes:
        if "120000" in (change.new_mode,) and change.status != "D":
            refuse("verify-symlink", f"{change.path} is a symbolic link; files must be real")
        if change.new_mode == "160000" and change.status != "D":
            refuse("verify-symlink", f"{change.path} is a submodule; the books must be plain files")
        if change.path.endswith(".picklecache") and change.status != "D":
            refuse("verify-cache", f"{change.path} is a Beancount cache file (a pickle); it must never be committed")
    if len(commit.parents) > 1:
        merged = git.merged_tree(*commit.parents[:2]) if len(commit.parents) == 2 else None
        if merged is None or merged != git.tree(commit.sha):
            refuse("verify-merge", "the merge commit introduces changes of its own (or resolves a conflict); "
                   "a merge may only combine its parents")
    else:
        status, key = git.signature(commit.sha, allowed)
        if status == "N":
            refuse("verify-unsigned", "the commit is not signed; sign it with your SSH key (git commit -S)")
        elif status == "B":
            refuse("verify-signature", "the commit's signature does not verify")
        elif status != "G" or (key not in signers.by_fingerprint and key not in maintainers):
            refuse("verify-unknown-key", f"signed by a key ({key or 'unknown'}) that no compound's signers list "
                   "at the base of the range")
        else:
            needs: dict[tuple[str, str], list[str]] = {}
            outside = []
            for path in touched:
                needed = needed_role(path)
                if needed is None:
                    outside.append(path)
                else:
                    needs.setdefault(needed, []).append(path)
            for (compound, role), paths in sorted(needs.items()):
                if role not in signers.roles(key, compound):
                    refuse("verify-role", f"{signers.who(key)} may not change {', '.join(paths[:3])}: that needs "
                           f"the {role} of {compound} (as listed at the base of the range)")
            if outside and key not in maintainers:
                refuse("verify-role", f"{signers.who(key)} may not change {', '.join(outside[:3])}: changes outside "
                       "the books need a maintainer key from .trustfund/maintainers")
    refusals.extend(_closed_month_refusals(git, commit, parent, touched, closed))
    return refusals


def _closed_month_refusals(git: Git, commit: Commit, parent: str | None, touched: tuple[str, ...],
                           closed: list[Closure]) -> list[Refusal]:
    refusals: list[Refusal] = []
    if parent is None:
        return refusals
    journals = [path for path in touched if path.startswith("ledgers/") and path.endswith(".beancount")
                and path.count("/") >= 2]
    for compound in sorted({path.split("/")[1] for path in journals}):
        # Closures that the commit builds on: the tag's commit is in the history of its (first) parent,
        # whatever dates the commits claim.
        reachable = set(git.run("tag", "--merged", parent, "--list", f"close/{compound}/*").stdout.split())
        applying = [c for c in closed if c.compound == compound and c.supervisor and c.tag in reachable]
        if not applying:
            continue
        latest = max(applying, key=lambda c: c.last_day)
        # Only the files the commit changed can hold a changed entry; a move between them changes nothing.
        files = [path for path in journals if path.split("/")[1] == compound]
        before = [b for name in files for b in blocks((git.show(parent, name) or b"").decode("utf-8", "replace"), name)]
        after = [b for name in files
                 for b in blocks((git.show(commit.sha, name) or b"").decode("utf-8", "replace"), name)]
        for what, block in closed_changes(before, after, latest.last_day)[:5]:
            refusals.append(Refusal(commit.sha, commit.author, "verify-closed-month",
                                    f"{what} an entry dated {block.date} ({block.voucher or block.path}) in "
                                    f"{compound}, closed through {latest.month} by {latest.tag}; correct it with "
                                    "an adjusting entry in an open month", (block.path,)))
    return refusals


def render(refusals: list[Refusal], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"refusals": [asdict(r) for r in refusals]}, ensure_ascii=False, indent=2)
    return "\n".join(r.text() for r in refusals)


__all__ = ["Key", "Refusal", "render", "verify"]
