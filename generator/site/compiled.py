"""Compiled page templates kept between builds, as Python keeps ``__pycache__``.

Jinja compiles every template it renders, on every build: trustfund's own and the theme's (material's
``base.html`` and its partials) — about a second of a build whatever the size of the books, which is most of
the fixed cost of a small compound's build. Jinja's ``FileSystemBytecodeCache`` keeps the compiled code in
trustfund's cache folder (generator/caches.py, under ``templates/``); each entry is checked against the
template source's checksum and the Python version before use, so an edited template or an upgraded package
is compiled again. Compiled code is code: a folder inside the repository being built is never used, since a pull request could plant entries there. A folder that cannot be made only
costs the compilation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jinja2 import BytecodeCache, FileSystemBytecodeCache

from generator.caches import cache_folder

_repositories: list[Path] = []  # the repository being built, set by the MkDocs plugin


def building_from(root: Path) -> None:
    _repositories[:] = [root]


def template_cache(folder: Path | None = None) -> BytecodeCache | None:
    """A bytecode cache in ``folder`` (default: trustfund's cache folder), or None when it cannot be used."""
    if folder is None:
        folder, _ = cache_folder(f"templates/py{sys.version_info[0]}{sys.version_info[1]}",
                                 _repositories)
        if folder is None:
            return None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        (folder / ".writable").touch()
    except OSError:
        return None
    return FileSystemBytecodeCache(str(folder))
