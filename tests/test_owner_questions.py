"""Six everyday questions of an elderly owner, walked from the front page of the example site on a phone.

Each question starts from the front page (``/``) in a fresh tab of the phone of ``tests/test_browser.py``
(system Chromium at 360×740 with touch, WeChat's user agent, no request leaving 127.0.0.1). The owner only
taps (``locator.tap()`` through the ``tap`` helper, which also asserts every target is at least 44×44 px)
and scrolls; the answer must then be drawn on the screen — inside the 740 px viewport below the sticky
header, not sideways off the 360 px screen, not clipped by a scrolling box, not covered by anything —
within three taps. What is on the screen is asserted as content (amounts, counts, shares), cross-checked
against the other figures of the same pages or against the ledger.

Screens scrolled: before each tap and before reading the answer the page is scrolled by the least distance
that brings the target fully on screen (as a thumb would, not Playwright's centring), and the distances
over all pages of the walk are added up and divided by the viewport's height (740 px). Jumps to a link's
``#anchor`` are the browser's and do not count. A table of taps and screens per question is printed at
the end of the module (shown with or without ``-s``); a viewport screenshot of each answer goes to the
phone's screenshot folder (``$TRUSTFUND_SCREENSHOTS`` or a temporary one, printed with the table).

The example books hold no lift repair (电梯维修) dated 2026-03 in either compound: 清水花园 has no lift
account at all, and 荷塘苑's lift repairs (``Expenses:Repairs:Elevator``) fall in 2025-03, 2025-06,
2025-08, 2025-11 and 2026-07. Question 2 therefore walks to the nearest real one, the March lift repair
of 荷塘苑 (voucher 2025-0086, 2025-03-07); see ``LIFT``.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import pytest

from tests import test_browser
from tests.test_browser import HEIGHT, PROJECT, WIDTH, Phone, tap

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

# The built example site served on 127.0.0.1, and the phone, from tests/test_browser.py (module-scoped there
# and here: one build and one Chromium for the six questions).
site_dir, base_url = test_browser.site_dir, test_browser.base_url
phone, shots, dead_end = test_browser.phone, test_browser.shots, test_browser.dead_end

COMPOUND, NAME = "qingshui-garden", "清水花园"
MAX_TAPS = 3
AMOUNT = r"−?\d{1,3}(?:,\d{3})*\.\d{2}"


@dataclass(frozen=True)
class Item:
    compound: str
    name: str
    year: str
    month: str
    voucher: str
    account: str  # its category on the month page: ``#cat-<account with - for :>``


# Question 2's item: the example has no lift repair in 2026-03 (see the module's docstring).
LIFT = Item("hetang-court", "荷塘苑", "2025", "03", "2025-0086", "Expenses:Repairs:Elevator")


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("−", "-"))


def amounts(text: str) -> list[Decimal]:
    return [money(found) for found in re.findall(AMOUNT, text)]


def ledger_amount(item: Item) -> Decimal:
    """The item's posting to its account, read from the journal file (the site must show the same)."""
    journal = (PROJECT / "ledgers" / item.compound / item.year / f"{item.month}.beancount").read_text("utf-8")
    block = next(block for block in re.split(r"\n(?=\d{4}-\d{2}-\d{2} )", journal)
                 if f'voucher: "{item.voucher}"' in block)
    posting = re.search(rf"^\s+{re.escape(item.account)}\s+(-?\d+\.\d{{2}}) CNY", block, re.M)
    assert posting, block
    return Decimal(posting.group(1))


def last_complete_month(site: Path, compound: str) -> tuple[str, str]:
    """The last month the books cover in full, from the dashboard's "截至 <date>" beside the fund balance."""
    dashboard = (site / compound / "index.html").read_text("utf-8")
    found = re.search(r"截至 (\d{4})年(\d{1,2})月(\d{1,2})日", dashboard)
    assert found, "the dashboard does not say the date of the books"
    year, month, day = (int(part) for part in found.groups())
    if day != calendar.monthrange(year, month)[1]:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return str(year), f"{month:02d}"


# Scrolling and seeing, as on the phone

