"""The glossary (术语表): one page of plain words at ``/glossary/``, and the pages owners read linking to it.

The example site (``examples_site``, built once for the session by ``trustfund build``) is read back as
HTML trees: the glossary holds every term at its stable anchor with its Chinese and English names and its
plain explanation; the dashboard, budget, month and fees pages link their terms where they say them, each
link leading to an anchor that exists; the navigation lists the glossary after the compounds. A closed month
(which the example repository has none of) is built from a small compound with a supervisor's closure. At a
phone's size in real Chromium, a "什么是…？" link is a 44 × 44 px target and lands on its highlighted term.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from generator.audit.publication import gather
from generator.site.glossary import BY_ANCHOR, TERMS, term_parts
from generator.site.pages import build_site, environment
from generator.site.words import LANGUAGES, WORDS, Words
from generator.view import CompoundView, Provenance
from generator.view.history import ClosedMonth, History
from tests import test_browser
from tests.conftest import EXAMPLES, Repo
from tests.html_tree import Node, parse
from tests.test_browser import HIGHLIGHT, Phone, big_enough, serve

# Every term the owners asked to have explained, as the glossary names it (alternatives after " / ").
ASKED = ("共有资金", "受托人", "酬金", "计提", "绩效奖励", "预算上限", "预算调整", "结账", "已结账", "质询", "凭证",
         "原始凭证", "明细表", "收缴率", "欠费", "预收款", "公示", "监察人", "业委会", "出纳")
ANCHOR = re.compile(r"[a-z]+(-[a-z]+)*")
LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
GLOSSARY = "/glossary/"


def tree(site: Path, folder: str) -> Node:
    return parse((site / folder / "index.html").read_text(encoding="utf-8"))


def content(page: Node) -> Node:
    """The page's own content, without the theme's navigation."""
    [article] = [n for n in page.all("article") if "md-content__inner" in n.attrs.get("class", "")]
    return article


def glossary_links(node: Node, folder: str) -> list[tuple[str, str]]:
    """Every link within ``node`` (on the page at ``folder``) that leads to the glossary: (anchor, link text)."""
    found = []
    for link in node.all("a"):
        target = urlsplit(urljoin(f"http://site/{folder}", link.attrs.get("href", "")))
        if target.netloc == "site" and target.path in (GLOSSARY, GLOSSARY + "index.html"):
            found.append((target.fragment, link.text().strip()))
    return found


def anchors(node: Node, folder: str) -> set[str]:
    return {anchor for anchor, _ in glossary_links(node, folder) if anchor}


def readable(anchor: str, text: str, language: str = "zh") -> bool:
    """A term's link says the term: one of the spellings it takes in sentences, or its name."""
    term = BY_ANCHOR[anchor]
    return text.lower() in {form.lower() for form in term.forms[language]} | {term.short(language).lower()}


@pytest.fixture(scope="module")
def glossary_ids(examples_site: Path) -> list[str]:
    return [dt.attrs["id"] for dt in content(tree(examples_site, "glossary")).all("dt")]


# The glossary page


def test_the_glossary_holds_every_term_at_its_own_anchor_in_plain_words(examples_site: Path) -> None:
    page = content(tree(examples_site, "glossary"))
    assert page.one("h1").text() == "术语表"
    glossary = page.one("dl", class_="tf-glossary")
    terms = [child for child in glossary.children if isinstance(child, Node)]
    assert [n.tag for n in terms] == ["dt", "dd"] * len(TERMS), "each term is a <dt> followed by its <dd>"
    ids = [dt.attrs.get("id", "") for dt in terms[::2]]
    assert ids == [term.anchor for term in TERMS] and len(set(ids)) == len(ids)
    assert all(ANCHOR.fullmatch(anchor) for anchor in ids), ids
    for term, dt, dd in zip(TERMS, terms[::2], terms[1::2], strict=True):
        assert dt.one("dfn").text() == term.name["zh"]
        assert dt.one("span", lang="en").text() == term.name["en"]
        assert dd.text() == term.about["zh"]
    names = {part for term in TERMS for part in term.name["zh"].split(" / ")}
    assert [asked for asked in ASKED if asked not in names] == []


def test_every_term_has_its_words_in_both_languages() -> None:
    for term in TERMS:
        for part in (term.name, term.about, term.forms):
            assert set(part) == set(LANGUAGES), term.anchor
        zh, en = term.about["zh"], term.about["en"]
        # Chinese in plain words, one or two sentences, no English; English with no Chinese left in it.
        assert not LATIN.search(zh) and not LATIN.search(term.name["zh"]), term.anchor
        assert zh.endswith("。") and 1 <= zh.count("。") <= 2 and len(zh) <= 90, term.anchor
        assert en.endswith(".") and len(en) >= 40 and not CJK.search(en), term.anchor
        assert term.name["en"] and not CJK.search(term.name["en"]), term.anchor
        assert all(form and not CJK.search(form) for form in term.forms["en"]), term.anchor
        assert term.short("zh") in term.forms["zh"], term.anchor
    for key in ("glossary", "glossary_intro", "glossary_other", "what_is"):
        assert set(WORDS[key]) == set(LANGUAGES) and all(WORDS[key].values()), key
    assert all("{term}" in text for text in WORDS["what_is"].values())


