"""The public site, built for real (trustfund build → MkDocs → material) and read back as HTML."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from collections import defaultdict
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from beanquery import query

from generator.cli import main
from tests.conftest import PROFILE, Repo, example_books

PROJECT = Path(__file__).resolve().parent.parent
AMOUNT = re.compile(r"^−?\d{1,3}(,\d{3})*\.\d{2}( [A-Z][A-Z0-9'._-]*)?$")


def build(root: Path, site: Path, language: str = "zh", repo_url: str | None = None) -> int:
    """``trustfund build`` on a repository, with the project's mkdocs.yml and site_src/."""
    if not (root / "site_src").exists():
        shutil.copytree(PROJECT / "site_src", root / "site_src")
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8").replace("language: zh", f"language: {language}")
    config = re.sub(r"(?m)^repo_url:.*$", f"repo_url: {repo_url}" if repo_url else "", config)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return main(["--root", str(root), "build", "--site-dir", str(site)])


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def cards(html: str) -> dict[str, str]:
    return dict(re.findall(r'<div class="label">([^<]*)</div><div class="value">([^<]*)</div>', html))


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("−", "-"))


class Elements(HTMLParser):
    """Every element, attribute and script text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("example") / "site"
    assert main(["--root", str(PROJECT), "build", "--site-dir", str(site)]) == 0
    return site


def test_every_page_of_the_site_map_is_built(example_site: Path) -> None:
    for compound in ("qingshui-garden", "hetang-court"):
        for path in ("", "2025", "2026", "2025/01", "2026/10", "budget/2025", "budget/2026", "notices", "data",
                     "search"):
            assert (example_site / compound / path / "index.html").is_file(), (compound, path)
        for year in (2025, 2026):
            assert (example_site / compound / "data" / f"transactions-{year}.zip").is_file()
            assert (example_site / compound / "data" / f"ledger-{year}.zip").is_file()
        # Each download stored once, compressed: no JSON copy of the rows, no plain CSV or ledger file beside it.
        assert sorted(path.name for path in (example_site / compound / "data").iterdir()) == [
            "index.html", "ledger-2025.zip", "ledger-2026.zip", "ledger.zip", "transactions-2025.zip",
            "transactions-2026.zip"]
        assert (example_site / compound / "search" / "2026-01.json").is_file()
        assert (example_site / compound / "search" / "terms-0.json").is_file()
        notices = list((example_site / compound / "notices").glob("*/index.html"))
        assert len(notices) == len(list((PROJECT / "notices" / compound).glob("*.md")))
    index = page(example_site, "")
    assert "清水花园" in index and "荷塘苑" in index
    assert not list((PROJECT / "site_src").rglob("qingshui-garden*")), "nothing generated goes into site_src/"


def test_month_year_and_budget_totals_equal_beancounts_own_sums(example_site: Path) -> None:
    for compound in ("qingshui-garden", "hetang-court"):
        entries, errors, options = example_books(compound)
        assert errors == []
        _, rows = query.run_query(entries, options, """
            SELECT year, month, root(account, 1) AS kind, sum(number) AS total
            WHERE currency = 'CNY' AND (account ~ '^Income:' OR account ~ '^Expenses:')
            GROUP BY year, month, kind""")
        sums: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for year, month, kind, total in rows:
            sums[(year, month)][kind] = total
        years: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for (year, month), kinds in sums.items():
            shown = cards(page(example_site, f"{compound}/{year}/{month:02d}"))
            assert number(shown["收入"]) == -kinds["Income"], (compound, year, month)
            assert number(shown["支出"]) == kinds["Expenses"], (compound, year, month)
            years[year]["Income"] += -kinds["Income"]
            years[year]["Expenses"] += kinds["Expenses"]
        for year, kinds in years.items():
            html = page(example_site, f"{compound}/{year}")
            assert number(cards(html)["收入"]) == kinds["Income"]
            assert number(cards(html)["支出"]) == kinds["Expenses"]
            footer = re.search(r"<tfoot><tr><th>合计</th>(.*?)</tr></tfoot>", html)
            assert footer is not None
            income, spending, _ = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)</td>', footer.group(1))
            assert (number(income), number(spending)) == (kinds["Income"], kinds["Expenses"])
            budget_html = page(example_site, f"{compound}/budget/{year}")
            lines = re.findall(r'<tr id="(Expenses-[\w-]+)"><td>.*?</td><td class="num[^"]*"[^>]*>([^<]*)</td>'
                               r'<td class="num[^"]*"[^>]*>([^<]*)</td>', budget_html)
            assert lines
            for anchor, _cap, spent in lines:
                account = anchor.replace("-", ":")
                _, (row,) = query.run_query(entries, options, f"""
                    SELECT sum(number) WHERE year = {year} AND currency = 'CNY'
                    AND (account = '{account}' OR account ~ '^{account}:')""")
                assert number(spent) == (row[0] or Decimal(0)), (compound, year, account)


def test_each_years_csv_download_holds_exactly_beancounts_postings_of_that_year(example_site: Path) -> None:
    for compound in ("qingshui-garden", "hetang-court"):
        entries, errors, options = example_books(compound)
        assert errors == []
        data_page = page(example_site, f"{compound}/data")
        for year in (2025, 2026):
            assert f'href="transactions-{year}.zip"' in data_page, (compound, year)
            with zipfile.ZipFile(example_site / compound / "data" / f"transactions-{year}.zip") as archive:
                assert archive.namelist() == [f"transactions-{year}.csv"]
                text = archive.read(f"transactions-{year}.csv").decode("utf-8")
            assert text.startswith("\ufeff"), "Excel and WPS need the byte-order mark to read Chinese"
            rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
            assert {row["date"][:4] for row in rows} == {str(year)}
            shown: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
            for row in rows:
                shown[(row["account"], row["currency"])] += Decimal(row["amount"])
            _, sums = query.run_query(entries, options, f"""
                SELECT account, currency, sum(number) AS total, count(*) AS n WHERE year = {year}
                GROUP BY account, currency""")
            expected = {(account, currency): total for account, currency, total, _ in sums}
            assert shown == expected, (compound, year)
            assert len(rows) == sum(n for *_, n in sums), (compound, year)

def test_the_ledger_archives_hold_the_raw_ledger_files_byte_for_byte(example_site: Path) -> None:
    """Extracted into one folder, the archives are the compound's ledger files as they are in the books."""
    for compound in ("qingshui-garden", "hetang-court"):
        folder = PROJECT / "ledgers" / compound
        members: dict[str, bytes] = {}
        for name in ("ledger.zip", "ledger-2025.zip", "ledger-2026.zip"):
            with zipfile.ZipFile(example_site / compound / "data" / name) as archive:
                assert not set(archive.namelist()) & set(members), "a file in two archives"
                members |= {member: archive.read(member) for member in archive.namelist()}
        expected = {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*.beancount")
                    if "vouchers" not in path.relative_to(folder).parts}
        assert members == expected, compound