REVEAL = """(el) => {
  const header = document.querySelector('.md-header');
  const top = header && ['sticky', 'fixed'].includes(getComputedStyle(header).position)
    ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  // Sideways first: every scrolling box around the element shows it, clear of a sticky first column.
  let sideways = 0;
  for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
    if (!['auto', 'scroll'].includes(getComputedStyle(box).overflowX) || box.scrollWidth <= box.clientWidth) {
      continue;
    }
    const outer = box.getBoundingClientRect(), r = el.getBoundingClientRect();
    let left = outer.left;
    const row = el.closest('tr'), first = row && row.firstElementChild;
    if (first && !first.contains(el) && getComputedStyle(first).position === 'sticky') {
      left = Math.max(left, first.getBoundingClientRect().right);
    }
    const dx = r.right > outer.right ? r.right - outer.right + 8 : (r.left < left ? r.left - left - 8 : 0);
    const before = box.scrollLeft;
    box.scrollLeft += dx;
    sideways += Math.abs(box.scrollLeft - before);
  }
  // Then down (or up) the page by the least distance that shows it whole below the header.
  const r = el.getBoundingClientRect(), h = window.innerHeight;
  let dy = 0;
  if (r.height > h - top) { dy = r.top - top; }
  else if (r.bottom > h) { dy = r.bottom - h + 8; }
  else if (r.top < top) { dy = r.top - top - 8; }
  const before = window.scrollY;
  window.scrollTo({top: before + dy, behavior: 'instant'});
  return {down: window.scrollY - before, sideways};
}"""

SEEN = """(el) => {
  const header = document.querySelector('.md-header');
  const top = header && ['sticky', 'fixed'].includes(getComputedStyle(header).position)
    ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  const name = e => `<${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className
    === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : ''}>`;
  const problems = [];
  // The element and everything drawn inside it: within the screen, below the header, and not cut off by a
  // scrolling or clipping box around it.
  for (const e of [el, ...el.querySelectorAll('*')]) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) { continue; }
    if (r.left < -0.5 || r.right > window.innerWidth + 0.5) {
      problems.push(`${name(e)} sideways off the screen: ${Math.round(r.left)}–${Math.round(r.right)} px`);
    }
    if (r.top < top - 0.5 || r.bottom > window.innerHeight + 0.5) {
      problems.push(`${name(e)} not on the screen: ${Math.round(r.top)}–${Math.round(r.bottom)} px `
                    + `(header to ${Math.round(top)} px)`);
    }
    for (let box = e.parentElement; box && box !== document.documentElement; box = box.parentElement) {
      const style = getComputedStyle(box);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') { continue; }
      const b = box.getBoundingClientRect();
      if (r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5) {
        problems.push(`${name(e)} clipped by ${name(box)}`);
      }
    }
    const style = getComputedStyle(e);
    if (style.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1) {
      problems.push(`${name(e)} cuts its own content: ${e.scrollWidth} px in ${e.clientWidth} px`);
    }
  }
  // Nothing is drawn over it: what the screen shows at its middle is the element (or something in it).
  const r = el.getBoundingClientRect();
  const x = (Math.max(r.left, 0) + Math.min(r.right, window.innerWidth)) / 2;
  const y = (Math.max(r.top, top) + Math.min(r.bottom, window.innerHeight)) / 2;
  const hit = document.elementFromPoint(x, y);
  if (!hit || !(hit === el || el.contains(hit))) { problems.push(`covered by ${hit ? name(hit) : 'nothing'}`); }
  return {problems: [...new Set(problems)], top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          header: top, scrollY: window.scrollY, width: window.innerWidth, height: window.innerHeight};
}"""


