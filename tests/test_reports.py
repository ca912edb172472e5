"""Issue 11: the notice-board reports, printed by real Chromium and checked against Beancount's own sums.

The example compounds are built by ``trustfund build`` (with the example queries snapshot, so every report
carries its fullest sheet) from a copy of the repository's books, budgets, notices, ``mkdocs.yml`` (whose
``site_url`` the QR codes point at) and ``site_src/``; the copy leaves out any Beancount cache a tool may
have left in the working tree. A synthetic compound (``benchmarks/synth.py``: 3,000 items a month) is cut to
its first two months and built the same way. Both sites are served from 127.0.0.1 and printed by the
system's Chromium under Playwright (never Playwright's own download), one browser for the module:

1. every month's report of both compounds, and the synthetic month's, prints on exactly one A4 sheet, with
   every figure of the page on it;
2. the QR code on each printed sheet decodes to that month page's absolute address;
3. on paper the report's text is at least 12 pt (16 CSS px), the small print named in ``SMALL_PRINT`` aside;
4. every figure on each example month's report equals what Beancount itself sums for that month
   (beanquery over entries loaded in-process, cache off): fund balances, income by account, each budget
   line's month and year to date against its cap, spending outside the budget, the trustee's remuneration
   against its limit, the bank balance assertion, and the ten largest items;
5. each example year page prints every amount of its categories × months table, and each year report
   prints every budget line's cap and spending (also checked against Beancount) and a QR code to its year;
6. at 360 × 740 px an owner reads each report without scrolling sideways, and each month page links to it.

Without Chromium or Playwright the browser tests skip, except under CI (``$CI`` set), where they fail.
"""

from __future__ import annotations

import calendar
import datetime
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from beancount import loader
from beancount.core import data

from tests.conftest import EXAMPLES, PROJECT
from tests.html_tree import Node
from tests.html_tree import read as tree  # a built page, as a tree of elements
from tests.test_browser import CHROMIUM_FLAGS, chromium_path, serve, unavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

