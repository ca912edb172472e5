"""Compiled page templates kept between builds, as Python keeps ``__pycache__``.

Jinja compiles every template it renders, on every build: trustfund's own and the theme's (material's
``base.html`` and its partials) — about a second of a build whatever the size of the books, which is most of
the fixed cost of a small compound's build. The compiled code is kept in trustfund's cache folder
(generator/caches.py, under ``templates/``). Compiled code is code: a folder inside the repository being built
is never used, since a pull request could plant entries there. A folder that cannot be made only costs the
compilation.

Jinja's own ``FileSystemBytecodeCache`` trusts what it reads: it unpickles the source checksum written in an
entry before comparing it (a planted entry runs code right there) and loads the compiled code with no check,
and it names an entry by the template's name and path alone. Here each entry is named also by the code version
(trustfund's files and the versions of Python and Jinja, generator/site/cache.py) and by the settings that
change the compiled code (autoescape, delimiters …), and sealed with the SHA-256 of its content; it is read
whole, its seal checked, its source checksum compared as bytes (never unpickled), and only then its code
loaded. An entry that fails any of these is compiled again and overwritten. What a seal cannot rule out is
someone able to write the cache folder: on GitHub Actions only runs on main write the cache that main restores.
"""

from __future__ import annotations

import marshal
import os
import pickle
import sys
import time
import types
from io import BytesIO
from pathlib import Path

from jinja2 import BytecodeCache, Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket, bc_magic

from generator.caches import cache_folder
from generator.site.cache import _checked, _entry, _write_atomically, code_version

HEADER = b"trustfund-template 1\n"
KEEP_UNUSED = 30 * 86400.0  # seconds an entry no build has read is kept (entries of older code versions)

_repositories: list[Path] = []  # the repository being built, set by the MkDocs plugin


def building_from(root: Path) -> None:
    _repositories[:] = [root]


def _settings(environment: Environment, name: str) -> str:
    """What besides the source decides a template's compiled code: two environments that share the folder
    (trustfund's pages escape, MkDocs' theme does not) never load each other's code."""
    autoescape = environment.autoescape(name) if callable(environment.autoescape) else environment.autoescape
    return repr((bool(autoescape), environment.block_start_string, environment.block_end_string,
                 environment.variable_start_string, environment.variable_end_string,
                 environment.comment_start_string, environment.comment_end_string,
                 environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
                 environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline,
                 environment.optimized, environment.is_async, sorted(environment.extensions),
                 environment.finalize is not None))


class SealedBytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache with entries named by the code version and settings, and sealed (see the module)."""

    pruned = False  # old entries are looked for once a process, when something is compiled

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        key = self.get_cache_key(f"{code_version()}\n{_settings(environment, name)}\n{name}", filename)
        bucket = Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: Bucket) -> None:
        path = Path(self._get_cache_filename(bucket))
        try:
            payload = _checked(HEADER, path.read_bytes())
        except OSError:
            return
        expected = bc_magic + pickle.dumps(bucket.checksum, 2)  # as Jinja writes it: compared, never unpickled
        if payload is None or not payload.startswith(expected):
            return
        try:
            code = marshal.loads(payload[len(expected):])
        except (EOFError, ValueError, TypeError):
            return
        if isinstance(code, types.CodeType):
            bucket.code = code
            try:
                os.utime(path)  # recently used
            except OSError:
                pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        compiled = BytesIO()
        bucket.write_bytecode(compiled)
        try:
            _write_atomically(Path(self._get_cache_filename(bucket)), _entry(HEADER, compiled.getvalue()))
        except OSError:  # a full or read-only cache costs a compilation next time, nothing else
            return
        if not SealedBytecodeCache.pruned:
            SealedBytecodeCache.pruned = True
            self.prune()

    def prune(self, keep: float = KEEP_UNUSED) -> None:
        """Remove entries no build has read for ``keep`` seconds: those of code versions gone by."""
        now = time.time()
        for path in Path(self.directory).iterdir():
            try:
                if now - path.stat().st_mtime > keep:
                    path.unlink()
            except OSError:
                continue


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
    return SealedBytecodeCache(str(folder))
