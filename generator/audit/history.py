"""The history of a compound's books, from git: every change, who signed it, what it touched.

For the site's history page, the closed-month marks on month pages and the
"entered / last changed" dates of each item. A commit's signature is checked
against the signers listed just before it (at its first parent), as
``verify`` would. Git is read in a few passes, not per commit: one ``git log``
with the files each commit changed, one batch of every file version needed
(each parsed once), one ``git log`` for every signature.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.audit.closing import closures
from generator.audit.entries import Dated, changes, dated
from generator.audit.git import Change as FileChange
from generator.audit.git import Commit, Git
from generator.audit.signers import Signers, add_profile
from generator.view.history import Change, ClosedMonth, History, ItemChange, Provenance

PULL_REQUEST = re.compile(r"^Merge pull request #(\d+)")


def provenance(root: Path) -> Provenance:
    commit = Git(root).last_commit()
    return Provenance(commit.sha, commit.date) if commit else Provenance(None, None)


def load_history(root: Path, compound: str) -> History | None:
    git = Git(root)
    if not git.has_commits():
        return None
    paths = [f"ledgers/{compound}", f"budgets/{compound}", f"notices/{compound}"]
    log = git.log_with_changes(*paths)
    brought_by: dict[str, int] = {}
    for commit, _ in log:
        match = PULL_REQUEST.match(commit.subject)
        if match and len(commit.parents) == 2:
            for sha in git.rev_list(f"{commit.parents[0]}..{commit.parents[1]}"):
                brought_by.setdefault(sha, int(match.group(1)))
    signed = _signed_by(git, [commit for commit, _ in log if len(commit.parents) <= 1])
    items = _item_changes(git, [(commit, files) for commit, files in log if len(commit.parents) <= 1])
    history = []
    for commit, files in log:
        touched = [change.path for change in files if any(change.path.startswith(p + "/") for p in paths)]
        match = PULL_REQUEST.match(commit.subject)
        if len(commit.parents) > 1:
            history.append(Change(commit.sha, commit.date, commit.subject, True, None, False,
                                  int(match.group(1)) if match else None, [], touched))
            continue
        signer = signed.get(commit.sha)
        history.append(Change(commit.sha, commit.date, commit.subject, False, signer, signer is not None,
                              brought_by.get(commit.sha), items.get(commit.sha, []), touched))
    entered: dict[str, tuple[str, str]] = {}
    for change in reversed(history):
        if change.is_merge:
            continue
        for item in change.items:
            first = entered.get(item.voucher, (change.date, change.date))[0]
            entered[item.voucher] = (first, change.date)
    closed = [ClosedMonth(c.month, c.tag, c.supervisor, c.date) for c in closures(git, compound=compound)]
    return History(compound, history, closed, entered)


def _signed_by(git: Git, commits: list[Commit]) -> dict[str, str]:
    """"principal (role)" for each commit signed by a key that a compound's profile lists at its parent."""
    head = git.resolve("HEAD")
    profiles = [path for path in git.files(head, "ledgers") if path.count("/") == 2 and path.endswith("/compound.yaml")]
    parent_of = {c.sha: (c.parents[0] if c.parents else c.sha) for c in commits}
    blob_of = git.blob_ids(f"{parent}:{path}" for parent in set(parent_of.values()) for path in profiles)
    contents = git.blobs(blob for blob in blob_of.values() if blob)
    signers: dict[tuple[str | None, ...], Signers] = {}
    for parent in set(parent_of.values()):
        blobs = tuple(blob_of.get(f"{parent}:{path}") for path in profiles)
        if blobs not in signers:
            signers[blobs] = Signers(parent)
            for path, blob in zip(profiles, blobs, strict=True):
                if blob in contents:
                    add_profile(signers[blobs], path, contents[blob])
    at_parent = {parent: signers[tuple(blob_of.get(f"{parent}:{path}") for path in profiles)]
                 for parent in set(parent_of.values())}
    keys = {key.key: key for listed in signers.values() for key in listed.signer_keys()}
    verdicts = git.signatures([c.sha for c in commits], keys.values())
    result = {}
    for commit in commits:
        verdict = verdicts.get(commit.sha)
        listed = at_parent[parent_of[commit.sha]]
        if verdict is None or verdict.status != "G" or verdict.fingerprint not in listed.by_fingerprint:
            continue
        # A good signature by a listed key; whether that role may make the change is verify's question.
        result[commit.sha] = ", ".join(f"{k.principal} ({k.role})" for k in listed.by_fingerprint[verdict.fingerprint])
    return result


def _item_changes(git: Git, commits: list[tuple[Commit, list[FileChange]]]) -> dict[str, list[ItemChange]]:
    ledgers = [(commit, [c for c in files if c.path.endswith(".beancount")]) for commit, files in commits]
    contents = git.blobs(blob for _, files in ledgers for c in files for blob in (c.old_blob, c.new_blob))
    parsed: dict[tuple[str, str], list[Dated]] = {}

    def entries(blob: str, path: str) -> list[Dated]:
        if (blob, path) not in parsed:
            raw = contents.get(blob)
            parsed[(blob, path)] = dated(path, raw.decode("utf-8", "replace")) if raw is not None else []
        return parsed[(blob, path)]

    result = {}
    for commit, files in ledgers:
        before = [item for c in files for item in entries(c.old_blob, c.path)]
        after = [item for c in files for item in entries(c.new_blob, c.path)]
        found = {}
        for what, item in changes(before, after):
            if item.voucher and item.voucher not in found:
                found[item.voucher] = ItemChange(item.voucher, what, item.date.isoformat())
        result[commit.sha] = sorted(found.values(), key=lambda i: (i.date, i.voucher))
    return result
