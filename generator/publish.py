"""Building the site: the books, checked, made into pages by MkDocs — and a failed build never replaces a good site.

``prepare_site`` is the whole pipeline the MkDocs plugin calls once per
build: load and check the books (unless ``trustfund build`` has just done
it), make the owners' view of each compound and its history, and render
every page. ``build_site_into`` runs MkDocs into a fresh folder beside the
output and swaps it in only when the build succeeded.
"""

from __future__ import annotations

import datetime
import logging
import shutil
import tempfile
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException, PluginError

from generator.audit.check import findings_of
from generator.audit.history import load_history, provenance
from generator.books import Books, compound_ids, load_books
from generator.site.pages import Site, build_site
from generator.view import build_view


class SiteBuildError(Exception):
    pass


def prepare_site(root: Path, language: str, repo_url: str | None, spool: Path | None,
                 checked: dict[str, Books] | None = None) -> Site:
    """Every page and file of the site. Books handed over as ``checked`` are not checked again."""
    books = checked if checked is not None else {cid: load_books(root, cid) for cid in compound_ids(root)}
    if checked is None:
        findings = findings_of(root, books.values())
        if findings:
            shown = "; ".join(f.text() for f in findings[:3])
            raise SiteBuildError(f"the books have {len(findings)} finding(s); nothing is built. {shown}")
    views = [build_view(compound_books) for compound_books in books.values()]
    histories = {view.id: load_history(root, view.id) for view in views}
    return build_site(views, language, repo_url, spool, histories, provenance(root), datetime.date.today())


def build_site_into(root: Path, site_dir: Path, books: dict[str, Books]) -> None:
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise SiteBuildError(f"no mkdocs.yml in {root}")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.new-", dir=site_dir.parent))
    try:
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        config = load_config(config_file=str(config_file), site_dir=str(staging), strict=True)
        plugin = config.plugins.get("trustfund")
        if plugin is None:
            raise SiteBuildError("mkdocs.yml does not enable the trustfund plugin")
        plugin.checked = books
        build(config)
    except (PluginError, ConfigurationError, Abort, MkDocsException) as problem:
        shutil.rmtree(staging, ignore_errors=True)
        raise SiteBuildError(f"the site could not be built: {problem}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, site_dir)


def _swap(staging: Path, site_dir: Path) -> None:
    """Put the new site in place; the old one is removed only after the new one is there."""
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.old-", dir=site_dir.parent))
        old.rmdir()
        site_dir.rename(old)
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def serve_site(root: Path, dev_addr: str) -> None:
    from mkdocs.commands.serve import serve

    serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True)
