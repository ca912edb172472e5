"""The history of a compound's books, from git: every change, who signed it, what it touched.

For the site's history page, the closed-month marks on month pages and the
"entered / last changed" dates of each item. A commit's signature is checked
against the signers listed just before it (at its first parent), as
``verify`` would. Git is read in a few passes, not per commit: one ``git log``
with the files each commit changed, one batch of every file version needed
(each parsed once), one ``git log`` for every signature.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import heapq
import io
import mmap
import os
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import beancount

from generator.audit import entries as entries_module
from generator.audit.closing import closures
from generator.audit.entries import Dated, changes, dated, dated_strictly
from generator.audit.git import Change as FileChange
from generator.audit.git import Commit, Git
from generator.audit.signers import profile_paths, signers_at_each
from generator.audit.verdicts import VerdictStore, carried_key, commit_signature, commit_verdicts
from generator.view.history import Change, ClosedMonth, History, ItemChange, Provenance

PULL_REQUEST = re.compile(r"^Merge pull request #(\d+)")
OURS, THEIRS = 1, 2
CHANGES = "changes"
CHANGES_HEADER = "trustfund-changes 1 "
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
QUESTION = re.compile(r"[0-9a-f]{64}", re.ASCII)
WHAT = frozenset({"added", "changed", "removed"})
SEPARATORS = frozenset("\t\n\x1f")


def provenance(root: Path) -> Provenance:
    commit = Git(root).last_commit()
    return Provenance(commit.sha, commit.date) if commit else Provenance(None, None)


def load_history(root: Path, compound: str, store: VerdictStore | None = None,
                 changes_cache: Path | None = None) -> History | None:
    """The compound's history. Signature verdicts come from ``store`` when it has them (default: the cache
    folder's, ``VerdictStore.for_repository``) and what each commit changed in the books from the changes
    cache (default: beside it); git is read in a fixed number of processes whatever the number of commits."""
    git = Git(root)
    if not git.has_commits():
        return None
    store = store if store is not None else VerdictStore.for_repository(git)
    if changes_cache is None and store.folder is not None:
        changes_cache = store.folder.parent / CHANGES
    paths = [f"ledgers/{compound}", f"budgets/{compound}", f"notices/{compound}"]
    log = git.log_with_changes(*paths)
    brought_by = _brought_by(git, [commit for commit, _ in log])
    with ThreadPoolExecutor(1) as beside:
        # git checks signatures with ssh-keygen (other processes) while this one parses the changed entries.
        signing = beside.submit(_signed_by, git, store, [commit for commit, _ in log if len(commit.parents) <= 1])
        closing = beside.submit(closures, git, compound=compound, store=store)
        items = _item_changes(git, compound, [(commit, files) for commit, files in log if len(commit.parents) <= 1],
                              changes_cache)
        signed, closed_tags = signing.result(), closing.result()
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
    closed = [ClosedMonth(c.month, c.tag, c.supervisor, c.date) for c in closed_tags]
    return History(compound, history, closed, entered)


def _brought_by(git: Git, log: list[Commit]) -> dict[str, int]:
    """The pull request that brought each commit: for each merge "Merge pull request #N" (newest first, as
    ``git log`` lists them), the commits its second parent has and its first does not — worked out from the
    commit graph, read once, rather than one ``git rev-list`` per merge."""
    merges = [(commit, int(match.group(1))) for commit in log
              if (match := PULL_REQUEST.match(commit.subject)) and len(commit.parents) == 2]
    if not merges:
        return {}
    graph = git.parents("HEAD")
    generation = _generations(graph)
    brought_by: dict[str, int] = {}
    for commit, number in merges:
        for sha in _only_in(graph, generation, commit.parents[1], commit.parents[0]):
            brought_by.setdefault(sha, number)
    return brought_by


def _generations(graph: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Each commit's generation: 1 for a root, else one more than its highest parent (parents outside the
    graph, as in a shallow clone, count as roots)."""
    generation: dict[str, int] = {}
    for start in graph:
        stack = [start]
        while stack:
            sha = stack[-1]
            if sha in generation:
                stack.pop()
                continue
            waiting = [parent for parent in graph.get(sha, ()) if parent not in generation and parent in graph]
            if waiting:
                stack.extend(waiting)
                continue
            generation[sha] = 1 + max((generation[p] for p in graph.get(sha, ()) if p in graph), default=0)
            stack.pop()
    return generation


