"""Where every page and file of the site lives: the one URL map that pages and navigation use.

Each function returns a folder (ending in ``/``) or a file path relative to
the site's root; ``page`` turns a folder into the Markdown source MkDocs
knows the page by, and ``rel`` makes a link relative to the page it is on,
so the site works from any folder or host.
"""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Iterator
from contextvars import ContextVar

HOME = ""
ASSETS = "assets/"
GLOSSARY = "glossary/"  # the one glossary (术语表) of the whole site; a term is ``glossary/#<anchor>``
ENGLISH = "en/"  # the English pages beside a Chinese site: ``en/<the Chinese page's folder>``

# The pages of a compound that have an English version beside a Chinese site (below its folder).
ENGLISH_SECTIONS = ("budget", "notices", "queries", "history", "data", "search", "fees")
# Whether the page being written is one of those English pages: links from it then lead to the English version
# of their target where there is one, and into the Chinese site for everything else (see ``rel``).
_writing_english: ContextVar[bool] = ContextVar("writing_english", default=False)


def compound(cid: str) -> str:
    return f"{cid}/"


def year(cid: str, number: int) -> str:
    return f"{cid}/{number}/"


def month(cid: str, year_number: int, month_number: int) -> str:
    return f"{cid}/{year_number}/{month_number:02d}/"


def month_part(cid: str, year_number: int, month_number: int, number: int) -> str:
    """Page ``number`` (from 1) of a month too big for one page: the first is the month's own folder, so a link
    to the month, or to an item by ``item``, always finds its page (the month's ``month_map``)."""
    folder = month(cid, year_number, month_number)
    return folder if number == 1 else f"{folder}{number}/"


def month_map(cid: str, year_number: int, month_number: int) -> str:
    """Which page of a paginated month holds each voucher and category anchor (JSON, read by trustfund-pages.js)."""
    return f"{month(cid, year_number, month_number)}pages.json"


def report(cid: str, year_number: int, month_number: int) -> str:
    """The month's financial report for the notice board (月度财务报告)."""
    return f"{month(cid, year_number, month_number)}report/"


def year_report(cid: str, year_number: int) -> str:
    """The year's budget execution for the owners' assembly (年度预算执行情况)."""
    return f"{year(cid, year_number)}report/"


def item(cid: str, year_number: int, month_number: int, voucher: str) -> str:
    return f"{month(cid, year_number, month_number)}#{voucher}"


def budget(cid: str, year_number: int) -> str:
    return f"{cid}/budget/{year_number}/"


def notices(cid: str) -> str:
    return f"{cid}/notices/"


def notice(cid: str, slug: str) -> str:
    return f"{cid}/notices/{slug}/"


def history(cid: str) -> str:
    return f"{cid}/history/"


def queries(cid: str) -> str:
    return f"{cid}/queries/"


def fees(cid: str) -> str:
    return f"{cid}/fees/"


def unit(cid: str, code: str) -> str:
    """A unit's own statement: not linked from any page, not in the sitemap or the search index."""
    return f"{cid}/unit/{code}/"


def data(cid: str) -> str:
    return f"{cid}/data/"


def search(cid: str) -> str:
    return f"{cid}/search/"


def search_index(cid: str, year_number: int) -> str:
    return f"{cid}/search/{year_number}.json"


def vouchers(cid: str) -> str:
    return f"{cid}/vouchers/"


def voucher_file(cid: str, name: str) -> str:
    return f"{vouchers(cid)}{name}"


def previews(cid: str) -> str:
    """The evidence previews (generator/site/evidence.py), named by content: ``<digest>.jpg``."""
    return f"{cid}/previews/"


def ledger_file(cid: str, name: str) -> str:
    return f"{data(cid)}ledger/{name}"


def download(cid: str, name: str) -> str:
    return f"{data(cid)}{name}"


def asset(name: str) -> str:
    return f"{ASSETS}{name}"


def page(folder: str) -> str:
    """The Markdown source of the page at a folder: ``qingshui-garden/2026/03/`` → ``…/03/index.md``."""
    return f"{folder}index.md"


def has_english(target: str) -> bool:
    """Whether a target has an English page beside a Chinese site: the front page, the glossary, and a
    compound's dashboard, years, months (a summary: an item's own anchor stays on the Chinese page), budgets
    and the sections of ``ENGLISH_SECTIONS`` — not a notice, a printable report, a unit page or any file."""
    path, _, anchor = target.partition("#")
    if not path.endswith("/") and path != HOME:
        return False
    parts = path.strip("/").split("/") if path else []
    if len(parts) <= 1:  # the front page, the glossary, a dashboard
        return True
    if parts[1] in ENGLISH_SECTIONS:
        return len(parts) == 2 or (parts[1] == "budget" and len(parts) == 3)
    if not parts[1].isdigit():
        return False
    if len(parts) == 2:  # a year
        return True
    return len(parts) == 3 and parts[2].isdigit() and (not anchor or anchor.startswith("cat-"))


def english(path: str) -> str:
    """A page's English version beside a Chinese site: ``qingshui-garden/`` → ``en/qingshui-garden/``."""
    return ENGLISH + path


@contextlib.contextmanager
def writing_english() -> Iterator[None]:
    """Within the block, links are made for English pages beside a Chinese site (each under ``en/``)."""
    token = _writing_english.set(True)
    try:
        yield
    finally:
        _writing_english.reset(token)


def rel(page_dir: str, target: str) -> str:
    """A relative link from a page's folder to a target (a folder if it ends with '/').

    On an English page beside a Chinese site (``writing_english``), both are named as the Chinese site names
    them: the link leads from the page's English folder to the target's English version if it has one
    (``has_english``), else to the Chinese page or file."""
    if _writing_english.get():
        page_dir = english(page_dir)
        target = english(target) if has_english(target) else target
    return _relative(page_dir, target)


def to_chinese(page_dir: str, target: str) -> str:
    """A link to the Chinese page ``target`` from a page (an English one under ``writing_english``)."""
    return _relative(english(page_dir) if _writing_english.get() else page_dir, target)


def _relative(page_dir: str, target: str) -> str:
    path, hash_sign, anchor = target.partition("#")
    link = posixpath.relpath(path.rstrip("/") or ".", page_dir.rstrip("/") or ".")
    link = link + "/" if path.endswith("/") and link != "." else ("./" if link == "." else link)
    return f"{link}{hash_sign}{anchor}"
