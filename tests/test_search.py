"""Issue 12, search: an owner finds an item by category, payee, voucher or amount, in real Chromium at 360×740.

The example site (``examples_site``) is served from 127.0.0.1 to the phone of ``tests/test_browser.py``
(WeChat's user agent, touch, every request recorded, none leaving the machine). What each search must find
is worked out from the books as Beancount loads them — every transaction whose voucher, date, payee,
description or category (the display name of an account it moves, or of a parent account) holds the word,
or one of whose amounts is the amount typed — never from the search index. Hostile text, in the query or in
the index, is shown as text.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from beancount import loader
from beancount.core import data
from markupsafe import escape

from generator.site.search import ordinal_code, pieces, shard_of, voucher_cells
from generator.site.words import Words
from tests import test_browser
from tests.test_browser import (
    TAP,
    WIDTH,
    Phone,
    assert_row_is_the_target,
    fits_the_screen,
    serve,
    tap,
)

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page

PROJECT = Path(__file__).resolve().parent.parent
AMOUNTS = "qingshui-garden"  # its cleaning is 15,000.00 a month in 2025
PARENTS = "hetang-court"  # its chart has 维修费 › 电梯维修费
HOSTILE = "<img src=x onerror=alert(1)>"
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The phone of tests/test_browser.py: Chromium at 360×740, every request recorded, none leaving 127.0.0.1.
phone, shots, dead_end = test_browser.phone, test_browser.shots, test_browser.dead_end


# What the books say, through Beancount's own loader


@dataclass(frozen=True)
class Entry:
    voucher: str
    date: datetime.date
    payee: str
    narration: str
    legs: tuple[tuple[str, Decimal], ...]  # what the month page lists: every posting but the fund's own


@dataclass(frozen=True)
class Books:
    entries: tuple[Entry, ...]
    names: dict[str, str]  # account → its Chinese display name

    def categories(self, account: str) -> list[str]:
        """The account's display name and those of its named parents."""
        parts = account.split(":")
        return [self.names[":".join(parts[:n])] for n in range(len(parts), 1, -1) if ":".join(parts[:n]) in self.names]

    def found(self, word: str, cents: tuple[int, int] | None = None) -> set[str]:
        """The vouchers a one-word search must find: the word in the item's text, or an amount in ``cents``."""
        needle = fold(word)
        hits = set()
        for entry in self.entries:
            text = [entry.voucher, zh_date(entry.date), entry.payee, entry.narration,
                    *(name for account, _ in entry.legs for name in self.categories(account))]
            by_amount = cents is not None and any(cents[0] <= abs(amount) * 100 <= cents[1] for _, amount in entry.legs)
            if by_amount or any(needle in fold(field) for field in text):
                hits.add(entry.voucher)
        return hits

    def entry(self, voucher: str) -> Entry:
        return next(entry for entry in self.entries if entry.voucher == voucher)


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def zh_date(date: datetime.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


@functools.cache
def books(compound: str) -> Books:
    folder = PROJECT / "ledgers" / compound
    loader.initialize(use_cache=False)
    entries, errors, _ = loader.load_file(str(folder / "main.beancount"))
    assert errors == []
    fund = yaml.safe_load((folder / "compound.yaml").read_text(encoding="utf-8"))["accounts"]["fund"]
    names = {entry.account: str(entry.meta["name"]) for entry in entries
             if isinstance(entry, data.Open) and "name" in entry.meta}
    items = []
    for entry in entries:
        if isinstance(entry, data.Transaction):
            postings = [(p.account, p.units.number) for p in entry.postings
                        if p.units is not None and p.units.number is not None]
            legs = [(account, number) for account, number in postings if account != fund] or postings
            items.append(Entry(str(entry.meta["voucher"]), entry.date, entry.payee or "", entry.narration or "",
                               tuple(legs)))
    return Books(tuple(items), names)


# The site, served on the loopback interface


@pytest.fixture(scope="module")
def site_url(examples_site: Path) -> Iterator[str]:
    with serve(examples_site) as url:
        yield url


@dataclass
class Results:
    status: str  # the sentences above the list
    count: int | None  # how many the page says it found
    vouchers: list[str]  # the results, in the page's order
    links: list[str]  # each result's link, absolute


def search(page: Page, query: str) -> Results:
    """Type ``query`` on the search page that is open, tap 查找, and read what the page shows."""
    page.locator("form.tf-search input[name=q]").fill(query)
    tap(page.locator("form.tf-search button[type=submit]"), "the search button")
    return read_results(page)


def read_results(page: Page) -> Results:
    """What the page shows once every result is on it: "显示更早的结果" tapped until it goes."""
    page.wait_for_function("() => /找到|未能载入/.test(document.querySelector('.tf-search-status').textContent)")
    earlier = page.locator(".tf-search-earlier button")
    while earlier.is_visible():
        tap(earlier, "显示更早的结果")
        page.wait_for_function("() => !document.querySelector('.tf-search-earlier button').disabled")
    status = page.locator(".tf-search-status").inner_text()
    said = re.search(r"找到 (\d+) 条", status)
    links = [urljoin(page.url, a.get_attribute("href") or "")
             for a in page.locator("ol.tf-results > li > a.tf-hit").all()]
    return Results(status, int(said.group(1)) if said else None, [unquote(urlsplit(link).fragment) for link in links],
                   links)


def watch_dialogs(page: Page, dialogs: list[str]) -> None:
    """Every alert() the page opens, dismissed and recorded: none may."""
    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)


