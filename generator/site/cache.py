"""The rebuild cache: built sites and rendered pages kept outside the repository, found by what they were made from.

Two levels, both content-addressed and both kept in ``rebuild/`` of trustfund's cache folder
(generator/caches.py: ``$TRUSTFUND_CACHE``, else ``$XDG_CACHE_HOME/trustfund`` or ``~/.cache/trustfund``; a
folder inside the repository is never used, since a pull request could plant entries there):

- **Sites** (``sites/``, ``blobs/``): ``trustfund build`` hashes every input of a build (``publish.build_inputs``:
  every file under ``ledgers/``, ``budgets/`` and ``notices/``, ``mkdocs.yml`` and the pages and theme
  overrides it names, the queries snapshot, the commit the footer names, every tag and what it points at,
  and the code version). A site built from exactly those inputs is restored instead of built: the books
  are not even loaded. The check's verdict is a function of the same inputs (the rules, the lint and the
  budgets are code and files in the key), and only a build that passed the check and built a site is
  stored, so a hit stands for a passed check; a failed check stores nothing.
- **Pages** (``pages/``): a unit of rendering (a month page, a year's search index, …) is recorded under
  the digest of what it reads (``Memo.key``: the view objects it shows, pickled and hashed — never
  unpickled — and the words, links and code it is rendered with) and replayed on the next build whose
  unit has the same inputs, without running it. A new month re-renders its own page, its neighbour's and
  the pages that summarise the books; the other months are replayed. A unit is recorded as it is rendered,
  before the rules' verdict on the books (generator/books/verdict.py) is in; that is safe because a unit
  is only ever replayed inside a build that loads the books and is judged again (``trustfund build``
  swaps its site in only after the verdict, the plugin alone checks in ``gather``), so a unit recorded in
  a refused build never stands for a passed check. Only whole sites, stored after the verdict, do.

Every entry carries the SHA-256 of its content and is checked before use; an entry that does not match,
cannot be read or is cut short is ignored and made again, never trusted. A seal proves an entry undamaged, not
who wrote it, so what an entry names is checked too: a site's or a unit's paths must stay inside the site
(``in_site``), and nothing is ever unpickled. Whoever can write the cache folder could still plant pages: on
GitHub Actions only main's own runs write the cache that main restores (.github/workflows/publish.yml). Writes go to a temporary file
renamed into place, so a build that stops half-way leaves no half entry. Old entries are removed when the
folder grows past its limit, least recently used first.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import caches
from generator.books.vouchers import EVIDENCE_SUFFIXES
from generator.site import urls
from generator.view import CompoundView, Month, Year
from generator.view.reports import openings

if TYPE_CHECKING:
    from generator.site.pages import Site

# Versions of what renders the site besides the package itself: a new one may change a page.
DEPENDENCIES = ("beancount", "mkdocs", "mkdocs-material", "jinja2", "markupsafe", "markdown", "pymdown-extensions",
                "nh3", "segno", "pillow", "pypdfium2", "pyyaml")
SITE_HEADER = b"trustfund-site 1\n"
PAGE_HEADER = b"trustfund-pages 2\n"  # 2: a month's pages in ``month_parts``
DRAWING_HEADER = b"trustfund-drawing 1\n"
SHEET_SUFFIXES = (".csv",)
KIND = "rebuild"  # its folder in trustfund's cache folder
KEEP_SITES = 3  # built sites kept: the last few commits, so a re-run or a revert is a hit
PAGES_LIMIT = 2_000_000_000  # bytes of recorded pages kept before the least recently used are removed


class CacheError(Exception):
    pass


def cache_folder(roots: Iterable[Path]) -> tuple[Path | None, str]:
    """The rebuild cache's folder (``rebuild/`` in trustfund's cache folder, generator/caches.py), or None and
    why it is not used: inside a repository built from, or not possible to make."""
    folder, why = caches.cache_folder(KIND, roots)
    return folder, why or ""


_code: str | None = None


def code_version() -> str:
    """The SHA-256 of the installed generator package (every file: code, templates, assets) and of the versions of
    Python and of the libraries that render the site."""
    global _code
    if _code is None:
        digest = hashlib.sha256(f"python {sys.version}\n".encode())
        for name in DEPENDENCIES:
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = "-"
            digest.update(f"{name} {version}\n".encode())
        package = Path(__file__).resolve().parent.parent
        _hash_tree(digest, package, package)
        _code = digest.hexdigest()
    return _code


def _files(folder: Path) -> Iterator[Path]:
    """Every file under ``folder`` (symlinks as links, not followed), in a stable order, without bytecode."""
    for path in sorted(folder.rglob("*")):
        if "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        if path.is_symlink() or path.is_file():
            yield path


def _hash_tree(digest: Any, folder: Path, relative_to: Path) -> None:
    if not folder.is_dir():
        shown = folder.relative_to(relative_to) if folder.is_relative_to(relative_to) else folder
        digest.update(f"absent {shown}\n".encode("utf-8", "surrogateescape"))
        return
    for path in _files(folder):
        name = path.relative_to(relative_to).as_posix()
        if path.is_symlink():
            digest.update(f"link {name} {os.readlink(path)}\n".encode("utf-8", "surrogateescape"))
            continue
        # A file name need not be UTF-8 (the lint names such a file; the key must still be made).
        digest.update(f"file {name} {_file_digest(path)}\n".encode("utf-8", "surrogateescape"))


def _file_digest(path: Path) -> str:
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


def inputs_key(root: Path, paths: Iterable[Path], text: str) -> str:
    """The key of a whole build: the code version, every file at or under ``paths`` (named relative to ``root``),
    and ``text`` (the git state: see ``publish.build_inputs``)."""
    digest = hashlib.sha256(f"trustfund build\ncode {code_version()}\n{text}\n".encode())
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            _hash_tree(digest, path, root)
            continue
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        digest.update(f"file {name} {_file_digest(path) if path.is_file() else '-'}\n"
                      .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _write_atomically(target: Path, content: bytes | Iterable[bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            for part in [content] if isinstance(content, bytes) else content:
                out.write(part)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _entry(header: bytes, payload: bytes) -> list[bytes]:
    return [header, hashlib.sha256(payload).hexdigest().encode(), b"\n", payload]


def _checked(header: bytes, entry: bytes) -> bytes | None:
    """An entry's payload if it is whole and its digest matches, else None."""
    if not entry.startswith(header):
        return None
    digest, newline, payload = entry[len(header):].partition(b"\n")
    if not newline or hashlib.sha256(payload).hexdigest().encode() != digest:
        return None
    return payload


