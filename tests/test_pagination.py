"""Issue 14, big months: a month over 1,000 items is split into pages of at most 300 KB, and every link to one
of its items still lands on it.

The books are the synthetic compound of ``benchmarks/synth.py`` (1,400 items in January 2025), cut to January
and the first items of February (a small month), with a multi-leg item whose categories fall on different
pages and hostile payees, descriptions and a hostile category name; committed to git, so the history page lists
every voucher. Built with the real ``trustfund build``, read back as HTML and against Beancount's own sums, and
in real Chromium: a voucher link from the search page (the month's own folder, moved by trustfund-pages.js)
and from the history page (straight to the right page) shows the item.
"""

from __future__ import annotations

import itertools
import json
import posixpath
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from beancount import loader
from beancount.core import data

from tests import test_browser
from tests.conftest import PROJECT
from tests.test_accessibility import DOUBLE_TEXT, SMALL_TARGETS, WIDE_TEXT, axe_violations, open_page
from tests.test_browser import TAP, WIDTH, Phone, big_enough, serve
from tests.test_site import build, number

if TYPE_CHECKING:
    from playwright.sync_api import Page

CID = "bench"
MONTH = "bench/2025/01/"
SMALL = "bench/2025/02/"
FUND = "Assets:Bank:Fund"
MOST = 300_000  # bytes of any page
SMALL_ITEMS = 4  # February keeps its balance assertion and this many items
MULTI = "2025-09001"  # in Cleaning (early in the month) and Community (late): two pages
HOSTILE_TEXT = "<script>alert('narration')</script><img src=x onerror=alert(1)>"
HOSTILE_PAYEE = "<svg onload=alert(2)>公司"
HOSTILE_CATEGORY = "社区活动<script>alert(3)</script>"
VOUCHER = re.compile(r"\d{4}-\d{4,}")

