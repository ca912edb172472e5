"""The English pages beside the Chinese site, built for real and read back as HTML and in real Chromium.

The example site is built by ``trustfund build`` (the fixture of tests/test_browser.py). Every page of
either language has a switch in its header to the same page in the other language, or the nearest one; an
English page speaks English throughout (theme, navigation, footer), except for what the books themselves
hold in Chinese; its figures are the Chinese page's; and the month's items are not written twice.
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.cli import main
from tests import test_browser
from tests.conftest import Repo
from tests.test_accessibility import SMALL_TARGETS, axe_violations
from tests.test_browser import COMPOUND, PROJECT, TAP, Phone, big_enough, fits_the_screen, latest, serve, tap
from tests.test_site import HOSTILE, build, hostile_repo, parse

# The site and phone of tests/test_browser.py (module-scoped there, so this module builds and starts its own).
site_dir, phone, shots, dead_end = test_browser.site_dir, test_browser.phone, test_browser.shots, test_browser.dead_end

FEES_COMPOUND = "hetang-court"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
AMOUNT = re.compile(r"(?<![\d,.])−?\d{1,3}(?:,\d{3})*\.\d{2}(?!\d)")
ENGLISH_SHARE = 0.25  # of the whole site's bytes, at most
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


class Reading(HTMLParser):
    """A page as a reader meets it: its text in English (outside any element marked ``lang="zh-CN"`` and any
    script or style), the header's switch, the navigation's words and the footer."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, str]] = []  # tag, marked Chinese, class
        self.text: list[str] = []
        self.nav: list[str] = []
        self.footer: list[str] = []
        self.switches: list[dict[str, str | None]] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_lang = found.get("lang")
        if tag == "a" and "tf-lang" in (found.get("class") or "").split():
            self.switches.append(found)
        if tag not in VOID:
            # The page's own language (on <html>) is what is read; an element marked Chinese inside it is not.
            chinese = tag != "html" and ((found.get("lang") or "").startswith("zh")
                                         or bool(self.stack and self.stack[-1][1]))
            self.stack.append((tag, chinese, found.get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.stack or self.stack[-1][1] or any(t in ("script", "style", "title") for t, _, _ in self.stack):
            return
        self.text.append(data)
        classes = " ".join(c for _, _, c in self.stack)
        if "md-nav__link" in classes:
            self.nav.append(data.strip())
        if "tf-provenance" in classes:
            self.footer.append(data.strip())


def read(html_file: Path) -> Reading:
    reading = Reading()
    reading.feed(html_file.read_text(encoding="utf-8"))
    return reading


def pages(site: Path) -> list[Path]:
    """Every page MkDocs wrote (unit pages are plain files without the theme)."""
    return sorted(p for p in site.rglob("index.html") if "/unit/" not in p.as_posix())


def books_text() -> str:
    """Everything the example books say in words of their own: the text an English page may show in Chinese."""
    sources = [*PROJECT.glob("ledgers/*/*.beancount"), *PROJECT.glob("ledgers/*/20*/*.beancount"),
               *PROJECT.glob("ledgers/*/compound.yaml"), *PROJECT.glob("ledgers/*/units.csv"),
               *PROJECT.glob("notices/*/*.md"), PROJECT / "examples" / "queries.json"]
    return "\n".join(path.read_text(encoding="utf-8") for path in sources)


def site_name() -> str:
    found = re.search(r"(?m)^site_name:\s*(.+)$", (PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert found
    return found.group(1)


def target_of(site: Path, html_file: Path, href: str) -> Path:
    folder = html_file.parent.relative_to(site).as_posix()
    path = posixpath.normpath(posixpath.join(folder, href.partition("#")[0]))
    return site / ("" if path == "." else path) / "index.html"


def test_every_page_switches_to_its_other_language_or_the_nearest_page(site_dir: Path) -> None:
    english = site_dir / "en"
    assert (english / "index.html").is_file()
    problems = []
    for html_file in pages(site_dir):
        relative = html_file.relative_to(site_dir)
        reading = read(html_file)
        is_english = relative.parts[0] == "en"
        assert reading.html_lang == ("en" if is_english else "zh-CN"), (relative, reading.html_lang)
        if len(reading.switches) != 1:
            problems.append(f"{relative}: {len(reading.switches)} switches")
            continue
        switch = reading.switches[0]
        target = target_of(site_dir, html_file, switch["href"] or "")
        if not target.is_file():
            problems.append(f"{relative}: switch to {switch['href']}, not a page")
            continue
        to_english = target.relative_to(site_dir).parts[0] == "en"
        if to_english == is_english:
            problems.append(f"{relative}: switch to the same language")
        assert switch["hreflang"] == switch["lang"] == ("zh-CN" if is_english else "en"), switch
        # A page with a version in the other language switches to exactly that page.
        pair = site_dir / relative.relative_to("en") if is_english else english / relative
        if pair.is_file() and target != pair:
            problems.append(f"{relative}: switch to {target.relative_to(site_dir)}, not {pair.relative_to(site_dir)}")
    assert not problems, "\n".join(problems)
    # A month's items, a notice and a printable report are Chinese only: their switch leads to the nearest summary.
    year = latest(site_dir / COMPOUND)
    month = latest(site_dir / COMPOUND / year)
    report = site_dir / COMPOUND / year / month / "report" / "index.html"
    assert target_of(site_dir, report, read(report).switches[0]["href"] or "") == \
        english / COMPOUND / year / month / "index.html"
    notice = next((site_dir / COMPOUND / "notices").glob("*/index.html"))
    assert target_of(site_dir, notice, read(notice).switches[0]["href"] or "") == \
        english / COMPOUND / "notices" / "index.html"
    assert not (english / COMPOUND / "notices" / notice.parent.name).exists()
    unit = next((site_dir / FEES_COMPOUND / "unit").glob("*/index.html"))
    assert 'class="md-header__button tf-lang"' not in unit.read_text(encoding="utf-8")
    assert not (english / FEES_COMPOUND / "unit").exists()


def test_english_pages_speak_english_but_for_the_books_own_words(site_dir: Path) -> None:
    allowed = books_text() + site_name()
    problems = []
    english_pages = pages(site_dir / "en")
    kinds = {p.parent.relative_to(site_dir).as_posix() for p in english_pages}
    year = latest(site_dir / COMPOUND)
    for kind in ("en", "en/glossary", f"en/{COMPOUND}", f"en/{COMPOUND}/{year}", f"en/{COMPOUND}/budget/{year}",
                 f"en/{COMPOUND}/notices", f"en/{COMPOUND}/queries", f"en/{COMPOUND}/history",
                 f"en/{COMPOUND}/data", f"en/{COMPOUND}/search", f"en/{FEES_COMPOUND}/fees"):
        assert kind in kinds, kind
    for html_file in english_pages:
        relative = html_file.relative_to(site_dir)
        reading = read(html_file)
        html = html_file.read_text(encoding="utf-8")
        for run in CJK.findall("\n".join(reading.text)):
            if run not in allowed:
                problems.append(f"{relative}: {run!r}")
        assert "Back to top" in html and 'aria-label="Header"' in html, relative  # the theme's own words
        assert reading.footer and reading.footer[0].startswith("Books as of"), (relative, reading.footer)
        nav = [text for text in reading.nav if text]
        assert "Open books of the common fund" in nav and "Glossary" in nav, (relative, nav)
        assert not any(CJK.search(text) for text in nav), (relative, nav)
        assert "Qingshui Garden" in nav, (relative, nav)  # the compound's English name, from compound.yaml
    assert not problems, f"{len(problems)} Chinese words that are not the books':\n" + "\n".join(problems[:40])
    assert "Open budget" in read(site_dir / "en" / COMPOUND / "index.html").nav
    chinese = read(site_dir / COMPOUND / "index.html")
    assert "开放式预算" in chinese.nav and "Open budget" not in chinese.nav
    assert "回到页面顶部" in (site_dir / COMPOUND / "index.html").read_text(encoding="utf-8")
    assert chinese.footer[0].startswith("账本更新于")


def amounts(html_file: Path) -> list[str]:
    return AMOUNT.findall("\n".join(parse(html_file.read_text(encoding="utf-8")).text))


def categories(html: str, tag: str) -> dict[str, tuple[str, str]]:
    """Each category's anchor → (its count of items, its subtotal), as a month page's headings show them."""
    found = re.findall(rf'<{tag}[^>]* id="(cat-[^"]+)">.*?<small>(\d+)[^<]*</small>.*?<span class="num">([^<]+)',
                       html)
    return {anchor: (count, subtotal) for anchor, count, subtotal in found}


def test_figures_on_an_english_page_are_those_of_its_chinese_pair(site_dir: Path) -> None:
    english = site_dir / "en"
    months = 0
    for html_file in pages(english):
        relative = html_file.relative_to(english)
        chinese = site_dir / relative
        parts = relative.parts
        if len(parts) == 4 and parts[1].isdigit():  # a month: its summary against the Chinese page's headings
            months += 1
            mine, theirs = html_file.read_text(encoding="utf-8"), chinese.read_text(encoding="utf-8")
            assert categories(mine, "li") == categories(theirs, "h3"), relative
            assert categories(mine, "li"), relative
            income, spending = amounts(chinese)[:2]
            opening, shown_income, shown_spending, closing = amounts(html_file)[:4]
            assert (shown_income, shown_spending) == (income, spending), relative
            report = chinese.parent / "report" / "index.html"
            assert opening in amounts(report) and closing in amounts(report), relative
            assert 'class="tf-table tf-items"' not in mine and "tf-ask-button" not in mine, relative
        else:
            assert amounts(html_file) == amounts(chinese), relative
    assert months >= 12


def test_the_english_pages_are_a_small_share_of_the_site(site_dir: Path) -> None:
    english = sum(p.stat().st_size for p in (site_dir / "en").rglob("*") if p.is_file())
    total = sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file())
    assert english < ENGLISH_SHARE * total, f"English pages {english:,} of {total:,} bytes"
    # Files are the Chinese site's: no download, voucher or search index is written twice.
    assert not [p for p in (site_dir / "en").rglob("*") if p.is_file() and p.name != "index.html"]
    sitemap = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
    assert f"en/{COMPOUND}/" in sitemap and "/en/glossary/" in sitemap
    assert "/unit/" not in sitemap
    search = (site_dir / "en" / COMPOUND / "search" / "index.html").read_text(encoding="utf-8")
    base = re.search(r'data-base="([^"]+)"', search)
    assert base and (site_dir / "en" / COMPOUND / "search" / base.group(1) / "terms-0.json").resolve().is_file(), base


def test_hostile_data_stays_text_on_english_pages(repo: Repo, tmp_path: Path) -> None:
    hostile_repo(repo)
    repo.write("ledgers/test/compound.yaml", (repo.compound / "compound.yaml").read_text().replace(
        "name_en: Test Garden", 'name_en: "<svg onload=pwn()>Test"'))
    repo.write("ledgers/test/accounts.beancount", (repo.compound / "accounts.beancount").read_text().replace(
        'name_en: "Cleaning"', 'name_en: "<b data-pwn=\\"1\\">Clean|ing</b>"'))
    site = tmp_path / "site"
    assert build(repo.root, site) == 0
    english = sorted((site / "en").rglob("index.html"))
    assert len(english) > 8
    for html_file in english:
        parsed = parse(html_file.read_text(encoding="utf-8"))
        for tag, attrs in parsed.elements:
            for name, value in attrs.items():
                assert not name.startswith("on") and "pwn" not in name, (html_file, tag, name)
                assert tag == "meta" or "pwn" not in (value or ""), (html_file, tag, name, value)
            assert tag not in ("img", "iframe", "object", "embed", "svg") or "pwn" not in str(attrs), html_file
        assert not any("pwn" in script for script in parsed.scripts), html_file
    month = "".join(parse((site / "en" / "test" / "2026" / "03" / "index.html").read_text(encoding="utf-8")).text)
    assert '<b data-pwn="1">Clean|ing</b>' in month and "<svg onload=pwn()>Test" in month
    assert HOSTILE not in month  # the items are the Chinese page's
    assert HOSTILE in "".join(parse((site / "test" / "2026" / "03" / "index.html").read_text(encoding="utf-8")).text)


def test_english_pages_can_be_turned_off(books: Repo, tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "site_src", books.root / "site_src")
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    config, replaced = re.subn(r"(?m)^(\s+)language: zh.*$", r"\g<0>\n\1english: false", config)
    assert replaced
    (books.root / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = tmp_path / "site"
    assert main(["--root", str(books.root), "build", "--site-dir", str(site)]) == 0
    assert not (site / "en").exists()
    html = (site / "test" / "index.html").read_text(encoding="utf-8")
    assert "tf-lang" not in html and '<html lang="zh-CN"' in html


# In Chromium, at a phone's size


def test_an_owner_reads_the_books_in_english_and_switches_back(phone: Phone, base_url: str) -> None:
    page = phone.begin("english-walk")
    page.goto(f"{base_url}/")
    switch = page.locator("a.tf-lang")
    assert switch.inner_text().strip() == "English"
    tap(switch, "the switch to English")
    page.wait_for_url(f"{base_url}/en/")
    assert page.evaluate("document.documentElement.lang") == "en"
    fits_the_screen(phone, page, "english-front")
    tap(page.locator("article a", has_text="Qingshui Garden").first, "Qingshui Garden on the English front page")
    page.wait_for_url(f"{base_url}/en/{COMPOUND}/")
    assert "Fund balance" in page.inner_text("article")
    fits_the_screen(phone, page, "english-dashboard")
    month = page.locator("article a[href^='20']").filter(has_text=re.compile(r"^\w{3} \d{4}$")).first
    href = month.get_attribute("href") or ""
    assert re.match(r"^\d{4}/\d{2}/$", href), href
    tap(month, "a month on the English dashboard")
    page.wait_for_url(f"{base_url}/en/{COMPOUND}/{href}")
    article = page.inner_text("article")
    assert "Opening balance" in article and "listed on the Chinese page" in article
    fits_the_screen(phone, page, "english-month")
    category = page.locator(".tf-cat-index a").first
    big_enough(category, "a category of the English month")
    anchor = (category.get_attribute("href") or "").partition("#")[2]
    back = page.locator("a.tf-lang")
    assert back.inner_text().strip() == "中文" and back.get_attribute("lang") == "zh-CN"
    tap(back, "the switch back to Chinese")
    page.wait_for_url(f"{base_url}/{COMPOUND}/{href}")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.locator(f"#{anchor}").count() == 1  # the category the English page leads to is there
    voucher = page.locator(".tf-items tbody[id]").first.get_attribute("id") or ""
    assert re.match(r"^\d{4}-\d{4,}$", voucher), voucher

    # The English search page searches the Chinese site's indexes, and a hit opens the item on its Chinese page.
    page.goto(f"{base_url}/en/{COMPOUND}/search/")
    page.locator("form.tf-search input[name=q]").fill(voucher)
    tap(page.locator("form.tf-search button[type=submit]"), "the English search button")
    result = page.locator("ol.tf-results li a").first
    result.wait_for()
    assert result.inner_text().startswith(voucher)
    tap(result, "a search result on the English search page")
    page.wait_for_url(f"{base_url}/{COMPOUND}/{href}#{voucher}")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.close()


def english_kinds(site: Path) -> dict[str, str]:
    year = latest(site / COMPOUND)
    month = latest(site / COMPOUND / year)
    kinds = {"front page": "en/", "glossary": "en/glossary/", "dashboard": f"en/{COMPOUND}/",
             "year": f"en/{COMPOUND}/{year}/", "month": f"en/{COMPOUND}/{year}/{month}/",
             "budget": f"en/{COMPOUND}/budget/{year}/", "notices": f"en/{COMPOUND}/notices/",
             "queries": f"en/{COMPOUND}/queries/", "history": f"en/{COMPOUND}/history/",
             "data": f"en/{COMPOUND}/data/", "search": f"en/{COMPOUND}/search/", "fees": f"en/{FEES_COMPOUND}/fees/"}
    for kind, path in kinds.items():
        assert (site / path / "index.html").is_file(), (kind, path)
    return kinds


def test_every_english_page_kind_passes_axe(phone: Phone, site_dir: Path, base_url: str) -> None:
    problems = []
    for kind, path in english_kinds(site_dir).items():
        page = phone.begin(f"english-a11y-{kind.replace(' ', '-')}")
        page.goto(f"{base_url}/{path}")
        page.wait_for_load_state("load")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        problems += [f"{kind} (/{path}), axe: {v}" for v in axe_violations(page)]
        problems += [f"{kind} (/{path}), small tap target: {t}" for t in page.evaluate(SMALL_TARGETS, TAP)]
        page.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