@dataclass
class Walk:
    """One question's walk: the taps made and the distance scrolled, on the pages of one tab."""

    number: int
    question: str
    page: Page
    taps: int = 0
    down: float = 0.0  # px scrolled up or down, over all pages of the walk
    sideways: float = 0.0  # px scrolled sideways inside tables
    path: list[str] = field(default_factory=list)

    @property
    def screens(self) -> float:
        return self.down / HEIGHT

    def reveal(self, target: Locator) -> float:
        """Scroll as a thumb would: the least distance that brings the target whole on screen; in screens."""
        target.wait_for(state="visible")
        moved: dict[str, float] = target.evaluate(REVEAL)
        self.down += abs(moved["down"])
        self.sideways += abs(moved["sideways"])
        return abs(moved["down"]) / HEIGHT

    def tap(self, target: Locator, what: str) -> None:
        screens = self.reveal(target)
        tap(target, what)  # asserts 44×44 px, then a touch tap
        self.taps += 1
        self.path.append(f"{what} [{screens:.2f}]")

    def see(self, answer: Locator, what: str, *, scroll: bool = True) -> str:
        """Scroll the answer into view (or not: it must be on the screen already) and assert it is drawn
        whole on the screen; its text."""
        assert answer.count() == 1, f"{what}: {answer.count()} elements match"
        screens = self.reveal(answer) if scroll else 0.0
        assert answer.is_visible(), f"{what} is hidden"
        seen: dict[str, Any] = answer.evaluate(SEEN)
        assert seen["width"] == WIDTH and seen["height"] == HEIGHT, seen
        assert seen["top"] >= 0 and seen["bottom"] <= HEIGHT, f"{what} is not inside the viewport: {seen}"
        assert seen["left"] >= 0 and seen["right"] <= WIDTH, f"{what} is clipped sideways: {seen}"
        assert seen["problems"] == [], f"{what} is not wholly visible on {self.page.url}: {seen}"
        assert self.taps <= MAX_TAPS, f"{what} took {self.taps} taps: {self.path}"
        if scroll:
            self.path.append(f"scroll to {what} [{screens:.2f}]")
        return answer.inner_text()


@dataclass
class Row:
    number: int
    question: str
    taps: int | None = None
    screens: float | None = None
    sideways: float | None = None
    path: str = ""
    outcome: str = "not run"


def pad(text: str, width: int) -> str:
    """Left-aligned in a terminal's columns (a Chinese character takes two)."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - used)


@pytest.fixture(scope="module")
def table(request: pytest.FixtureRequest, shots: Path) -> Iterator[dict[int, Row]]:
    """The taps and screens of each question, printed after the module's last test."""
    rows: dict[int, Row] = {}
    yield rows
    lines = ["", "An owner's six questions, from the front page at 360×740:",
             f"{'#':>2}  {pad('question', 34)}{'taps':>5}{'screens':>9}{'sideways':>10}  outcome",
             "-" * 90]
    for number in sorted(rows):
        row = rows[number]
        taps = "—" if row.taps is None else str(row.taps)
        screens = "—" if row.screens is None else f"{row.screens:.2f}"
        sideways = "—" if row.sideways is None else f"{row.sideways:.0f} px"
        lines.append(f"{number:>2}  {pad(row.question, 34)}{taps:>5}{screens:>9}{sideways:>10}  {row.outcome}")
        lines.append(f"{'':>4}walk [screens]: {row.path or '—'}")
    lines.append(f"screenshots of the answers: {shots}")
    capture: Any = request.config.pluginmanager.getplugin("capturemanager")
    context = capture.global_and_fixture_disabled() if capture else None
    if context is None:
        print("\n".join(lines))
    else:
        with context:
            print("\n".join(lines))


@pytest.fixture
def walk(request: pytest.FixtureRequest, phone: Phone, base_url: str, table: dict[int, Row]) -> Iterator[Walk]:
    """A fresh tab on the front page; the question's row in the table, whatever the outcome."""
    number, question = request.param
    page = phone.begin(f"q{number}")
    page.goto(f"{base_url}/")
    page.wait_for_load_state("load")
    current = Walk(number, question, page)
    row = table[number] = Row(number, question)
    failed = request.session.testsfailed
    try:
        yield current
    finally:
        row.taps, row.screens, row.sideways = current.taps, current.screens, current.sideways
        row.path = " → ".join(current.path)
        row.outcome = "answered" if request.session.testsfailed == failed else "FAILED (see the test's report)"
        page.close()


def arrive(walk: Walk, url: str) -> None:
    walk.page.wait_for_url(url)
    walk.page.wait_for_load_state("load")


def front_page_compound(walk: Walk, base_url: str, compound: str, name: str) -> None:
    """Tap 1: the compound's row on the front page."""
    link = walk.page.locator(f".md-content .tf-table a[href='{compound}/']")
    assert link.inner_text() == name
    walk.tap(link, f"{name} on the front page")
    arrive(walk, f"{base_url}/{compound}/")


def card(page: Page, href: str) -> Locator:
    """A dashboard card by its link (the whole card is the link's tap area)."""
    return page.locator(".md-content .tf-card", has=page.locator(f".label a[href='{href}']"))


def anchor(account: str) -> str:
    return "cat-" + account.replace(":", "-")


def assert_no_leak(phone: Phone) -> None:
    assert phone.foreign() == [], "requests that left the site"
    assert phone.errors == [], "script errors"


# The questions

