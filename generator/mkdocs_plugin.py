"""The ``trustfund`` MkDocs plugin: a thin adapter that turns MkDocs' events into one build of the site.

``on_config`` gathers what is published (``generator.audit.publication``: the
books loaded once per build, or handed over by ``trustfund build``, which has
just checked them) and makes every page with one ``build_site`` call, whose
navigation it takes. Pages enter MkDocs as tiny
Markdown stubs in ``on_files`` and get their HTML in ``on_page_content``,
after Python-Markdown, so thousands of table rows never pass through it.
Nothing generated is written into ``site_src/``.

A district's site may be built in parts (generator/district.py): with
``part`` set, only that compound's books are read and only its pages and
files are written, every other page of the navigation standing in it as an
excluded page; with ``assembling`` set, no books are read and only the shared
pages are written, from the parts' manifests (generator/site/parts.py).

A Chinese site has English pages beside it under ``en/`` (``english: false``
turns them off). Each page is rendered in its own language: the theme's words
(``theme.language``), ``<html lang>``, the navigation, the footer, and the
header's switch to the page's version in the other language.
"""

from __future__ import annotations

import datetime
import gzip
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_datetime
from mkdocs.utils.templates import TemplateContext

from generator.audit.publication import PublicationError, gather
from generator.books import Books, compound_ids
from generator.site.beside import BesideError
from generator.site.cache import Memo, cache_folder
from generator.site.compiled import building_from, template_cache
from generator.site.csp import with_policy
from generator.site.pages import District, Site, build_site
from generator.site.parts import Manifest, PartError, assembled, manifest_of, owner, part_district
from generator.site.theme import STYLESHEETS, ThemeError, overrides_dir
from generator.view import Provenance

log = get_plugin_logger(__name__)

WATCHED = ("ledgers", "budgets", "notices")


class TrustfundConfig(Config):
    language = c.Choice(("zh", "en"), default="zh")
    english = c.Type(bool, default=True)  # English pages under en/ beside a Chinese site
    root = c.Type(str, default=".")
    queries = c.Type(str, default="build/queries.json")  # the snapshot `trustfund queries fetch` writes