def _only_in(graph: dict[str, tuple[str, ...]], generation: dict[str, int], theirs: str, ours: str) -> list[str]:
    """The commits reachable from ``theirs`` and not from ``ours`` (``git rev-list ours..theirs``): both are
    walked down together, highest generation first, so a commit's marks are complete when it is visited, until
    every commit still to visit is reachable from ``ours``."""
    if theirs not in graph:
        return []
    flags = {theirs: THEIRS}
    if ours in graph:
        flags[ours] = flags.get(ours, 0) | OURS
    queue = [(-generation[sha], sha) for sha in flags]
    heapq.heapify(queue)
    visited = set()
    while queue and not all(flags[sha] & OURS for _, sha in queue):
        _, sha = heapq.heappop(queue)
        if sha in visited:
            continue
        visited.add(sha)
        for parent in graph[sha]:
            if parent in graph and flags.get(parent, 0) | flags[sha] != flags.get(parent, 0):
                flags[parent] = flags.get(parent, 0) | flags[sha]
                heapq.heappush(queue, (-generation[parent], parent))
    return [sha for sha, mark in flags.items() if mark == THEIRS]


def _signed_by(git: Git, store: VerdictStore, commits: list[Commit]) -> dict[str, str]:
    """"principal (role)" for each commit signed by a key that a compound's profile lists at its parent.
    Only commits whose signature carries such a key are asked of git (or of the store)."""
    if not commits:
        return {}
    profiles = profile_paths(git, git.resolve("HEAD"))
    parent_of = {c.sha: (c.parents[0] if c.parents else c.sha) for c in commits}
    at_parent, raw = signers_at_each(git, parent_of.values(), profiles, [c.sha for c in commits])
    carried = {}
    for commit in commits:
        signature = commit_signature(raw[commit.sha][1], commit.sha) if commit.sha in raw else None
        key = carried_key(signature) if signature else None
        if key is not None and key.fingerprint in at_parent[parent_of[commit.sha]].by_fingerprint:
            carried[commit.sha] = key
    verdicts = commit_verdicts(git, store, carried)
    result = {}
    for sha, key in carried.items():
        verdict = verdicts.get(sha)
        if verdict is None or verdict.status != "G" or verdict.fingerprint != key.fingerprint:
            continue
        # A good signature by a listed key; whether that role may make the change is verify's question.
        listed = at_parent[parent_of[sha]]
        result[sha] = ", ".join(f"{k.principal} ({k.role})" for k in listed.by_fingerprint[key.fingerprint])
    return result


def _item_changes(git: Git, compound: str, commits: list[tuple[Commit, list[FileChange]]], cache: Path | None,
                  ) -> dict[str, list[ItemChange]]:
    """The entries each commit added, changed or removed, by voucher. Known answers come from the changes cache
    (keyed by the blob ids compared, so never stale); the rest are worked out from every needed file version,
    spooled by one ``git cat-file`` into a temporary file and compared a region at a time."""
    store = ChangesStore(cache, git.root, compound)
    result: dict[str, list[ItemChange]] = {}
    todo = []
    for commit, files in commits:
        ledgers = [change for change in files if change.path.endswith(".beancount")]
        if not ledgers:
            result[commit.sha] = []
            continue
        known = store.get(ledgers)
        if known is not None:
            result[commit.sha] = known
        else:
            todo.append((commit.sha, ledgers))
    if todo:
        _work_out(git, todo, store, result)
    store.save()
    return result