def test_the_glossary_is_in_the_navigation_after_the_compounds(examples_site: Path) -> None:
    for folder in ("", "qingshui-garden/", "hetang-court/budget/2026/"):
        page = tree(examples_site, folder)
        [nav] = [n for n in page.all("nav") if "md-nav--primary" in n.attrs.get("class", "")]
        top = [urlsplit(urljoin(f"http://site/{folder}", a.attrs["href"])).path
               for a in nav.all("a") if "md-nav__link" in a.attrs.get("class", "")]
        compounds = [top.index(f"/{cid}/") for cid in EXAMPLES]
        assert GLOSSARY in top, (folder, top)
        assert top.index(GLOSSARY) > max(compounds), (folder, top)


# The pages owners read, linking their terms


def month_of(site: Path, cid: str) -> str:
    year = max(p.name for p in (site / cid).iterdir() if p.name.isdigit())
    month = max(p.name for p in (site / cid / year).iterdir() if p.name.isdigit())
    return f"{cid}/{year}/{month}/"


@pytest.mark.parametrize("cid", EXAMPLES)
def test_the_pages_owners_read_link_their_terms_to_the_glossary(examples_site: Path, cid: str,
                                                                glossary_ids: list[str]) -> None:
    seen: dict[str, set[str]] = {}

    def check(node: Node, folder: str, *expected: str) -> None:
        links = glossary_links(node, folder)
        for anchor, text in links:
            assert anchor in glossary_ids, f"{folder}: #{anchor} is no term of the glossary"
            assert readable(anchor, text), f"{folder}: the link to #{anchor} says {text!r}"
        missing = set(expected) - {anchor for anchor, _ in links}
        assert not missing, f"{folder}: no link to {missing} where the page says them"
        seen.setdefault(folder, set()).update(expected)

    dashboard = f"{cid}/"
    page = content(tree(examples_site, dashboard))
    cards = page.all("div", class_="tf-card")
    [fund] = [card for card in cards if "共有资金余额" in card.text()]
    [remuneration] = [card for card in cards if "受托人酬金" in card.one("div", class_="label").text()]
    check(fund, dashboard, "common-fund")
    check(remuneration, dashboard, "remuneration")
    assert ("", "术语表") in glossary_links(page, dashboard), "the dashboard links the glossary page"

    for year in (2025, 2026):
        budget = f"{cid}/budget/{year}/"
        page = content(tree(examples_site, budget))
        check(page.one("table", class_="tf-budget").one("thead"), budget, "cap")
        check(page.one("h2", id="trustee"), budget, "remuneration")
        check(page.one("p", class_="tf-verdict"), budget, "booked", "cap")
        statement = page.one("p", class_="tf-verdict")
        assert "已计提" in statement.text() and "约定上限" in statement.text()  # the sentence reads as before
        bonus = [th for th in page.all("th") if re.match(r"绩效奖励 \d", th.text())]  # not the sheet's threshold
        if cid == "hetang-court":  # its trustee terms have a bonus
            assert len(bonus) == 1
            check(bonus[0], budget, "bonus")

    month = month_of(examples_site, cid)
    page = content(tree(examples_site, month))
    closed = page.one("p", class_="tf-closed")
    assert closed.text().startswith("本月尚未结账。")  # the example repository has no closed month
    check(closed, month, "closed")
    check(page.one("section", id="ask"), month, "query")

    fees = f"{cid}/fees/"
    page = content(tree(examples_site, fees))
    check(page.one("p", class_="tf-note"), fees, "collection-rate")
    [arrears] = [p for p in page.all("p") if "户欠费" in p.text()]
    check(arrears, fees, "arrears")
    assert len(seen) == 5


def test_every_link_to_the_glossary_leads_to_a_term_on_it(examples_site: Path, glossary_ids: list[str]) -> None:
    pages = [p for p in examples_site.rglob("index.html") if "unit" not in p.relative_to(examples_site).parts]
    assert len(pages) > 50
    terms = 0
    for path in pages:
        folder = path.parent.relative_to(examples_site).as_posix() + "/" if path.parent != examples_site else ""
        for anchor, text in glossary_links(parse(path.read_text(encoding="utf-8")), folder):
            assert text, f"{folder}: an empty link to the glossary"
            assert not anchor or anchor in glossary_ids, f"{folder}: #{anchor} is no term of the glossary"
            terms += bool(anchor)
    assert terms >= 40


# A closed month, and the English site