Q1 = (1, "保洁 last month: how much?")
Q2 = (2, "电梯维修 of March: amount, evidence")
Q3 = (3, "酬金 within the agreed rate?")
Q4 = (4, "停车 income: how much, from what?")
Q5 = (5, "this year's budget: share used?")
Q6 = (6, "支出 vs the budget's 已支出: why?")


@pytest.mark.parametrize("walk", [Q1], indirect=True, ids=["cleaning-last-month"])
def test_1_cleaning_spent_last_month(walk: Walk, phone: Phone, base_url: str, site_dir: Path) -> None:
    """Front page → the compound → last month's row on the dashboard → 保洁费 in the month's categories:
    the category's heading with its count and subtotal, which is the sum of its items."""
    year, month = last_complete_month(site_dir, COMPOUND)
    page = walk.page
    front_page_compound(walk, base_url, COMPOUND, NAME)
    month_link = page.locator(f".md-content .tf-table a[href='{year}/{month}/']")
    assert month_link.inner_text() == f"{year}年{int(month)}月"
    walk.tap(month_link, f"{year}年{int(month)}月 on the dashboard")
    month_url = f"{base_url}/{COMPOUND}/{year}/{month}/"
    arrive(walk, month_url)
    category = anchor("Expenses:Cleaning")
    walk.tap(page.locator(f"nav.tf-cat-index a[href='#{category}']"), "保洁费 in the month's categories")
    arrive(walk, f"{month_url}#{category}")

    heading = page.locator(f"h3.tf-cat-head#{category}")
    text = walk.see(heading, "the cleaning category's heading")
    found = re.fullmatch(rf"保洁费\s+(\d+) 笔\s+({AMOUNT})", text.strip())
    assert found, text
    count, subtotal = int(found.group(1)), money(found.group(2))
    assert subtotal > 0
    # The subtotal is the month's cleaning items added up.
    items = page.locator(f"h3#{category} + .tf-scroll table.tf-items > tbody")
    assert items.count() == count
    assert sum(money(cell) for cell in items.locator("> tr > td.num").all_inner_texts()) == subtotal
    assert page.evaluate("document.querySelector(':target') && document.querySelector(':target').id") == category
    phone.screenshot(page, "answer-cleaning-subtotal", full_page=False)
    assert_no_leak(phone)


@pytest.mark.parametrize("walk", [Q2], indirect=True, ids=["lift-repair"])
def test_2_lift_repair_amount_and_evidence(walk: Walk, phone: Phone, base_url: str) -> None:
    """Front page → 荷塘苑 → its year → the 电梯维修费 row's March amount: the month page at the lift
    category, the item's row with its amount (as in the ledger) and its evidence links on screen."""
    item, page = LIFT, walk.page
    front_page_compound(walk, base_url, item.compound, item.name)
    year_link = page.locator(".md-content ul.tf-links").first.locator(f"a[href='{item.year}/']")
    walk.tap(year_link, f"{item.year}年 on the dashboard")
    arrive(walk, f"{base_url}/{item.compound}/{item.year}/")
    row_id = "row-" + item.account.replace(":", "-")
    row = page.locator(f"table.tf-matrix tr#{row_id}")
    assert row.locator("td").first.inner_text() == "电梯维修费"
    category = anchor(item.account)
    walk.tap(row.locator(f"a[href='{item.month}/#{category}']"), f"电梯维修费 in {int(item.month)}月 on the year page")
    month_url = f"{base_url}/{item.compound}/{item.year}/{item.month}/"
    arrive(walk, f"{month_url}#{category}")

    entry = page.locator(f"tbody[id='{item.voucher}'] > tr")
    text = walk.see(entry, "the lift repair's row")
    assert "电梯" in text and "维修" in text, text
    assert item.voucher in text
    expected = ledger_amount(item)
    assert money(entry.locator("td.num").inner_text()) == expected, (entry.locator("td.num").inner_text(), expected)
    evidence = entry.locator("a.tf-ev")
    assert evidence.count() >= 1, text
    for link in evidence.all():
        href = link.get_attribute("href") or ""
        target = urljoin(page.url, href)
        vouchers = f"{base_url}/{item.compound}/vouchers/{item.year}/{item.month}/"
        assert target.startswith(f"{vouchers}{item.voucher}-"), target
        assert page.request.get(target).ok, target
        # Labelled by its kind and format (发票（PDF）), its preview inside the link.
        assert re.fullmatch(r"(发票|合同|照片|收据|清单|凭证)\d*（(PDF|图片)）", link.inner_text()), link.inner_text()
        assert link.locator("img[loading=lazy]").count() == 1
    # The category heading above it carries the same amount (one item in the month).
    heading = page.locator(f"h3.tf-cat-head#{category}").inner_text()
    assert "电梯维修费" in heading and money(re.findall(AMOUNT, heading)[-1]) >= expected, heading
    phone.screenshot(page, "answer-lift-repair", full_page=False)
    assert_no_leak(phone)


