"""Who may change what: a compound's ``signers`` as they stood at a revision.

``verify`` reads the signers from the base of the range, never from the
commit being checked, so no commit can authorise its own key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.audit.git import Git, fingerprint
from generator.books import yamlsource
from generator.books.profile import parse_profile


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

    def write_allowed(self, folder: Path) -> Path:
        """An allowed-signers file for git: every key, once."""
        path = folder / "allowed_signers"
        lines = {f'{keys[0].principal} namespaces="git" {" ".join(keys[0].key.split()[:2])}'
                 for keys in self.by_fingerprint.values()}
        path.write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
        return path


def signers_at(git: Git, revision: str) -> Signers:
    signers = Signers(revision)
    for path in git.files(revision, "ledgers"):
        parts = path.split("/")
        if len(parts) != 3 or parts[2] != "compound.yaml":
            continue
        compound = parts[1]
        raw = git.show(revision, path)
        try:
            profile = parse_profile(yamlsource.parse((raw or b"").decode("utf-8"), Path(path)))
        except (UnicodeDecodeError, yamlsource.YamlProblem) as problem:
            signers.problems.append(f"{path} at {revision[:12]} cannot be read: {problem}")
            continue
        for signer in profile.signers:
            print_ = fingerprint(signer.key)
            if print_ is None:
                signers.problems.append(f"{path}: the key of {signer.principal} is not a valid SSH public key")
                continue
            signers.by_fingerprint.setdefault(print_, []).append(
                Key(compound, signer.principal, signer.role, signer.key))
    return signers
