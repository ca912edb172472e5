"""Issue 12, month pages: every item of a month grouped by category with its count and subtotal, the same items
by date, and detail sheets with a header, a count and their sums by kind — read back from a real build.

Each category's subtotal is checked against Beancount's own sums per account for the month (the loader, cache
off), each voucher's anchor is on its page exactly once, a parking sheet's summary against a count of its CSV
with the csv module, and the pages in real Chromium at 360×740 (the phone of ``tests/test_browser.py``): no
sideways scrolling with every sheet open, no amount clipped, every new tap target at least 44×44 px.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from beancount import loader
from beancount.core import data

from generator.site.pages import SHEET_ROWS_SHOWN
from tests import test_browser
from tests.conftest import EXAMPLES, PROJECT, Repo
from tests.test_browser import HEIGHT, TAP, WIDTH, Phone, big_enough, layout, serve
from tests.test_site import build, number, page

if TYPE_CHECKING:
    from playwright.sync_api import Page

COMPOUND = "qingshui-garden"
FUND = "Assets:Bank:Fund"
PARKING = ("2026/03", "2026-0081", "2026/03/2026-0081-parking.csv")  # month, voucher, sheet (71 rows)
SHORT_SHEET = ("2026/03", "2026-0106", "2026/03/2026-0106-fees.csv")  # 10 rows: every row on the page

# The phone of tests/test_browser.py: Chromium at 360×740, every request recorded, none leaving 127.0.0.1.
phone, shots, dead_end = test_browser.phone, test_browser.shots, test_browser.dead_end

HEADING = re.compile(r'<h3 class="tf-cat-head" id="cat-([^"]+)"><span class="tf-cat-name">(.*?)</span> '
                     r'<small>(\d+) 笔</small> <span class="num">([^<]*)</span></h3>(.*?)</table></div>', re.S)
ENTRY = re.compile(r'<tbody(?: id="([^"]+)"| class="tf-again")>\s*<tr><td><a href="#([^"]+)">'
                   r'(.*?)<td class="num[^"]*">([^<]*)</td></tr>\s*</tbody>', re.S)


def groups_of(html: str) -> list[tuple[str, str, int, Decimal, list[tuple[str, bool, Decimal]]]]:
    """Each category of a month page in page order: account, name, count, subtotal and its entries (voucher,
    whether this is the item's anchored appearance, amount)."""
    found = []
    for anchor, name, count, subtotal, body in HEADING.findall(html):
        entries = [(link, bool(anchored), number(amount)) for anchored, link, _, amount in ENTRY.findall(body)]
        assert all(anchored in ("", link) for anchored, link, _, _ in ENTRY.findall(body))
        found.append((anchor.replace("-", ":"), name, int(count), number(subtotal), entries))
    return found


def month_pages(site: Path, cid: str) -> list[tuple[int, int, str]]:
    return [(int(p.parent.parent.name), int(p.parent.name), p.read_text(encoding="utf-8"))
            for p in sorted((site / cid).glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"))]


def beancount_months(cid: str) -> tuple[dict[tuple[int, int], dict[str, Decimal]],
                                        dict[tuple[int, int], dict[str, set[str]]],
                                        dict[tuple[int, int], list[str]], dict[str, str]]:
    """Beancount's own view of each month: the sum of each account's postings in CNY, the vouchers that
    touch each account, every voucher in date order; and each account's display name."""
    entries, errors, _ = loader.load_file(str(PROJECT / "ledgers" / cid / "main.beancount"))
    assert errors == []
    sums: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    touched: dict[tuple[int, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    vouchers: dict[tuple[int, int], list[str]] = defaultdict(list)
    names = {}
    for entry in entries:
        if isinstance(entry, data.Open):
            names[entry.account] = entry.meta["name"]
        if not isinstance(entry, data.Transaction):
            continue
        key = (entry.date.year, entry.date.month)
        vouchers[key].append(entry.meta["voucher"])
        for posting in entry.postings:
            assert posting.units.currency == "CNY"
            sums[key][posting.account] += posting.units.number
            touched[key][posting.account].add(entry.meta["voucher"])
    return sums, touched, vouchers, names


def test_each_category_subtotal_is_beancounts_own_sum_for_every_month(examples_site: Path) -> None:
    sums, touched, _, names = beancount_months(COMPOUND)
    pages = month_pages(examples_site, COMPOUND)
    assert len(pages) >= 12 and {(y, m) for y, m, _ in pages} == set(sums)
    for year, month, html in pages:
        where = f"{COMPOUND} {year}-{month:02d}"
        groups = groups_of(html)
        shown = {account: subtotal for account, _, _, subtotal, _ in groups}
        # Every category, none missing, each its account's own sum: income as received, spending as paid, other
        # movements (the opening balance) as what they brought the fund; the fund's own account is no category.
        expected = {account: total if account.startswith("Expenses:") else -total
                    for account, total in sums[(year, month)].items() if account != FUND}
        assert shown == expected, where
        kinds = [account.split(":")[0] for account, *_ in groups]
        order = {"Income": 0, "Expenses": 1}
        assert kinds == sorted(kinds, key=lambda kind: order.get(kind, 2)), f"income, spending, other: {where}"
        for account, name, count, subtotal, entries in groups:
            assert name == names[account], (where, account)
            assert count == len(entries) == len(touched[(year, month)][account]), (where, account)
            assert {voucher for voucher, _, _ in entries} == touched[(year, month)][account], (where, account)
            assert sum((amount for _, _, amount in entries), Decimal(0)) == subtotal, (where, account)
        # The categories at the top add up to the month's cards, and link to their headings.
        for account, _, _, subtotal, _ in groups:
            anchor = "cat-" + account.replace(":", "-")
            assert re.search(rf'<a href="#{anchor}"><span class="tf-cat-name">[^<]*</span><small>\d+ 笔</small>'
                             rf'<span class="num">{re.escape(f"{subtotal:,.2f}")}</span></a>', html), (where, anchor)


def test_each_voucher_anchor_is_on_its_month_page_exactly_once(examples_site: Path) -> None:
    for cid in EXAMPLES:
        _, _, vouchers, _ = beancount_months(cid)
        for year, month, html in month_pages(examples_site, cid):
            where = f"{cid} {year}-{month:02d}"
            ids = re.findall(r'\sid="([^"]*)"', html)
            assert [i for i, n in Counter(ids).items() if n > 1] == [], f"an id twice on {where}"
            expected = vouchers[(year, month)]
            assert sorted(i for i in ids if re.fullmatch(r"\d{4}-\d{4,}", i)) == sorted(expected), where
            assert all(f'<tbody id="{voucher}">' in html for voucher in expected), where
            # Every item by date: one link to its anchor each, in the books' order.
            by_date = re.search(r'<details id="by-date" class="tf-by-date">(.*?)</details>', html, re.S)
            assert by_date, where
            assert re.findall(r'<td><a href="#([^"]+)">', by_date.group(1)) == expected, where


def test_the_parking_sheet_is_summed_by_kind_as_its_csv_counts(examples_site: Path) -> None:
    month, voucher, sheet = PARKING
    with (PROJECT / "ledgers" / COMPOUND / "vouchers" / sheet).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    kinds: dict[str, Counter[Decimal]] = defaultdict(Counter)
    for row in rows:
        kinds[row["item"]][Decimal(row["amount"])] += 1
    html = page(examples_site, f"{COMPOUND}/{month}")
    item = re.search(rf'<tbody id="{voucher}">(.*?)</tbody>', html, re.S)
    assert item
    total = sum((Decimal(row["amount"]) for row in rows), Decimal(0))
    assert f"<summary>明细表：{len(rows)} 笔，合计 {total:,.2f} 元</summary>" in item.group(1)
    kinds_table = re.search(r'<table class="tf-sheet-kinds">(.*?)</table>', item.group(1), re.S)
    assert kinds_table
    shown = re.findall(r'<tr><th>(.*?)（(\d+) 笔）<span class="tf-sheet-counts">(.*?)</span></th>'
                       r'<td class="num">([^<]*)</td></tr>', kinds_table.group(1))
    expected = [(kind, str(sum(counts.values())),
                 "，".join(f"{n}\u00a0×\u00a0{amount:,.2f}" for amount, n in sorted(
                     counts.items(), key=lambda pair: (-pair[1], -pair[0]))),
                 f"{sum((a * n for a, n in counts.items()), Decimal(0)):,.2f}") for kind, counts in kinds.items()]
    assert shown == expected
    assert "44\u00a0×\u00a0200.00" in kinds_table.group(1) and "25\u00a0×\u00a0150.00" in kinds_table.group(1)
    assert f'<tr class="tf-total"><th>合计 {len(rows)} 笔</th><td class="num">{total:,.2f}</td></tr>' \
        in kinds_table.group(1)
    # Over SHEET_ROWS_SHOWN rows, the rows are in the file the page links, not on the page.
    assert len(rows) > SHEET_ROWS_SHOWN
    assert '<table class="tf-sheet-rows">' not in item.group(1)
    assert f'<a class="tf-sheet-file" href="../../vouchers/{sheet}">' in item.group(1)
    assert f"逐笔明细共 {len(rows)} 笔，请下载上方的明细表查看。" in item.group(1)


def test_a_short_sheet_lists_every_row_on_the_page(examples_site: Path) -> None:
    month, voucher, sheet = SHORT_SHEET
    with (PROJECT / "ledgers" / COMPOUND / "vouchers" / sheet).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert 0 < len(rows) <= SHEET_ROWS_SHOWN
    item = re.search(rf'<tbody id="{voucher}">(.*?)</tbody>', page(examples_site, f"{COMPOUND}/{month}"), re.S)
    assert item
    # The sheet itself: its header from the sheet's own columns, then every row, amounts right-aligned.
    sheet_table = re.search(r'<table class="tf-sheet-rows">(.*?)</table>', item.group(1), re.S)
    assert sheet_table
    header = '<thead><tr><th>单元</th><th>所属月份</th><th class="num">金额（元）</th></tr></thead>'
    assert header in sheet_table.group(1)
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td class=\"num\">([^<]*)</td></tr>", sheet_table.group(1))
    assert cells == [(row["unit"], row["period"], f"{Decimal(row['amount']):,.2f}") for row in rows]


def test_a_fee_sheet_shows_its_periods_and_sums_this_months_fees_arrears_and_prepayments(
        examples_site: Path) -> None:
    sheet = "2026/01/2026-0017-fees.csv"  # hetang-court: this month's fees, back payments and a year paid ahead
    with (PROJECT / "ledgers" / "hetang-court" / "vouchers" / sheet).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    html = page(examples_site, "hetang-court/2026/01")
    item = re.search(r'<tbody id="2026-0017">(.*?)</tbody>', html, re.S)
    assert item
    kinds = dict(re.findall(r'<tr><th>([^（<]*)（\d+ 笔）<span class="tf-sheet-counts">.*?</span></th>'
                            r'<td class="num">([^<]*)</td></tr>', item.group(1)))

    def total(rows_of_kind: list[dict[str, str]]) -> str:
        return f"{sum((Decimal(row['amount']) for row in rows_of_kind), Decimal(0)):,.2f}"

    assert kinds == {"当月物业费": total([r for r in rows if r["period"] == "2026-01"]),
                     "补缴往月": total([r for r in rows if r["period"] < "2026-01"]),
                     "预缴": total([r for r in rows if ".." in r["period"]])}


MULTI = """\
2026-03-02 * "示例公司" "保洁与维修"
  voucher: "2026-0002"
  evidence: "r.pdf"
  Expenses:Cleaning          300.00 CNY
  Expenses:Repairs           250.00 CNY
  Expenses:Repairs:Elevator  100.00 CNY
  Liabilities:Deposits      -150.00 CNY
  Assets:Bank:Fund

2026-03-03 * "示例保洁公司" "保洁"
  voucher: "2026-0003"
  Expenses:Cleaning          120.00 CNY
  Assets:Bank:Fund
"""


def test_an_item_in_several_categories_is_under_each_and_anchored_once(repo: Repo, tmp_path: Path) -> None:
    repo.write("ledgers/test/accounts.beancount", (repo.compound / "accounts.beancount").read_text() + """
2025-01-01 open Liabilities:Deposits CNY
  name: "押金"
  name_en: "Deposits held"
  liability: TRUE
""")
    repo.voucher_file("r.pdf")
    repo.journal(MULTI)
    repo.journal("""\
2026-04-02 * "示例电梯公司" "电梯小修"
  voucher: "2026-0004"
  Expenses:Repairs:Elevator  80.00 CNY
  Assets:Bank:Fund
""", month="2026/04")
    assert build(repo.root, tmp_path / "zh") == 0
    html = page(tmp_path / "zh", "test/2026/03")
    groups = {account: (count, subtotal, entries) for account, _, count, subtotal, entries in groups_of(html)}
    assert groups == {"Expenses:Cleaning": (2, Decimal("420.00"), [("2026-0002", True, Decimal("300.00")),
                                                                   ("2026-0003", True, Decimal("120.00"))]),
                      "Expenses:Repairs": (1, Decimal("250.00"), [("2026-0002", False, Decimal("250.00"))]),
                      "Expenses:Repairs:Elevator": (1, Decimal("100.00"), [("2026-0002", False, Decimal("100.00"))]),
                      "Liabilities:Deposits": (1, Decimal("150.00"), [("2026-0002", False, Decimal("150.00"))])}
    # One 质询 button an item (0002, 0003), where it is in full: its row's id is the voucher the panel quotes.
    assert html.count('id="2026-0002"') == 1 and html.count('href="#ask">质询</a>') == 2
    assert html.count("同一笔，详见“保洁费”") == 3  # the other appearances say where the item is in full
    anchored = re.search(r'<tbody id="2026-0002">(.*?)</tbody>', html, re.S)
    assert anchored and re.findall(r"<li>([^<]*) <span", anchored.group(1)) == ["保洁费", "维修费", "电梯维修", "押金"]
    assert 'href="#ask">质询</a>' in anchored.group(1)
    assert "<h2 class=\"tf-cat-section\">其他收付（押金、预收款等）</h2>" in html
    # A budget line's link lands even in a month when only its sub-account was spent on.
    april = page(tmp_path / "zh", "test/2026/04")
    assert april.count('id="cat-Expenses-Repairs"') == 1 and 'id="cat-Expenses-Repairs-Elevator"' in april
    assert april.index('id="cat-Expenses-Repairs"') < april.index('id="cat-Expenses-Repairs-Elevator"')
    # The English site says the same in English.
    assert build(repo.root, tmp_path / "en", language="en") == 0
    english = page(tmp_path / "en", "test/2026/03")
    assert "This month by category" in english and "Every item by date (2)" in english
    assert english.count("the same item, shown in full under “Cleaning”") == 3


# At 360 px, in real Chromium


@pytest.fixture(scope="module")
def site_url(examples_site: Path) -> Iterator[str]:
    with serve(examples_site) as url:
        yield url


CLIPPED = """(width) => [...document.querySelectorAll('.md-content .num')]
  .filter(e => e.getClientRects().length)
  .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > width + 0.5
               || e.getBoundingClientRect().left < -0.5)
  .map(e => `${e.textContent.trim()} ${Math.round(e.getBoundingClientRect().left)}..`
             + `${Math.round(e.getBoundingClientRect().right)}`)"""

TARGETS = """() => [...document.querySelectorAll(
    '.tf-cat-index a, details.tf-by-date > summary, .tf-dated a, .tf-items details > summary, a.tf-sheet-file,'
    + ' .tf-items td:first-child > a, h3.tf-cat-head a, h3.tf-cat-head:has(a)')]
  .filter(e => e.getClientRects().length)
  .map(e => { const r = e.getBoundingClientRect();
              return {what: `${e.tagName} ${e.className} ${e.textContent.trim().slice(0, 20)}`,
                      w: r.width, h: r.height}; })"""


def open_every_sheet(page: Page) -> None:
    page.evaluate("() => document.querySelectorAll('.md-content details').forEach(d => { d.open = true; })")


def biggest_months(site: Path, count: int) -> list[str]:
    pages = sorted(site.glob("*/[0-9][0-9][0-9][0-9]/[0-9][0-9]/index.html"), key=lambda p: -p.stat().st_size)
    return [p.parent.relative_to(site).as_posix() + "/" for p in pages[:count]]


def test_month_pages_fit_a_phone_with_every_sheet_open_and_every_target_big_enough(
        phone: Phone, site_url: str, examples_site: Path) -> None:
    browser_page = phone.begin("month-pages")
    paths = [*biggest_months(examples_site, 3), f"{COMPOUND}/{PARKING[0]}/"]
    problems: dict[str, Any] = {}
    for path in paths:
        browser_page.goto(f"{site_url}/{path}")
        for state in ("closed", "open"):
            if state == "open":
                open_every_sheet(browser_page)
            seen = layout(browser_page)
            if seen["content"] or seen["document"] > WIDTH or seen["viewport"] != WIDTH:
                problems[f"{path} {state}: wider than the screen"] = seen
            if clipped := browser_page.evaluate(CLIPPED, WIDTH):
                problems[f"{path} {state}: amounts clipped or off-screen"] = clipped
            small = [t for t in browser_page.evaluate(TARGETS) if t["w"] < TAP or t["h"] < TAP]
            if small:
                problems[f"{path} {state}: tap targets under {TAP} px"] = small
        phone.screenshot(browser_page, path.strip("/").replace("/", "-"), full_page=False)
    assert problems == {}
    assert phone.foreign() == [] and phone.errors == []


def test_a_category_row_leads_to_its_heading_and_items(phone: Phone, site_url: str) -> None:
    month_url = f"{site_url}/{COMPOUND}/{PARKING[0]}/"
    browser_page = phone.begin("category")
    browser_page.goto(month_url)
    row = browser_page.locator(".tf-cat-index a[href='#cat-Income-Parking']")
    big_enough(row, "the month's 停车费 row")
    box = row.bounding_box()
    assert box and box["width"] >= WIDTH * 0.8  # the whole row is the target, not only its name
    row.tap()
    browser_page.wait_for_url(f"{month_url}#cat-Income-Parking")
    state = browser_page.evaluate("""() => { const h = document.getElementById('cat-Income-Parking');
        const r = h.getBoundingClientRect(); const header = document.querySelector('.md-header');
        return {target: document.querySelector(':target') === h, top: r.top, height: r.height,
                header: header ? header.getBoundingClientRect().bottom : 0, text: h.innerText}; }""")
    assert state["target"] and state["header"] - 1 <= state["top"] < HEIGHT - 100, state
    assert "停车费" in state["text"] and re.search(r"\d+ 笔", state["text"]), state
    # The sheet under the parking item opens with one tap and says how it adds up.
    item = browser_page.locator(f"tbody[id='{PARKING[1]}']")
    summary = item.locator("details > summary")
    big_enough(summary, "the detail sheet's summary")
    summary.tap()
    kinds = item.locator("table.tf-sheet-kinds")
    kinds.wait_for(state="visible")
    assert "44 × 200.00" in kinds.inner_text().replace("\u00a0", " ")
    phone.screenshot(browser_page, "parking-sheet-open", full_page=False)
    # The list by date: a voucher's link leads to the item in its category.
    browser_page.locator("details.tf-by-date > summary").tap()
    link = browser_page.locator(f".tf-dated a[href='#{PARKING[1]}']")
    big_enough(link, "a voucher in the list by date")
    link.tap()
    browser_page.wait_for_url(f"{month_url}#{PARKING[1]}")
    test_browser.assert_row_is_the_target(browser_page, PARKING[1])
    assert phone.foreign() == [] and phone.errors == []