phone, shots, dead_end = test_browser.phone, test_browser.shots, test_browser.dead_end


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=Treasurer", "-c", "user.email=t@example.invalid",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("big-month")
    result = subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "synth.py"), "--transactions", "16800",
                             "--years", "1", "--start-year", "2025", "--out", str(root)],
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    ledgers = root / "ledgers" / CID
    for journal in (ledgers / "2025").glob("*.beancount"):
        if int(journal.stem) > 2:
            journal.unlink()
            shutil.rmtree(ledgers / "vouchers" / "2025" / journal.stem, ignore_errors=True)
    # February: its opening balance and a few items, one with a fee sheet of more rows than a page lists.
    february = (ledgers / "2025" / "02.beancount").read_text(encoding="utf-8").split("\n\n")
    opening = re.fullmatch(r"(2025-02-01 balance Assets:Bank:Fund +)([\d.]+)( CNY)", february[0])
    assert opening  # the fund's balance at February's start, less what the item added to January pays
    february[0] = f"{opening.group(1)}{Decimal(opening.group(2)) - Decimal('200.00')}{opening.group(3)}"
    (ledgers / "2025" / "02.beancount").write_text("\n\n".join(february[:1 + SMALL_ITEMS]) + "\n", encoding="utf-8")
    january = (ledgers / "2025" / "01.beancount").read_text(encoding="utf-8")
    # Hostile words where the books hold free text: two descriptions, a payee, a category's name.
    january = january.replace('"雨水管疏通"', f'"{HOSTILE_TEXT}"', 2).replace('"通达管道维修服务部"',
                                                                          f'"{HOSTILE_PAYEE}"', 1)
    january += f"""
2025-01-20 * "示例保洁公司" "保洁与社区活动"
  voucher: "{MULTI}"
  Expenses:Cleaning     120.00 CNY
  Expenses:Community     80.00 CNY
  Assets:Bank:Fund
"""
    (ledgers / "2025" / "01.beancount").write_text(january, encoding="utf-8")
    accounts = (ledgers / "accounts.beancount").read_text(encoding="utf-8")
    assert 'name: "社区活动"' in accounts
    (ledgers / "accounts.beancount").write_text(accounts.replace('name: "社区活动"', f'name: "{HOSTILE_CATEGORY}"'),
                                                encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Books of January and February 2025")
    return root


@pytest.fixture(scope="module")
def site(books: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("big-month-site") / "site"
    assert build(books, out) == 0
    return out


def month_parts(site: Path, month: str) -> list[tuple[str, str]]:
    """A month's pages in order: (folder, HTML)."""
    pages = [(month, (site / month / "index.html").read_text(encoding="utf-8"))]
    number = 2
    while (site / month / str(number) / "index.html").is_file():
        folder = f"{month}{number}/"
        pages.append((folder, (site / folder / "index.html").read_text(encoding="utf-8")))
        number += 1
    return pages


def beancount_month(books: Path, year: int, month: int) -> tuple[list[str], dict[str, Decimal], dict[str, set[str]]]:
    """Beancount's own January: every voucher, each account's sum, the vouchers touching each account."""
    loader.initialize(use_cache=False)
    entries, errors, _ = loader.load_file(str(books / "ledgers" / CID / "main.beancount"))
    assert errors == []
    vouchers, sums, touched = [], defaultdict(Decimal), defaultdict(set)
    for entry in entries:
        if isinstance(entry, data.Transaction) and (entry.date.year, entry.date.month) == (year, month):
            vouchers.append(entry.meta["voucher"])
            for posting in entry.postings:
                sums[posting.account] += posting.units.number
                touched[posting.account].add(entry.meta["voucher"])
    return vouchers, dict(sums), dict(touched)


HEADING = re.compile(r'<h3 class="tf-cat-head"(?: id="cat-([^"]+)")?><span class="tf-cat-name">(.*?)</span> '
                     r'<small>(\d+) 笔</small> <span class="num">([^<]*)</span></h3>(.*?)</table></div>', re.S)
ENTRY = re.compile(r'<tbody(?: id="([^"]+)"| class="tf-again")>\s*<tr><td><a href="([^"#]*)#([^"]+)">'
                   r'.*?<td class="num[^"]*">([^<]*)</td></tr>\s*</tbody>', re.S)


def test_a_big_month_is_in_pages_of_at_most_300_kb_and_every_page_of_the_site_too(site: Path) -> None:
    parts = month_parts(site, MONTH)
    assert len(parts) >= 2
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    assert {path: size for path, size in sizes.items() if size > MOST} == {}
    for at, (folder, html) in enumerate(parts, start=1):
        assert re.search(rf"<h1>[^<]* · 2025年1月（第{at}页，共{len(parts)}页）</h1>", html), folder
        pager = re.search(r'<nav class="tf-nav tf-pages" aria-label="本月分页" data-tf-pages="([^"]+)" '
                          r'data-tf-page="(\d+)">(.*?)</nav>', html, re.S)
        assert pager and int(pager.group(2)) == at - 1, folder
        assert posixpath.normpath(posixpath.join(folder, pager.group(1))) == f"{MONTH}pages.json"
        links = re.findall(r'<a href="([^"]+)"[^>]*>', pager.group(3))
        targets = [posixpath.normpath(posixpath.join(folder, link)) + "/" for link in links]
        expected = [f for f, _ in parts]
        if at > 1:
            expected = [parts[at - 2][0], *expected]  # ← 上一页
        if at < len(parts):
            expected = [*expected, parts[at][0]]  # 下一页 →
        assert targets == expected, folder
        assert '<script src="' in html and "trustfund-pages.js" in html
        # Every link and image of the page, the items' evidence, previews and sheets included, is in the site.
        broken = set()
        for target in re.findall(r'(?:href|src)="([^"#]+)', html):
            if re.match(r"[a-z]+:", target) or target.startswith("//"):
                continue
            path = site / posixpath.normpath(posixpath.join(folder, target.split("?")[0]))
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.add(target)
        assert broken == set(), folder
        # The cards and the category index on the first page only.
        assert ('<div class="tf-cards">' in html) == (at == 1)
        assert ('<nav class="tf-cat-index"' in html) == (at == 1)


def test_every_voucher_is_on_exactly_one_page_and_the_map_agrees(site: Path, books: Path) -> None:
    vouchers, _, _ = beancount_month(books, 2025, 1)
    parts = month_parts(site, MONTH)
    found: Counter[str] = Counter()
    page_of: dict[str, int] = {}
    for at, (folder, html) in enumerate(parts):
        ids = re.findall(r'\sid="([^"]*)"', html)
        assert [i for i, n in Counter(ids).items() if n > 1] == [], folder
        for anchor in ids:
            if VOUCHER.fullmatch(anchor) or anchor.startswith("cat-"):
                found[anchor] += 1
                page_of[anchor] = at
    assert sorted(v for v in found if VOUCHER.fullmatch(v)) == sorted(vouchers)
    assert all(n == 1 for n in found.values()), [a for a, n in found.items() if n > 1]
    site_map = json.loads((site / MONTH / "pages.json").read_text(encoding="utf-8"))
    assert site_map["pages"] == ["./", *[f"{n}/" for n in range(2, len(parts) + 1)]]
    assert {a: n for a, n in site_map["at"].items() if a != "by-date"} == page_of
    assert site_map["at"]["by-date"] == 0
    # Each item's voucher link, and each appearance of an item in another category, leads to its page.
    for folder, html in parts:
        for anchored, link, voucher, _ in ENTRY.findall(html):
            assert anchored in ("", voucher)
            target = posixpath.normpath(posixpath.join(folder, link or ".")) + "/"
            assert target == parts[site_map["at"][voucher]][0], (folder, voucher, link)
    multi = [folder for folder, html in parts if f'href="#{MULTI}"' in html or f'#{MULTI}">' in html]
    assert len(multi) == 2, "the multi-leg item should fall on two pages for this test to mean something"
    # The category index on the first page: each category's link leads to its heading's page, which it names.
    index = re.search(r'<nav class="tf-cat-index".*?</nav>', parts[0][1], re.S)
    assert index
    rows = re.findall(r'<li><a href="([^"]*)#(cat-[^"]+)"><span class="tf-cat-name">[^<]*</span><small>第([\d–]+)页'
                      r'</small>', index.group(0))
    assert {anchor for _, anchor, _ in rows} == {a for a in page_of if a.startswith("cat-")} - alias_anchors(parts)
    for link, anchor, pages in rows:
        assert posixpath.normpath(posixpath.join(MONTH, link or ".")) + "/" == parts[page_of[anchor]][0]
        assert int(pages.split("–")[0]) == page_of[anchor] + 1


def alias_anchors(parts: list[tuple[str, str]]) -> set[str]:
    """A parent category's anchor kept on its first sub-category (``<span id="cat-…">``)."""
    return {a for _, html in parts for a in re.findall(r'<span id="(cat-[^"]+)"></span>', html)}


def test_subtotals_across_the_pages_are_beancounts_sums(site: Path, books: Path) -> None:
    _, sums, touched = beancount_month(books, 2025, 1)
    parts = month_parts(site, MONTH)
    shown: dict[str, list[Decimal]] = defaultdict(list)
    headings: dict[str, tuple[int, Decimal]] = {}
    names: dict[str, str] = {}
    continued = 0
    order: list[str] = []
    for _, html in parts:
        for anchor, name, count, subtotal, body in HEADING.findall(html):
            if anchor:
                account = anchor.replace("-", ":")
                headings[account] = (int(count), number(subtotal))
                names[name] = account
            else:  # a category going on from the page before: its name, then 续上页
                assert name.endswith("（续上页）")
                account = names[name.removesuffix("（续上页）")]
                assert headings[account] == (int(count), number(subtotal))
                continued += 1
            if not order or order[-1] != account:
                order.append(account)
            shown[account] += [number(amount) for _, _, _, amount in ENTRY.findall(body)]
    assert continued >= 1  # the pages split at least one category
    assert len(order) == len(set(order)), "a category's items are together, in order, across the pages"
    expected = {account: total if account.startswith("Expenses:") else -total
                for account, total in sums.items() if account != FUND}
    assert {account: sum(amounts, Decimal(0)) for account, amounts in shown.items()} == expected
    assert {account: count for account, (count, _) in headings.items()} == \
        {account: len(touched[account]) for account in expected}
    assert {account: subtotal for account, (_, subtotal) in headings.items()} == expected
    assert all(len(shown[account]) == count for account, (count, _) in headings.items())
    # A page that a category leaves says where it goes on.
    for (folder, html), (following, _) in itertools.pairwise(parts):
        goes_on = re.findall(r'<p class="tf-continues"><a class="tf-go" href="([^"]+)">“[^”]*”下一页继续 →</a></p>',
                             html)
        assert goes_on and {posixpath.normpath(posixpath.join(folder, link)) + "/" for link in goes_on} == {following}


def test_hostile_words_stay_escaped_on_every_page_and_out_of_the_map(site: Path) -> None:
    parts = month_parts(site, MONTH)
    pages = "".join(html for _, html in parts)
    for text in (HOSTILE_TEXT, HOSTILE_PAYEE, HOSTILE_CATEGORY):
        assert text not in pages
    assert "<script>alert" not in pages and "<img src=x" not in pages and "<svg onload" not in pages
    assert pages.count("&lt;script&gt;alert(&#39;narration&#39;)&lt;/script&gt;") >= 2
    assert "&lt;svg onload=alert(2)&gt;公司" in pages
    # The hostile category name: in its heading, its continued heading, the index and the "continues" line alike.
    assert "社区活动&lt;script&gt;alert(3)&lt;/script&gt;" in pages
    raw_map = (site / MONTH / "pages.json").read_text(encoding="utf-8")
    site_map = json.loads(raw_map)
    assert "<" not in raw_map and "alert" not in raw_map
    assert all(VOUCHER.fullmatch(a) or re.fullmatch(r"cat-[A-Za-z0-9-]+", a) or a == "by-date"
               for a in site_map["at"])
    # The pages run only the site's own scripts, by file.
    scripts = {s for _, html in parts for s in re.findall(r"<script([^>]*)>", html)}
    assert all("src=" in s or "application/json" in s or s == "" for s in scripts)


def test_a_small_month_is_one_page_as_before(site: Path, books: Path) -> None:
    vouchers, _, _ = beancount_month(books, 2025, 2)
    assert len(vouchers) == SMALL_ITEMS
    assert month_parts(site, SMALL)[1:] == []
    assert not (site / SMALL / "pages.json").exists()
    html = (site / SMALL / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1>[^<]* · 2025年2月</h1>", html)
    for paging in ("tf-pages", "data-tf-pages", "trustfund-pages.js", "续上页", "本月分页", "（第"):
        assert paging not in html
    assert '<div class="tf-cards">' in html and '<details id="by-date" class="tf-by-date">' in html
    assert sorted(re.findall(r'<tbody id="([^"]+)">', html)) == sorted(vouchers)
    assert all(re.search(rf'<a href="#{v}">', html) for v in vouchers)
    # The fee receipt's sheet of more than 30 rows: its kinds and the CSV, not every row.
    assert '<table class="tf-sheet-kinds">' in html and '<table class="tf-sheet-rows">' not in html
    assert re.search(r'<a class="tf-sheet-file" href="\.\./\.\./vouchers/2025/02/2025-\d+-fees\.csv">', html)


def test_the_history_page_links_each_voucher_to_its_page(site: Path) -> None:
    history = (site / CID / "history" / "index.html").read_text(encoding="utf-8")
    links = dict((voucher, link) for link, voucher in re.findall(r'<a href="([^"]+)">(\d{4}-\d{4,})</a>', history))
    site_map = json.loads((site / MONTH / "pages.json").read_text(encoding="utf-8"))
    january = {v: n for v, n in site_map["at"].items() if VOUCHER.fullmatch(v)}
    assert set(january) <= set(links)
    for voucher, page in january.items():
        path, _, anchor = links[voucher].partition("#")
        target = posixpath.normpath(posixpath.join(f"{CID}/history/", path)) + "/"
        assert anchor == voucher and target == posixpath.normpath(posixpath.join(MONTH, site_map["pages"][page])) + "/"
        assert f'id="{voucher}"' in (site / target / "index.html").read_text(encoding="utf-8")


def test_the_english_summary_leads_each_category_to_its_chinese_page(site: Path) -> None:
    english = (site / "en" / MONTH / "index.html").read_text(encoding="utf-8")
    site_map = json.loads((site / MONTH / "pages.json").read_text(encoding="utf-8"))
    links = re.findall(r'<li id="(cat-[^"]+)">(?:<span id="[^"]+"></span>)*<a href="([^"]+)" hreflang="zh-CN">',
                       english)
    assert links
    for anchor, link in links:
        path, _, target_anchor = link.partition("#")
        assert target_anchor == anchor
        target = posixpath.normpath(posixpath.join(f"en/{MONTH}", path)) + "/"
        assert target == posixpath.normpath(posixpath.join(MONTH, site_map["pages"][site_map["at"][anchor]])) + "/"
        assert f'id="{anchor}"' in (site / target / "index.html").read_text(encoding="utf-8")


# In real Chromium


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


def on_a_later_page(site: Path) -> str:
    """A voucher that is not on the month's first page."""
    site_map = json.loads((site / MONTH / "pages.json").read_text(encoding="utf-8"))
    return next(v for v, n in site_map["at"].items() if VOUCHER.fullmatch(v) and n == len(site_map["pages"]) - 1)


def shows_the_item(page: Page, base_url: str, site: Path, voucher: str) -> None:
    site_map = json.loads((site / MONTH / "pages.json").read_text(encoding="utf-8"))
    folder = posixpath.normpath(posixpath.join(MONTH, site_map["pages"][site_map["at"][voucher]])) + "/"
    page.wait_for_url(f"{base_url}/{folder}#{voucher}")
    page.wait_for_load_state("load")
    page.wait_for_function("(voucher) => { const row = document.getElementById(voucher); if (!row) { return false; }"
                           " const box = row.getBoundingClientRect(); return box.top >= 0 && box.top < innerHeight; }",
                           arg=voucher)
    test_browser.assert_row_is_the_target(page, voucher)


def test_a_voucher_link_from_the_search_page_finds_its_page(phone: Phone, base_url: str, site: Path) -> None:
    voucher = on_a_later_page(site)
    page = phone.begin("pagination-search")
    page.goto(f"{base_url}/{CID}/search/?q={voucher}")
    hit = page.locator("a.tf-hit", has=page.locator(".tf-hit-voucher", has_text=voucher)).first
    hit.wait_for()
    # The search writes the month's own folder: the page there moves on to the page holding the item.
    assert hit.get_attribute("href", timeout=5000) and f"/{MONTH}#{voucher}" in (hit.get_attribute("href") or "")
    big_enough(hit, "the search result")
    hit.tap()
    shows_the_item(page, base_url, site, voucher)
    phone.screenshot(page, "item-from-search", full_page=False)
    # A saved link to the month with the voucher, opened afresh, lands there too.
    page.goto(f"{base_url}/{MONTH}#{voucher}")
    shows_the_item(page, base_url, site, voucher)
    assert phone.foreign() == [] and phone.errors == []


def test_a_voucher_link_from_the_history_page_goes_straight_to_its_page(
        phone: Phone, base_url: str, site: Path) -> None:
    voucher = on_a_later_page(site)
    page = phone.begin("pagination-history")
    page.goto(f"{base_url}/{CID}/history/")
    link = page.locator(f".tf-history a:text-is('{voucher}')")
    href = link.get_attribute("href") or ""
    assert re.fullmatch(rf"\.\./2025/01/\d+/#{voucher}", href), href  # the page itself, not the month's folder
    link.scroll_into_view_if_needed()
    link.tap()
    shows_the_item(page, base_url, site, voucher)
    phone.screenshot(page, "item-from-history", full_page=False)
    assert phone.foreign() == [] and phone.errors == []


def test_the_page_links_are_big_enough_and_lead_on(phone: Phone, base_url: str, site: Path) -> None:
    parts = month_parts(site, MONTH)
    page = phone.begin("pagination-pager")
    page.goto(f"{base_url}/{MONTH}")
    for link in page.locator("nav.tf-pages a").all():
        big_enough(link, f"the page link {link.inner_text()}")
    page.locator("nav.tf-pages a[rel='next']").first.tap()
    page.wait_for_url(f"{base_url}/{parts[1][0]}")
    assert page.locator("h1").inner_text().endswith(f"（第2页，共{len(parts)}页）")
    big_enough(page.locator("nav.tf-pages a[rel='prev']").first, "the link to the previous page")
    assert phone.foreign() == [] and phone.errors == []


def test_the_pages_of_a_big_month_pass_axe_and_keep_to_the_screen_at_twice_the_text_size(
        phone: Phone, base_url: str, site: Path) -> None:
    """The checks of tests/test_accessibility.py on the new kinds of page: a big month's first and a later page
    (every sheet open), and its English summary."""
    parts = month_parts(site, MONTH)
    problems: list[str] = []
    for path in (parts[0][0], parts[-1][0], f"en/{MONTH}"):
        page = open_page(phone, base_url, path, f"pagination-a11y-{path.replace('/', '-')}")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        problems += [f"{path}, axe: {v}" for v in axe_violations(page)]
        problems += [f"{path}, small tap target: {t}" for t in page.evaluate(SMALL_TARGETS, TAP)]
        problems += [f"{path}, text past the screen: {t}" for t in page.evaluate(WIDE_TEXT, WIDTH)]
        page.close()
        page = open_page(phone, base_url, path, f"pagination-zoom-{path.replace('/', '-')}")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        problems += [f"{path}, text not doubled: {t}" for t in page.evaluate(DOUBLE_TEXT)]
        page.wait_for_timeout(50)
        problems += [f"{path}, at 200% text, past the screen: {t}" for t in page.evaluate(WIDE_TEXT, WIDTH)]
        page.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    assert phone.foreign() == []
