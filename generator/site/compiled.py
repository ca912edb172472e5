"""Compiled page templates kept between builds, as Python keeps ``__pycache__``.

Jinja compiles every template it renders, on every build: trustfund's own and the theme's (material's
``base.html`` and its partials) — about a second of a build whatever the size of the books, which is most of
the fixed cost of a small compound's build. Jinja's ``FileSystemBytecodeCache`` keeps the compiled code in
the user's cache folder (the one the evidence previews use, under ``templates/``); each entry is checked
against the template source's checksum and the Python version before use, so an edited template or an
upgraded package is compiled again. A folder that cannot be made or written only costs the compilation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jinja2 import BytecodeCache, FileSystemBytecodeCache

from generator.site.evidence import default_cache


def template_cache(folder: Path | None = None) -> BytecodeCache | None:
    """A bytecode cache in ``folder`` (default: the user's trustfund cache), or None when it cannot be used."""
    where = folder or default_cache().parent / "templates" / f"py{sys.version_info[0]}{sys.version_info[1]}"
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = where / ".writable"
        probe.touch()
    except OSError:
        return None
    return FileSystemBytecodeCache(str(where))