def _work_out(git: Git, todo: list[tuple[str, list[FileChange]]], store: ChangesStore,
              result: dict[str, list[ItemChange]]) -> None:
    with tempfile.TemporaryFile(prefix="trustfund-history-") as spool:
        where = git.spool_blobs((blob for _, files in todo for c in files for blob in (c.old_blob, c.new_blob)),
                                spool)
        with contextlib.ExitStack() as stack:
            size = spool.seek(0, io.SEEK_END)
            view = stack.enter_context(mmap.mmap(spool.fileno(), 0, access=mmap.ACCESS_READ)) if size else None
            marked: dict[str, bool] = {}

            def content(blob: str) -> bytes | None:
                if blob not in where or view is None:
                    return None
                offset, length = where[blob]
                return view[offset:offset + length]

            def stateful(blob: str) -> bool:
                if blob not in marked:
                    raw = content(blob)
                    marked[blob] = raw is not None and _stateful(raw)
                return marked[blob]

            for sha, files in todo:
                before: list[Dated] = []
                after: list[Dated] = []
                for change in files:
                    old, new = _changed_entries(change.path, content(change.old_blob), content(change.new_blob),
                                                stateful(change.old_blob) or stateful(change.new_blob))
                    before += old
                    after += new
                found: dict[str, ItemChange] = {}
                for what, item in changes(before, after):
                    if item.voucher and item.voucher not in found:
                        found[item.voucher] = ItemChange(item.voucher, what, item.date.isoformat())
                result[sha] = sorted(found.values(), key=lambda i: (i.date, i.voucher))
                store.put(files, result[sha])


WHITESPACE = frozenset(b" \t\r\n")
STATEFUL = (b"push", b"pop", b"option")  # directives whose effect reaches the entries after them


def _changed_entries(path: str, old: bytes | None, new: bytes | None, stateful: bool,
                     ) -> tuple[list[Dated], list[Dated]]:
    """The entries of the region where two versions of a ledger file differ, parsed in both.

    A ledger file is a run of directives, each starting on a line that does not start with a blank; the two
    versions share a prefix and a suffix, and only the directives between them (widened to whole directives,
    and one before) are parsed — a treasurer's daily commit adds a few entries to a month of thousands.
    Entries outside the region are the same text in both versions, so they are the same entries. The whole
    file is parsed instead when that reasoning could fail: a region Beancount's parser finds any error in, a
    ``push``/``pop``/``option`` line anywhere (their effect carries across directives), or an odd number of
    quotation marks before the region (a string could run across directives)."""
    if old is None or new is None:
        whole = [dated(path, raw.decode("utf-8", "replace")) if raw is not None else [] for raw in (old, new)]
        return whole[0], whole[1]
    start = _head_before(old, _common_prefix(old, new))
    suffix = _common_suffix(old, new, min(len(old), len(new)) - start)
    end = _head_from(old, len(old) - suffix)
    regions = (old[start:end], new[start:end - len(old) + len(new)])
    if not (start == 0 and end == len(old)) and not stateful and old.count(b'"', 0, start) % 2 == 0:
        parsed = [dated_strictly(path, region.decode("utf-8", "replace")) for region in regions]
        if parsed[0] is not None and parsed[1] is not None:
            return parsed[0], parsed[1]
    return dated(path, old.decode("utf-8", "replace")), dated(path, new.decode("utf-8", "replace"))


def _stateful(text: bytes) -> bool:
    return text.startswith(STATEFUL) or any(b"\n" + word in text for word in STATEFUL)


def _common_prefix(a: bytes, b: bytes) -> int:
    """How many leading bytes two texts share (compared in long runs, then halved)."""
    limit, done, step = min(len(a), len(b)), 0, 1 << 16
    while done + step <= limit and a[done:done + step] == b[done:done + step]:
        done += step
    high = min(done + step, limit)
    while done < high:  # a[:done] == b[:done], and the first difference is at most at high
        middle = (done + high + 1) // 2
        if a[done:middle] == b[done:middle]:
            done = middle
        else:
            high = middle - 1
    return done


def _common_suffix(a: bytes, b: bytes, limit: int) -> int:
    """How many trailing bytes two texts share, at most ``limit``."""
    done, step = 0, 1 << 16
    while done + step <= limit and a[len(a) - done - step:len(a) - done] == b[len(b) - done - step:len(b) - done]:
        done += step
    high = min(done + step, limit)
    while done < high:
        middle = (done + high + 1) // 2
        if a[len(a) - middle:len(a) - done] == b[len(b) - middle:len(b) - done]:
            done = middle
        else:
            high = middle - 1
    return done