@pytest.mark.parametrize("walk", [Q3], indirect=True, ids=["trustee-fee"])
def test_3_trustee_fee_within_the_agreed_rate(walk: Walk, phone: Phone, base_url: str, site_dir: Path) -> None:
    """Front page → the compound → the dashboard's 受托人酬金 card: the budget page's statement with its
    one-sentence verdict, whose amounts are those of the statement below it."""
    year, _ = last_complete_month(site_dir, COMPOUND)
    page = walk.page
    front_page_compound(walk, base_url, COMPOUND, NAME)
    fee_card = card(page, f"budget/{year}/#trustee")
    walk.tap(fee_card.locator(".label a"), "the dashboard's 受托人酬金 card")
    arrive(walk, f"{base_url}/{COMPOUND}/budget/{year}/#trustee")

    verdict = page.locator(".md-content p.tf-verdict")
    text = walk.see(verdict, "the remuneration verdict")
    found = re.search(rf"已计提 ({AMOUNT}) 元，(不超过|超过)约定上限 ({AMOUNT}) 元", text)
    assert found, text
    booked, within, limit = money(found.group(1)), found.group(2) == "不超过", money(found.group(3))
    assert within == (booked <= limit), text
    assert re.search(r"（\d+(?:\.\d+)?%(?: \+ \d+(?:\.\d+)?%)?）", text), f"no agreed rate in {text!r}"
    assert ("tf-ok" if within else "tf-bad") in (verdict.get_attribute("class") or "").split()
    statement = page.locator(".md-content table.tf-table", has=page.locator("th", has_text="已计提酬金"))
    figures = dict(zip(statement.locator("tbody th").all_inner_texts(),
                       statement.locator("tbody td.num").all_inner_texts(), strict=True))
    assert money(figures["已计提酬金"]) == booked and money(figures["可计提酬金"]) == limit, figures
    phone.screenshot(page, "answer-trustee-verdict", full_page=False)
    assert_no_leak(phone)


@pytest.mark.parametrize("walk", [Q4], indirect=True, ids=["parking-income"])
def test_4_parking_income_and_where_from(walk: Walk, phone: Phone, base_url: str, site_dir: Path) -> None:
    """Front page → the compound → last month → the parking item's detail sheet opened: the sheet's header,
    each kind with its count and subtotal, and the total, which is the item's amount and the category's."""
    year, month = last_complete_month(site_dir, COMPOUND)
    page = walk.page
    front_page_compound(walk, base_url, COMPOUND, NAME)
    month_link = page.locator(f".md-content .tf-table a[href='{year}/{month}/']")
    walk.tap(month_link, f"{year}年{int(month)}月 on the dashboard")
    arrive(walk, f"{base_url}/{COMPOUND}/{year}/{month}/")
    category = anchor("Income:Parking")
    heading = page.locator(f"h3.tf-cat-head#{category}")
    head = re.fullmatch(rf"停车费\s+(\d+) 笔\s+({AMOUNT})", heading.inner_text().strip())
    assert head, heading.inner_text()
    items = page.locator(f"h3#{category} + .tf-scroll table.tf-items > tbody")
    assert items.count() == int(head.group(1)) >= 1
    sheet = items.first.locator("details")
    summary = sheet.locator("> summary")
    assert re.fullmatch(rf"明细表：\d+ 笔，合计 {AMOUNT} 元", summary.inner_text().strip()), summary.inner_text()
    walk.tap(summary, "the parking item's 明细表")
    assert sheet.get_attribute("open") is not None

    kinds = sheet.locator("table.tf-sheet-kinds")
    walk.see(kinds, "the parking sheet's kinds")
    header = kinds.locator("thead th").all_inner_texts()
    assert header == ["类别：笔数 × 金额", "小计"], header
    total_row = kinds.locator("tr.tf-total")
    total = re.fullmatch(rf"合计 (\d+) 笔\s+({AMOUNT})", total_row.inner_text().strip())
    assert total, total_row.inner_text()
    rows = kinds.locator("tr:not(.tf-total):has(td)")
    assert rows.count() >= 2
    count, subtotal = 0, Decimal(0)
    for kind in rows.all():
        text = kind.inner_text()
        found = re.fullmatch(rf"(\S.*?)（(\d+) 笔）\s+\d+ × {AMOUNT}(?:，\d+ × {AMOUNT})*\s+({AMOUNT})",
                             text.replace("\xa0", " ").strip(), re.S)
        assert found, text
        count, subtotal = count + int(found.group(2)), subtotal + money(found.group(3))
    assert (count, subtotal) == (int(total.group(1)), money(total.group(2)))
    # The sheet adds up to the item's amount, on the same screen.
    amount = items.first.locator("> tr > td.num")
    walk.see(amount, "the parking item's amount beside its sheet", scroll=False)
    assert money(amount.inner_text()) == subtotal
    if int(head.group(1)) == 1:
        assert money(head.group(2)) == subtotal
    phone.screenshot(page, "answer-parking-sheet", full_page=False)
    assert_no_leak(phone)