SITE_URL: str = yaml.safe_load((PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
A4 = (595.28, 841.89)  # points
CSS_PX_12PT = 16.0  # 12 pt = 16 CSS px
PHONE = (360, 740)
SYNTHETIC = "bench"
SYNTHETIC_MONTH = (2021, 1)
SYNTHETIC_ITEMS = 3000
CENT = Decimal("0.01")
ZERO = Decimal(0)
MONEY = re.compile(r"−?\d{1,3}(?:,\d{3})*\.\d{2}")
# The report's small print, under 12 pt on paper: the provenance line, the QR code's caption, the printed
# address, the "as of" notes under the collection and query rates, and the word "limit" beside the trustee's
# limit. Listed, not silently exempt: test_report_text_is_at_least_12_pt_on_paper names any other element
# under 12 pt, and holds these to 10 pt.
SMALL_PRINT = (".tf-report-meta", ".tf-report-qr figcaption", ".tf-report-url", ".tf-report-rates small",
               ".tf-report-lines small")
SMALL_PRINT_FLOOR = 13.3  # 10 pt in CSS px
# The report's labels (generator/site/words.py, in Chinese).
OPENING, INCOME, SPENDING, OTHER = "月初余额", "＋ 收入", "－ 支出", "± 其他收付（押金、预收款等）"
CLOSING, BANK, TOTAL = "月末余额", "银行对账余额", "合计"
UNBUDGETED, TRUSTEE, SPENDING_TOTAL = "预算外支出", "受托人酬金", "本月支出合计"

Month = tuple[int, int]


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("−", "-"))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def month_bounds(month: Month) -> tuple[datetime.date, datetime.date, datetime.date]:
    """The month's first and last day, and the first of the next month."""
    year, number_ = month
    last = datetime.date(year, number_, calendar.monthrange(year, number_)[1])
    return datetime.date(year, number_, 1), last, last + datetime.timedelta(days=1)


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    found: dict[str, Any] = yaml.safe_load(text.split("---", 2)[1])
    return found


def covers(line: str, account: str) -> bool:
    return account == line or account.startswith(line + ":")


@dataclass
class Row:
    label: str
    cells: list[str]  # every <td>'s text, stripped

    @property
    def figures(self) -> list[Decimal]:
        """The row's amounts, in order (a bank balance's tick aside)."""
        found = (cell.removesuffix("✓").strip() for cell in self.cells)
        return [number(cell) for cell in found if MONEY.fullmatch(cell)]


def rows(table: Node, part: str = "tbody") -> list[Row]:
    found = []
    for section in table.all(part):
        for tr in section.all("tr"):
            heads = tr.all("th")
            found.append(Row(heads[0].text().strip() if heads else "", [td.text().strip() for td in tr.all("td")]))
    return found


def figures_in(node: Node) -> Counter[str]:
    """Every amount in the node's text, unsigned (a PDF's text may spell a minus sign otherwise)."""
    return Counter(found.lstrip("−") for found in MONEY.findall(node.text()))


def figures_in_text(text: str) -> Counter[str]:
    return Counter(found.lstrip("−") for found in MONEY.findall(text))


# The books, as Beancount sums them


@dataclass(frozen=True)
class Item:
    income: Decimal
    spending: Decimal
    fund: Decimal  # what came into the fund (negative: went out)

    @property
    def size(self) -> Decimal:
        return max(self.income, self.spending, abs(self.fund))

    @property
    def shown(self) -> tuple[str, Decimal]:
        """As the report prints it: income or spending, whichever is larger, or else what moved in or out of the
        fund (an opening balance, a deposit)."""
        if self.income or self.spending:
            return ("＋", self.income) if self.income > self.spending else ("－", self.spending)
        return ("＋", self.fund) if self.fund > 0 else ("－", -self.fund)


@dataclass
class Expected:
    """One month's report, figure by figure, from Beancount's own sums."""

    fund: list[tuple[str, Decimal]]
    bank: Decimal | None
    income: list[tuple[str, Decimal]]  # display name, amount: largest first
    income_total: Decimal
    lines: list[tuple[str, list[Decimal]]]  # display name, [month, to date, cap (or limit)]
    shares: dict[str, str]  # budget line's display name → its share of the cap, as printed
    spending_total: Decimal
    spending_to_date: Decimal
    remuneration_other_years: tuple[Decimal, Decimal]  # booked for another year: this month, to date
    items: dict[str, Item]  # voucher → the month's item


class Books:
    """A compound's books loaded by Beancount (cache off), asked through beanquery."""

    def __init__(self, root: Path, cid: str) -> None:
        import beanquery

        loader.initialize(use_cache=False)
        self.entries, errors, self.options = loader.load_file(str(root / "ledgers" / cid / "main.beancount"))
        assert errors == [], errors
        self.connection = beanquery.connect("beancount:", entries=self.entries, errors=[], options=self.options)
        self.root, self.cid = root, cid
        profile = yaml.safe_load((root / "ledgers" / cid / "compound.yaml").read_text(encoding="utf-8"))
        self.currency: str = profile.get("currency", "CNY")
        fund = profile["accounts"]["fund"]
        self.fund: list[str] = [fund] if isinstance(fund, str) else list(fund)
        self.fee_account: str = profile["accounts"]["trustee_fee"]
        self.names = {entry.account: entry.meta["name"] for entry in self.entries if isinstance(entry, data.Open)}
        self.notices = {path.stem: front_matter(path) for path in (root / "notices" / cid).glob("*.md")}
        self.budgets = {int(path.stem): yaml.safe_load(path.read_text(encoding="utf-8"))
                        for path in (root / "budgets" / cid).glob("*.yaml")}
        self.transactions = [entry for entry in self.entries if isinstance(entry, data.Transaction)]
        self.months: list[Month] = sorted({(entry.date.year, entry.date.month) for entry in self.transactions})
        # Two questions to beanquery (each costs a quarter of a second to parse): every account's sum in each month,
        # and every booking of the trustee's fee with the year it is for.
        self.monthly: dict[Month, dict[str, Decimal]] = {}
        for year, month, account, amount in self.query(
                f"SELECT year, month, account, sum(number) WHERE currency = '{self.currency}' "
                "GROUP BY year, month, account"):
            self.monthly.setdefault((year, month), {})[account] = Decimal(amount)
        self.fees_booked: list[tuple[datetime.date, Decimal, str | None]] = self.query(
            f"SELECT date, number, entry_meta('period') WHERE account ~ '^{re.escape(self.fee_account)}(:|$)' "
            f"AND currency = '{self.currency}'")

    def query(self, bql: str) -> list[tuple[Any, ...]]:
        return list(self.connection.execute(bql).fetchall())

    def by_account(self, accounts: str, start: datetime.date | None, end: datetime.date) -> dict[str, Decimal]:
        """Beancount's sums per account matching the regular expression, from the month starting at start (or the
        beginning) to before the month starting at end."""
        assert (start is None or start.day == 1) and end.day == 1
        pattern, found = re.compile(accounts), dict[str, Decimal]()
        for (year, month), sums in self.monthly.items():
            if (start is None or datetime.date(year, month, 1) >= start) and datetime.date(year, month, 1) < end:
                for account, amount in sums.items():
                    if pattern.search(account):
                        found[account] = found.get(account, ZERO) + amount
        return {account: amount for account, amount in found.items() if amount}

    def total(self, accounts: str, start: datetime.date | None, end: datetime.date) -> Decimal:
        return sum(self.by_account(accounts, start, end).values(), ZERO)

    def fund_pattern(self) -> str:
        return "^(" + "|".join(re.escape(account) for account in self.fund) + ")(:|$)"

    def remuneration(self, year: int, start: datetime.date, end: datetime.date) -> tuple[Decimal, Decimal]:
        """Booked to the trustee's fee from start to before end: for ``year``, and for any other year."""
        this_year, other = ZERO, ZERO
        for day, amount, period in self.fees_booked:
            if start <= day < end:
                if (int(period) if period is not None else year) == year:
                    this_year += amount
                else:
                    other += amount
        return this_year, other

    def effective(self, slug: str) -> datetime.date | None:
        """The date of a passed vote, from its notice."""
        notice = self.notices.get(slug)
        if notice is None or notice.get("result") != "passed":
            return None
        day = notice["date"]
        assert isinstance(day, datetime.date)
        return day

    def cap(self, budget: dict[str, Any], line: str, on: datetime.date) -> Decimal:
        cap = Decimal(str(budget["lines"][line]))
        for amendment in budget.get("amendments") or []:
            effective = self.effective(amendment["approved_by"])
            if effective is not None and effective <= on and line in amendment["lines"]:
                cap += Decimal(str(amendment["lines"][line]))
        return cap

    def limit(self, terms: dict[str, Any], year: int, income: Decimal, on: datetime.date) -> Decimal:
        """Base rate × the year's income so far, and the bonus once an assessment of the year reaches its score."""
        limit = cents(Decimal(str(terms["base_rate"])) * income)
        if terms.get("bonus_rate") and any(
                notice.get("kind") == "assessment" and notice.get("year") == year
                and Decimal(str(notice["score"])) >= Decimal(str(terms["bonus_min_score"])) and notice["date"] <= on
                for notice in self.notices.values()):
            limit += cents(Decimal(str(terms["bonus_rate"])) * income)
        return limit

    def line_of(self, budget: dict[str, Any], account: str) -> str | None:
        """The most specific budget line covering an account."""
        covering = [line for line in budget["lines"] if covers(line, account)]
        return max(covering, key=len) if covering else None

    def line_totals(self, budget: dict[str, Any], spent: dict[str, Decimal]) -> tuple[dict[str, Decimal], Decimal]:
        """Spending per budget line, and what no line covers (the trustee's fee aside)."""
        totals = dict.fromkeys(budget["lines"], ZERO)
        outside = ZERO
        for account, amount in spent.items():
            line = self.line_of(budget, account)
            if line is not None:
                totals[line] += amount
            elif not covers(self.fee_account, account):
                outside += amount
        return totals, outside

    def month(self, month: Month) -> Expected:
        year = month[0]
        first, last, following = month_bounds(month)
        january = datetime.date(year, 1, 1)
        fund = self.fund_pattern()
        opening = self.total(fund, None, first)
        closing = self.total(fund, None, following)
        income = {account: -amount for account, amount in self.by_account("^Income:", first, following).items()}
        spent = self.by_account("^Expenses:", first, following)
        spent_to_date = self.by_account("^Expenses:", january, following)
        income_total, spending_total = sum(income.values(), ZERO), sum(spent.values(), ZERO)
        rows_ = [(OPENING, opening), (INCOME, income_total), (SPENDING, spending_total)]
        if closing - opening - income_total + spending_total:
            rows_.append((OTHER, closing - opening - income_total + spending_total))
        rows_.append((CLOSING, closing))
        banks = [entry.amount.number for entry in self.entries if isinstance(entry, data.Balance)
                 and entry.date == following and entry.account in self.fund and entry.amount.currency == self.currency]
        bank = banks[0] if banks else None
        if bank is not None:
            rows_.append((BANK, bank))
        budget = self.budgets[year]
        in_month, outside_month = self.line_totals(budget, spent)
        to_date, outside_to_date = self.line_totals(budget, spent_to_date)
        lines = []
        shares = {}
        for line in budget["lines"]:
            cap = self.cap(budget, line, last)
            lines.append((self.names[line], [in_month[line], to_date[line], cap]))
            share = (to_date[line] / cap * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            shares[self.names[line]] = f"{share}%"
        if outside_to_date:
            lines.append((UNBUDGETED, [outside_month, outside_to_date]))
        fee_month, other_month = self.remuneration(year, first, following)
        fee_to_date, other_to_date = self.remuneration(year, january, following)
        if budget.get("trustee"):
            income_to_date = -self.total("^Income:", january, following)
            lines.append((TRUSTEE, [fee_month, fee_to_date, self.limit(budget["trustee"], year, income_to_date, last)]))
        by_size = sorted(income.items(), key=lambda pair: (-pair[1], pair[0]))
        return Expected(rows_, bank, [(self.names[account], amount) for account, amount in by_size], income_total,
                        lines, shares, spending_total, sum(spent_to_date.values(), ZERO),
                        (other_month, other_to_date), self.items(first, following))

    def items(self, first: datetime.date, following: datetime.date) -> dict[str, Item]:
        """Every item of the month, by voucher."""
        found = {}
        fund = re.compile(self.fund_pattern())
        for entry in self.transactions:
            if not first <= entry.date < following:
                continue
            amounts = [(p.account, p.units.number) for p in entry.postings
                       if p.units is not None and p.units.number is not None and p.units.currency == self.currency]
            found[str(entry.meta["voucher"])] = Item(
                -sum((amount for account, amount in amounts if account.startswith("Income:")), ZERO),
                sum((amount for account, amount in amounts if account.startswith("Expenses:")), ZERO),
                sum((amount for account, amount in amounts if fund.match(account)), ZERO))
        return found

    def year_lines(self, year: int) -> dict[str, tuple[Decimal, Decimal]]:
        """Each budget line's display name → (its cap at the end of the year, the year's spending on it)."""
        budget = self.budgets[year]
        spent, _ = self.line_totals(budget, self.by_account("^Expenses:", datetime.date(year, 1, 1),
                                                            datetime.date(year + 1, 1, 1)))
        return {self.names[line]: (self.cap(budget, line, datetime.date(year, 12, 31)), spent[line])
                for line in budget["lines"]}


# The sites, built once for the module and served on the loopback interface


def copy_sources(root: Path) -> None:
    """The repository's books, budgets, notices and site sources, without any Beancount cache file."""
    for folder in ("ledgers", "budgets", "notices", "site_src"):
        shutil.copytree(PROJECT / folder, root / folder, ignore=shutil.ignore_patterns("*.picklecache"))
    shutil.copy2(PROJECT / "mkdocs.yml", root / "mkdocs.yml")


def build(root: Path, site: Path, *extra: str) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "build", "--site-dir", str(site),
                             *extra], capture_output=True, text=True, check=False, timeout=600, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sites")


@pytest.fixture(scope="module")
def examples_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("examples-repo")
    copy_sources(root)
    return root


@pytest.fixture(scope="module")
def examples(examples_root: Path, sites: Path) -> Path:
    """The example compounds' site, with the example queries snapshot."""
    site = sites / "examples"
    build(examples_root, site, "--queries", str(PROJECT / "examples" / "queries.json"))
    return site


@pytest.fixture(scope="module")
def books(examples_root: Path) -> dict[str, Books]:
    return {cid: Books(examples_root, cid) for cid in EXAMPLES}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, sites: Path) -> Path:
    """The synthetic compound's first two months (3,000 items each; February opens with January's balance
    assertion), built with the project's mkdocs.yml and site_src/."""
    root = tmp_path_factory.mktemp("synthetic-repo")
    result = subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "synth.py"), "--transactions",
                             str(12 * SYNTHETIC_ITEMS), "--years", "1", "--start-year", str(SYNTHETIC_MONTH[0]),
                             "--out", str(root)], capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    compound = root / "ledgers" / SYNTHETIC
    for journal in (compound / str(SYNTHETIC_MONTH[0])).glob("*.beancount"):
        if int(journal.stem) > 2:
            journal.unlink()
            shutil.rmtree(compound / "vouchers" / str(SYNTHETIC_MONTH[0]) / journal.stem, ignore_errors=True)
    shutil.copytree(PROJECT / "site_src", root / "site_src")
    shutil.copy2(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    site = sites / "synthetic"
    build(root, site)
    return site


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(sites: Path) -> Iterator[str]:
    with serve(sites) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def paper(browser: Browser) -> Iterator[Page]:
    """One tab that prints every sheet."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", service_workers="block")
    context.set_default_timeout(30_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def print_pdf(page: Page, url: str, out: Path) -> Path:
    page.goto(url)
    page.wait_for_load_state("load")
    page.pdf(path=str(out), prefer_css_page_size=True, print_background=True)
    return out


def example_months(books: dict[str, Books]) -> list[tuple[str, Month]]:
    return [(cid, month) for cid in EXAMPLES for month in books[cid].months]


def month_path(cid: str, month: Month) -> str:
    return f"{cid}/{month[0]:04d}/{month[1]:02d}/"


@pytest.fixture(scope="module")
def printed(paper: Page, served: str, examples: Path, books: dict[str, Books],
            tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, Month], Path]:
    """Every example month's report, printed to PDF."""
    out = tmp_path_factory.mktemp("printed")
    pdfs = {}
    for cid, month in example_months(books):
        assert (examples / month_path(cid, month) / "report" / "index.html").is_file(), (cid, month)
        pdfs[(cid, month)] = print_pdf(paper, f"{served}/examples/{month_path(cid, month)}report/",
                                       out / f"{cid}-{month[0]}-{month[1]:02d}.pdf")
    return pdfs


def sheets(pdf: Path) -> list[tuple[float, float]]:
    from pypdf import PdfReader

    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in PdfReader(pdf).pages]