class Sites:
    """Whole built sites: a manifest per key (every file's path, SHA-256 and size) and each file once, by its
    SHA-256, under ``blobs/``. A file is checked against its digest as it is copied out."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.manifests = folder / "sites"
        self.blobs = folder / "blobs"

    def _blob(self, digest: str) -> Path:
        return self.blobs / digest[:2] / digest

    def restore(self, key: str, into: Path) -> bool:
        """The site built from ``key``'s inputs, written into the empty folder ``into``; False (and ``into`` left
        empty) when there is none or any part of it is missing or damaged."""
        try:
            payload = _checked(SITE_HEADER, (self.manifests / key).read_bytes())
            files = json.loads(payload) if payload is not None else None
        except (OSError, ValueError):
            return False
        if not isinstance(files, dict):
            return False
        try:
            for name, (digest, size) in files.items():
                target = into / name
                if name.startswith("/") or ".." in Path(name).parts:
                    raise CacheError(f"a path outside the site: {name}")
                target.parent.mkdir(parents=True, exist_ok=True)
                content = self._blob(digest).read_bytes()
                if len(content) != size or hashlib.sha256(content).hexdigest() != digest:
                    raise CacheError(f"{name} does not match its digest")
                target.write_bytes(content)
        except (OSError, ValueError, TypeError, CacheError):
            for child in list(into.iterdir()):
                shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
            return False
        os.utime(self.manifests / key)  # recently used
        return True

    def store(self, key: str, site_dir: Path) -> None:
        """Keep the site in ``site_dir`` as the one built from ``key``'s inputs. A file that cannot be kept (a full
        disk) leaves no entry: the next build is a miss, nothing worse."""
        files: dict[str, tuple[str, int]] = {}
        try:
            for path in _files(site_dir):
                if path.is_symlink():
                    return  # a built site has none; one that has is not kept
                content = path.read_bytes()
                digest = hashlib.sha256(content).hexdigest()
                blob = self._blob(digest)
                if not blob.exists():
                    _write_atomically(blob, content)
                files[path.relative_to(site_dir).as_posix()] = (digest, len(content))
            payload = json.dumps(files, separators=(",", ":"), sort_keys=True).encode()
            _write_atomically(self.manifests / key, _entry(SITE_HEADER, payload))
            self.prune()
        except OSError:
            return

    def prune(self, keep: int = KEEP_SITES, grace: float = 3600.0) -> None:
        """Keep the ``keep`` most recently used sites and the files they hold. A file younger than ``grace``
        seconds stays, whoever holds it: another build may be storing its site right now."""
        try:
            manifests = sorted(self.manifests.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        wanted: set[str] = set()
        for old in manifests[keep:]:
            old.unlink(missing_ok=True)
        for kept in manifests[:keep]:
            try:
                payload = _checked(SITE_HEADER, kept.read_bytes())
                files = json.loads(payload) if payload is not None else {}
                wanted.update(digest for digest, _ in files.values())
            except (OSError, ValueError, TypeError):
                continue
        now = time.time()
        for blob in self.blobs.glob("*/*"):
            try:
                if blob.name not in wanted and now - blob.stat().st_mtime > grace:
                    blob.unlink()
            except OSError:
                continue


def in_site(uri: str) -> bool:
    """Whether a recorded page's or file's name stays inside the site: relative, no '.' or '..' part, no empty
    one. A sealed entry only proves it was not damaged; whoever can write the cache could name any path."""
    return bool(uri) and "\\" not in uri and "\0" not in uri and all(
        part not in ("", ".", "..") for part in uri.split("/"))


def fingerprint(*parts: object) -> str | None:
    """The SHA-256 of objects as pickle writes them, or None for objects pickle cannot write (such a unit is
    simply rendered). Pickled only to be hashed: nothing is ever unpickled from the cache. Pickle writes an object
    met twice as a reference to the first, so equal parts made differently (one string shared or several equal
    ones) may hash apart: a part that is sometimes read back from a record is given as text (``month_inputs``)."""
    try:
        data = pickle.dumps(parts, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return None
    return hashlib.sha256(data).hexdigest()


class Memo:
    """Record and replay units of rendering (see the module's docstring). A unit is anything that only
    ``render``s pages and ``put``s files through its builder."""

    drawings: Path | None = None  # where ``drawn`` keeps drawings: the cache of the build under way, if any

    def __init__(self, folder: Path | None, limit: int = PAGES_LIMIT) -> None:
        self.folder = folder / "pages" if folder is not None else None
        self.limit = limit
        self.rendered: list[str] = []  # units run in this process, e.g. "zh month test 2026-03"
        self.replayed: list[str] = []
        self.seconds = 0.0  # spent on keys, reads and writes
        self.digests: dict[Path, str] = {}  # voucher file → its SHA-256, read once a build
        self._compounds: dict[tuple[int, str], str] = {}
        self._months: dict[int, tuple[str | None, Month]] = {}  # keeps the month, so its id() stays its own
        self._queries: dict[str, dict[str, list[Any]]] = {}
        self._vouchers: dict[str, dict[str, str]] = {}  # each compound's voucher names → their files' digests
        Memo.drawings = self.folder.parent / "drawings" if self.folder is not None else None

    def key(self, inputs: Callable[[], tuple[object, ...] | None]) -> str | None:
        """The key of a unit whose inputs ``inputs()`` lists (None: the unit is not cached)."""
        if self.folder is None:
            return None
        started = time.perf_counter()
        parts = inputs()
        found = fingerprint(code_version(), *parts) if parts is not None else None
        self.seconds += time.perf_counter() - started
        return found

    def file_digest(self, path: Path | str) -> str:
        """A file's SHA-256 (a missing one as what the lookup said), for keys of units that show its content."""
        if isinstance(path, str):
            return f"missing {path}"
        known = self.digests.get(path)
        if known is None:
            try:
                known = _file_digest(path)
            except OSError as problem:
                known = f"unreadable {problem.strerror}"
            self.digests[path] = known
        return known

    # What a unit reads, as key parts. A page that starts reading something else of the books must add it
    # here: tests/test_rebuild_cache.py compares cached rebuilds with cold builds after each kind of change.

    def compound_inputs(self, builder: Any, view: CompoundView) -> str | None:
        """What every page of a compound may show besides its own items: names, profile (contacts, signers,
        currency), chart of accounts, the builder's language and links."""
        known = self._compounds.get((id(builder), view.id))
        if known is None:
            known = self._compounds[(id(builder), view.id)] = (fingerprint(
                type(builder).__name__, builder.language, builder.repo_url, builder.site_url, view.id,
                builder.compound_name(view), view.compound.profile, view.accounts, view.income_root,
                view.expenses_root, builder.histories.get(view.id) is None,
                # options, the chart of accounts: every ledger file but the month journals
                [(str(path), self.file_digest(path)) for path in view.ledger_files if path.parent == view.compound.folder])
                or "")
        return known or None

    def month_digest(self, view: CompoundView, month: Month) -> str | None:
        """What a month's items are, by where they come from: each item's voucher, date, file and line, and the
        content of those ledger files and of their detail sheets. An item is made from its entry alone (and
        the compound's chart, profile and options, in ``compound_inputs``); hashing files is much faster than
        pickling 100,000 items with their sheets' rows."""
        known = self._months.get(id(month))
        if known is None:
            items = [(item.voucher, item.date, item.filename, item.lineno) for item in month.items]
            files = sorted({item.filename for item in month.items})
            sheets = sorted({item.detail for item in month.items if item.detail})
            known = self._months[id(month)] = (fingerprint(
                month.year, month.month, items, [(name, self.file_digest(Path(name))) for name in files],
                [(name, self.voucher_digest(view, name, SHEET_SUFFIXES)) for name in sheets]), month)
        return known[0]

    def voucher_digest(self, view: CompoundView, name: str, suffixes: tuple[str, ...]) -> str:
        known = self._vouchers.setdefault(view.id, {})
        digest = known.get(name)
        if digest is None:
            digest = known[name] = self.file_digest(view.compound.voucher_file(name, suffixes))
        return digest

    def month_inputs(self, builder: Any, view: CompoundView, month: Month, previous: Month | None,
                     following: Month | None) -> tuple[object, ...] | None:
        """A month page's inputs: its items and what the page shows of each (queries, when each was entered,
        evidence files' content), the month's closure, its neighbours and the fund at its start."""
        compound, digest = self.compound_inputs(builder, view), self.month_digest(view, month)
        if compound is None or digest is None:
            return None
        vouchers = [item.voucher for item in month.items]
        queries = self._queries.get(view.id)
        if queries is None:
            queries = self._queries[view.id] = {}
            for query in view.queries.items if view.queries is not None else []:
                queries.setdefault(query.voucher or "", []).append(query)
        history = builder.histories.get(view.id)
        if view.id not in builder.openings:
            builder.openings[view.id] = openings(view)
        evidence = [self.voucher_digest(view, name, EVIDENCE_SUFFIXES) for item in month.items for name in item.evidence]
        # The English page reads where each category is, for a month in pages. As text: the map is made afresh
        # when the Chinese page renders (its folders one shared string per page) and read back from JSON when
        # that page is replayed (a string per anchor), and pickle writes shared and separate equal strings
        # differently, so the map itself would key the English page anew on the build after each rendering.
        pages = builder.month_parts.get(urls.month(view.id, month.year, month.month))
        parts = json.dumps(pages, ensure_ascii=False, sort_keys=True, separators=(",", ":")) if pages is not None else None
        return ("month", compound, digest, parts,
                (previous.year, previous.month) if previous else None,
                (following.year, following.month) if following else None,
                [queries.get(voucher) for voucher in vouchers],
                [history.entered.get(voucher) for voucher in vouchers] if history is not None else None,
                history.closure_of(month.year, month.month) if history is not None else None,
                evidence, builder.openings[view.id].get((month.year, month.month)))

    def search_inputs(self, builder: Any, view: CompoundView) -> tuple[object, ...] | None:
        """A compound's search index: every month's records and the term shards over all of them."""
        compound = self.compound_inputs(builder, view)
        months = [(number, self.month_digest(view, month)) for _, year in sorted(view.years.items())
                  for number, month in sorted(year.months.items())]
        if compound is None or any(digest is None for _, digest in months):
            return None
        return ("search", compound, sorted(view.years), months)

    def year_inputs(self, builder: Any, view: CompoundView, year: Year, kind: str) -> tuple[object, ...] | None:
        """A year's summary page, search index or download: its months, and whether it has a budget."""
        compound = self.compound_inputs(builder, view)
        months = [(number, self.month_digest(view, month)) for number, month in sorted(year.months.items())]
        if compound is None or any(digest is None for _, digest in months):
            return None
        return (kind, compound, year.year, year.year in view.budgets, months)

    def run(self, builder: Any, label: str, key: str | None, work: Callable[[], object]) -> None:
        """``work`` on ``builder`` (a SiteBuilder), replayed from the cache when ``key`` was recorded before.
        ``label`` names the unit in ``rendered`` and ``replayed`` (what this process did, for tests and logs)."""
        if self.folder is None or key is None:
            self.rendered.append(label)
            work()
            return
        started = time.perf_counter()
        recorded = self.read(key)
        if recorded is not None and self.replay(builder, *recorded):
            self.replayed.append(label)
            self.seconds += time.perf_counter() - started
            return
        self.seconds += time.perf_counter() - started
        self.rendered.append(label)
        real: Site = builder.site
        notes = len(builder.previews.notes)
        parts = set(builder.month_parts)
        builder.site = fresh = type(real)()
        try:
            work()
        finally:
            builder.site = real
        real.pages.update(fresh.pages)
        real.files.update(fresh.files)
        started = time.perf_counter()
        self.write(key, fresh, builder.previews.notes[notes:],
                   {folder: pages for folder, pages in builder.month_parts.items() if folder not in parts})
        self.seconds += time.perf_counter() - started

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / key

    def read(self, key: str) -> tuple[dict[str, Any], bytes] | None:
        try:
            path = self._path(key)
            payload = _checked(PAGE_HEADER, path.read_bytes())
            if payload is None:
                return None
            index, newline, body = payload.partition(b"\n")
            if not newline:
                return None
            listing = json.loads(index)
            os.utime(path)  # recently used
        except (OSError, ValueError):
            return None
        return (listing, body) if isinstance(listing, dict) else None

    def replay(self, builder: Any, listing: dict[str, Any], body: bytes) -> bool:
        """Put a recorded unit's pages and files in place; False when the record is not as written."""
        from generator.site.pages import Page

        try:
            at = 0
            pages = []
            for uri, title, size in listing["pages"]:
                pages.append((uri, Page(title, body[at:at + size].decode("utf-8"))))
                at += size
            files = []
            for uri, size in listing["files"]:
                files.append((uri, body[at:at + size]))
                at += size
            notes = [str(note) for note in listing["notes"]]
            # A month in pages: where each of its vouchers and categories is (the history and English pages link there).
            parts = {str(folder): {str(anchor): str(page) for anchor, page in pages.items()}
                     for folder, pages in listing["month_parts"].items()}
            if at != len(body) or not all(in_site(uri) for uri, _ in [*pages, *files]):
                return False
        except (KeyError, TypeError, ValueError, UnicodeDecodeError, AttributeError):
            return False
        for uri, page in pages:
            builder.site.pages[uri] = page
        for uri, content in files:
            if builder.spool is None:
                builder.site.files[uri] = content
                continue
            path = builder.spool / uri
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            builder.site.files[uri] = path
        builder.previews.notes.extend(notes)
        builder.month_parts.update(parts)
        return True

    def write(self, key: str, site: Site, notes: list[str], month_parts: dict[str, dict[str, str]]) -> None:
        parts: list[bytes] = []
        listing: dict[str, Any] = {"pages": [], "files": [], "notes": notes, "month_parts": month_parts}
        try:
            for uri, page in site.pages.items():
                html = page.html.encode("utf-8")
                listing["pages"].append([uri, page.title, len(html)])
                parts.append(html)
            for uri, content in site.files.items():
                data = content if isinstance(content, bytes) else content.read_bytes()
                listing["files"].append([uri, len(data)])
                parts.append(data)
            payload = json.dumps(listing, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" + b"".join(parts)
            _write_atomically(self._path(key), _entry(PAGE_HEADER, payload))
        except OSError:  # a full or read-only cache costs a rendering next time, nothing else
            return

    def prune(self) -> None:
        """Remove the least recently used records once they take more than the limit."""
        if self.folder is None or not self.folder.is_dir():
            return
        entries = []
        for path in self.folder.glob("*/*"):
            try:
                status = path.stat()
            except OSError:
                continue
            entries.append((status.st_mtime, status.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.limit:
                break
            path.unlink(missing_ok=True)
            total -= size

    def summary(self) -> str:
        return (f"rebuild cache: {len(self.replayed)} units replayed, {len(self.rendered)} rendered, "
                f"{self.seconds:.2f} s on the cache")


_drawn: dict[tuple[str, str], str] = {}


def drawn(kind: str, source: str, draw: Callable[[], str]) -> str:
    """A drawing of ``source`` (a QR code's SVG of a URL), kept between builds in the cache of the build under
    way: a month's QR code never changes, and drawing sixty of them took a second at 100k transactions."""
    known = _drawn.get((kind, source))
    if known is not None:
        return known
    key = hashlib.sha256(f"{code_version()}\n{kind}\n{source}".encode()).hexdigest()
    path = Memo.drawings / key[:2] / key if Memo.drawings is not None else None
    payload = None
    if path is not None:
        try:
            payload = _checked(DRAWING_HEADER, path.read_bytes())
        except OSError:
            payload = None
    if payload is not None:
        known = payload.decode("utf-8", "replace")
    else:
        known = draw()
        if path is not None:
            try:
                _write_atomically(path, _entry(DRAWING_HEADER, known.encode("utf-8")))
            except OSError:
                pass
    _drawn[(kind, source)] = known
    return known
