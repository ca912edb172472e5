"""``trustfund init DIR``: a compound's own repository, made from the installed package alone.

What it writes (the files come from ``generator/adoption/files/``, package data):

- ``mkdocs.yml`` naming the material theme and the ``trustfund`` plugin, which supplies the theme
  overrides, stylesheet and scripts from the package, so the new repository keeps no copy of them;
  ``site_src/about.md`` (MkDocs needs a ``docs_dir``);
- ``.github/workflows/check.yml`` and ``publish.yml`` (actions pinned by commit), the 质询 and 工单 issue
  forms, ``CODEOWNERS`` (the books to the committee and supervisors) and ``dependabot.yml``;
- ``requirements.txt``: this very trustfund, pinned (a commit when it was installed from git, else its
  exact version), and ``constraints.txt``: the versions of its dependencies installed here — CI installs
  exactly these, from the base of a pull request, so a pull request never runs a checker of its own;
- ``.gitignore``, ``.trustfund/maintainers`` (empty), a README for treasurers, and a first compound
  (``trustfund new``'s scaffold), then ``git init`` and one unsigned adoption commit.
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from generator.audit.git import Git
from generator.books.scaffold import scaffold

DISTRIBUTION = "trustfund"
# Package data cannot hold names that start with a dot reliably; they are written under these names.
RENAMED = {"gitignore": ".gitignore", "github": ".github", "trustfund": ".trustfund"}
TEMPLATED = {"mkdocs.yml", "README.md"}


class AdoptionError(Exception):
    pass


def adopt(target: Path, compound_id: str, name: str | None = None, name_en: str | None = None,
          site_url: str | None = None, repo: str | None = None) -> tuple[list[Path], str]:
    """Write the new repository into the empty folder ``target``; the files written and the first commit."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AdoptionError(f"{target} is not an empty folder; trustfund init writes a new repository only "
                            "into an empty or new folder, so nothing was changed")
    if repo is not None and not re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", repo):
        raise AdoptionError(f"--repo '{repo}' must be OWNER/NAME, e.g. example-district/open-books")
    if site_url is not None and not re.fullmatch(r"https?://[^\s\"'#?]+", site_url):
        raise AdoptionError(f"--site-url '{site_url}' must be an http(s) address, e.g. https://books.example.cn/")
    target.mkdir(parents=True, exist_ok=True)
    version = metadata.version(DISTRIBUTION)
    values = {
        "compound": compound_id,
        "site_name": name or compound_id,
        "version": version,
        "site_url": f"site_url: {_slash(site_url)}" if site_url else
                    "# site_url: https://books.example.cn/   (set it before the first notice is printed)",
        "repo_url": f"repo_url: https://github.com/{repo}" if repo else
                    "# repo_url: https://github.com/OWNER/NAME",
    }
    written = _copy(files("generator.adoption") / "files", target, Path(), values)
    pins = {target / "requirements.txt": requirement_pin(), target / "constraints.txt": constraints()}
    for path, content in pins.items():
        path.write_text(content, encoding="utf-8")
    written += list(pins)
    written += scaffold(target, compound_id, name=name, name_en=name_en)
    commit = Git(target).start(
        f"Adoption commit: trustfund {version} with compound {compound_id}\n\n"
        "Made by `trustfund init`. This first commit is not signed: it is the starting point that the\n"
        "committee reviews once (signers in compound.yaml, keys in .trustfund/maintainers); every commit\n"
        "after it is verified against the keys it lists.\n")
    return written, commit


def _copy(source: Traversable, target: Path, relative: Path, values: dict[str, str]) -> list[Path]:
    written = []
    for entry in sorted(source.iterdir(), key=lambda item: item.name):
        if entry.name == "__pycache__":
            continue
        name = RENAMED.get(entry.name, entry.name) if relative == Path() else entry.name
        path = target / name
        if entry.is_dir():
            path.mkdir(exist_ok=True)
            written += _copy(entry, path, relative / name, values)
            continue
        text = entry.read_text(encoding="utf-8")
        if (relative / name).as_posix() in TEMPLATED:
            text = Template(text).substitute(values)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def requirement_pin() -> str:
    """This installation of trustfund as one requirement line CI can install again, exactly."""
    distribution = metadata.distribution(DISTRIBUTION)
    header = ("# The trustfund that checks and builds this repository, pinned. CI installs it from the base of\n"
              "# each pull request (.github/workflows/check.yml), so a pull request that changes this line is\n"
              "# still checked by the version pinned before it. See README.md, \"Updating trustfund\".\n")
    origin = _direct_url(distribution)
    vcs = origin.get("vcs_info") if origin else None
    url = str(origin.get("url", "")) if origin else ""
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and vcs.get("commit_id") and not url.startswith("file:"):
        return header + f"trustfund @ git+{url}@{vcs['commit_id']}\n"
    note = ""
    if origin is not None:
        note = ("# This trustfund was installed from a local copy, not from a package index or a public git\n"
                "# repository: if it is not on your package index, pin its repository and commit instead:\n"
                "#   trustfund @ git+https://github.com/OWNER/trustfund@<40-character commit>\n")
    return header + note + f"trustfund=={distribution.version}\n"


def _direct_url(distribution: metadata.Distribution) -> dict[str, object] | None:
    raw = distribution.read_text("direct_url.json")
    if not raw:
        return None
    try:
        origin = json.loads(raw)
    except ValueError:
        return None
    return origin if isinstance(origin, dict) else None


def constraints() -> str:
    """The version of every distribution trustfund needs (without extras), as installed here."""
    environment = {key: str(value) for key, value in default_environment().items()}
    pinned: dict[str, str] = {}
    waiting = [DISTRIBUTION]
    while waiting:
        name = waiting.pop()
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for line in distribution.requires or []:
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            if requirement.marker is not None and not requirement.marker.evaluate({**environment, "extra": ""}):
                continue
            key = canonicalize_name(requirement.name)
            if key not in pinned and key != DISTRIBUTION:
                try:
                    pinned[key] = metadata.version(requirement.name)
                except metadata.PackageNotFoundError:
                    continue
                waiting.append(requirement.name)
    lines = [f"{key}=={version}" for key, version in sorted(pinned.items())]
    return ("# trustfund's dependencies at the versions it was adopted with (pip install -c constraints.txt).\n"
            "# Dependabot proposes updates; see README.md, \"Updating trustfund\".\n" + "\n".join(lines) + "\n")