def _head_before(text: bytes, position: int) -> int:
    """The start of the directive holding the byte before ``position``: the last line start strictly before
    it whose first byte is not blank, or 0."""
    newline = text.rfind(b"\n", 0, max(0, position - 1))
    while newline >= 0:
        if text[newline + 1] not in WHITESPACE:
            return newline + 1
        newline = text.rfind(b"\n", 0, newline)
    return 0


def _head_from(text: bytes, position: int) -> int:
    """The first directive start after ``position`` whose line break is at or after it, or the end."""
    newline = text.find(b"\n", position)
    while 0 <= newline < len(text) - 1:
        if text[newline + 1] not in WHITESPACE:
            return newline + 1
        newline = text.find(b"\n", newline + 1)
    return len(text)


class ChangesStore:
    """What each commit changed in the books, by voucher, kept between builds in one file per repository and
    compound: one line per commit, keyed by the SHA-256 of the blob ids it compared and of the code that worked
    it out (so an answer is never stale). A file that does not read back exactly as written is ignored whole."""

    def __init__(self, folder: Path | None, root: Path, compound: str) -> None:
        self.path = None
        if folder is not None:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                self.path = folder / hashlib.sha256(f"{root.resolve()}\n{compound}\n{_code_version()}".encode()
                                                    ).hexdigest()
            except OSError:
                pass
        self.known = self._read()
        self.used: dict[str, list[ItemChange]] = {}
        self.changed = False

    def _read(self) -> dict[str, list[ItemChange]]:
        if self.path is None:
            return {}
        try:
            lines = self.path.read_bytes().decode("utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            return {}
        if lines[0] != CHANGES_HEADER + _code_version() or lines[-1] != "":
            return {}
        known = {}
        for line in lines[1:-1]:
            question, *rows = line.split("\t")
            items = []
            for row in rows:
                fields = row.split("\x1f")
                if len(fields) != 3 or not fields[0] or fields[1] not in WHAT or not ISO_DAY.fullmatch(fields[2]):
                    return {}
                items.append(ItemChange(fields[0], fields[1], fields[2]))
            if not QUESTION.fullmatch(question):
                return {}
            known[question] = items
        return known

    @staticmethod
    def question(files: list[FileChange]) -> str:
        return hashlib.sha256("".join(f"{c.path}\x00{c.old_blob}\x00{c.new_blob}\n"
                                      for c in sorted(files, key=lambda c: c.path)).encode()).hexdigest()

    def get(self, files: list[FileChange]) -> list[ItemChange] | None:
        question = self.question(files)
        items = self.known.get(question)
        if items is not None:
            self.used[question] = items
        return items

    def put(self, files: list[FileChange], items: list[ItemChange]) -> None:
        if all(SEPARATORS.isdisjoint(item.voucher) for item in items):
            self.used[self.question(files)] = items
            self.changed = True

    def save(self) -> None:
        """Keep what this history used (so the file holds one history's commits, not every one ever seen)."""
        if self.path is None or not (self.changed or self.used.keys() != self.known.keys()):
            return
        lines = [CHANGES_HEADER + _code_version()]
        lines += ["\t".join([question, *(f"{i.voucher}\x1f{i.what}\x1f{i.date}" for i in items)])
                  for question, items in self.used.items()]
        temporary = None
        try:  # written beside, then renamed: a build that stops half-way never leaves half a file
            handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(("\n".join(lines) + "\n").encode("utf-8"))
            os.replace(temporary, self.path)
        except OSError:  # a full or read-only cache costs the work next time, nothing else
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


@functools.cache
def _code_version() -> str:
    """The code that works out a commit's changes: these modules and Beancount's parser."""
    sources = b"".join(Path(module.__file__ or "").read_bytes() for module in (entries_module, sys.modules[__name__]))
    return f"{hashlib.sha256(sources).hexdigest()} beancount {beancount.__version__}"