def is_a4(size: tuple[float, float]) -> bool:
    return abs(size[0] - A4[0]) < 1 and abs(size[1] - A4[1]) < 1


def printed_text(pdf: Path) -> str:
    """The text on the paper: each page's text within its own bounds."""
    import pypdfium2  # type: ignore[import-untyped]

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return "\n".join(str(document[index].get_textpage().get_text_bounded()) for index in range(len(document)))
    finally:
        document.close()


def qr_codes(pdf: Path) -> list[str]:
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [code.text for index in range(len(document))
                for code in zxingcpp.read_barcodes(document[index].render(scale=2).to_pil())]
    finally:
        document.close()


def report_node(site: Path, cid: str, month: Month) -> Node:
    return tree(site / month_path(cid, month) / "report" / "index.html").one("div", "tf-report")


# 1, 2. One A4 sheet, every figure on it, and its QR code


def test_every_month_report_prints_on_exactly_one_a4_sheet(printed: dict[tuple[str, Month], Path]) -> None:
    assert {cid for cid, _ in printed} == set(EXAMPLES)
    wrong = {f"{cid} {month}": sizes for (cid, month), pdf in printed.items()
             if len(sizes := sheets(pdf)) != 1 or not is_a4(sizes[0])}
    assert wrong == {}, f"reports not printed on one A4 sheet (sheet sizes in pt): {wrong}"


