"""Who may change what: a compound's ``signers`` and the repository's maintainers, as they stood at a revision.

``verify`` reads the signers from the base of the range and from each commit's
parent, never from the commit being checked, so no commit can authorise its
own key, and a key removed by a commit signs nothing after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.audit.git import Git, SignerKey, fingerprint
from generator.books.profile import profile_from_text

MAINTAINERS = ".trustfund/maintainers"


@dataclass(frozen=True)
class Key:
    compound: str
    principal: str
    role: str
    key: str


@dataclass
class Signers:
    """Every compound's signers at one revision, by key fingerprint."""

    revision: str
    by_fingerprint: dict[str, list[Key]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def roles(self, fingerprint: str, compound: str) -> set[str]:
        return {key.role for key in self.by_fingerprint.get(fingerprint, []) if key.compound == compound}

    def who(self, fingerprint: str) -> str:
        keys = self.by_fingerprint.get(fingerprint, [])
        return ", ".join(sorted({f"{k.principal} ({k.compound} {k.role})" for k in keys})) or fingerprint

    def listed(self, compound: str) -> set[str]:
        return {f"{k.principal} ({k.role})" for keys in self.by_fingerprint.values() for k in keys
                if k.compound == compound}

    def signer_keys(self) -> list[SignerKey]:
        return [SignerKey(keys[0].principal, keys[0].key) for keys in self.by_fingerprint.values()]


def signers_at(git: Git, revision: str, compound: str | None = None) -> Signers:
    """The signers listed in every compound's profile (or one compound's) at a revision."""
    signers = Signers(revision)
    for path, raw in git.read(revision, profile_paths(git, revision, compound)).items():
        add_profile(signers, path, raw)
    return signers


def profile_paths(git: Git, revision: str, compound: str | None = None) -> list[str]:
    return [path for path in git.files(revision, "ledgers") if path.count("/") == 2
            and path.endswith("/compound.yaml") and (compound is None or path.split("/")[1] == compound)]


def signers_at_each(git: Git, revisions: Iterable[str], profiles: list[str], objects: Iterable[str] = (),
                    ) -> tuple[dict[str, Signers], dict[str, tuple[str, bytes]]]:
    """The signers the given profiles list at each revision, read in two git processes whatever the number of
    revisions (the blob ids, then every distinct profile version at once — with the raw ``objects`` asked
    for, returned beside: commits and tags whose signatures are to be checked). Revisions whose profiles are
    the same blobs share one ``Signers``."""
    revisions = list(dict.fromkeys(revisions))
    blob_of = git.blob_ids(f"{revision}:{path}" for revision in revisions for path in profiles)
    raw = git.objects([*(blob for blob in blob_of.values() if blob), *objects])
    by_blobs: dict[tuple[str | None, ...], Signers] = {}
    result = {}
    for revision in revisions:
        blobs = tuple(blob_of.get(f"{revision}:{path}") for path in profiles)
        if blobs not in by_blobs:
            by_blobs[blobs] = Signers(revision)
            for path, blob in zip(profiles, blobs, strict=True):
                if blob is not None and blob in raw:
                    add_profile(by_blobs[blobs], path, raw[blob][1])
        result[revision] = by_blobs[blobs]
    return result, raw


def add_profile(signers: Signers, path: str, raw: bytes | None) -> None:
    compound = path.split("/")[1]
    try:
        profile, problem = profile_from_text((raw or b"").decode("utf-8"), Path(path))
    except UnicodeDecodeError:
        profile, problem = None, "it is not UTF-8 text"
    if profile is None:
        signers.problems.append(f"{path} at {signers.revision[:12]} cannot be read: {problem}")
        return
    for signer in profile.signers:
        print_ = fingerprint(signer.key)
        if print_ is None:
            signers.problems.append(f"{path}: the key of {signer.principal} is not a valid SSH public key")
            continue
        signers.by_fingerprint.setdefault(print_, []).append(Key(compound, signer.principal, signer.role, signer.key))


def maintainers_at(git: Git, revision: str) -> dict[str, SignerKey]:
    """Fingerprint → key for ``.trustfund/maintainers`` (``name ssh-ed25519 AAAA…`` lines) at a revision."""
    raw = git.show(revision, MAINTAINERS) or b""
    keys = {}
    for line in raw.decode("utf-8", errors="replace").split("\n"):
        parts = line.split()
        if len(parts) >= 3 and not parts[0].startswith("#"):
            print_ = fingerprint(" ".join(parts[1:3]))
            if print_:
                keys[print_] = SignerKey(parts[0], " ".join(parts[1:3]))
    return keys