def test_the_downloads_page_says_how_big_each_archive_is_and_how_to_open_it(example_site: Path) -> None:
    html = page(example_site, "qingshui-garden/data")
    for name in ("transactions-2026.zip", "ledger-2026.zip", "ledger.zip"):
        size = max(1, round((example_site / "qingshui-garden" / "data" / name).stat().st_size / 1000))
        assert re.search(rf'href="{re.escape(name)}" download>[^<]+</a> <small>（{size} KB）</small>', html), name
    assert "2026年收支明细（表格，可用 Excel/WPS 打开）" in html
    assert "每个文件都是 .zip 压缩包" in html and "全部解压缩" in html
    assert "账本主文件与科目表（accounts.beancount、main.beancount）" in html


def test_an_unchanged_year_gives_the_same_archive_bytes(example_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert main(["--root", str(PROJECT), "build", "--site-dir", str(again)]) == 0
    for compound in ("qingshui-garden", "hetang-court"):
        for archive in sorted((example_site / compound / "data").glob("*.zip")):
            assert archive.read_bytes() == (again / compound / "data" / archive.name).read_bytes(), archive


def test_the_trustee_statement_shows_the_released_bonus(example_site: Path) -> None:
    html = page(example_site, "hetang-court/budget/2025")
    assert "已由考核评分释放" in html and "考核评分 93" in html
    assert "基本酬金（1,988,689.89 × 12%）" in html
    html = page(example_site, "hetang-court/budget/2026")
    assert "尚未释放（需考核评分达到 90 分）" in html


def test_the_global_navigation_holds_compounds_and_sections_only(example_site: Path) -> None:
    html = page(example_site, "hetang-court/2026/03")
    nav_links = re.findall(r'class="md-nav__link[^"]*"[^>]*href="([^"]*)"', html)
    assert not [link for link in nav_links if re.search(r"/20\d\d/\d\d/", link)], "no month in the navigation"
    assert len(nav_links) < 40


def test_every_page_says_which_commit_it_was_built_from(example_site: Path) -> None:
    for html_file in example_site.rglob("index.html"):
        assert 'class="tf-provenance"' in html_file.read_text(encoding="utf-8"), html_file


HOSTILE = "<script>alert('pwn')</script>"


def hostile_repo(repo: Repo) -> None:
    repo.write("ledgers/test/compound.yaml", (repo.compound / "compound.yaml").read_text().replace(
        "name: 测试花园", 'name: "<svg onload=pwn()>测试"'))
    repo.write("ledgers/test/accounts.beancount", (repo.compound / "accounts.beancount").read_text().replace(
        'name: "保洁费"', 'name: "<b data-pwn=\\"1\\">保洁|费</b>"'))
    repo.voucher_file("2026/03/a&b.pdf")
    repo.voucher_file("2026/03/p.csv", b"unit,item,amount\n<i>P-1</i>,\"<a href='javascript:pwn()'>x</a>\",300.00\n"
)
    repo.journal(f"""\
        2026-03-02 * "{HOSTILE}" "a | b | c \\" onmouseover=\\"pwn()\\" [x](javascript:pwn())"
          voucher: "2026-0002"
          evidence: "2026/03/a&b.pdf"
          unit: "<img src=x onerror=pwn()>"
          Expenses:Cleaning   800.00 CNY
          Assets:Bank:Fund

        2026-03-03 * "停车场" "| --- | --- |"
          voucher: "2026-0003"
          detail: "2026/03/p.csv"
          Assets:Bank:Fund   300.00 CNY
          Income:Parking
        """)
    repo.write("notices/test/2026-03-05-x.md", """\
        ---
        title: "<i onclick=pwn()>通知</i>"
        date: 2026-03-05
        kind: announcement
        ---
        <script>pwn()</script> [点这里](javascript:pwn()) ![图](https://example.org/pwn.png)
        <div onmouseover="pwn()">x</div>
        """)


def test_nothing_from_the_data_becomes_markup(repo: Repo, tmp_path: Path) -> None:
    hostile_repo(repo)
    site = tmp_path / "site"
    assert build(repo.root, site, repo_url="https://github.com/example-org/demo") == 0
    pages = list(site.rglob("*.html"))
    assert len(pages) > 10
    for html_file in pages:
        parsed = parse(html_file.read_text(encoding="utf-8"))
        for tag, attrs in parsed.elements:
            for name, value in attrs.items():
                assert not name.startswith("on") and "pwn" not in name, (html_file, tag, name)
                # A page's share tags (og:title, description) carry the books' text as escaped values; the
                # elements and attributes above prove it stayed text, and tests/test_feed.py reads it back whole.
                shared_text = tag == "meta" and name == "content"
                assert shared_text or "pwn" not in (value or ""), (html_file, tag, name, value)
                assert not (value or "").strip().lower().startswith("javascript:"), (html_file, tag, value)
            assert tag not in ("img", "iframe", "object", "embed"), (html_file, tag)
        assert not any("pwn" in script for script in parsed.scripts), html_file
    month = parse(page(site, "test/2026/03"))
    text = "".join(month.text)
    assert HOSTILE in text and "[x](javascript:pwn())" in text and '<b data-pwn="1">保洁|费</b>' in text
    assert "<i>P-1</i>" in text
    notice = parse(page(site, "test/notices/2026-03-05-x"))
    assert "<script>pwn()</script>" in "".join(notice.text)


def test_every_amount_is_in_its_own_cell(repo: Repo, tmp_path: Path) -> None:
    hostile_repo(repo)
    site = tmp_path / "site"
    assert build(repo.root, site) == 0
    html = page(site, "test/2026/03")
    # One table of items a category (停车费, 保洁费), each item's detail sheet inside its row.
    tables = re.findall(r'<table class="tf-table tf-items">.*?</table></div>', html, re.S)
    assert len(tables) == 2
    cells = [cell for table in tables for cell in re.findall(r'<td class="num[^"]*">(.*?)</td>', table)]
    assert len(cells) >= 3
    for cell in cells:
        assert AMOUNT.match(re.sub(r"</?small>", "", cell)), cell
    for table in tables:
        items = re.sub(r"<details>.*?</details>", "", table.split("</thead>", 1)[1], flags=re.S)
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", items, re.S)
        assert rows and all(row.count('class="num') == 1 for row in rows)  # an item's amount: one cell


def test_the_query_link_is_prefilled_and_left_out_without_repo_url(books: Repo, tmp_path: Path) -> None:
    """
    2026-03-02 * "示例保洁公司" "保洁"
      voucher: "2026-0002"
      Expenses:Cleaning   100.00 CNY
      Assets:Bank:Fund
    """
    assert build(books.root, tmp_path / "with", repo_url="https://github.com/example-org/demo") == 0
    html = page(tmp_path / "with", "test/2026/03")
    # The item's button sits in its row, whose id is the voucher; the page's one panel holds the online form.
    assert re.search(r'<tbody id="2026-0002">((?!</tbody>).)*<a class="tf-ask-button" href="#ask">质询</a>', html, re.S)
    assert 'href="https://github.com/example-org/demo/issues/new?template=query.yml&amp;compound=test"' in html
    assert 'id="2026-0002"' in html
    assert build(books.root, tmp_path / "without") == 0
    without = page(tmp_path / "without", "test/2026/03")
    assert "issues/new" not in without and '<a class="tf-ask-button" href="#ask">质询</a>' in without


def test_the_site_speaks_chinese_by_default_and_english_when_set(books: Repo, tmp_path: Path) -> None:
    """
    2026-03-15 * "示例保洁公司" "保洁"
      voucher: "2026-0002"
      Expenses:Cleaning   1234.50 CNY
      evidence: "r.pdf"
      Assets:Bank:Fund
    """
    books.voucher_file("r.pdf")
    assert build(books.root, tmp_path / "zh") == 0
    zh = page(tmp_path / "zh", "test/2026/03")
    assert '<html lang="zh-CN"' in zh and "2026年3月15日" in zh and "保洁费" in zh and "1,234.50" in zh
    assert build(books.root, tmp_path / "en", language="en") == 0
    en = page(tmp_path / "en", "test/2026/03")
    assert '<html lang="en"' in en and "15 Mar 2026" in en and "Cleaning" in en and "Spending" in en


def test_a_failed_check_builds_nothing_and_keeps_the_good_site(books: Repo, tmp_path: Path) -> None:
    """
    2026-03-02 * "示例保洁公司" "保洁"
      Expenses:Cleaning   100.00 CNY
      Assets:Bank:Fund
    """
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the good site", encoding="utf-8")
    assert build(books.root, site) == 1
    assert (site / "index.html").read_text(encoding="utf-8") == "the good site"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_a_failed_mkdocs_build_keeps_the_good_site(repo: Repo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the good site", encoding="utf-8")
    shutil.copytree(PROJECT / "site_src", repo.root / "site_src")
    (repo.root / "site_src" / "broken.md").write_text("[a link to nowhere](nowhere.md)\n", encoding="utf-8")
    assert build(repo.root, site) == 2  # --strict: a broken link is a warning, and a warning fails
    assert (site / "index.html").read_text(encoding="utf-8") == "the good site"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_unusual_books_build_without_crashing(repo: Repo, tmp_path: Path) -> None:
    repo.write("ledgers/test/accounts.beancount", (repo.compound / "accounts.beancount").read_text() + """
2025-01-01 open Liabilities:Deposits CNY
  name: "押金"
  name_en: "Deposits held"
  liability: TRUE
2025-01-01 open Assets:Bank:Usd USD
  name: "外币账户"
  name_en: "USD account"
2025-01-01 open Equity:Donations
  name: "捐赠"
  name_en: "Donations"
""")
    repo.voucher_file("r.pdf")
    repo.journal("""\
        2026-03-02 * "示例公司" "多笔分录"
          voucher: "2026-0002"
          evidence: "r.pdf"
          Expenses:Cleaning          300.00 CNY
          Expenses:Repairs           250.00 CNY
          Expenses:Repairs:Elevator  100.00 CNY
          Liabilities:Deposits      -150.00 CNY
          Assets:Bank:Fund

        2026-03-03 * "示例银行" "外币捐赠"
          voucher: "2026-0003"
          Assets:Bank:Usd   100.00 USD
          Equity:Donations
        """)
    repo.journal("; nothing this month\n", month="2026/05")
    repo.write("ledgers/test/compound.yaml", PROFILE.replace(
        "accounts: {fund: Assets:Bank:Fund,",
        "other_currencies: [USD]\naccounts: {fund: [Assets:Bank:Fund, Assets:Bank:Usd],"))
    site = tmp_path / "site"
    assert build(repo.root, site) == 0
    html = page(site, "test/2026/03")
    assert "100.00 <small>USD</small>" in html and "押金" in html
    assert (site / "test" / "2026" / "01" / "index.html").is_file()
    assert not (site / "test" / "2026" / "05").exists()  # a month with no entries has no page
    assert not (site / "test" / "budget" / "2025").exists()  # a year without a budget has no budget page
    for html_file in site.rglob("index.html"):
        assert "Traceback" not in html_file.read_text(encoding="utf-8")


def test_a_compound_in_its_first_month_without_budget_builds(tmp_path: Path) -> None:
    assert main(["--root", str(tmp_path), "new", "lotus-court"]) == 0
    site = tmp_path / "site"
    assert build(tmp_path, site) == 0
    assert "暂无账目" in page(site, "lotus-court")
