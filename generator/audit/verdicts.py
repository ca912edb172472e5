"""Signature verdicts: asked of git once per commit or tag, and kept outside the repository.

Git checks an SSH signature by running ``ssh-keygen`` twice, about 30 ms a
commit, so a history of thousands of signed commits would take a minute on
every build. Commits and tags never change, so each verdict is asked once and
kept in a cache folder (``generator.caches``: ``$TRUSTFUND_CACHE/verdicts`` …).

**The question.** An SSH signature carries the public key that made it. The
question asked of git is always the same for one object: "is this signature
good, in git's namespace, with an allowed-signers file that lists exactly the
key the signature carries?" Whether that key is *listed* — at a commit's
parent for the history page, at the base of the range for ``verify`` — is
decided afterwards, in Python, from the books as they stood. So a verdict is
keyed by the object id, the SHA-256 of that one-line allowed-signers file and
the version of the check (git's version and a digest of ``ssh-keygen``): it
cannot answer another commit, another key, or another git.

**What a cache entry is trusted with, and what not.** An unsigned object never
reaches the cache (it has no signature to ask about), so no entry can make it
show as signed; an entry must name its object, its key file and its check
exactly, and a "good" entry must carry the fingerprint of the key the
signature itself carries; anything else — garbage, a truncated write, an entry
for another question — is ignored, asked again and overwritten. What the cache
cannot rule out is someone able to write the cache folder *and* to place in
the history an object that carries a listed public key with a signature that
does not verify: such an entry would show that object as signed on the
history page. ``verify``, the gate every change passes in CI, therefore never
reads the cache: it asks git itself and only writes what git answered. A
cache inside the repository is never used (a pull request could plant one),
and on GitHub Actions a pull request's cache cannot be restored by a run on
main.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import struct
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.audit.git import Git, Signature, SignerKey
from generator.caches import cache_folder

HEADER = b"trustfund-verdict 1\n"
SSH_BEGIN = "-----BEGIN SSH SIGNATURE-----"
SSH_END = "-----END SSH SIGNATURE-----"
SIGNATURE_BEGIN = ("-----BEGIN PGP SIGNATURE-----", "-----BEGIN PGP MESSAGE-----", SSH_BEGIN,
                   "-----BEGIN SIGNED MESSAGE-----")
KEY_TYPE = re.compile(r"[a-z0-9@.-]{1,64}", re.ASCII)
VERDICTS = "verdicts"
ASKED_AS = "signer"  # the principal of the one-line allowed-signers file; git's verdict does not depend on it


def commit_signature(raw: bytes, sha: str) -> str | None:
    """The signature in a commit object's header (``gpgsig``, or ``gpgsig-sha256`` in a SHA-256 repository)."""
    name = b"gpgsig" if len(sha) == 40 else b"gpgsig-sha256"
    header = raw.split(b"\n\n", 1)[0]
    lines: list[bytes] = []
    for line in header.split(b"\n"):
        if lines and line.startswith(b" "):
            lines.append(line[1:])
        elif lines:
            break
        elif line.startswith(name + b" "):
            lines.append(line[len(name) + 1:])
    return b"\n".join(lines).decode("utf-8", "replace") if lines else None


def tag_signature(raw: bytes) -> str | None:
    """The signature a signed tag carries at the end of its message (where git looks for it)."""
    text = raw.decode("utf-8", "replace")
    starts = [text.rfind("\n" + marker) for marker in SIGNATURE_BEGIN]
    start = max(starts)
    return text[start + 1:] if start >= 0 else None


@dataclass(frozen=True)
class SignatureKey:
    """The public key an SSH signature carries."""

    line: str  # "ssh-ed25519 AAAA…"
    fingerprint: str  # "SHA256:…", as ssh-keygen prints it

    def allowed_signers(self) -> str:
        return f'{ASKED_AS} namespaces="git" {self.line}\n'