class TrustfundPlugin(BasePlugin[TrustfundConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(".")
        self.checked: dict[str, Books] | None = None  # set by ``trustfund build`` after its own check
        self.queries: Path | None = None  # set by ``trustfund build --queries FILE``
        self.site: Site | None = None
        self.spool: tempfile.TemporaryDirectory[str] | None = None
        self.failure: Exception | None = None  # what made the last build fail, for `trustfund build`
        self.english_nav: Navigation | None = None  # the English pages' navigation, split off in on_nav
        self.nav_split = 0  # how many of the navigation's top entries are the root language's
        self.files: Files | None = None  # the build's files, for the switch's address
        self.use_cache = True  # the rebuild cache of rendered pages; `trustfund build --no-cache` turns it off
        self.phases: dict[str, Any] = {}  # seconds per phase, logged to $TRUSTFUND_PHASES (benchmarks/rebuild.py)
        # A district in parts (generator/site/parts.py), set by generator/publish.py: the compound whose part is
        # built (its manifest is left here), or the parts' manifests whose shared pages are assembled.
        self.part: str | None = None
        self.manifest: Manifest | None = None
        self.assembling: list[Manifest] | None = None
        self.reference: Manifest | None = None  # the part whose commit and build date the shared pages print
        self.compounds: list[str] = []  # every compound of the site, in order
        self.env: Any = None  # the theme's templates, for the assembled site's sitemap

    def cleanup(self) -> None:
        if self.spool is not None:
            self.spool.cleanup()
            self.spool = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.assembling is not None and self.files is not None:
            self.assembled_sitemap(config, self.files, self.assembling)
        self.cleanup()
        if "mkdocs" in self.phases:  # started at the end of on_config
            self.phases["mkdocs"] = time.perf_counter() - self.phases["mkdocs"]
        log_phases(self.phases)

    def assembled_sitemap(self, config: MkDocsConfig, files: Files, parts: list[Manifest]) -> None:
        """The sitemap of the whole district, as MkDocs writes it for a whole build (its own template): the shared
        pages, then each part's pages in their order; every page last modified on the parts' build date."""
        from mkdocs.commands.build import get_context

        shared = self.reference or parts[0]
        listed = list(files.documentation_pages())
        for file in listed:
            if file.page is not None:
                file.page.update_date = shared.built
        for manifest in parts:
            for uri in manifest.pages:
                listed.append(File.generated(config, uri, content=""))
                Page(None, listed[-1], config).update_date = manifest.built
        xml = self.env.get_template("sitemap.xml").render(**get_context(_navigation([]), listed, config))
        target = Path(config.site_dir) / "sitemap.xml"
        target.write_bytes(xml.encode("utf-8"))
        newest = datetime.datetime.fromisoformat(max(manifest.built for manifest in parts))
        stamp = int(newest.replace(tzinfo=datetime.UTC).timestamp())  # as MkDocs dates its own
        with target.with_name("sitemap.xml.gz").open("wb") as out, \
                gzip.GzipFile(fileobj=out, filename=str(target) + ".gz", mode="wb", mtime=stamp) as packed:
            packed.write(xml.encode("utf-8"))

    def on_build_error(self, *, error: Exception) -> None:
        self.failure = error  # MkDocs only logs it and raises "Aborted with a BuildError!"
        self.cleanup()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = (Path(config.config_file_path).parent / self.config.root).resolve()
        building_from(self.root)  # compiled templates are never kept inside the repository
        config.theme["language"] = self.config.language
        _use_package_theme(config)
        self.cleanup()
        # The spool lies inside the site folder, hidden (MkDocs neither cleans nor copies dot-folders), so
        # that its files are moved into place in on_files rather than copied: 40 MB and thousands of files
        # at 100k transactions. It is removed after the build.
        Path(config.site_dir).mkdir(parents=True, exist_ok=True)
        self.spool = tempfile.TemporaryDirectory(prefix=".trustfund-spool-", dir=config.site_dir)
        started = time.perf_counter()
        built = build_date()
        district: District | None = None
        if self.assembling is not None:  # the shared pages of a district's parts: no books are read
            first = self.reference or self.assembling[0]
            try:
                district = assembled(self.assembling, first, config.site_url or None, self.config.language,
                                     self.config.english)
            except PartError as problem:
                self.cleanup()
                raise PluginError(f"trustfund: {problem}") from None
            publication = gather(self.root, {})
            publication.provenance = Provenance(first.commit, first.commit_time)
            built = datetime.date.fromisoformat(first.built)
            self.compounds = [listing.id for listing in district.listings]
        else:
            try:
                queries = self.queries or self.root / self.config.queries
                publication = gather(self.root, self.checked, queries if queries.exists() else None, self.part)
            except PublicationError as problem:
                self.cleanup()
                raise PluginError(f"trustfund: {problem}") from None
            self.compounds = compound_ids(self.root)
            if self.part is not None:
                district = part_district(self.root, publication.views, self.compounds)
        folder, why = cache_folder([self.root]) if self.use_cache else (None, "")
        memo = Memo(folder)  # without a folder, it only runs each unit (and counts it)
        if why:
            log.info(why)
        rendering = time.perf_counter()
        try:
            self.site = build_site(publication.views, self.config.language, config.repo_url, Path(self.spool.name),
                                   publication.histories, publication.provenance, built,
                                   config.site_url or None, self.config.english, memo, district)
        except BesideError as problem:  # e.g. the disk filled up while the downloads were written
            self.cleanup()
            raise PluginError(f"trustfund: {problem}") from None
        self.phases = {"gather": rendering - started, "render": time.perf_counter() - rendering,
                       "mkdocs": time.perf_counter()}
        if folder is not None:
            log.info(memo.summary())
            self.phases |= {"rendered": memo.rendered, "replayed": memo.replayed}
            memo.prune()
        if self.part is not None and district is not None:
            self.manifest = manifest_of(self.site, publication.views[0], district, publication.provenance,
                                        built.isoformat(), config.site_url or None)
        self.checked = None  # a rebuild under `serve` reloads the books
        config.extra["trustfund"] = dict(self.site.head)  # the feed and share image, for overrides/main.html
        if self.site.english:
            config.extra["trustfund"]["english"] = "en/"  # for the 404 page's way to the English pages
        # The theme includes partials/alternate.html (overrides/partials/alternate.html: the language switch) when
        # this is set; not a list, so the theme adds no <link rel="alternate"> of its own.
        config.extra["alternate"] = self.site.english
        if "feed" not in self.site.head:
            log.info("no site_url in mkdocs.yml: no Atom feed (it needs the site's absolute address)")
        for note in [*publication.notes, *self.site.notes]:
            log.info(note)
        if config.nav is None:
            nav: list[Any] = list(self.site.nav)
            if (Path(config.docs_dir) / "about.md").is_file():
                nav.insert(1, "about.md")
            self.nav_split = len(nav)
            config.nav = nav + list(self.site.english_nav)  # split again in on_nav, once MkDocs made the pages
        return config

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        if env.bytecode_cache is None:  # the theme's templates compiled once, not on every build
            env.bytecode_cache = template_cache()
        self.env = env  # for the assembled site's sitemap
        return env

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.english_nav = None
        if not (self.site and self.site.english and self.nav_split):
            return nav
        rooted, english = nav.items[:self.nav_split], nav.items[self.nav_split:]
        self.english_nav = _navigation(english)
        self.english_nav.homepage = next((p for p in self.english_nav.pages if p.file.src_uri == "en/index.md"), None)
        return _navigation(rooted, homepage=nav.homepage)

    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        if self.site is None:
            return context
        uri = page.file.src_uri
        language = self.site.language_of(uri)
        config.theme["language"] = language  # the theme's own words (partials/language.html reads it)
        if language == "en" and self.site.language == "zh" and self.english_nav is not None:
            context["nav"] = self.english_nav
        switch = self.site.switch_of(uri)
        target = self.files.get_file_from_path(switch[0]) if switch and self.files is not None else None
        if switch and target is not None:  # for overrides/partials/alternate.html
            page.meta["tf_switch"] = {"url": target.url, **switch[1]}
        return context

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        assert self.site is not None
        compounds = set(self.compounds)
        # The pages in the order of their compounds (the shared ones first), as a district's assembly lists them
        # in the sitemap (generator/site/parts.py). Sorting is stable: each compound's pages keep their order.
        for uri, page in sorted(self.site.pages.items(), key=lambda kept: _group(owner(kept[0], compounds))):
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            if not self.builds(uri):
                continue
            # MkDocs and the theme print titles without escaping, so a title from the books is escaped here.
            stub = f"---\ntitle: {_yaml_quote(str(escape(page.title)))}\n---\n"
            files.append(File.generated(config, uri, content=stub))
        if self.part is not None or self.assembling is not None:
            # Hand-written pages (about.md) are built by parts too, though only the assembly's are kept: the
            # navigation names them by the title their text gives them.
            # Every page of the navigation that is built elsewhere (in another part, or by the assembly) stands in
            # the navigation as MkDocs' own page, but is not built: the links every page carries come out the same.
            for uri in _nav_targets(config.nav or []):
                if files.get_file_from_path(uri) is None:
                    files.append(File.generated(config, uri, content="", inclusion=InclusionLevel.EXCLUDED))
        spool = Path(self.spool.name) if self.spool else None
        for uri, content in self.site.files.items():
            if not self.builds(uri):
                continue
            if isinstance(content, bytes):
                files.append(File.generated(config, uri, content=content))
                continue
            if spool is not None and content.is_relative_to(spool):
                # Written for this build: moved to where MkDocs would copy it, which it then skips.
                target = Path(config.site_dir) / uri
                target.parent.mkdir(parents=True, exist_ok=True)
                content = content.replace(target)
            files.append(File.generated(config, uri, abs_src_path=str(content)))
        log.info(f"{len(self.site.pages)} pages and {len(self.site.files)} files")
        self.files = files
        return files

    def builds(self, uri: str) -> bool:
        """Whether this build writes the page or file at ``uri``: a part only its compound's, an assembly only
        the shared ones, a whole build everything."""
        if self.part is not None:
            return owner(uri, self.compounds) == self.part
        if self.assembling is not None:
            return owner(uri, self.compounds) is None
        return True

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        generated = self.site.pages.get(page.file.src_uri) if self.site else None
        if generated is not None:  # for overrides/main.html's share tags; the theme prints meta unescaped
            page.meta["share_title"] = str(escape(generated.share_title))
            page.meta["description"] = str(escape(generated.description))
        body = generated.html if generated is not None else html
        return body + (self.site.footer_of(page.file.src_uri) if self.site else "")

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        language = self.site.language_of(page.file.src_uri) if self.site else self.config.language
        config.theme["language"] = self.config.language  # back to the root's, for the 404 page and the next page
        return with_policy(_with_language(output, language), page.content or "")

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str:
        # The 404 page; files without a <head> are left as they are.
        return with_policy(_with_language(output_content, self.config.language), "")

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        for folder in WATCHED:
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server


def log_phases(phases: dict[str, Any]) -> None:
    """Each phase's seconds as a line of JSON appended to the file $TRUSTFUND_PHASES names, if any."""
    target = os.environ.get("TRUSTFUND_PHASES")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(phases) + "\n")


def build_date() -> datetime.date:
    """The date every page's footer prints: today, or the day of ``SOURCE_DATE_EPOCH`` (as MkDocs' sitemap), so
    that a district's parts built by jobs of one run print the same date."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return get_build_datetime().date()
    return datetime.date.today()


def _group(compound: str | None) -> tuple[bool, str]:
    return compound is not None, compound or ""


def _nav_targets(items: list[Any]) -> list[str]:
    """Every page (Markdown source) the configured navigation names."""
    found: list[str] = []
    for item in items:
        values = item.values() if isinstance(item, dict) else [item]
        for value in values:
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list):
                found += _nav_targets(value)
    return found


def _navigation(items: list[Any], homepage: Page | None = None) -> Navigation:
    """A navigation of some of MkDocs' own entries (the same Page objects), as MkDocs would build it."""
    pages: list[Page] = []

    def walk(entries: list[Any]) -> None:
        for entry in entries:
            if isinstance(entry, Page):
                pages.append(entry)
            if entry.children:
                walk(entry.children)

    walk(items)
    for index, page in enumerate(pages):  # no "next page" from one language into the other
        page.previous_page = pages[index - 1] if index else None
        page.next_page = pages[index + 1] if index + 1 < len(pages) else None
    navigation = Navigation(items, pages)
    navigation.homepage = homepage
    return navigation


def _use_package_theme(config: MkDocsConfig) -> None:
    """The package's overrides just in front of the theme's own templates (behind the repository's
    ``custom_dir``, if it has one), and its stylesheet on every page."""
    try:
        overrides = str(overrides_dir())
    except ThemeError as problem:
        raise PluginError(f"trustfund: {problem}") from None
    dirs = config.theme.dirs
    if overrides not in dirs:
        custom = config.theme.custom_dir
        at = 1 if custom and dirs and Path(dirs[0]) == Path(custom) else 0
        dirs.insert(at, overrides)
    for stylesheet in STYLESHEETS:
        if stylesheet not in config.extra_css:
            config.extra_css.append(stylesheet)


def _with_language(html: str, language: str) -> str:
    """``lang="zh-CN"`` (Simplified Chinese, for screen readers and fonts) where the theme writes ``lang="zh"``."""
    if language == "zh":
        return html.replace('<html lang="zh"', '<html lang="zh-CN"', 1)
    return html


def _yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