def open_search(phone: Phone, site_url: str, compound: str, prefix: str) -> Page:
    page = phone.begin(prefix)
    page.goto(f"{site_url}/{compound}/search/")
    return page


def assert_finds(results: Results, expected: set[str], site_url: str, compound: str, shown: Books) -> None:
    """The page finds exactly ``expected``, says how many, newest first, each linked to its month's anchor."""
    assert expected, "the example books have nothing for this search"
    assert results.count == len(expected), results.status
    assert set(results.vouchers) == expected, (results.status, set(results.vouchers) ^ expected)
    dates = [shown.entry(voucher).date for voucher in results.vouchers]
    assert dates == sorted(dates, reverse=True), "not newest first"
    for voucher, link in zip(results.vouchers, results.links, strict=True):
        date = shown.entry(voucher).date
        assert link == f"{site_url}/{compound}/{date.year:04d}/{date.month:02d}/#{voucher}"


# The tests


def test_a_category_finds_its_items_and_those_of_its_sub_categories(phone: Phone, site_url: str) -> None:
    cleaning = books(AMOUNTS)
    page = open_search(phone, site_url, AMOUNTS, "search-category")
    results = search(page, "保洁费")
    expected = cleaning.found("保洁费")
    assert any(account == "Expenses:Cleaning" for voucher in expected for account, _ in cleaning.entry(voucher).legs)
    assert_finds(results, expected, site_url, AMOUNTS, cleaning)
    assert f"找到 {len(expected)} 条与“保洁费”相符的收支" in results.status
    fits_the_screen(phone, page, "cleaning")

    # The parent category finds the items booked to its sub-category, which show both names.
    repairs = books(PARENTS)
    page = open_search(phone, site_url, PARENTS, "search-parent")
    results = search(page, "维修费")
    expected = repairs.found("维修费")
    lifts = {voucher for voucher in expected
             if any(account == "Expenses:Repairs:Elevator" for account, _ in repairs.entry(voucher).legs)}
    assert lifts, "no lift repair in the example books"
    assert_finds(results, expected, site_url, PARENTS, repairs)
    lift = sorted(lifts)[0]
    hit = page.locator(f"ol.tf-results a.tf-hit[href$='#{lift}']")
    assert hit.locator(".tf-hit-category").first.inner_text() == "维修费 › 电梯维修费"
    assert phone.foreign() == [], "requests that left the site"
    assert phone.errors == [], "script errors"