def carried_key(signature: str) -> SignatureKey | None:
    """The public key inside an armored SSH signature (``SSHSIG`` blob), or None for anything else."""
    text = signature.strip()
    if not (text.startswith(SSH_BEGIN) and text.endswith(SSH_END)):
        return None
    try:
        blob = base64.b64decode("".join(text[len(SSH_BEGIN):-len(SSH_END)].split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not blob.startswith(b"SSHSIG") or len(blob) < 14:
        return None
    try:
        (length,) = struct.unpack(">I", blob[10:14])
        key = blob[14:14 + length]
        (type_length,) = struct.unpack(">I", key[:4])
    except struct.error:
        return None
    if len(key) != length or not 0 < type_length <= len(key) - 4:
        return None
    kind = key[4:4 + type_length].decode("ascii", "replace")
    if not KEY_TYPE.fullmatch(kind):
        return None
    fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(key).digest()).decode().rstrip("=")
    return SignatureKey(f"{kind} {base64.b64encode(key).decode()}", fingerprint)


class VerdictStore:
    """Verdicts of git on one signature question each, in files named by the question.

    ``read=False`` makes a store that only records what git answered (``verify``: the gate asks git itself).
    """

    def __init__(self, folder: Path | None, check: str, read: bool = True) -> None:
        self.folder = folder
        self.check = check
        self.read = read
        self.reused = 0
        self.asked = 0
        self.notes: list[str] = []

    @classmethod
    def for_repository(cls, git: Git, read: bool = True) -> VerdictStore:
        folder, note = cache_folder(VERDICTS, [git.root])
        store = cls(folder, git.check_version, read)
        if note:
            store.notes.append(note)
        return store

    def _entry(self, obj: str, key: SignatureKey) -> tuple[Path | None, bytes]:
        allowed = hashlib.sha256(key.allowed_signers().encode()).hexdigest()
        question = f"{obj}\n{allowed}\n{self.check}\n"
        name = hashlib.sha256(question.encode()).hexdigest()
        return (self.folder / name if self.folder else None), HEADER + question.encode()

    def get(self, obj: str, key: SignatureKey) -> Signature | None:
        path, expected = self._entry(obj, key)
        if path is None or not self.read:
            return None
        try:
            entry = path.read_bytes()
        except OSError:
            return None
        if not entry.startswith(expected) or not entry.endswith(b"\n"):
            return None
        fields = entry[len(expected):-1].decode("ascii", "replace").split(" ")
        if len(fields) != 2 or len(fields[0]) != 1 or not fields[0].isalpha() or "\n" in fields[1]:
            return None
        status, fingerprint = fields
        if status == "G" and fingerprint != key.fingerprint:
            return None  # a good verdict is only ever for the key the signature carries
        self.reused += 1
        return Signature(status, fingerprint)

    def put(self, obj: str, key: SignatureKey, verdict: Signature) -> None:
        path, expected = self._entry(obj, key)
        if path is None or " " in verdict.fingerprint or "\n" in verdict.fingerprint:
            return
        temporary = None
        try:  # written beside, then renamed: a build that stops half-way never leaves half an entry
            handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(handle, "wb") as out:
                out.write(expected + f"{verdict.status} {verdict.fingerprint}\n".encode())
            os.replace(temporary, path)
        except OSError:  # a full or read-only cache costs a check next time, nothing else
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


def commit_verdicts(git: Git, store: VerdictStore, signed: dict[str, SignatureKey]) -> dict[str, Signature]:
    """Git's verdict on each commit's signature, asked with the key it carries (cached ones reused): one
    ``git log`` per distinct key, split over the machine's cores."""
    result: dict[str, Signature] = {}
    asking: dict[SignatureKey, list[str]] = {}
    for commit, key in signed.items():
        known = store.get(commit, key)
        if known is not None:
            result[commit] = known
        else:
            asking.setdefault(key, []).append(commit)
    for key, commits in asking.items():
        answered = git.signatures(commits, [SignerKey(ASKED_AS, key.line)], processes=os.cpu_count() or 1)
        for commit in commits:
            verdict = answered.get(commit)
            if verdict is None:
                continue
            result[commit] = verdict
            store.asked += 1
            store.put(commit, key, verdict)
    return result


def tag_verdicts(git: Git, store: VerdictStore, signed: dict[str, SignatureKey]) -> dict[str, Signature]:
    """Git's verdict on each signed tag (by tag object id), asked with the key it carries (cached ones reused),
    a few ``git verify-tag`` at a time."""
    result: dict[str, Signature] = {}
    asking = []
    for tag_object, key in signed.items():
        known = store.get(tag_object, key)
        if known is not None:
            result[tag_object] = known
        else:
            asking.append((tag_object, key))

    def ask(question: tuple[str, SignatureKey]) -> Signature:
        return git.tag_verdict(question[0], [SignerKey(ASKED_AS, question[1].line)])

    with ThreadPoolExecutor(max(1, min(len(asking), os.cpu_count() or 1))) as pool:
        for (tag_object, key), verdict in zip(asking, pool.map(ask, asking), strict=True):
            result[tag_object] = verdict
            store.asked += 1
            store.put(tag_object, key, verdict)
    return result