def test_every_figure_of_each_report_is_on_its_printed_sheet(
        printed: dict[tuple[str, Month], Path], examples: Path) -> None:
    """Nothing is hidden or cut off on paper: every amount of the page (tables, largest items) is printed."""
    missing = {}
    for (cid, month), pdf in printed.items():
        on_page, on_paper = figures_in(report_node(examples, cid, month)), figures_in_text(printed_text(pdf))
        assert on_page, (cid, month)
        if lost := on_page - on_paper:
            missing[f"{cid} {month}"] = sorted(lost.elements())
    assert missing == {}, f"figures of the report missing from its printed sheet: {missing}"


def test_the_qr_code_on_each_printed_report_leads_to_its_month_page(
        printed: dict[tuple[str, Month], Path]) -> None:
    wrong = {}
    for (cid, month), pdf in printed.items():
        expected = f"{SITE_URL}{month_path(cid, month)}"
        if (decoded := qr_codes(pdf)) != [expected]:
            wrong[expected] = decoded
    assert wrong == {}, f"QR codes that do not decode to their month page: {wrong}"


def test_a_month_of_three_thousand_items_prints_its_report_on_one_sheet_with_its_qr_code(
        synthetic: Path, served: str, paper: Page, tmp_path: Path) -> None:
    path = month_path(SYNTHETIC, SYNTHETIC_MONTH)
    month_pages = [p.read_text(encoding="utf-8") for p in [synthetic / path / "index.html",
                                                            *(synthetic / path).glob("[0-9]*/index.html")]]
    assert sum(page.count('<tbody id="') for page in month_pages) >= SYNTHETIC_ITEMS  # a month in pages
    pdf = print_pdf(paper, f"{served}/synthetic/{path}report/", tmp_path / "synthetic.pdf")
    sizes = sheets(pdf)
    assert len(sizes) == 1 and is_a4(sizes[0]), sizes
    assert qr_codes(pdf) == [f"{SITE_URL}{path}"]
    lost = figures_in(report_node(synthetic, SYNTHETIC, SYNTHETIC_MONTH)) - figures_in_text(printed_text(pdf))
    assert not lost, sorted(lost.elements())


