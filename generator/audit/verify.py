"""``trustfund verify BASE..HEAD``: every change to the books is signed by someone allowed to make it.

- HEAD descends from BASE (no history rewrite); the clone is not shallow.
- Every non-merge commit is SSH-signed by a key that authorises what it
  touches **both at the base of the range and at the commit's parent**:
  treasurers for a compound's journal and vouchers, the committee for its
  ``compound.yaml``, budgets and notices. So no commit authorises its own key
  (the base does not list it yet), and a key that a commit removed signs
  nothing after that commit (its parent no longer lists it), while the
  removed signer's earlier commits still verify. A commit touching several
  compounds needs authority in each. Paths outside the books need a
  maintainer key listed in ``.trustfund/maintainers`` at the base.
- A merge commit introduces nothing beyond the automatic merge of its parents.
- No symlink, submodule or Beancount cache file enters the range.
- No commit holds a change to what a supervisor closed (signed tag
  ``close/<compound>/<YYYY-MM>``) in a history that contains the close: every
  commit is compared with the closed state itself, on parsed entries, so a
  merge of an old branch, a backdated commit or another date spelling is
  caught wherever it comes from.

Signatures are always asked of git here, never read from the verdict cache
(``generator.audit.verdicts``); verify only records git's answers there, in
the form the history page asks them, so a build after it need not ask again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from generator.audit.closing import Closure, closures, frozen_changes, latest
from generator.audit.git import Commit, Git, GitError, Signature, SignerKey
from generator.audit.signers import Signers, maintainers_at, signers_at
from generator.audit.verdicts import VerdictStore, carried_key, commit_signature, commit_verdicts

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


@dataclass
class Authority:
    """What the base of the range allows, and where each commit is judged against it."""

    git: Git
    root: Path
    signers: Signers
    maintainers: dict[str, SignerKey]
    closed: list[Closure]
    verdicts: dict[str, Signature]
    parents: dict[str, Signers]

    def at_parent(self, parent: str) -> Signers:
        if parent not in self.parents:
            self.parents[parent] = signers_at(self.git, parent)
        return self.parents[parent]


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
    maintainers = maintainers_at(git, base)
    commits = git.commits(base, head)
    store = VerdictStore.for_repository(git, read=False)  # the gate asks git itself; it only records the answers
    verdicts = _verdicts(git, store, [c.sha for c in commits if len(c.parents) <= 1],
                         [*signers.signer_keys(), *maintainers.values()])
    authority = Authority(git, root, signers, maintainers, closures(git, signers, store=store), verdicts,
                          {base: signers})
    refusals = [Refusal(base, "", "verify-signers", problem) for problem in signers.problems]
    reported: set[tuple[str, tuple[str, ...]]] = set()
    for commit in commits:
        for refusal in _check_commit(authority, commit):
            # A change to a closed month stays in every later commit of the range; it is named once.
            if refusal.rule == "verify-closed-month":
                if (refusal.message, refusal.touched) in reported:
                    continue
                reported.add((refusal.message, refusal.touched))
            refusals.append(refusal)
    return refusals


def _verdicts(git: Git, store: VerdictStore, commits: list[str], keys: list[SignerKey]) -> dict[str, Signature]:
    """Git's verdict on each commit's signature. An SSH signature is asked about with the key it carries, as the
    history page asks (so the page can reuse the answer); whether that key is listed is decided from the books,
    in ``_signature_problems``. Unsigned commits, and signatures that are not SSH signatures, are asked with the
    keys listed at the base, as before."""
    raw = git.objects(commits)
    carried = {}
    for sha in commits:
        signature = commit_signature(raw[sha][1], sha) if sha in raw else None
        key = carried_key(signature) if signature else None
        if key is not None:
            carried[sha] = key
    verdicts = commit_verdicts(git, store, carried)
    verdicts.update(git.signatures([sha for sha in commits if sha not in verdicts], keys))
    return verdicts


def _check_commit(authority: Authority, commit: Commit) -> list[Refusal]:
    git = authority.git
    parent = commit.parents[0] if commit.parents else None
    changes = git.changes(commit.sha, parent)
    touched = tuple(sorted({change.path for change in changes}))
    refusals = []

    def refuse(rule: str, message: str) -> None:
        refusals.append(Refusal(commit.sha, commit.author, rule, message, touched))

    for change in changes:
        if change.new_mode == "120000" and change.status != "D":
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
        for rule, message in _signature_problems(authority, commit, parent, touched):
            refuse(rule, message)
    refusals.extend(_closed_refusals(authority, commit))
    return refusals


def _signature_problems(authority: Authority, commit: Commit, parent: str | None,
                        touched: tuple[str, ...]) -> list[tuple[str, str]]:
    signature = authority.verdicts.get(commit.sha, Signature("N", ""))
    signers, key = authority.signers, signature.fingerprint
    if signature.status == "N":
        return [("verify-unsigned", "the commit is not signed; sign it with your SSH key (git commit -S)")]
    if signature.status == "B":
        return [("verify-signature", "the commit's signature does not verify")]
    if signature.status != "G" or (key not in signers.by_fingerprint and key not in authority.maintainers):
        return [("verify-unknown-key", f"signed by a key ({key or 'unknown'}) that no compound's signers list at "
                 "the base of the range")]
    needs: dict[tuple[str, str], list[str]] = {}
    outside = []
    for path in touched:
        needed = needed_role(path)
        if needed is None:
            outside.append(path)
        else:
            needs.setdefault(needed, []).append(path)
    problems = []
    before = authority.at_parent(parent) if parent else signers
    for (compound, role), paths in sorted(needs.items()):
        if role not in signers.roles(key, compound):
            problems.append(("verify-role", f"{signers.who(key)} may not change {', '.join(paths[:3])}: that needs "
                             f"the {role} of {compound} (as listed at the base of the range)"))
        elif role not in before.roles(key, compound):
            problems.append(("verify-role", f"{signers.who(key)} may not change {', '.join(paths[:3])}: an earlier "
                             f"commit removed that key from the {role}s of {compound}, so it signs nothing after "
                             "its removal"))
    if outside and key not in authority.maintainers:
        problems.append(("verify-role", f"{signers.who(key)} may not change {', '.join(outside[:3])}: changes "
                         "outside the books need a maintainer key from .trustfund/maintainers"))
    return problems


def _closed_refusals(authority: Authority, commit: Commit) -> list[Refusal]:
    """Each compound closed in the history this commit builds on must hold exactly its closed state."""
    if not authority.closed:
        return []
    reachable = authority.git.tags_merged(commit.sha, "close/*")
    refusals = []
    for compound in sorted({c.compound for c in authority.closed}):
        closure = latest(authority.closed, compound, reachable)
        if closure is None or closure.commit == commit.sha:
            continue
        for change in frozen_changes(authority.git, closure, commit.sha, authority.root)[:5]:
            refusals.append(Refusal(commit.sha, commit.author, "verify-closed-month",
                                    f"{change.describe()} in {compound}, closed through {closure.month} by "
                                    f"{closure.tag}; correct it with an adjusting entry in an open month",
                                    (change.item.path,)))
    return refusals


def render(refusals: list[Refusal], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"refusals": [asdict(r) for r in refusals]}, ensure_ascii=False, indent=2)
    return "\n".join(r.text() for r in refusals)


__all__ = ["Refusal", "render", "verify"]
