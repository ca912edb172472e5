"""Git as the audit trail: the few plumbing commands trustfund needs, run on a repository.

Signatures are checked against an allowed-signers file that trustfund writes
from a compound's ``signers`` at a chosen revision, never from the commit
being checked.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

GOOD_SIGNATURE = re.compile(r'Good "git" signature (?:for \S+ )?with \S+ key (SHA256:[A-Za-z0-9+/=]+)')


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


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root

    def run(self, *args: str, check: bool = True, config: dict[str, str] | None = None,
            text: bool = True) -> subprocess.CompletedProcess[str]:
        options = [part for key, value in (config or {}).items() for part in ("-c", f"{key}={value}")]
        try:
            result = subprocess.run(["git", "-C", str(self.root), *options, *args], capture_output=True,
                                    text=text, check=False, timeout=300)
        except (OSError, subprocess.SubprocessError) as problem:
            raise GitError(f"git {' '.join(args)}: {problem}") from None
        if check and result.returncode != 0:
            raise GitError(f"git {' '.join(args)}: {result.stderr.strip() or result.stdout.strip()}")
        return result

    def is_repository(self) -> bool:
        return self.run("rev-parse", "--git-dir", check=False).returncode == 0

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
        out = self.run("log", "--reverse", "--topo-order", "--format=%H%x1f%P%x1f%an%x1f%cI%x1f%s%x1e",
                       f"{base}..{head}").stdout
        return [_commit(record) for record in out.split("\x1e") if record.strip()]

    def log(self, *paths: str) -> list[Commit]:
        """Every commit that touched any of the paths, newest first, merges included."""
        out = self.run("log", "--full-history", "--format=%H%x1f%P%x1f%an%x1f%cI%x1f%s%x1e", "--", *paths).stdout
        return [_commit(record) for record in out.split("\x1e") if record.strip()]

    def changes(self, commit: str, parent: str | None) -> list[Change]:
        args = ["diff-tree", "-r", "-z", "--no-renames", "--raw"]
        args += [parent, commit] if parent else ["--root", commit]
        fields = self.run(*args).stdout.split("\x00")
        changes = []
        index = 1 if fields and not fields[0].startswith(":") else 0
        while index < len(fields) - 1:
            meta = fields[index]
            if not meta.startswith(":"):
                index += 1
                continue
            old_mode, new_mode, _, _, status = meta[1:].split(" ")
            changes.append(Change(status[0], old_mode, new_mode, fields[index + 1]))
            index += 2
        return changes

    def show(self, revision: str, path: str) -> bytes | None:
        result = subprocess.run(["git", "-C", str(self.root), "show", f"{revision}:{path}"], capture_output=True,
                                check=False, timeout=120)
        return result.stdout if result.returncode == 0 else None

    def files(self, revision: str, folder: str) -> list[str]:
        out = self.run("ls-tree", "-r", "--name-only", revision, "--", folder, check=False).stdout
        return [line for line in out.split("\n") if line]

    def tree(self, revision: str) -> str:
        return self.run("rev-parse", f"{revision}^{{tree}}").stdout.strip()

    def merged_tree(self, first: str, second: str) -> str | None:
        """The tree an automatic merge of two commits gives, or None if it conflicts."""
        result = self.run("merge-tree", "--write-tree", first, second, check=False)
        return result.stdout.split("\n", 1)[0].strip() if result.returncode == 0 else None

    def signature(self, commit: str, allowed_signers: Path) -> tuple[str, str]:
        """(status, key fingerprint): G good and known, U good but unknown key, N unsigned, B bad …"""
        out = self.run("log", "-1", "--format=%G?%x1f%GK", commit, config=_ssh(allowed_signers)).stdout.strip()
        status, _, key = out.partition("\x1f")
        return status or "N", key

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

    def tag_signature(self, tag: str, allowed_signers: Path) -> tuple[str | None, str, str]:
        """(key fingerprint if the signature is good and known, tagger, tagger date)."""
        result = self.run("verify-tag", "-v", tag, check=False, config=_ssh(allowed_signers))
        match = GOOD_SIGNATURE.search(result.stderr)
        info = self.run("for-each-ref", "--format=%(taggername)%09%(taggerdate:iso-strict)",
                        f"refs/tags/{tag}").stdout.strip()
        tagger, _, date = info.partition("\t")
        return (match.group(1) if match and result.returncode == 0 else None), tagger, date


def _ssh(allowed_signers: Path) -> dict[str, str]:
    return {"gpg.format": "ssh", "gpg.ssh.allowedSignersFile": str(allowed_signers)}


def _commit(record: str) -> Commit:
    sha, parents, author, date, subject = record.strip("\n").split("\x1f")
    return Commit(sha, tuple(parents.split()), author, date, subject)


def fingerprint(public_key: str) -> str | None:
    """The SHA256 fingerprint ssh-keygen prints for a public key line."""
    with tempfile.NamedTemporaryFile("w", suffix=".pub", delete=True) as handle:
        handle.write(public_key.strip() + "\n")
        handle.flush()
        result = subprocess.run(["ssh-keygen", "-lf", handle.name], capture_output=True, text=True, check=False)
    parts = result.stdout.split()
    return parts[1] if result.returncode == 0 and len(parts) > 1 else None