# 3. 12 pt on paper


TEXT_SIZES = """(smallPrint) => {
  const found = [];
  for (const element of document.querySelectorAll('.tf-report *')) {
    const own = [...element.childNodes].filter(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())
      .map(n => n.textContent.trim()).join(' ');
    const style = getComputedStyle(element);
    if (!own || !element.getClientRects().length || style.visibility === 'hidden') { continue; }
    const path = [];
    for (let e = element; e && !e.classList.contains('tf-report'); e = e.parentElement) {
      path.unshift(e.tagName.toLowerCase() + [...e.classList].map(c => '.' + c).join(''));
    }
    found.push({tag: element.tagName.toLowerCase(), path: path.join(' > '), text: own.slice(0, 24),
                px: parseFloat(style.fontSize), small: smallPrint.some(s => element.matches(s + ', ' + s + ' *'))});
  }
  return found;
}"""


def test_report_text_is_at_least_12_pt_on_paper(
        paper: Page, served: str, examples: Path, books: dict[str, Books]) -> None:
    under: dict[str, tuple[float, str, str]] = {}
    small_print: dict[str, float] = {}
    measured = Counter[str]()
    page = paper
    page.emulate_media(media="print")
    try:
        for cid, month in example_months(books):
            page.goto(f"{served}/examples/{month_path(cid, month)}report/")
            for element in page.evaluate(TEXT_SIZES, list(SMALL_PRINT)):
                measured[element["tag"]] += 1
                if element["small"]:
                    small_print[element["path"]] = min(element["px"], small_print.get(element["path"], 99.0))
                elif element["px"] < CSS_PX_12PT:
                    under.setdefault(element["path"], (element["px"], element["text"], f"{cid} {month}"))
    finally:
        page.emulate_media(media="null")  # with "screen" emulated, page.pdf() would print the screen's styles
    # The headings and every table's captions, heads and cells were measured, on every report.
    months = len(example_months(books))
    assert measured["h1"] == months and measured["caption"] >= 4 * months, measured
    assert measured["th"] >= 10 * months and measured["td"] >= 20 * months, measured
    assert under == {}, f"text under 12 pt (16 px) on paper, outside the listed small print: {under}"
    too_small = {path: px for path, px in small_print.items() if px < SMALL_PRINT_FLOOR}
    assert too_small == {}, f"small print under 10 pt: {too_small}"


