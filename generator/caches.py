"""Where trustfund keeps what it can compute again: one folder outside every repository it builds from.

``$TRUSTFUND_CACHE``, else ``$XDG_CACHE_HOME/trustfund``, else ``~/.cache/trustfund``; each kind of cache
(evidence previews, signature verdicts …) has its own folder under it. Nothing in a cache is trusted:
each reader checks an entry before using it and computes it again when it does not check. A folder inside
a repository is never used, since a pull request could plant entries there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def cache_root() -> Path:
    chosen = os.environ.get("TRUSTFUND_CACHE")
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "trustfund"


def cache_folder(kind: str, repositories: Iterable[Path]) -> tuple[Path | None, str | None]:
    """The folder of one kind of cache, made if needed, or (None, why not): inside one of the repositories
    (a pull request could plant entries there) or not possible to make."""
    folder = (cache_root() / kind).resolve()
    for root in repositories:
        if folder.is_relative_to(root.resolve()):
            return None, (f"{kind}: the cache {folder} is inside the repository and is not used; set "
                          "TRUSTFUND_CACHE to a folder outside it")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        return None, f"{kind}: no cache ({folder}: {problem.strerror})"
    return folder, None
