"""Closed months: a supervisor's signed tag ``close/<compound>/<YYYY-MM>`` locks the books up to it.

After a month is closed, no entry dated in or before it may change, and no
new entry may be dated there; a correction is an adjusting entry in an open
month. Entries are compared as text blocks (a dated line and what is indented
under it), so moving an entry between files changes nothing, while changing
a figure, a voucher or a description does.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from generator.audit.git import Git
from generator.audit.signers import Signers, signers_at

TAG = re.compile(r"^close/([a-z0-9][a-z0-9-]*)/(\d{4})-(\d{2})$")
DATED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[ \t]")
VOUCHER = re.compile(r'^[ \t]+voucher:[ \t]*"([^"]*)"', re.M)


@dataclass(frozen=True)
class Block:
    date: datetime.date
    text: str
    path: str
    line: int

    @property
    def voucher(self) -> str | None:
        match = VOUCHER.search(self.text)
        return match.group(1) if match else None


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


def blocks(text: str, path: str) -> list[Block]:
    """The dated directives of a ledger file, each with its indented lines."""
    found: list[Block] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        match = DATED.match(lines[index])
        if not match:
            index += 1
            continue
        start = index
        index += 1
        while index < len(lines) and (lines[index][:1] in (" ", "\t") or not lines[index].strip()):
            index += 1
        body = "\n".join(line.rstrip() for line in lines[start:index] if line.strip())
        try:
            date = datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
        found.append(Block(date, body, path, start + 1))
    return found


def journal_blocks(git: Git | None, revision: str | None, root: Path, compound: str) -> list[Block]:
    """Every dated block of a compound's ledger files, at a revision or in the working tree."""
    folder = f"ledgers/{compound}"
    result: list[Block] = []
    if revision is None or git is None:
        for path in sorted((root / folder).rglob("*.beancount")):
            if path.is_file() and not path.is_symlink():
                relative = path.relative_to(root).as_posix()
                result.extend(blocks(path.read_text(encoding="utf-8", errors="replace"), relative))
        return result
    for name in git.files(revision, folder):
        if name.endswith(".beancount"):
            raw = git.show(revision, name) or b""
            result.extend(blocks(raw.decode("utf-8", errors="replace"), name))
    return result


def last_day(month: str) -> datetime.date:
    year, number = int(month[:4]), int(month[5:7])
    following = datetime.date(year + (number == 12), number % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def closures(git: Git, signers: Signers | None = None) -> list[Closure]:
    """Every close tag; ``supervisor`` is set only when a supervisor of that compound signed it.

    The supervisor is looked up in ``signers`` (for verify: the base of the
    range) or else in the signers at the tagged commit.
    """
    found = []
    for tag, commit in sorted(git.tags("close/").items()):
        match = TAG.match(tag)
        if not match:
            continue
        compound, month = match.group(1), f"{match.group(2)}-{match.group(3)}"
        trusted = signers or signers_at(git, commit)
        with tempfile.TemporaryDirectory() as folder:
            key, tagger, date = git.tag_signature(tag, trusted.write_allowed(Path(folder)))
        supervisor = None
        if key is not None and "supervisor" in trusted.roles(key, compound):
            supervisor = trusted.who(key)
        found.append(Closure(compound, month, last_day(month), tag, commit, supervisor, tagger, date))
    return found


def changed_blocks(before: list[Block], after: list[Block]) -> tuple[list[Block], list[Block]]:
    """(blocks only before, blocks only after): what a change removed and added, as text."""
    old, new = Counter(b.text for b in before), Counter(b.text for b in after)
    removed_texts, added_texts = old - new, new - old
    return _take(before, removed_texts), _take(after, added_texts)


def _take(candidates: list[Block], counts: Counter[str]) -> list[Block]:
    taken = []
    for block in candidates:
        if counts[block.text] > 0:
            counts[block.text] -= 1
            taken.append(block)
    return taken


def closed_changes(before: list[Block], after: list[Block], through: datetime.date) -> list[tuple[str, Block]]:
    """What changed in entries dated on or before ``through``: ('changed'|'removed'|'added', block).

    A removed and an added entry with the same voucher are one changed entry.
    """
    removed, added = changed_blocks(before, after)
    removed = [b for b in removed if b.date <= through]
    added_vouchers = {b.voucher for b in added if b.voucher}
    result = [("changed" if b.voucher in added_vouchers else "removed", b) for b in removed]
    removed_vouchers = {b.voucher for b in removed if b.voucher}
    result += [("added", b) for b in added if b.date <= through and not (b.voucher and b.voucher in removed_vouchers)]
    return result


def closed_month_problems(root: Path, compound: str) -> list[tuple[str, int, str]]:
    """(path, line, message) for every change to a closed month in the working tree, against its tag."""
    git = Git(root)
    if not git.is_repository():
        return []
    applying = [c for c in closures(git) if c.compound == compound and c.supervisor]
    if not applying:
        return []
    latest = max(applying, key=lambda c: c.last_day)
    before = journal_blocks(git, latest.commit, root, compound)
    after = journal_blocks(None, None, root, compound)
    problems = []
    for what, block in closed_changes(before, after, latest.last_day):
        if what != "added":  # report it where it stands now
            block = next((b for b in after if b.voucher and b.voucher == block.voucher), block)
        problems.append((block.path, block.line,
                         f"{what} an entry dated {block.date} ({block.voucher or 'no voucher'}), but "
                         f"{compound} is closed through {latest.month} ({latest.tag}, signed by "
                         f"{latest.supervisor}); correct it with an adjusting entry in an open month"))
    return problems


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
    git.run("tag", "-s", "-m", f"Close {compound} {month}: books checked clean", tag, config={"gpg.format": "ssh"})
    signers = signers_at(git, git.resolve("HEAD"))
    with tempfile.TemporaryDirectory() as folder:
        key, _, _ = git.tag_signature(tag, signers.write_allowed(Path(folder)))
    if key is None or "supervisor" not in signers.roles(key, compound):
        git.run("tag", "-d", tag)
        raise ClosingError(f"the tag was not signed by a supervisor of {compound} listed in compound.yaml "
                           "(set git config user.signingkey to your supervisor key); no tag was left")
    return tag