# 4. Every figure is Beancount's own


def test_every_figure_on_each_month_report_is_beancounts_own_sum(examples: Path, books: dict[str, Books]) -> None:
    checked, banks = 0, 0
    for cid, month in example_months(books):
        where = f"{cid} {month[0]}-{month[1]:02d}"
        expected = books[cid].month(month)
        report = report_node(examples, cid, month)
        fund, income = report.all("table", "tf-report-table")[:2]
        lines = report.one("table", "tf-report-lines")

        # The fund: opening, income, spending, any other movement, closing, and the bank's balance assertion.
        assert [(row.label, row.figures) for row in rows(fund)] == \
            [(label, [amount]) for label, amount in expected.fund], where
        if expected.bank is not None:
            assert expected.bank == expected.fund[-2][1], f"{where}: the bank's balance is not the closing balance"
            [bank] = [row for row in rows(fund) if row.label == BANK]
            assert bank.cells[0].endswith("✓"), where
            banks += 1

        # Income by account, largest first, and its total.
        assert [(row.label, row.figures) for row in rows(income)] == \
            [(label, [amount]) for label, amount in expected.income], where
        assert [(row.label, row.figures) for row in rows(income, "tfoot")] == [(TOTAL, [expected.income_total])]

        # Spending by budget line this month and to date against the cap; outside the budget; the trustee.
        shown = rows(lines)
        named = {label for label, _ in expected.lines}
        assert [(row.label, row.figures) for row in shown if row.label in named] == expected.lines, where
        assert {row.label: row.cells[3] for row in shown if row.label in expected.shares} == expected.shares, where
        assert [(row.label, row.figures) for row in rows(lines, "tfoot")] == \
            [(SPENDING_TOTAL, [expected.spending_total])], where
        # Any other row shows what was booked this year as the trustee's remuneration for another year.
        others = [row.figures[:2] for row in shown if row.label not in named]
        other_totals = tuple(sum(column, ZERO) for column in zip(*others, strict=True)) or (ZERO, ZERO)
        assert other_totals == expected.remuneration_other_years, \
            f"{where}: rows beyond the budget lines, outside spending and this year's remuneration: {others}"
        # So the rows add up: this month's to the month's spending, the year's to the year's so far.
        assert sum((row.figures[0] for row in shown), ZERO) == expected.spending_total, \
            f"{where}: the spending rows do not add up to the month's spending {expected.spending_total}: " \
            f"{[(row.label, row.figures[:2]) for row in shown]}"
        assert sum((row.figures[1] for row in shown), ZERO) == expected.spending_to_date, \
            f"{where}: the spending rows do not add up to the year's spending so far {expected.spending_to_date}"

        # The ten largest items: each one's side and amount, and none left out that is larger.
        largest = rows(report.one("table", "tf-report-largest"))
        assert len(largest) == min(10, len(expected.items)), where
        for row in largest:
            voucher, amount = row.cells[0], row.cells[2]
            assert (amount[0], number(amount[1:])) == expected.items[voucher].shown, f"{where} {voucher}: {amount}"
        listed = {row.cells[0] for row in largest}
        smallest = min(expected.items[voucher].size for voucher in listed)
        left_out = {voucher: item.size for voucher, item in expected.items.items()
                    if voucher not in listed and item.size > smallest}
        assert left_out == {}, f"{where}: items larger than the smallest of the ten largest ({smallest})"
        checked += 1
    assert checked == sum(len(b.months) for b in books.values()) >= 40
    assert banks >= checked // 2, f"only {banks} of {checked} months compared with a bank balance assertion"


