"""The ``trustfund`` MkDocs plugin: a thin adapter that adds the generated pages.

The books are loaded once per build (or handed over by ``trustfund build``,
which has just checked them); ``generator.site`` renders every page. Pages
enter MkDocs as tiny Markdown stubs in ``on_files`` and get their HTML in
``on_page_content``, after Python-Markdown, so thousands of table rows never
pass through it. Nothing generated is written into ``site_src/``.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path
from typing import Any

from markupsafe import escape
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.audit.history import load_history
from generator.books import Books, compound_ids, load_books
from generator.findings import from_error
from generator.site.pages import Provenance, Site, build_site, ledger_commit
from generator.site.words import Words
from generator.view import build_view

log = get_plugin_logger(__name__)

WATCHED = ("ledgers", "budgets", "notices")


class TrustfundConfig(Config):
    language = c.Choice(("zh", "en"), default="zh")
    root = c.Type(str, default=".")


class TrustfundPlugin(BasePlugin[TrustfundConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(".")
        self.preloaded: dict[str, Books] | None = None
        self.site: Site | None = None
        self.provenance = Provenance(None, None)
        self.spool: tempfile.TemporaryDirectory[str] | None = None

    def cleanup(self) -> None:
        if self.spool is not None:
            self.spool.cleanup()
            self.spool = None

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self.cleanup()

    def on_build_error(self, *, error: Exception) -> None:
        self.cleanup()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = (Path(config.config_file_path).parent / self.config.root).resolve()
        config.theme["language"] = self.config.language
        if config.nav is None:
            config.nav = navigation(self.root, Words(self.config.language))
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        books = self.preloaded or {cid: load_books(self.root, cid) for cid in compound_ids(self.root)}
        self.preloaded = None  # a rebuild under `serve` reloads the books
        findings = [from_error(error, self.root) for b in books.values() for error in b.errors]
        if findings:
            shown = "; ".join(f.text() for f in findings[:3])
            raise PluginError(f"trustfund: the books have {len(findings)} finding(s); nothing is built. {shown}")
        views = [build_view(b) for b in books.values()]
        self.cleanup()
        self.spool = tempfile.TemporaryDirectory(prefix="trustfund-spool-")
        histories = {view.id: load_history(self.root, view.id) for view in views}
        self.site = build_site(views, self.config.language, config.repo_url, Path(self.spool.name), histories)
        self.provenance = ledger_commit(self.root)
        for uri, page in self.site.pages.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            # MkDocs and the theme print titles without escaping, so a title from the books is escaped here.
            stub = f"---\ntitle: {_yaml_quote(str(escape(page.title)))}\n---\n"
            files.append(File.generated(config, uri, content=stub))
        for uri, content in self.site.files.items():
            if isinstance(content, bytes):
                files.append(File.generated(config, uri, content=content))
            else:
                files.append(File.generated(config, uri, abs_src_path=str(content)))
        log.info(f"{len(self.site.pages)} pages and {len(self.site.files)} files from {len(views)} compound(s)")
        return files

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        generated = self.site.pages.get(page.file.src_uri) if self.site else None
        body = generated.html if generated is not None else html
        return body + self.footer()

    def footer(self) -> str:
        w = Words(self.config.language)
        built = w.date(datetime.date.today())
        if self.provenance.commit:
            when = datetime.datetime.fromisoformat(self.provenance.commit_time or "")
            text = w("built_from", commit=self.provenance.commit[:12], commit_time=f"{w.date(when.date())} "
                     f"{when:%H:%M}", built=built)
        else:
            text = w("built_from", commit=w("uncommitted"), commit_time="—", built=built)
        return f'<p class="tf-provenance" data-commit="{escape(self.provenance.commit or "")}">{escape(text)}</p>'

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        for folder in WATCHED:
            if (self.root / folder).is_dir():
                server.watch(str(self.root / folder))
        return server


def navigation(root: Path, w: Words) -> list[Any]:
    """Compounds and their main sections only: years and months are reached from the pages."""
    from generator.books import yamlsource
    from generator.books.profile import parse_profile

    nav: list[Any] = [{w("site_title"): "index.md"}]
    if (root / "site_src" / "about.md").is_file():
        nav.append("about.md")
    for compound_id in compound_ids(root):
        name = compound_id
        profile_path = root / "ledgers" / compound_id / "compound.yaml"
        try:
            profile = parse_profile(yamlsource.parse(profile_path.read_text(encoding="utf-8"), profile_path))
            name = profile.name_en if w.language == "en" else profile.name
        except (OSError, UnicodeDecodeError, yamlsource.YamlProblem):
            pass  # check reports it; the nav falls back to the id
        sections: list[Any] = [{w("dashboard"): f"{compound_id}/index.md"}]
        budget_years = sorted(p.stem for p in (root / "budgets" / compound_id).glob("*.yaml"))
        if budget_years:
            sections.append({w("budget"): f"{compound_id}/budget/{budget_years[-1]}/index.md"})
        sections += [{w("notices"): f"{compound_id}/notices/index.md"},
                     {w("search"): f"{compound_id}/search/index.md"},
                     {w("history"): f"{compound_id}/history/index.md"},
                     {w("downloads"): f"{compound_id}/data/index.md"}]
        nav.append({str(escape(name)): sections})  # the theme prints section names unescaped
    return nav


def _yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