def test_a_payee_and_a_voucher_find_their_items(phone: Phone, site_url: str) -> None:
    shown = books(AMOUNTS)
    payee = next(entry.payee for entry in shown.entries
                 if any(abs(amount) == Decimal("15000.00") for _, amount in entry.legs))
    page = open_search(phone, site_url, AMOUNTS, "search-payee")
    assert_finds(search(page, payee), shown.found(payee), site_url, AMOUNTS, shown)

    voucher = shown.entries[len(shown.entries) // 2].voucher
    results = search(page, voucher)
    assert_finds(results, {voucher}, site_url, AMOUNTS, shown)
    assert results.count == 1 and f"找到 1 条与“{voucher}”相符的收支" in results.status
    assert phone.errors == [], "script errors"


@pytest.mark.parametrize("typed", ["15000", "15,000", "15000.00", "１５，０００", "¥15,000.00", "1.5万", "15000元"])
def test_an_amount_in_any_spelling_finds_the_items_of_that_amount(phone: Phone, site_url: str, typed: str) -> None:
    shown = books(AMOUNTS)
    # To the cent when cents are typed, else to the yuan: 15000 finds 15,000.00 to 15,000.99.
    cents = (1500000, 1500000) if "." in typed and "万" not in typed else (1500000, 1500099)
    expected = shown.found(typed, cents)
    assert sum(1 for voucher in expected
               if any(abs(amount) == Decimal("15000.00") for _, amount in shown.entry(voucher).legs)) >= 3
    page = open_search(phone, site_url, AMOUNTS, "search-amount")
    results = search(page, typed)
    assert_finds(results, expected, site_url, AMOUNTS, shown)

    # Each result: voucher and date, payee and description, category and the amount at the right edge.
    first = shown.entry(results.vouchers[0])
    hit = page.locator("ol.tf-results > li > a.tf-hit").first
    assert hit.locator(".tf-hit-head").inner_text() == f"{first.voucher} · {zh_date(first.date)}"
    assert hit.locator(".tf-hit-what").inner_text() == f"{first.payee} {first.narration}".strip()
    (account, amount), = first.legs
    assert hit.locator(".tf-hit-category").inner_text() == " › ".join(reversed(shown.categories(account)))
    figure = hit.locator(".tf-hit-leg .num")
    # From the fund's side, as on the month page: spending leaves the fund.
    assert figure.inner_text() == ("−" if amount > 0 else "") + f"{abs(amount):,.2f}"
    edges = figure.evaluate("""(figure) => ({figure: figure.getBoundingClientRect().right,
        row: figure.parentElement.getBoundingClientRect().right, screen: window.innerWidth})""")
    assert abs(edges["figure"] - edges["row"]) < 1 and edges["figure"] <= edges["screen"], edges
    if typed == "15000":
        fits_the_screen(phone, page, "amount")
    assert phone.foreign() == [], "requests that left the site"
    assert phone.errors == [], "script errors"


def test_many_results_come_a_page_at_a_time_newest_first(phone: Phone, site_url: str) -> None:
    """A word that most items hold: the newest months are read until 50 results are found, and "显示更早的结果"
    brings the next 50 (reading earlier months), until every result is on the page."""
    shown = books(AMOUNTS)
    expected = shown.found("2026年")
    assert len(expected) > 100, "the example books are too small for three pages"
    page = open_search(phone, site_url, AMOUNTS, "search-pages")
    before = len(phone.requests)
    page.locator("form.tf-search input[name=q]").fill("2026年")
    tap(page.locator("form.tf-search button[type=submit]"), "the search button")
    page.wait_for_function("() => /找到/.test(document.querySelector('.tf-search-status').textContent)")
    assert page.locator("ol.tf-results > li").count() == 50
    assert "在最近的月份中已找到" in page.locator(".tf-search-status").inner_text()
    months = [url for url in phone.requests[before:] if re.search(r"/search/\d{4}-\d{2}\.json$", url)]
    assert months and all("/search/2026-" in url for url in months), months
    assert len(months) < 10, "read only as many months as a page of results needs"
    fits_the_screen(phone, page, "first-page")
    assert_finds(read_results(page), expected, site_url, AMOUNTS, shown)
    assert not page.locator(".tf-search-earlier").is_visible()
    assert phone.foreign() == [], "requests that left the site"
    assert phone.errors == [], "script errors"


def test_a_hostile_query_is_shown_as_text_and_finds_nothing(phone: Phone, site_url: str) -> None:
    dialogs: list[str] = []
    page = open_search(phone, site_url, AMOUNTS, "search-hostile")
    watch_dialogs(page, dialogs)
    results = search(page, HOSTILE)
    assert results.count is None and results.vouchers == []
    assert f"没有找到与“{HOSTILE}”相符的收支。" in results.status
    assert "2025年、2026年" in results.status, "the message names what was searched"
    assert page.locator(".tf-search-status b").inner_text() == HOSTILE
    assert page.locator(".md-content img, .md-content [onerror]").count() == 0
    assert page.locator("ol.tf-results > li").count() == 0  # no "1. —"
    fits_the_screen(phone, page, "nothing-found")
    # The same query from a shared link.
    page.goto(f"{site_url}/{AMOUNTS}/search/?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    assert "没有找到" in read_results(page).status
    assert page.locator("form.tf-search input[name=q]").input_value() == HOSTILE
    assert page.locator(".md-content img").count() == 0
    assert dialogs == [] and phone.errors == []
    assert phone.foreign() == [], "requests that left the site"


def test_hostile_text_in_the_index_is_shown_as_text(phone: Phone, site_url: str) -> None:
    """Payees, descriptions and category names come from the books: the page never parses them as HTML."""
    records = {"year": 2026, "month": 1, "link": "../2026/01/", "categories": [[HOSTILE]],
               "texts": ["<b onclick=alert(2)>payee</b>", "<script>alert(3)</script>"],
               "items": [["2026-0001", 2, 0, 1, [[0, -12345]]], [1, 2, 0, 7, [[0, -1]]]]}
    empty = {"year": 2026, "month": 2, "link": "../2026/02/", "categories": [], "texts": [], "items": []}
    # Every month may hold "img" (and "__proto__" is just a word), so each month's records are fetched.
    months = "".join(ordinal_code(n) for n in range(48))
    shard = {"t": {"img": months, "__proto__": months}, "d": {}, "a": {}}

    def answer(route: Any) -> None:
        name = route.request.url.rsplit("/", 1)[-1]
        body = shard if name.startswith("terms-") else records if name == "2026-01.json" else empty
        route.fulfill(status=200, content_type="application/json", json=body)

    dialogs: list[str] = []
    page = phone.begin("search-hostile-index")
    watch_dialogs(page, dialogs)
    page.route(f"{site_url}/{AMOUNTS}/search/*.json", answer)
    page.goto(f"{site_url}/{AMOUNTS}/search/")
    results = search(page, "img")
    # Newest first; the second item's voucher is a step from the first, its description a number out of range.
    assert results.vouchers == ["2026-0002", "2026-0001"]
    assert page.locator("ol.tf-results a.tf-hit").first.locator(".tf-hit-what").inner_text() == \
        "<b onclick=alert(2)>payee</b>"
    hit = page.locator("ol.tf-results a.tf-hit").nth(1)
    assert hit.locator(".tf-hit-category").inner_text() == HOSTILE
    assert hit.locator(".tf-hit-what").inner_text() == "<b onclick=alert(2)>payee</b> <script>alert(3)</script>"
    assert hit.locator(".tf-hit-leg .num").inner_text() == "−123.45"
    written = page.locator("ol.tf-results, .tf-search-status")
    assert written.locator("img, script, [onclick], [onerror]").count() == 0
    assert dialogs == [] and phone.errors == []


def test_results_are_big_links_to_the_items_anchor_and_come_back(phone: Phone, site_url: str) -> None:
    shown = books(AMOUNTS)
    page = open_search(phone, site_url, AMOUNTS, "search-tap")
    before = len(phone.requests)
    results = search(page, "保洁费")
    fetched = [url for url in phone.requests[before:] if url.endswith(".json")]
    assert fetched and all(url.startswith(f"{site_url}/{AMOUNTS}/search/") for url in fetched), fetched
    boxes: list[dict[str, Any]] = page.evaluate("""() => [...document.querySelectorAll('ol.tf-results a.tf-hit')]
        .map(a => { const box = a.getBoundingClientRect(); return {width: box.width, height: box.height,
                    right: box.right, text: a.textContent.slice(0, 30)}; })""")
    assert len(boxes) == len(results.vouchers) > 2
    small = [box for box in boxes if box["width"] < TAP or box["height"] < TAP or box["right"] > WIDTH]
    assert small == [], f"results smaller than {TAP}×{TAP} px or off the screen: {small}"

    voucher = results.vouchers[2]
    date = shown.entry(voucher).date
    month_url = f"{site_url}/{AMOUNTS}/{date.year:04d}/{date.month:02d}/"
    tap(page.locator(f"ol.tf-results a.tf-hit[href$='#{voucher}']"), "a search result")
    page.wait_for_url(f"{month_url}#{voucher}")
    assert_row_is_the_target(page, voucher)
    phone.screenshot(page, "result-opened", full_page=False)

    # Back: the same results again (the query stays in the address).
    page.go_back()
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert read_results(page).vouchers == results.vouchers
    assert phone.foreign() == [], "requests that left the site"
    assert phone.errors == [], "script errors"


def month_items(records: dict[str, Any]) -> Iterator[tuple[str, int, str, str, list[list[Any]]]]:
    """A month's records as items: voucher (a step from the previous one spelled out), day, payee,
    description, legs."""
    previous = ""
    for voucher, day, payee, narration, legs in records["items"]:
        if isinstance(voucher, int):
            tail = re.fullmatch(r"(.*?)([0-9]{1,15})", previous, re.S)
            assert tail, previous
            voucher = tail[1] + str(int(tail[2]) + voucher).zfill(len(tail[2]))
        previous = voucher
        yield voucher, day, records["texts"][payee], records["texts"][narration], legs


def test_the_index_holds_only_what_the_month_pages_show(examples_site: Path) -> None:
    """Each item's voucher, payee, description, categories and amounts are on its month page; a parent
    category's name is on the year's page or its budget. Every item of the books is in its month's records."""
    parents_seen = set()
    for compound in (AMOUNTS, PARENTS):
        indexed = []
        for index_file in sorted((examples_site / compound / "search").glob("[0-9]*.json")):
            records = json.loads(index_file.read_text(encoding="utf-8"))
            assert set(records) == {"year", "month", "link", "categories", "texts", "items"}
            assert index_file.name == f"{records['year']}-{records['month']:02d}.json"
            year_page = (examples_site / compound / str(records["year"]) / "index.html").read_text(encoding="utf-8")
            budget = examples_site / compound / "budget" / str(records["year"]) / "index.html"
            summary = year_page + (budget.read_text(encoding="utf-8") if budget.is_file() else "")
            names = [category[0] for category in records["categories"]]
            parents = {names[category[1]] for category in records["categories"] if len(category) > 1}
            assert all(str(escape(name)) in summary for name in parents), parents
            parents_seen |= parents
            html = (index_file.parent / records["link"] / "index.html").resolve().read_text(encoding="utf-8")
            for voucher, day, payee, narration, legs in month_items(records):
                indexed.append((voucher, datetime.date(records["year"], records["month"], day)))
                assert f'id="{voucher}"' in html
                assert str(escape(payee)) in html and str(escape(narration)) in html
                for number, cents, *_ in legs:
                    assert str(escape(names[number])) in html
                    assert f"{abs(cents) // 100:,}.{abs(cents) % 100:02d}" in html
        assert sorted(indexed) == sorted((entry.voucher, entry.date) for entry in books(compound).entries)
    assert "维修费" in parents_seen


def test_the_term_shards_hold_every_piece_of_every_item(examples_site: Path) -> None:
    """For every item, each piece of its text (one to three characters, four digits) and its amounts
    in yuan are in the shard the script looks in, naming the item's month: no search can miss it."""
    for compound in (AMOUNTS, PARENTS):
        folder = examples_site / compound / "search"
        page = (folder / "index.html").read_text(encoding="utf-8")
        first = int(re.search(r'data-first="(\d+)"', page).group(1))  # type: ignore[union-attr]
        count = int(re.search(r'data-shards="(\d+)"', page).group(1))  # type: ignore[union-attr]
        shards = [json.loads((folder / f"terms-{n}.json").read_text(encoding="utf-8")) for n in range(count)]
        shown = books(compound)
        for entry in shown.entries:
            code = ordinal_code((entry.date.year - first) * 12 + entry.date.month - 1)
            english = f"{entry.date.day} {ENGLISH_MONTHS[entry.date.month - 1]} {entry.date.year}"
            texts = [entry.voucher, zh_date(entry.date), english, entry.payee, entry.narration,
                     *(name for account, _ in entry.legs for name in shown.categories(account))]
            keys = set()
            for text in texts:
                grams, digits = pieces(fold(text))
                keys |= {("t", gram) for gram in grams} | {("d", run) for run in digits}
            keys |= {("a", str(abs(amount) // 1)) for _, amount in entry.legs}
            for kind, key in keys:
                posting = shards[shard_of(kind, key, count)][kind].get(key, "")
                assert code in [posting[at:at + 2] for at in range(0, len(posting), 2)], (entry.voucher, kind, key)


def test_a_voucher_is_written_whole_or_as_a_step_that_spells_it() -> None:
    assert voucher_cells(["2026-0042", "2026-0043", "2026-0045"]) == ["2026-0042", 1, 2]
    assert voucher_cells(["2026-0099", "2026-0100"]) == ["2026-0099", 1]
    assert voucher_cells(["2026-9999", "2026-10000"]) == ["2026-9999", "2026-10000"]  # a wider number: whole
    assert voucher_cells(["2026-0043", "2026-0042"]) == ["2026-0043", "2026-0042"]  # never a step back
    assert voucher_cells(["2025-0042", "2026-0043"]) == ["2025-0042", "2026-0043"]
    assert voucher_cells(["2026-0042", "2026-5042"]) == ["2026-0042", "2026-5042"]  # a long step: whole
    assert voucher_cells(["x", "2026-0001", "2026-0002"]) == ["x", "2026-0001", 1]


def test_the_words_of_the_search_page_in_both_languages() -> None:
    for language, nothing in (("zh", "没有找到"), ("en", "Nothing found")):
        words = Words(language)
        assert nothing in words("search_none") and "{query}" in words("search_none")
        assert "{count}" in words("search_found") and "{count}" in words("search_so_far")
        assert words("search_earlier")
        assert "{years}" in words("search_scope")