# 5. The year on paper


def test_each_year_page_prints_every_amount_of_its_categories_by_months_table(
        paper: Page, served: str, examples: Path, books: dict[str, Books], tmp_path: Path) -> None:
    missing = {}
    for cid in EXAMPLES:
        for year in sorted({year for year, _ in books[cid].months}):
            page = tree(examples / cid / str(year) / "index.html")
            [matrix] = [table for div in page.all("div", "tf-matrix-screen") for table in div.all("table")]
            on_screen = figures_in(matrix)
            assert len(on_screen) > 20, (cid, year)
            pdf = print_pdf(paper, f"{served}/examples/{cid}/{year}/", tmp_path / f"{cid}-{year}.pdf")
            assert all(is_a4(size) for size in sheets(pdf)), (cid, year)
            if lost := on_screen - figures_in_text(printed_text(pdf)):
                missing[f"{cid} {year}"] = sorted(lost.elements())
    assert missing == {}, f"amounts of the categories × months table missing on paper: {missing}"


def test_each_year_report_prints_every_budget_lines_cap_and_spending(
        paper: Page, served: str, examples: Path, books: dict[str, Books], tmp_path: Path) -> None:
    for cid in EXAMPLES:
        for year in sorted({year for year, _ in books[cid].months}):
            report = tree(examples / cid / str(year) / "report" / "index.html").one("div", "tf-year-report")
            shown = {}
            for row in report.one("table", "tf-budget").all("tbody")[0].all("tr"):
                cells = row.all("td")
                name = "".join(child for child in cells[0].children if isinstance(child, str)).strip()
                shown[name] = (number(cells[1].text().strip()), number(cells[2].text().strip()))
            assert shown == books[cid].year_lines(year), (cid, year)
            pdf = print_pdf(paper, f"{served}/examples/{cid}/{year}/report/", tmp_path / f"{cid}-{year}-report.pdf")
            assert all(is_a4(size) for size in sheets(pdf)), (cid, year)
            assert qr_codes(pdf) == [f"{SITE_URL}{cid}/{year}/"], (cid, year)
            on_paper = figures_in_text(printed_text(pdf))
            for name, (cap, spent) in shown.items():
                for figure in (cap, spent):
                    text = f"{figure:,.2f}".lstrip("-")
                    assert on_paper[text] >= 1, f"{cid} {year} {name}: {text} is not on the printed year report"


