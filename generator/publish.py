"""Running MkDocs for ``trustfund build`` and ``serve`` — so that a failed build never replaces a good site —
and Fava for ``trustfund fava``.

``build_site_into`` hands the books ``trustfund build`` has just checked to
the MkDocs plugin, runs MkDocs into a fresh folder beside the output and
swaps it in only when the build succeeded (``generator.district`` builds and
joins a district's parts the same way). ``fava_books`` lints the books
before Fava loads them (Beancount imports the plugins a ledger names before
any rule can refuse them), and ``serve_fava`` runs Fava's own application on
them; what Fava shows besides the ledger text (Chinese, saved queries,
evidence as documents, reloading on budget edits) the rules plugin adds.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError, MkDocsException, PluginError

from generator.audit.git import Git, GitError
from generator.books import Books
from generator.books.lint import lint_compound
from generator.findings import Finding, from_error

if TYPE_CHECKING:
    from flask import Flask


class SiteBuildError(Exception):
    pass


def build_site_into(root: Path, site_dir: Path, books: dict[str, Books], queries: Path | None = None,
                    before_swap: Callable[[], None] | None = None, cache: bool = True) -> None:
    """Build into a folder beside ``site_dir`` and swap it in; ``before_swap`` may still refuse it (by raising),
    and then the folder is removed and ``site_dir`` stays as it was. ``cache``: replay and record rendered
    pages (generator/site/cache.py)."""
    def hand_over(plugin: Any) -> None:
        plugin.checked = books
        plugin.queries = queries
        plugin.use_cache = cache  # the rebuild cache of rendered pages (generator/site/cache.py)

    staging = staging_beside(root, site_dir)
    run_mkdocs(root, staging, staging, hand_over, before_swap)
    swap(staging, site_dir)


def staging_beside(root: Path, target: Path) -> Path:
    if not (root / "mkdocs.yml").is_file():
        raise SiteBuildError(f"no mkdocs.yml in {root}")
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))


def run_mkdocs(root: Path, site_dir: Path, staging: Path, hand_over: Callable[[Any], None],
               before_swap: Callable[[], None] | None = None) -> Any:
    """MkDocs' build of the repository's site into ``site_dir`` (inside ``staging``, which is removed when the
    build fails or ``before_swap`` refuses it), the trustfund plugin given what ``hand_over`` gives it. The
    plugin, for what it made."""
    plugin = None
    try:
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        plugin = config.plugins.get("trustfund")
        if plugin is None:
            raise SiteBuildError("mkdocs.yml does not enable the trustfund plugin")
        hand_over(plugin)
        build(config)
        if before_swap is not None:
            before_swap()
    except (PluginError, ConfigurationError, Abort, MkDocsException) as problem:
        shutil.rmtree(staging, ignore_errors=True)
        cause = getattr(plugin, "failure", None) if plugin is not None else None
        raise SiteBuildError(f"the site could not be built: {cause or problem}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return plugin


BOOKS_FOLDERS = ("ledgers", "budgets", "notices")


def build_inputs(root: Path, queries: Path | None) -> tuple[list[Path], str]:
    """What a build of the site at ``root`` reads besides the code, for the rebuild cache's key: the folders
    (the books, the site's pages and theme overrides as mkdocs.yml names them) and the files (mkdocs.yml, the
    queries snapshot) to hash, and, as text, the commit the footer names and every tag with what it points at
    (closed months)."""
    folders = [root / folder for folder in BOOKS_FOLDERS]
    files = [root / "mkdocs.yml", *([queries] if queries is not None else [])]
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(root / "mkdocs.yml"))
        folders += [Path(config.docs_dir)] + ([Path(config.theme.custom_dir)] if config.theme.custom_dir else [])
    except (ConfigurationError, Abort, MkDocsException, OSError):
        folders.append(root / "site_src")
    git = Git(root)
    try:
        head = git.run("rev-parse", "--verify", "--quiet", "HEAD", check=False).stdout.strip()
        tags = git.run("for-each-ref", "--format=%(refname)%09%(objectname)%09%(*objectname)", "refs/tags",
                       check=False).stdout
    except GitError:
        head, tags = "", ""
    return [*folders, *files], f"head {head or '-'}\ntags\n{tags}"


def replace_site(site_dir: Path, fill: Callable[[Path], bool]) -> bool:
    """A site that ``fill`` writes into an empty folder put in place of ``site_dir`` as a build's is (the old one
    removed only once the new one is there); False, and ``site_dir`` unchanged, when ``fill`` says it could not."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.new-", dir=site_dir.parent))
    try:
        if not fill(staging):
            shutil.rmtree(staging, ignore_errors=True)
            return False
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap(staging, site_dir)
    return True


def swap(staging: Path, site_dir: Path) -> None:
    """Put the new site in place; the old one is removed only after the new one is there."""
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.old-", dir=site_dir.parent))
        old.rmdir()
        site_dir.rename(old)
    staging.rename(site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def configured_site_url(root: Path) -> str | None:
    """``site_url`` from the repository's mkdocs.yml: the one address the site, its feed, its QR codes and
    the printed bills all use. None when there is no readable mkdocs.yml or it sets no address."""
    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        return None
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(config_file))
    except (ConfigurationError, Abort, MkDocsException, OSError):
        return None
    return str(config.site_url) if config.site_url else None


def serve_site(root: Path, dev_addr: str) -> None:
    from mkdocs.commands.serve import serve

    # The preview lives at the root of its own address, whatever path the published site_url has.
    serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True, site_url=f"http://{dev_addr}/")


class FavaError(Exception):
    pass


def fava_books(root: Path, compound_ids: list[str]) -> tuple[list[Path], list[Finding]]:
    """The compounds' main ledgers for Fava, and what the source lint refuses in them: a plugin or an option the
    lint refuses would already have run by the time the rules report it, so refused books are not opened."""
    refused = []
    for compound_id in compound_ids:
        source = lint_compound(root, compound_id)
        if source.refused:
            refused += [from_error(error, root) for error in source.errors]
    return [root / "ledgers" / compound_id / "main.beancount" for compound_id in compound_ids], refused


def fava_app(ledgers: list[Path]) -> Flask:
    """Fava's own application on the ledgers (the rules make it Chinese and add its queries and documents)."""
    from fava.application import create_app

    return create_app([str(path) for path in ledgers], load=True)


def serve_fava(app: Flask, host: str, port: int) -> None:
    """Serve Fava until interrupted, as Fava's own command does (cheroot)."""
    from cheroot.wsgi import Server

    server = Server((host, port), app)
    try:
        server.prepare()
    except OSError as problem:
        raise FavaError(f"cannot listen on {host}:{port} ({problem.strerror or problem}); "
                        "choose another with --port, e.g. --port 5001") from None
    try:
        server.serve()
    finally:
        server.stop()
