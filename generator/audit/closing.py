"""Closed months: a supervisor's signed tag ``close/<compound>/<YYYY-MM>`` locks the books up to it.

After a month is closed, no entry dated in or before it may change, and no
new entry may be dated there; a correction is an adjusting entry in an open
month. A year is closed when its December is: then its budget is frozen too,
and a notice is frozen once the month of the date in its file name is closed.
What counts as a change is judged on parsed entries (``generator.audit.entries``),
so reformatting or moving an entry is not one, and no date spelling escapes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

from generator.audit.entries import Dated, changes, dated, is_books_file
from generator.audit.git import Git, GitError
from generator.audit.signers import Signers, signers_at, signers_at_each
from generator.audit.verdicts import VerdictStore, carried_key, tag_signature, tag_verdicts

TAG = re.compile(r"close/([a-z0-9][a-z0-9-]*)/([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)


@dataclass(frozen=True)
class Closure:
    compound: str
    month: str  # YYYY-MM
    last_day: datetime.date
    tag: str
    commit: str
    supervisor: str | None  # who signed it, None if the signature is not a supervisor's
    tagger: str
    date: str


@dataclass(frozen=True)
class FrozenChange:
    what: str  # changed | removed | added
    item: Dated
    closure: Closure

    def describe(self) -> str:
        if self.item.path.endswith(".beancount"):
            return f"{self.what} an entry dated {self.item.date} ({self.item.voucher or 'no voucher'})"
        kind = "the budget of " + str(self.item.date.year) if self.item.path.startswith("budgets/") else "a notice"
        return f"{self.what} {kind} ({self.item.path})"


def last_day(month: str) -> datetime.date:
    year, number = int(month[:4]), int(month[5:7])
    following = datetime.date(year + (number == 12), number % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def closures(git: Git, signers: Signers | None = None, compound: str | None = None,
             store: VerdictStore | None = None) -> list[Closure]:
    """Every close tag (of one compound, if given); ``supervisor`` is set only when a supervisor of that
    compound signed it, as listed in ``signers`` (for verify: the base of the range) or else at the tagged
    commit. Read in a few git processes whatever the number of tags; each signature is asked of git once per
    tag, with the key it carries, unless ``store`` has git's verdict already (``verify`` passes none)."""
    store = store if store is not None else VerdictStore(None, "", read=False)
    records = []
    for record in sorted(git.tag_records("close/"), key=lambda r: r.name):
        match = TAG.fullmatch(record.name)
        if match and (compound is None or match.group(1) == compound):
            records.append((record, match.group(1), f"{match.group(2)}-{match.group(3)}"))
    tag_objects = [record.tag_object for record, _, _ in records if record.tag_object]
    raw = git.objects(tag_objects) if signers is not None else {}
    trusted_at: dict[tuple[str, str], Signers] = {}
    if signers is None:
        for tag_compound in sorted({c for _, c, _ in records}):
            commits = [record.commit for record, c, _ in records if c == tag_compound]
            at_commit, found = signers_at_each(git, commits, [f"ledgers/{tag_compound}/compound.yaml"],
                                               tag_objects if not raw else ())
            raw = raw or found
            trusted_at.update({(tag_compound, commit): listed for commit, listed in at_commit.items()})
    carried = {}
    for record, tag_compound, _ in records:
        trusted = signers or trusted_at[(tag_compound, record.commit)]
        signature = tag_signature(raw[record.tag_object][1]) if record.tag_object in raw else None
        key = carried_key(signature) if signature else None
        if record.tag_object and key is not None and "supervisor" in trusted.roles(key.fingerprint, tag_compound):
            carried[record.tag_object] = key  # only a supervisor's key can close a month: nothing else is asked
    verdicts = tag_verdicts(git, store, carried)
    found_closures = []
    for record, tag_compound, month in records:
        trusted = signers or trusted_at[(tag_compound, record.commit)]
        supervisor = None
        key = carried.get(record.tag_object or "")
        verdict = verdicts.get(record.tag_object or "")
        if key is not None and verdict is not None and verdict.status == "G" and verdict.fingerprint == key.fingerprint:
            supervisor = trusted.who(key.fingerprint)
        found_closures.append(Closure(tag_compound, month, last_day(month), record.name, record.commit, supervisor,
                                      record.tagger, record.date))
    return found_closures


def latest(closed: list[Closure], compound: str, tags: set[str] | None = None) -> Closure | None:
    """The supervisor-signed closure of a compound reaching furthest (among ``tags``, if given)."""
    applying = [c for c in closed if c.compound == compound and c.supervisor and (tags is None or c.tag in tags)]
    return max(applying, key=lambda c: c.last_day) if applying else None


def frozen_changes(git: Git, closure: Closure, after: str | None, root: Path) -> list[FrozenChange]:
    """What differs from the closed state in what the closure froze, at ``after`` (a commit, or the working
    tree when None). Only the files that differ are read."""
    paths = [path for path in git.changed_paths(closure.commit, after, f"ledgers/{closure.compound}",
                                                f"budgets/{closure.compound}", f"notices/{closure.compound}")
             if is_books_file(path, closure.compound)]
    if not paths:
        return []
    before = git.read(closure.commit, paths)
    now = git.read(after, paths) if after else {path: _working_file(root / path) for path in paths}
    old = [item for path, raw in before.items() if raw is not None for item in dated(path, _text(raw))]
    new = [item for path, raw in now.items() if raw is not None for item in dated(path, _text(raw))]
    return [FrozenChange(what, item, closure) for what, item in changes(old, new, closure.last_day)]


def closed_month_problems(root: Path, compound: str) -> list[tuple[str, int, str]]:
    """(path, line, message) for every change the working tree makes to what a supervisor closed."""
    git = Git(root)
    if not git.has_commits():
        return []
    closure = latest(closures(git, compound=compound), compound)
    if closure is None:
        return []
    return [(change.item.path, change.item.line,
             f"{change.describe()}, but {compound} is closed through {closure.month} ({closure.tag}, signed by "
             f"{closure.supervisor}); correct it with an adjusting entry in an open month")
            for change in frozen_changes(git, closure, None, root)]


def _working_file(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() and not path.is_symlink() else None


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


class ClosingError(Exception):
    pass


def close_month(root: Path, compound: str, month: str, today: datetime.date | None = None) -> str:
    """Make the signed tag ``close/<compound>/<YYYY-MM>`` at HEAD with the user's SSH signing key.

    The tag stands only if its signature is a supervisor's of that compound
    (by the signers at HEAD); otherwise it is deleted again.
    """
    today = today or datetime.date.today()
    if last_day(month) >= today:
        raise ClosingError(f"{month} has not ended yet; a month is closed after its last day")
    git = Git(root)
    tag = f"close/{compound}/{month}"
    if tag in git.tags(tag):
        raise ClosingError(f"{tag} exists already; a closed month stays closed")
    git.make_tag(tag, f"Close {compound} {month}: books checked clean")
    signers = signers_at(git, git.resolve("HEAD"), compound)
    key, _, _ = git.tag_signature(tag, signers.signer_keys())
    if key is None or "supervisor" not in signers.roles(key, compound):
        git.delete_tag(tag)
        raise ClosingError(f"the tag was not signed by a supervisor of {compound} listed in compound.yaml "
                           "(set git config user.signingkey to your supervisor key); no tag was left")
    return tag


__all__ = ["ClosingError", "Closure", "GitError", "close_month", "closed_month_problems", "closures", "last_day"]