# 6. On a phone


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[BrowserContext]:
    width, height = PHONE
    context = browser.new_context(viewport={"width": width, "height": height},
                                  screen={"width": width, "height": height}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai", service_workers="block")
    context.set_default_timeout(30_000)
    try:
        yield context
    finally:
        context.close()


WIDTHS = """() => ({viewport: window.innerWidth, document: document.scrollingElement.scrollWidth,
  button: !!document.querySelector('button.tf-print') && !document.querySelector('button.tf-print').hidden})"""


def test_owners_read_each_report_on_a_phone_and_reach_it_from_its_month_page(
        phone: BrowserContext, served: str, examples: Path, synthetic: Path, books: dict[str, Books]) -> None:
    page = phone.new_page()
    wide, unlinked = {}, {}
    pages = [("examples", cid, month) for cid, month in example_months(books)]
    pages.append(("synthetic", SYNTHETIC, SYNTHETIC_MONTH))
    for site, cid, month in pages:
        month_url = f"{served}/{site}/{month_path(cid, month)}"
        page.goto(f"{month_url}report/")
        page.wait_for_load_state("load")
        seen = page.evaluate(WIDTHS)
        if seen["viewport"] != PHONE[0] or seen["document"] > PHONE[0] or not seen["button"]:
            wide[f"{cid} {month}"] = seen
        page.goto(month_url)
        targets = set(page.locator(".md-content a[href$='report/']").evaluate_all("links => links.map(a => a.href)"))
        if f"{month_url}report/" not in targets:
            unlinked[f"{cid} {month}"] = sorted(targets)
    page.close()
    assert wide == {}, f"reports wider than {PHONE[0]} px (or without their print button) on a phone: {wide}"
    assert unlinked == {}, f"month pages without a link to their report: {unlinked}"
