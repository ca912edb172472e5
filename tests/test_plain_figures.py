"""Issue 12, one figure per concept: where two figures differ the page says why, in one plain sentence.

The trustee's remuneration statement answers "is it within the agreed rate?" in one sentence whose figures
are Beancount's own sums; the budget page says how the year's spending and the spending within the
budget differ, and the difference is exactly the remuneration (and any spending outside the budget); the
dashboard says what its remuneration card counts. Every page says it is Simplified Chinese (zh-CN), and a
card with a link is one tap target as a whole on a phone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from beancount import loader
from beancount.core import data

from tests import test_browser
from tests.conftest import EXAMPLES, PROJECT
from tests.test_browser import HEIGHT, WIDTH, serve

CENT = Decimal("0.01")
TRUSTEE = "Expenses:TrusteeFee"

phone, shots, dead_end = test_browser.phone, test_browser.shots, test_browser.dead_end


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def rate(value: Decimal) -> str:
    percent = (value * 100).normalize()
    return f"{percent:f}%"


def entries_of(compound: str) -> list[data.Directive]:
    entries, errors, _ = loader.load_file(str(PROJECT / "ledgers" / compound / "main.beancount"))
    assert errors == []
    return entries


def postings(entries: list[data.Directive], year: int) -> Iterator[tuple[data.Transaction, data.Posting]]:
    for entry in entries:
        if isinstance(entry, data.Transaction) and entry.date.year == year:
            for posting in entry.postings:
                yield entry, posting


def assessment_score(compound: str, year: int) -> Decimal | None:
    for path in sorted((PROJECT / "notices" / compound).glob("*.md")):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        if front.get("kind") == "assessment" and front.get("year") == year:
            return Decimal(str(front["score"]))
    return None


def statement(compound: str, year: int) -> tuple[Decimal, Decimal, str]:
    """(booked for the year, the agreed limit, the rates in words), counted from the books and the budget."""
    entries = entries_of(compound)
    budget = yaml.safe_load((PROJECT / "budgets" / compound / f"{year}.yaml").read_text(encoding="utf-8"))
    terms = budget["trustee"]
    income = -sum((p.units.number for _, p in postings(entries, year) if p.account.startswith("Income:")), Decimal(0))
    booked = Decimal(0)
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            if posting.account == TRUSTEE:
                for_year = int(entry.meta["period"]) if "period" in entry.meta else entry.date.year
                booked += posting.units.number if for_year == year else 0
    base = Decimal(str(terms["base_rate"]))
    limit = (income * base).quantize(CENT, rounding=ROUND_HALF_UP)
    rates = rate(base)
    bonus = Decimal(str(terms.get("bonus_rate", 0)))
    score = assessment_score(compound, year)
    if bonus and score is not None and score >= Decimal(str(terms["bonus_min_score"])):
        limit += (income * bonus).quantize(CENT, rounding=ROUND_HALF_UP)
        rates += f" + {rate(bonus)}"
    return booked, limit, rates


def text_of(html: str, css_class: str) -> str:
    match = re.search(rf'<p class="{css_class}[^"]*">(.*?)</p>', html, re.S)
    assert match, css_class
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize(("compound", "year"), [(c, y) for c in EXAMPLES for y in (2025, 2026)])
def test_the_remuneration_statement_answers_in_one_sentence(examples_site: Path, compound: str, year: int) -> None:
    booked, limit, rates = statement(compound, year)
    html = (examples_site / compound / "budget" / str(year) / "index.html").read_text(encoding="utf-8")
    assert booked <= limit
    assert text_of(html, "tf-verdict") == f"已计提 {money(booked)} 元，不超过约定上限 {money(limit)} 元（{rates}）。"


@pytest.mark.parametrize(("compound", "year"), [(c, y) for c in EXAMPLES for y in (2025, 2026)])
def test_the_budget_page_says_why_spending_and_spending_within_the_budget_differ(
        examples_site: Path, compound: str, year: int) -> None:
    entries = entries_of(compound)
    budget = yaml.safe_load((PROJECT / "budgets" / compound / f"{year}.yaml").read_text(encoding="utf-8"))
    lines = list(budget["lines"])
    spending = within = remuneration = Decimal(0)
    for _, posting in postings(entries, year):
        if not posting.account.startswith("Expenses:"):
            continue
        spending += posting.units.number
        if posting.account == TRUSTEE:
            remuneration += posting.units.number
        elif any(posting.account == line or posting.account.startswith(line + ":") for line in lines):
            within += posting.units.number
    html = (examples_site / compound / "budget" / str(year) / "index.html").read_text(encoding="utf-8")
    assert text_of(html, "tf-explain") == (
        f"上表是预算内的支出 {money(within)} 元。全年支出 {money(spending)} 元还包括受托人酬金 {money(remuneration)} 元"
        "（按约定比例从收入中计提，不占预算）及预算外的支出。")
    assert spending == within + remuneration  # the example books spend nothing outside their budget


@pytest.mark.parametrize("compound", EXAMPLES)
def test_the_dashboard_says_what_its_remuneration_card_counts(examples_site: Path, compound: str) -> None:
    year = 2026
    booked_for_year, _, _ = statement(compound, year)
    in_spending = sum((p.units.number for _, p in postings(entries_of(compound), year) if p.account == TRUSTEE),
                      Decimal(0))
    html = (examples_site / compound / "index.html").read_text(encoding="utf-8")
    card = re.search(r'<div class="tf-card"><div class="label"><a href="[^"]*">2026年度受托人酬金</a></div>'
                     r'<div class="value">([^<]*)</div>(.*?)</div>\n', html)
    assert card, "the remuneration card links to the budget's statement"
    assert card.group(1) == money(booked_for_year)
    if in_spending != booked_for_year:  # hetang-court pays last year's bonus in 2026
        assert f"本年支出中的受托人酬金为 {money(in_spending)}" in card.group(2)
    else:
        assert "本年支出中的受托人酬金" not in card.group(2)
    assert f"含受托人酬金 {money(in_spending)}" in html


def test_every_page_says_it_is_simplified_chinese(examples_site: Path) -> None:
    pages = [path for path in examples_site.rglob("*.html") if "/unit/" not in path.as_posix()]
    assert len(pages) > 100
    for path in pages:
        head = path.read_text(encoding="utf-8")[:400]
        english = path.relative_to(examples_site).parts[0] == "en"  # the English pages beside the site
        assert ('<html lang="en"' if english else '<html lang="zh-CN"') in head, path


@pytest.fixture(scope="module")
def site_url(examples_site: Path) -> Iterator[str]:
    with serve(examples_site) as url:
        yield url


def test_a_card_with_a_link_is_one_tap_target(phone: test_browser.Phone, site_url: str) -> None:
    page = phone.begin("cards")
    page.goto(f"{site_url}/hetang-court/")
    cards = page.locator(".md-content .tf-card:has(.label a)")
    assert cards.count() >= 5
    for index in range(cards.count()):
        card = cards.nth(index)
        href = card.locator(".label a").get_attribute("href")
        assert href
        card.scroll_into_view_if_needed()
        box = card.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44 and box["x"] + box["width"] <= WIDTH
        # A thumb on the card's lower right corner, away from the link's words, still follows the link.
        x, y = box["x"] + box["width"] - 6, box["y"] + box["height"] - 6
        assert 0 <= y <= HEIGHT
        target = page.evaluate("([x, y]) => { const e = document.elementFromPoint(x, y); "
                               "return e && e.closest('a') ? e.closest('a').getAttribute('href') : null; }", [x, y])
        assert target == href, (index, href, target)
        with page.expect_navigation():
            page.mouse.click(x, y)
        assert page.url == f"{site_url}/hetang-court/{href}", href
        page.go_back()
    assert phone.foreign() == [] and phone.errors == []


@pytest.mark.parametrize("compound", EXAMPLES)
def test_a_category_row_leads_to_its_items(examples_site: Path, compound: str) -> None:
    """Dashboard category → the year's row of that category → a month's cell → that month's category heading."""
    dashboard = (examples_site / compound / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r'<tr><td><a href="(2026/#row-[^"]+)">([^<]+)</a></td><td class="num', dashboard)
    assert len(rows) >= 5
    year_html = (examples_site / compound / "2026" / "index.html").read_text(encoding="utf-8")
    for link, name in rows:
        row_id = link.split("#", 1)[1]
        row = re.search(rf'<tr class="spending" id="{re.escape(row_id)}"><td>{re.escape(name)}</td>(.*?)</tr>',
                        year_html)
        assert row, (link, name)
        cells = re.findall(r'<a href="(\d\d/)#(cat-[^"]+)">([^<]+)</a>', row.group(1))
        assert cells, name
        for month, anchor, amount in cells:
            month_html = (examples_site / compound / "2026" / month / "index.html").read_text(encoding="utf-8")
            heading = re.search(rf'id="{re.escape(anchor)}"', month_html)
            assert heading, (name, month, anchor)
            assert amount in month_html[heading.start():heading.start() + 2000], (name, month, amount)
