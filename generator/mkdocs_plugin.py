"""The ``trustfund`` MkDocs plugin: a thin adapter that turns MkDocs' events into one build of the site.

``on_config`` gathers what is published (``generator.audit.publication``: the
books loaded once per build, or handed over by ``trustfund build``, which has
just checked them) and makes every page with one ``build_site`` call, whose
navigation it takes. Pages enter MkDocs as tiny
Markdown stubs in ``on_files`` and get their HTML in ``on_page_content``,
after Python-Markdown, so thousands of table rows never pass through it.
Nothing generated is written into ``site_src/``.

A Chinese site has English pages beside it under ``en/`` (``english: false``
turns them off). Each page is rendered in its own language: the theme's words
(``theme.language``), ``<html lang>``, the navigation, the footer, and the
header's switch to the page's version in the other language.
"""

from __future__ import annotations

import datetime
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
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.audit.publication import PublicationError, gather
from generator.books import Books
from generator.site.beside import BesideError
from generator.site.cache import Memo, cache_folder
from generator.site.compiled import building_from, template_cache
from generator.site.csp import with_policy
from generator.site.pages import Site, build_site
from generator.site.theme import STYLESHEETS, ThemeError, overrides_dir

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

    def cleanup(self) -> None:
        if self.spool is not None:
            self.spool.cleanup()
            self.spool = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.cleanup()
        if "mkdocs" in self.phases:  # started at the end of on_config
            self.phases["mkdocs"] = time.perf_counter() - self.phases["mkdocs"]
        log_phases(self.phases)

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
        try:
            queries = self.queries or self.root / self.config.queries
            publication = gather(self.root, self.checked, queries if queries.exists() else None)
        except PublicationError as problem:
            self.cleanup()
            raise PluginError(f"trustfund: {problem}") from None
        folder, why = cache_folder([self.root]) if self.use_cache else (None, "")
        memo = Memo(folder)  # without a folder, it only runs each unit (and counts it)
        if why:
            log.info(why)
        rendering = time.perf_counter()
        try:
            self.site = build_site(publication.views, self.config.language, config.repo_url, Path(self.spool.name),
                                   publication.histories, publication.provenance, datetime.date.today(),
                                   config.site_url or None, self.config.english, memo)
        except BesideError as problem:  # e.g. the disk filled up while the downloads were written
            self.cleanup()
            raise PluginError(f"trustfund: {problem}") from None
        self.phases = {"gather": rendering - started, "render": time.perf_counter() - rendering,
                       "mkdocs": time.perf_counter()}
        if folder is not None:
            log.info(memo.summary())
            self.phases |= {"rendered": memo.rendered, "replayed": memo.replayed}
            memo.prune()
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
        for uri, page in self.site.pages.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            # MkDocs and the theme print titles without escaping, so a title from the books is escaped here.
            stub = f"---\ntitle: {_yaml_quote(str(escape(page.title)))}\n---\n"
            files.append(File.generated(config, uri, content=stub))
        spool = Path(self.spool.name) if self.spool else None
        for uri, content in self.site.files.items():
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
