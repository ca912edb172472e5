"""Where every page and file of the site lives: the one URL map that pages and navigation use.

Each function returns a folder (ending in ``/``) or a file path relative to
the site's root; ``page`` turns a folder into the Markdown source MkDocs
knows the page by, and ``rel`` makes a link relative to the page it is on,
so the site works from any folder or host.
"""

from __future__ import annotations

import posixpath

HOME = ""
ASSETS = "assets/"
GLOSSARY = "glossary/"  # the one glossary (术语表) of the whole site; a term is ``glossary/#<anchor>``


def compound(cid: str) -> str:
    return f"{cid}/"


def year(cid: str, number: int) -> str:
    return f"{cid}/{number}/"


def month(cid: str, year_number: int, month_number: int) -> str:
    return f"{cid}/{year_number}/{month_number:02d}/"


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


def rel(page_dir: str, target: str) -> str:
    """A relative link from a page's folder to a target (a folder if it ends with '/')."""
    path, hash_sign, anchor = target.partition("#")
    link = posixpath.relpath(path.rstrip("/") or ".", page_dir.rstrip("/") or ".")
    link = link + "/" if path.endswith("/") and link != "." else ("./" if link == "." else link)
    return f"{link}{hash_sign}{anchor}"