SUPERVISOR = ('  - {principal: supervisor-t, role: supervisor, '
              'key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyTwo"}\n')


def closed_compound(repo: Repo) -> tuple[list[CompoundView], dict[str, History | None]]:
    """The test compound, its January closed by its supervisor (as ``trustfund close`` and a signed tag would)."""
    repo.write("ledgers/test/compound.yaml", (repo.compound / "compound.yaml").read_text(encoding="utf-8") + SUPERVISOR)
    publication = gather(repo.root)
    closure = ClosedMonth("2026-01", "close/test/2026-01", "supervisor-t", "2026-02-05T10:00:00+08:00")
    return publication.views, {"test": History("test", [], [closure], {})}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_closed_months_notice_links_closing_to_the_glossary(repo: Repo, language: str) -> None:
    views, histories = closed_compound(repo)
    site = build_site(views, language, None, None, histories, Provenance(None, None))
    month = "test/2026/01/"
    page = parse(site.pages[f"{month}index.md"].html)
    closed = page.one("p", class_="tf-closed")
    expected = {"zh": "本月已结账：监察人 于 2026年2月5日 签名",
                "en": "This month is closed: signed by Supervisor on 5 Feb 2026"}[language]
    assert closed.text().startswith(expected), closed.text()
    [(anchor, text)] = glossary_links(closed, month)
    assert anchor == "closed" and readable(anchor, text, language)
    glossary = parse(site.pages["glossary/index.md"].html)
    assert [dt.attrs["id"] for dt in glossary.all("dt")] == [term.anchor for term in TERMS]
    other = "en" if language == "zh" else "zh"
    for term, dt, dd in zip(TERMS, glossary.all("dt"), glossary.all("dd"), strict=True):
        assert dt.one("dfn").text() == term.name[language]
        assert dt.one("span", lang="zh-CN" if other == "zh" else "en").text() == term.name[other]
        assert dd.text() == term.about[language]
    assert site.nav[-1] == {Words(language)("glossary"): "glossary/index.md"}


def test_a_term_is_linked_once_where_it_first_appears_and_nothing_becomes_markup() -> None:
    template = environment().from_string('{% from "macros.html" import linked %}{{ linked(text | terms(*which)) }}')
    html = template.render(w=Words("zh"), glossary="../glossary/", which=("arrears", "booked"),
                           text='<b onclick="x">欠费</b> 共 3 户欠费；已计提')
    assert html == ('&lt;b onclick=&#34;x&#34;&gt;<a class="tf-term" href="../glossary/#arrears">欠费</a>&lt;/b&gt; '
                    '共 3 户欠费；已<a class="tf-term" href="../glossary/#booked">计提</a>')
    # English spellings match whole words only, in any case; the longer spelling at a place wins.
    assert term_parts("Units owed nothing; 3 units Owe it", "en", "g/", ("arrears",)) == [
        ("Units owed nothing; 3 units ", None), ("Owe", "g/#arrears"), (" it", None)]
    assert term_parts("the agreed limit of 5", "en", "g/", ("cap",)) == [
        ("the ", None), ("agreed limit", "g/#cap"), (" of 5", None)]
    # Without the page's link to the glossary, the text stays as it was.
    assert template.render(w=Words("zh"), which=("arrears",), text="欠费") == "欠费"


# On a phone


phone, shots, dead_end = test_browser.phone, test_browser.shots, test_browser.dead_end


@pytest.fixture(scope="module")
def site_url(examples_site: Path) -> Iterator[str]:
    with serve(examples_site) as url:
        yield url


def test_a_what_is_link_is_a_thumbs_size_and_lands_on_its_term(phone: Phone, site_url: str) -> None:
    page = phone.begin("glossary")
    page.goto(f"{site_url}/hetang-court/")
    for anchor in ("common-fund", "remuneration"):
        big_enough(page.locator(f".tf-what a[href='../glossary/#{anchor}']"), f"the dashboard's link to #{anchor}")
    link = page.locator(".tf-what a[href='../glossary/#remuneration']")
    link.tap()
    page.wait_for_url(f"{site_url}/glossary/#remuneration")
    state = page.evaluate("""() => {
        const term = document.getElementById('remuneration');
        const box = term.getBoundingClientRect();
        const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
        return {target: document.querySelector(':target') === term, top: box.top, header: header,
                background: getComputedStyle(term).backgroundColor, text: term.textContent};
    }""")
    assert state["target"] and state["background"] == HIGHLIGHT, state
    assert state["header"] - 1 <= state["top"] < 400, f"the term is not on the first screen: {state}"
    phone.screenshot(page, "term", full_page=False)
    month = page.goto(f"{site_url}/hetang-court/2026/03/")
    assert month is not None
    big_enough(page.locator(".tf-closed a.tf-term"), "the closed notice's link to #closed")
    assert phone.foreign() == [] and phone.errors == []
