"""A district site in parts: one compound's pages built on their own, and what the shared pages need of them.

``trustfund build --compound ID --part DIR`` builds one compound's pages
(``<id>/`` and ``en/<id>/``: dashboard, years, months, budgets, notices,
downloads, search, unit pages, evidence, history) into ``DIR/site/`` and
writes ``DIR/manifest.json``: what ``trustfund assemble`` needs to draw the
shared pages (the front page, the glossary, 404, the sitemap, the feed) —
the compound's front page row in each language, its feed entries, its pages
in build order, and the navigation its pages carry (every compound of the
district, which a part reads from each compound's profile without loading
other books; ``generator/books/listing.py``).

A part comes from another job's artifact, so ``read_manifest`` trusts
nothing in it: every field is checked for its type and form, every page must
lie in the compound's own folders, and figures must be decimal numbers. The
text it carries (names, labels, feed titles) is escaped by the templates
like any text from the books.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import re
import sys
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from generator.books.listing import Listing, read_listing
from generator.site import urls
from generator.site.feed import Entry, entries
from generator.site.pages import District, Site, SiteBuilder, listing_of
from generator.site.words import Words
from generator.view import CompoundView, Provenance

FORMAT = 1
MANIFEST = "manifest.json"
SITE = "site"  # the part's pages and files, under DIR/
COMPOUND_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
# Folders of the shared site that a compound id must not take over.
RESERVED = frozenset({urls.ENGLISH.rstrip("/"), urls.ASSETS.rstrip("/"), urls.GLOSSARY.rstrip("/"), "search"})
LIMIT = 2000  # characters in any one text of a manifest: names, labels, titles


class PartError(Exception):
    """A part that cannot be assembled: one line naming the part, what is wrong and what to do."""


@dataclass
class Manifest:
    compound: str
    code: str  # code_version() of the trustfund that built the part
    commit: str | None  # the commit the books were built from (every page's footer says so)
    commit_time: str | None
    built: str  # the build date every page's footer prints (ISO)
    language: str
    english: bool
    site_url: str | None
    listings: list[Listing]  # the navigation the part's pages carry: every compound of the district, in order
    cards: dict[str, dict[str, Any]]  # the front page's row, by language
    feed: list[Entry]  # the compound's notices and months, newest first
    pages: list[str]  # the part's pages (Markdown sources), in the order the whole site's build lists them


RENDERERS = ("mkdocs", "mkdocs-material", "Jinja2", "Markdown", "MarkupSafe", "beancount")


@functools.cache
def code_version() -> str:
    """The digest of the code that renders a site — every file of the trustfund package, and the versions of
    Python and of the packages that write its pages: parts assembled into one site must all have been rendered
    by the same code, or their pages would not match."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"python {sys.version_info[:2]}".encode())
    for name in RENDERERS:
        try:
            digest.update(f"{name} {importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            digest.update(f"{name} none\0".encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def owner(uri: str, compound_ids: list[str] | set[str]) -> str | None:
    """The compound whose part a page or file of the site belongs to, or None for the shared ones."""
    first, _, rest = uri.partition("/")
    if first == urls.ENGLISH.rstrip("/"):
        first = rest.partition("/")[0]
    return first if first in compound_ids and "/" in uri else None


def owned(uri: str, compound: str) -> bool:
    return uri.startswith((f"{compound}/", f"{urls.ENGLISH}{compound}/"))


def part_district(root: Path, views: list[CompoundView], compound_ids: list[str]) -> District:
    """The navigation of a part build: the built compounds from their views, every other one from its profile."""
    built = {view.id: view for view in views}
    return District([listing_of(built[cid]) if cid in built else read_listing(root, cid) for cid in compound_ids])


def manifest_of(site: Site, view: CompoundView, district: District, provenance: Provenance, built: str,
                site_url: str | None) -> Manifest:
    """The manifest of a part: ``site`` was built from ``view`` alone, with ``district``'s navigation."""
    languages = [site.language, *(["en"] if site.english else [])]
    cards = {language: SiteBuilder(language, None).card(view) for language in languages}
    feed = entries([view], Words(site.language), site_url, site.pages) if site_url else []
    return Manifest(view.id, code_version(), provenance.commit, provenance.commit_time, built, site.language,
                    site.english, site_url, district.listings, cards, feed,
                    [uri for uri in site.pages if owned(uri, view.id)])


def assembled(parts: list[Manifest], reference: Manifest, site_url: str | None, language: str,
              english: bool) -> District:
    """What the shared pages show of the parts (in the navigation's order): the navigation of ``reference``
    (the part whose stamps they print), every part's front page row, every feed entry, newest first. A part
    built for another site (its address, language or English pages) is refused."""
    for manifest in parts:
        if (manifest.site_url, manifest.language, manifest.english) != (site_url, language, english):
            raise PartError(f"the part of {manifest.compound} was built for another site (site_url, language or "
                            "english pages in mkdocs.yml); rebuild it with this repository's mkdocs.yml")
    feed = sorted((entry for manifest in parts for entry in manifest.feed), key=lambda entry: (entry.updated,
                                                                                             entry.link), reverse=True)
    return District(reference.listings, [manifest.cards for manifest in parts], feed)


def to_json(manifest: Manifest) -> str:
    data = asdict(manifest)
    data["format"] = FORMAT
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# Reading a manifest that came from elsewhere


def read_manifest(path: Path) -> Manifest:
    """A part's manifest, every field checked; PartError names the file and what is wrong."""
    where = str(path)
    if path.is_symlink() or not path.is_file():
        raise PartError(f"{where}: no manifest; a part is the folder `trustfund build --compound ID --part DIR` "
                        "wrote (DIR/manifest.json and DIR/site/)")
    if path.stat().st_size > 64 * 1024 * 1024:
        raise PartError(f"{where}: the manifest is larger than 64 MB; rebuild the part")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise PartError(f"{where}: not a JSON manifest ({problem}); rebuild the part") from None
    check = _Checker(where)
    return check.manifest(data)


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, field: str, what: str) -> PartError:
        return PartError(f"{self.where}: {field} {what}; rebuild the part with the same trustfund as its siblings")

    def fields(self, data: object, field: str, keys: set[str]) -> dict[str, Any]:
        if not isinstance(data, dict) or set(data) != keys:
            found = sorted(data) if isinstance(data, dict) else type(data).__name__
            raise self.fail(field, f"must have exactly the keys {sorted(keys)}, not {found}")
        return data

    def text(self, value: object, field: str, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) > LIMIT or any(ord(c) < 32 for c in value):
            raise self.fail(field, f"must be {'text or null' if optional else 'text'} of at most {LIMIT} "
                                   "characters without control characters")
        return value

    def number(self, value: object, field: str, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        try:
            if not isinstance(value, str) or not re.fullmatch(r"-?[0-9]{1,40}(\.[0-9]{1,40})?(E-?[0-9]{1,3})?",
                                                              value) or not Decimal(value).is_finite():
                raise InvalidOperation
        except InvalidOperation:
            raise self.fail(field, "must be a decimal number written as text") from None
        return value

    def year(self, value: object, field: str) -> int | None:
        if value is None:
            return None
        if type(value) is not int or not 1900 <= value <= 9999:
            raise self.fail(field, "must be a year or null")
        return value

    def compound(self, value: object, field: str) -> str:
        if not isinstance(value, str) or not COMPOUND_ID.fullmatch(value) or value in RESERVED:
            raise self.fail(field, "must be a compound id (lowercase letters, digits and hyphens, not a folder "
                                   f"of the shared site: {', '.join(sorted(RESERVED))})")
        return value

    def manifest(self, data: object) -> Manifest:
        fields = self.fields(data, "the manifest", {"format", "compound", "code", "commit", "commit_time", "built",
                                                    "language", "english", "site_url", "listings", "cards", "feed",
                                                    "pages"})
        if fields["format"] != FORMAT:
            raise PartError(f"{self.where}: manifest format {fields['format']!r}, not {FORMAT}; rebuild the part "
                            "with the same trustfund as its siblings")
        compound = self.compound(fields["compound"], "compound")
        code = fields["code"]
        if not isinstance(code, str) or not re.fullmatch(r"[0-9a-f]{64}", code):
            raise self.fail("code", "must be a code version (64 hexadecimal digits)")
        commit = fields["commit"]
        if commit is not None and (not isinstance(commit, str) or not re.fullmatch(r"[0-9a-f]{40,64}", commit)):
            raise self.fail("commit", "must be a commit id or null")
        built = self.text(fields["built"], "built")
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", built or ""):
            raise self.fail("built", "must be a date (YYYY-MM-DD)")
        if fields["language"] not in ("zh", "en") or type(fields["english"]) is not bool:
            raise self.fail("language", "must be zh or en, and english true or false")
        listings = self.listings(fields["listings"])
        if compound not in [listing.id for listing in listings]:
            raise self.fail("listings", f"must list the part's own compound {compound}")
        languages = [fields["language"], *(["en"] if fields["english"] else [])]
        cards = self.fields(fields["cards"], "cards", set(languages))
        return Manifest(compound, code, commit, self.text(fields["commit_time"], "commit_time", optional=True),
                        built or "", fields["language"], fields["english"],
                        self.text(fields["site_url"], "site_url", optional=True), listings,
                        {language: self.card(cards[language], compound, f"cards.{language}") for language in languages},
                        self.feed(fields["feed"]), self.pages(fields["pages"], compound))

    def listings(self, data: object) -> list[Listing]:
        if not isinstance(data, list) or not data:
            raise self.fail("listings", "must be a list of the district's compounds")
        found = []
        for index, entry in enumerate(data):
            where = f"listings[{index}]"
            fields = self.fields(entry, where, {"id", "name", "name_en", "budget_year", "fees"})
            if type(fields["fees"]) is not bool:
                raise self.fail(f"{where}.fees", "must be true or false")
            found.append(Listing(self.compound(fields["id"], f"{where}.id"), self.text(fields["name"], where) or "",
                                 self.text(fields["name_en"], where) or "",
                                 self.year(fields["budget_year"], f"{where}.budget_year"), fields["fees"]))
        ids = [listing.id for listing in found]
        if ids != sorted(set(ids)):
            raise self.fail("listings", "must list each compound once, in order of their ids")
        return found

    def card(self, data: object, compound: str, where: str) -> dict[str, Any]:
        fields = self.fields(data, where, {"id", "name", "year", "balance", "income", "spending", "budget_used",
                                           "rates", "fee_rate"})
        if fields["id"] != compound:
            raise self.fail(f"{where}.id", f"must be the part's compound {compound}")
        card: dict[str, Any] = {"id": compound, "name": self.text(fields["name"], f"{where}.name"),
                "year": self.year(fields["year"], f"{where}.year"),
                **{key: self.number(fields[key], f"{where}.{key}") for key in ("balance", "income", "spending")},
                "budget_used": self.number(fields["budget_used"], f"{where}.budget_used", optional=True)}
        for key in ("rates", "fee_rate"):
            if fields[key] is None:
                card[key] = None
                continue
            rate = self.fields(fields[key], f"{where}.{key}", {"rate", "label"})
            card[key] = {"rate": self.number(rate["rate"], f"{where}.{key}.rate", optional=True),
                         "label": self.text(rate["label"], f"{where}.{key}.label")}
        return card

    def feed(self, data: object) -> list[Entry]:
        if not isinstance(data, list):
            raise self.fail("feed", "must be a list of entries")
        found = []
        for index, entry in enumerate(data):
            where = f"feed[{index}]"
            fields = self.fields(entry, where, {"id", "title", "updated", "link", "summary", "author", "term",
                                                "label", "related", "related_title"})
            values = {key: self.text(value, f"{where}.{key}", optional=key == "related")
                      for key, value in fields.items()}
            if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}", values["updated"] or ""):
                raise self.fail(f"{where}.updated", "must be an RFC 3339 time")
            found.append(Entry(**values))  # type: ignore[arg-type]  # each checked above
        return found

    def pages(self, data: object, compound: str) -> list[str]:
        if not isinstance(data, list) or not data:
            raise self.fail("pages", "must list the part's pages")
        for index, uri in enumerate(data):
            if not isinstance(uri, str) or not owned(uri, compound) or not uri.endswith(".md") or "\\" in uri \
                    or any(part in ("", ".", "..") for part in uri.split("/")) or any(ord(c) < 32 for c in uri) \
                    or len(uri) > LIMIT:
                raise self.fail(f"pages[{index}]", f"must be a page under {compound}/ or {urls.ENGLISH}{compound}/")
        if len(set(data)) != len(data):
            raise self.fail("pages", "lists a page twice")
        return list(data)