@pytest.mark.parametrize("walk", [Q5], indirect=True, ids=["budget-used"])
def test_5_share_of_this_years_budget_used(walk: Walk, phone: Phone, base_url: str, site_dir: Path) -> None:
    """Front page → the compound: the dashboard's 预算使用 card, the share and the "N of 12 months" words."""
    year, month = last_complete_month(site_dir, COMPOUND)
    page = walk.page
    front_page_compound(walk, base_url, COMPOUND, NAME)
    used = card(page, f"budget/{year}/")
    text = walk.see(used, "the budget-used card")
    share = re.search(r"(\d+(?:\.\d)?)%", used.locator(".value").inner_text())
    assert share, text
    spent_cap = re.search(rf"({AMOUNT}) / ({AMOUNT})", text)
    assert spent_cap, text
    spent, cap = money(spent_cap.group(1)), money(spent_cap.group(2))
    assert abs(Decimal(share.group(1)) - spent / cap * 100) <= Decimal("0.05"), (share.group(1), spent, cap)
    months = re.search(r"账目已记到\s*(\d{1,2})\s*月（全年\s*12\s*个月）", text)
    assert months, f"no 'N of 12 months' words in {text!r}"
    assert int(months.group(1)) >= int(month), (months.group(1), month)
    phone.screenshot(page, "answer-budget-used", full_page=False)
    assert_no_leak(phone)


@pytest.mark.parametrize("walk", [Q6], indirect=True, ids=["spending-vs-budget"])
def test_6_why_spending_differs_from_the_budgets_spent(walk: Walk, phone: Phone, base_url: str,
                                                      site_dir: Path) -> None:
    """Front page → the compound (its 支出 card) → the 预算使用 card: the budget page's one-line
    explanation, on screen with the table's total 已支出, naming both figures and the remuneration."""
    year, _ = last_complete_month(site_dir, COMPOUND)
    page = walk.page
    front_page_compound(walk, base_url, COMPOUND, NAME)
    spending_card = page.locator(".md-content .tf-card", has=page.locator(".label a", has_text=f"{year}年支出"))
    spending = money(spending_card.locator(".value").inner_text())
    fee = re.search(rf"含受托人酬金 ({AMOUNT})", spending_card.inner_text())
    walk.tap(card(page, f"budget/{year}/").locator(".label a"), "the dashboard's 预算使用 card")
    arrive(walk, f"{base_url}/{COMPOUND}/budget/{year}/")

    explain = page.locator(".md-content p.tf-explain")
    text = walk.see(explain, "the explanation")
    total_spent_cell = page.locator(".md-content table.tf-budget > tfoot td[data-label='已支出']")
    in_budget = money(total_spent_cell.inner_text())
    assert spending != in_budget
    assert {spending, in_budget} <= set(amounts(text)), (text, spending, in_budget)
    if fee:
        assert money(fee.group(1)) in amounts(text), text
    assert "受托人酬金" in text, text
    # Beside the two figures: the budget's total 已支出 is on the same screen as the explanation.
    walk.see(total_spent_cell, "the budget's total 已支出 beside the explanation", scroll=False)
    phone.screenshot(page, "answer-spending-explained", full_page=False)
    assert_no_leak(phone)
