"""Git as the audit trail: every git call trustfund makes goes through ``Git``.

Signatures are checked against an allowed-signers file that trustfund writes
from keys it chose (a compound's ``signers`` at a chosen revision, the
maintainers' keys), never from the commit being checked; ``Git`` writes and
reuses that file itself (``allowed``). Blobs are read through one
``git cat-file --batch`` process, so reading many files costs one process,
not one per file.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GOOD_SIGNATURE = re.compile(r'Good "git" signature (?:for \S+ )?with \S+ key (SHA256:[A-Za-z0-9+/=]+)')
ZERO_SHA = "0" * 40


class GitError(Exception):
    pass


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author: str
    date: str  # committer date, ISO 8601
    subject: str


@dataclass(frozen=True)
class Change:
    status: str
    old_mode: str
    new_mode: str
    path: str
    old_blob: str = ZERO_SHA
    new_blob: str = ZERO_SHA


@dataclass(frozen=True)
class SignerKey:
    """A public key allowed to sign, under the name git prints for it."""

    principal: str
    key: str  # "ssh-ed25519 AAAA…"


@dataclass(frozen=True)
class Signature:
    status: str  # G good and listed, U good but unlisted, N none, B bad, …
    fingerprint: str


@dataclass(frozen=True)
class TagRecord:
    name: str
    tag_object: str | None  # None for a lightweight tag (never signed)
    commit: str
    tagger: str
    date: str  # tagger date, ISO 8601


LOG_FORMAT = "%H%x1f%P%x1f%an%x1f%cI%x1f%s%x1e"
SIGNATURES_AT_ONCE = 64  # fewer commits than this are checked in one process


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._allowed: dict[str, Path] = {}

    def run(self, *args: str, check: bool = True, config: dict[str, str] | None = None,
            stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
        result = self._run(args, check=check, config=config, stdin=stdin)
        return subprocess.CompletedProcess(result.args, result.returncode,
                                           result.stdout.decode("utf-8", "replace"),
                                           result.stderr.decode("utf-8", "replace"))

    def _run(self, args: Iterable[str], check: bool = True, config: dict[str, str] | None = None,
             stdin: bytes | None = None, out: IO[bytes] | None = None) -> subprocess.CompletedProcess[bytes]:
        """Every git process trustfund starts is started here (``out``: a file its output goes to)."""
        args = list(args)
        options = [part for key, value in (config or {}).items() for part in ("-c", f"{key}={value}")]
        try:
            result = subprocess.run(["git", "-C", str(self.root), *options, *args], input=stdin, check=False,
                                    stdout=out if out is not None else subprocess.PIPE, stderr=subprocess.PIPE,
                                    timeout=600)
        except (OSError, subprocess.SubprocessError) as problem:
            raise GitError(f"git {' '.join(args)}: {problem}") from None
        if check and result.returncode != 0:
            message = (result.stderr or result.stdout or b"").decode("utf-8", "replace").strip()
            raise GitError(f"git {' '.join(args)}: {message}")
        return result

    def start(self, message: str) -> str:
        """A new repository here, on ``main``, with everything in the folder as its first commit, unsigned
        (no key is trusted before it). Made under the user's git identity, or a plain stand-in when there is
        none, so that adopting works on a machine git was never set up on."""
        self.run("init", "--quiet", "--initial-branch=main")
        identity = {}
        for key, stand_in in (("user.name", "trustfund init"), ("user.email", "init@trustfund.invalid")):
            if not self.run("config", key, check=False).stdout.strip():
                identity[key] = stand_in
        self.run("add", "--all")
        self.run("commit", "--quiet", "--no-gpg-sign", "--no-verify", "-m", message, config=identity)
        return self.run("rev-parse", "HEAD").stdout.strip()

    # revisions

    def is_repository(self) -> bool:
        return self.run("rev-parse", "--git-dir", check=False).returncode == 0

    def has_commits(self) -> bool:
        head = self.run("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        return head.returncode == 0 and bool(head.stdout.strip())

    def resolve(self, revision: str) -> str:
        result = self.run("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}", check=False)
        if result.returncode != 0:
            raise GitError(f"'{revision}' is not a commit in {self.root}")
        return result.stdout.strip()

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository").stdout.strip() == "true"

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        return self.run("merge-base", "--is-ancestor", ancestor, descendant, check=False).returncode == 0

    def commits(self, base: str, head: str) -> list[Commit]:
        """Commits in base..head, oldest first."""
        out = self.run("log", "--reverse", "--topo-order", f"--format={LOG_FORMAT}", f"{base}..{head}").stdout
        return [_commit(record) for record in out.split("\x1e") if record.strip()]

    def rev_list(self, revision_range: str) -> list[str]:
        return self.run("rev-list", revision_range).stdout.split()

    def parents(self, revision: str) -> dict[str, tuple[str, ...]]:
        """Every commit in the history of a revision → its parents, in one process."""
        graph = {}
        for line in self.run("rev-list", "--parents", revision).stdout.split("\n"):
            if line:
                sha, *parents = line.split(" ")
                graph[sha] = tuple(parents)
        return graph

    def last_commit(self) -> Commit | None:
        """The commit HEAD names, or None outside git or before the first commit."""
        if not self.has_commits():
            return None
        out = self.run("log", "-1", f"--format={LOG_FORMAT}").stdout
        return _commit(out.strip().rstrip("\x1e"))

    def log_with_changes(self, *paths: str) -> list[tuple[Commit, list[Change]]]:
        """Every commit that touched any of the paths, newest first, with its changes against its first parent
        (none for merges), in one ``git log`` pass."""
        out = self._run(["log", "--full-history", "--raw", "--no-renames", "--no-abbrev", "-z",
                         f"--format=%x1d{LOG_FORMAT}", "--", *paths]).stdout.decode("utf-8", "replace")
        result = []
        for record in out.split("\x1d")[1:]:
            header, _, raw = record.partition("\x1e")
            result.append((_commit(header), _changes(raw.lstrip("\x00\n").split("\x00"))))
        return result

    def changes(self, commit: str, parent: str | None) -> list[Change]:
        args = ["diff-tree", "-r", "-z", "--no-renames", "--raw", "--no-abbrev"]
        args += [parent, commit] if parent else ["--root", commit]
        fields = self.run(*args).stdout.split("\x00")
        return _changes(fields[1:] if fields and not fields[0].startswith(":") else fields)

    def changed_paths(self, before: str, after: str | None, *paths: str) -> list[str]:
        """Paths that differ between two revisions (or a revision and the working tree)."""
        args = ["diff", "--name-only", "--no-renames", "-z", before] + ([after] if after else []) + ["--", *paths]
        names = [name for name in self.run(*args).stdout.split("\x00") if name]
        if after is None:  # files not yet added to git are part of the working tree too
            untracked = self.run("ls-files", "-z", "--others", "--exclude-standard", "--", *paths).stdout
            names += [name for name in untracked.split("\x00") if name and name not in names]
        return names

    # contents

    def show(self, revision: str, path: str) -> bytes | None:
        return self.read(revision, [path]).get(path)

    def read(self, revision: str, paths: Iterable[str]) -> dict[str, bytes | None]:
        """The contents of paths at a revision (None where a path does not exist), in one process."""
        paths = list(paths)
        if not paths:
            return {}
        # cat-file --batch reads one object name a line: a path with a line break in it is read on its own.
        batched = [path for path in paths if "\n" not in path]
        request = "".join(f"{revision}:{path}\n" for path in batched).encode("utf-8")
        found: dict[str, bytes | None] = dict(zip(batched, self._batch(request), strict=True)) if batched else {}
        for path in paths:
            if path not in found:
                shown = self._run(["cat-file", "blob", f"{revision}:{path}"], check=False)
                found[path] = shown.stdout if shown.returncode == 0 else None
        return {path: found[path] for path in paths}

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        wanted = [sha for sha in dict.fromkeys(shas) if sha != ZERO_SHA]
        if not wanted:
            return {}
        found = self._batch("".join(f"{sha}\n" for sha in wanted).encode())
        return {sha: data for sha, data in zip(wanted, found, strict=True) if data is not None}

    def objects(self, shas: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """The raw objects (type, bytes) of any kind — commits, tags, blobs — in one process."""
        wanted = [sha for sha in dict.fromkeys(shas) if sha != ZERO_SHA]
        if not wanted:
            return {}
        found = self._batch_typed("".join(f"{sha}\n" for sha in wanted).encode())
        return {sha: item for sha, item in zip(wanted, found, strict=True) if item is not None}

    def spool_blobs(self, shas: Iterable[str], out: IO[bytes]) -> dict[str, tuple[int, int]]:
        """Blobs written one after another into a file, in one process, for reading a slice at a time (many
        versions of a growing ledger file need not all be held in memory): blob id → (offset, size)."""
        wanted = [sha for sha in dict.fromkeys(shas) if sha != ZERO_SHA]
        if not wanted:
            return {}
        start = out.seek(0, io.SEEK_END)
        self._run(["cat-file", "--batch"], stdin="".join(f"{sha}\n" for sha in wanted).encode(), out=out)
        out.flush()
        out.seek(start)
        found = {}
        for sha in wanted:
            header = out.readline().rstrip(b"\n").split(b" ")
            if len(header) < 3 or header[-1] == b"missing":
                continue
            size = int(header[2])
            if header[1] == b"blob":
                found[sha] = (out.tell(), size)
            out.seek(size + 1, io.SEEK_CUR)
        return found

    def _batch(self, request: bytes) -> list[bytes | None]:
        return [item[1] if item is not None and item[0] == "blob" else None for item in self._batch_typed(request)]

    def _batch_typed(self, request: bytes) -> list[tuple[str, bytes] | None]:
        out = self._run(["cat-file", "--batch"], stdin=request).stdout
        stream = io.BytesIO(out)
        result: list[tuple[str, bytes] | None] = []
        for _ in range(request.count(b"\n")):
            header = stream.readline().rstrip(b"\n").split(b" ")
            if len(header) < 3 or header[-1] == b"missing":
                result.append(None)
                continue
            size = int(header[2])
            data = stream.read(size)
            stream.read(1)
            result.append((header[1].decode("ascii", "replace"), data))
        return result

    def blob_ids(self, objects: Iterable[str]) -> dict[str, str | None]:
        """The blob id of each ``revision:path`` (None where there is none), in one process."""
        objects = list(dict.fromkeys(objects))
        if not objects:
            return {}
        out = self._run(["cat-file", "--batch-check"], stdin="".join(f"{o}\n" for o in objects).encode()).stdout
        result: dict[str, str | None] = {}
        for name, line in zip(objects, out.decode("utf-8", "replace").split("\n"), strict=False):
            parts = line.split(" ")
            result[name] = parts[0] if len(parts) == 3 and parts[1] == "blob" else None
        return result

    def files(self, revision: str, folder: str) -> list[str]:
        out = self.run("ls-tree", "-r", "-z", "--name-only", revision, "--", folder, check=False).stdout
        return [line for line in out.split("\x00") if line]

    def blob_id(self, revision: str, path: str) -> str | None:
        result = self.run("rev-parse", "--verify", "--quiet", f"{revision}:{path}", check=False)
        return result.stdout.strip() or None

    def ignores(self, path: Path) -> bool:
        """Whether git would never take this path into the repository (``.gitignore``)."""
        return self.is_repository() and self.run("check-ignore", "-q", "--", str(path), check=False).returncode == 0

    def tree(self, revision: str) -> str:
        return self.run("rev-parse", f"{revision}^{{tree}}").stdout.strip()

    def merged_tree(self, first: str, second: str) -> str | None:
        """The tree an automatic merge of two commits gives, or None if it conflicts."""
        result = self.run("merge-tree", "--write-tree", first, second, check=False)
        return result.stdout.split("\n", 1)[0].strip() if result.returncode == 0 else None

    def extract(self, revision: str, folders: Iterable[str], into: Path) -> None:
        """The folders as they are at a revision, written under ``into`` (links and paths outside refused)."""
        present = [folder for folder in folders if self.files(revision, folder)]
        if not present:
            return
        archive = self._run(["archive", "--format=tar", revision, "--", *present]).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(into, filter="data")

    # tags

    def tags(self, prefix: str) -> dict[str, str]:
        """Tag name → the commit it points at, for tags whose name starts with ``prefix``."""
        out = self.run("for-each-ref", "--format=%(refname:short)%09%(*objectname)%09%(objectname)",
                       f"refs/tags/{prefix}").stdout
        tags = {}
        for line in out.split("\n"):
            if line:
                name, peeled, direct = line.split("\t")
                tags[name] = peeled or direct
        return tags

    def tag_records(self, prefix: str) -> list[TagRecord]:
        """Every tag whose name starts with ``prefix``, with its object, commit, tagger and date, in one process."""
        out = self.run("for-each-ref", "--format=%(refname:short)%1f%(objecttype)%1f%(objectname)%1f"
                       "%(*objectname)%1f%(taggername)%1f%(taggerdate:iso-strict)%1e", f"refs/tags/{prefix}").stdout
        records = []
        for line in out.split("\x1e"):
            fields = line.strip("\n").split("\x1f")
            if len(fields) == 6:
                name, kind, direct, peeled, tagger, date = fields
                records.append(TagRecord(name, direct if kind == "tag" else None, peeled or direct, tagger, date))
        return records

    def tags_merged(self, commit: str, pattern: str) -> set[str]:
        """Tags matching ``pattern`` whose commit is in the history of ``commit``."""
        return set(self.run("tag", "--merged", commit, "--list", pattern).stdout.split())

    def make_tag(self, tag: str, message: str) -> None:
        self.run("tag", "-s", "-m", message, tag, config={"gpg.format": "ssh"})

    def delete_tag(self, tag: str) -> None:
        self.run("tag", "-d", tag)

    # signatures

    def signatures(self, commits: Iterable[str], keys: Iterable[SignerKey], processes: int = 1,
                   ) -> dict[str, Signature]:
        """Each commit's signature verdict against the keys, in one ``git log`` call — or, as git checks each
        signature with two runs of ``ssh-keygen`` (about 30 ms a commit), split over up to ``processes`` calls
        at once."""
        commits = list(commits)
        if not commits:
            return {}
        config = self._ssh(keys)
        share = max(SIGNATURES_AT_ONCE, -(-len(commits) // max(1, processes)))
        parts = [commits[start:start + share] for start in range(0, len(commits), share)]

        def verdicts_of(part: list[str]) -> str:
            return self.run("log", "--no-walk=unsorted", "--format=%H%x1f%G?%x1f%GK", "--stdin", config=config,
                            stdin="".join(f"{c}\n" for c in part).encode()).stdout

        if len(parts) == 1:
            outs = [verdicts_of(parts[0])]
        else:
            with ThreadPoolExecutor(len(parts)) as pool:
                outs = list(pool.map(verdicts_of, parts))
        verdicts = {}
        for line in "\n".join(outs).split("\n"):
            if line.count("\x1f") == 2:
                sha, status, key = line.split("\x1f")
                verdicts[sha] = Signature(status or "N", key)
        return verdicts

    def tag_signature(self, tag: str, keys: Iterable[SignerKey]) -> tuple[str | None, str, str]:
        """(key fingerprint if the signature is good and listed, tagger, tagger date)."""
        result = self.run("verify-tag", "-v", tag, check=False, config=self._ssh(keys))
        match = GOOD_SIGNATURE.search(result.stderr)
        info = self.run("for-each-ref", "--format=%(taggername)%09%(taggerdate:iso-strict)",
                        f"refs/tags/{tag}").stdout.strip()
        tagger, _, date = info.partition("\t")
        return (match.group(1) if match and result.returncode == 0 else None), tagger, date

    def tag_verdict(self, tag: str, keys: Iterable[SignerKey]) -> Signature:
        """A tag's (name or object id) signature verdict against the keys: G and the key, or B."""
        result = self.run("verify-tag", "-v", tag, check=False, config=self._ssh(keys))
        match = GOOD_SIGNATURE.search(result.stderr)
        return Signature("G", match.group(1)) if match and result.returncode == 0 else Signature("B", "")

    def _ssh(self, keys: Iterable[SignerKey]) -> dict[str, str]:
        # The program is named, not taken from the user's configuration, so a verdict is always ssh-keygen's.
        return {"gpg.format": "ssh", "gpg.ssh.allowedSignersFile": str(self.allowed(keys)),
                "gpg.ssh.program": "ssh-keygen"}

    @functools.cached_property
    def check_version(self) -> str:
        """What answers a signature question here: git's version and the ssh-keygen program's digest."""
        program = shutil.which("ssh-keygen")
        try:
            digest = hashlib.sha256(Path(program).read_bytes()).hexdigest()[:16] if program else "none"
        except OSError:
            digest = "unreadable"
        return f"{self.run('--version').stdout.strip()}; ssh-keygen {digest}"

    def allowed(self, keys: Iterable[SignerKey]) -> Path:
        """An allowed-signers file for these keys, written once per set of keys and kept while ``Git`` lives."""
        lines = sorted({f'{k.principal} namespaces="git" {" ".join(k.key.split()[:2])}' for k in keys})
        text = "\n".join(lines) + "\n"
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        if digest not in self._allowed:
            if self._folder is None:
                self._folder = tempfile.TemporaryDirectory(prefix="trustfund-signers-")
            path = Path(self._folder.name) / f"allowed-{digest}"
            path.write_text(text, encoding="utf-8")
            self._allowed[digest] = path
        return self._allowed[digest]


def _commit(record: str) -> Commit:
    sha, parents, author, date, subject = record.strip("\n").split("\x1f")
    return Commit(sha, tuple(parents.split()), author, date, subject)


def _changes(fields: list[str]) -> list[Change]:
    changes = []
    index = 0
    while index < len(fields) - 1:
        meta = fields[index].lstrip("\n")
        if not meta.startswith(":"):
            index += 1
            continue
        old_mode, new_mode, old_blob, new_blob, status = meta[1:].split(" ")
        changes.append(Change(status[0], old_mode, new_mode, fields[index + 1], old_blob, new_blob))
        index += 2
    return changes


@functools.lru_cache(maxsize=1024)
def fingerprint(public_key: str) -> str | None:
    """The SHA256 fingerprint ssh-keygen prints for a public key line."""
    with tempfile.NamedTemporaryFile("w", suffix=".pub", delete=True) as handle:
        handle.write(public_key.strip() + "\n")
        handle.flush()
        result = subprocess.run(["ssh-keygen", "-lf", handle.name], capture_output=True, text=True, check=False)
    parts = result.stdout.split()
    return parts[1] if result.returncode == 0 and len(parts) > 1 else None
