"""The Atom feed (/feed.xml) and what every page says when its link is shared, read back as a feed reader and a
chat would: feedparser for the feed, the pages' <head> for the share tags. The expectations come from the books
themselves (the notices folder, Beancount's loader and beanquery), never from the generator's code."""

from __future__ import annotations

import datetime
import re
import shutil
from collections import defaultdict
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import pytest
import yaml
from beancount.core import data
from beanquery import query
from PIL import Image

from generator.cli import main
from tests.conftest import EXAMPLES, Repo, example_books
from tests.test_site import PROJECT, build, cards, number, parse

SITE_URL = yaml.safe_load((PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
FEED_TYPE = "application/atom+xml"
MONTH_SUMMARY = re.compile(r"收入 (−?[\d,]+\.\d{2})元，支出 (−?[\d,]+\.\d{2})元，共 (\d+) 笔$")


def read_feed(site: Path) -> Any:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.version == "atom10" and feed.bozo == 0, feed.get("bozo_exception")
    return feed


def link_of(entry: Any, rel: str = "alternate") -> str | None:
    return next((link.href for link in entry.links if link.rel == rel), None)


def transactions(compound: str) -> list[data.Transaction]:
    entries, errors, _ = example_books(compound)
    assert errors == []
    return [entry for entry in entries if isinstance(entry, data.Transaction)]


def head(html: str) -> dict[str, list[str]]:
    """The share-relevant facts of a page's <head>: meta by property or name, links by rel/type, the title."""
    found: dict[str, list[str]] = defaultdict(list)
    for tag, attributes in parse(html.split("</head>", 1)[0]).elements:
        if tag == "meta" and (attributes.get("property") or attributes.get("name")):
            found[attributes.get("property") or attributes.get("name") or ""].append(attributes.get("content") or "")
        elif tag == "link":
            found[f"link {attributes.get('rel')} {attributes.get('type') or ''}".strip()].append(
                attributes.get("href") or "")
    found["title"] = [unescape(title) for title in re.findall(r"<title>(.*?)</title>", html.split("</head>")[0], re.S)]
    return found


def html_pages(site: Path) -> list[Path]:
    """Every page MkDocs built. A unit's own statement (``/unit/<code>/``) is a file the fees pages write whole, with
    its own <head>: not linked from anywhere, kept out of search, and not part of what is shared."""
    return [path for path in sorted(site.rglob("*.html")) if "unit" not in path.relative_to(site).parts]


# The example site: every notice and every month, with Beancount's own figures


def test_the_feed_is_atom_and_lists_every_notice_and_every_month_newest_first(examples_site: Path) -> None:
    feed = read_feed(examples_site)
    assert feed.feed.language == "zh-CN" and feed.feed.id == f"{SITE_URL}feed.xml"
    expected: dict[str, datetime.date] = {}
    for compound in EXAMPLES:
        for notice in (PROJECT / "notices" / compound).glob("*.md"):
            expected[f"{SITE_URL}{compound}/notices/{notice.stem}/"] = datetime.date.fromisoformat(notice.name[:10])
        for entry in transactions(compound):
            link = f"{SITE_URL}{compound}/{entry.date.year}/{entry.date.month:02d}/"
            expected[link] = max(expected.get(link, entry.date), entry.date)  # a month is as new as its last entry
    links = [link_of(entry) for entry in feed.entries]
    assert sorted(link or "" for link in links) == sorted(expected)
    ids = [entry.id for entry in feed.entries]
    assert len(set(ids)) == len(ids) == len(expected)
    assert all(entry_id.startswith(SITE_URL) for entry_id in ids)
    dates = [datetime.date.fromisoformat(entry.updated[:10]) for entry in feed.entries]
    assert dates == [expected[link or ""] for link in links]
    assert dates == sorted(dates, reverse=True), "newest first"
    assert feed.feed.updated == feed.entries[0].updated, "the feed is as new as its newest entry, never the clock"
    for entry in feed.entries:
        assert entry.title and entry.summary and entry.tags[0].term and entry.tags[0].label
        assert entry.title.startswith(("清水花园", "荷塘苑")), entry.title


def test_the_feeds_months_carry_beancounts_own_sums_and_their_report(examples_site: Path) -> None:
    entries = {link_of(entry): entry for entry in read_feed(examples_site).entries}
    checked = 0
    for compound in EXAMPLES:
        books, errors, options = example_books(compound)
        assert errors == []
        _, rows = query.run_query(books, options, """
            SELECT year, month, root(account, 1) AS kind, sum(number) AS total
            WHERE currency = 'CNY' AND (account ~ '^Income:' OR account ~ '^Expenses:')
            GROUP BY year, month, kind""")
        sums: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for year, month, kind, total in rows:
            sums[(year, month)][kind] = total
        counts: dict[tuple[int, int], int] = defaultdict(int)
        for transaction in transactions(compound):
            counts[(transaction.date.year, transaction.date.month)] += 1
        for (year, month), count in counts.items():
            path = f"{compound}/{year}/{month:02d}/"
            entry = entries[f"{SITE_URL}{path}"]
            assert entry.tags[0].term == "month"
            name = "清水花园" if compound == "qingshui-garden" else "荷塘苑"
            assert entry.title == f"{name} {year}年{month}月收支明细"
            shown = MONTH_SUMMARY.search(entry.summary)
            assert shown is not None, entry.summary
            income, spending = number(shown.group(1)), number(shown.group(2))
            assert income == -sums[(year, month)]["Income"], (path, entry.summary)
            assert spending == sums[(year, month)]["Expenses"], (path, entry.summary)
            assert int(shown.group(3)) == count
            month_cards = cards((examples_site / path / "index.html").read_text(encoding="utf-8"))
            assert (income, spending) == (number(month_cards["收入"]), number(month_cards["支出"])), path
            report = examples_site / path / "report" / "index.html"
            assert link_of(entry, "related") == (f"{SITE_URL}{path}report/" if report.is_file() else None)
            checked += 1
    assert checked > 30


def test_a_notices_entry_is_its_title_date_kind_and_first_paragraph(examples_site: Path) -> None:
    entries = {link_of(entry): entry for entry in read_feed(examples_site).entries}
    entry = entries[f"{SITE_URL}qingshui-garden/notices/2025-09-13-committee-meeting-minutes/"]
    assert entry.title == "清水花园 · 业委会2025年第3季度例会纪要"
    assert entry.updated.startswith("2025-09-13")
    assert (entry.tags[0].term, entry.tags[0].label) == ("minutes", "会议纪要")
    assert entry.summary.startswith("时间：2025年9月13日晚。")  # no summary: the body's first paragraph
    vote = entries[f"{SITE_URL}hetang-court/notices/2026-06-28-repair-amendment-vote/"]
    assert (vote.tags[0].term, vote.tags[0].label) == ("vote", "表决结果（通过）")


# Every page: the feed link and the share tags


def test_every_page_links_the_feed_once_and_says_what_it_is_when_shared(examples_site: Path) -> None:
    host = urlsplit(SITE_URL).hostname
    pages = html_pages(examples_site)
    assert len(pages) > 100
    for path in pages:
        facts = head(path.read_text(encoding="utf-8"))
        # Relative, so that the theme's look-up of sitemap.xml beside it never leaves a copy of the site.
        [feed] = facts[f"link alternate {FEED_TYPE}"]
        page_url = SITE_URL + path.relative_to(examples_site).as_posix()
        assert not urlsplit(feed).netloc and urljoin(page_url, feed) == f"{SITE_URL}feed.xml", (path, feed)
        assert len(facts["title"]) == 1 and facts["title"][0].strip(), path
        for tag in ("og:title", "og:description", "og:site_name", "og:type", "og:image", "description"):
            assert len(facts[tag]) == 1 and facts[tag][0].strip(), (path, tag)
        assert facts["og:description"] == facts["description"], path
        assert facts["og:image"] == [f"{SITE_URL}assets/share.png"], path
        folder = path.parent.relative_to(examples_site).as_posix()
        if path.name == "index.html":
            assert facts["og:url"] == [SITE_URL + ("" if folder == "." else f"{folder}/")], path
        # No address in the head leads to another host than the site's own.
        for key, values in facts.items():
            for value in values if key.startswith(("og:url", "og:image", "link")) else []:
                target = urlsplit(value)
                assert target.scheme in ("", "https") and target.hostname in (None, host), (path, key, value)
    with Image.open(examples_site / "assets" / "share.png") as image:
        assert image.format == "PNG" and image.size == (300, 300)


def test_a_month_page_reads_well_in_a_chat(examples_site: Path) -> None:
    facts = head((examples_site / "qingshui-garden" / "2026" / "03" / "index.html").read_text(encoding="utf-8"))
    shown = cards((examples_site / "qingshui-garden" / "2026" / "03" / "index.html").read_text(encoding="utf-8"))
    assert facts["title"] == ["清水花园 2026年3月收支明细"] == facts["og:title"]
    count = sum(1 for t in transactions("qingshui-garden") if (t.date.year, t.date.month) == (2026, 3))
    line = f"清水花园 2026年3月：收入 {shown['收入']}元，支出 {shown['支出']}元，共 {count} 笔"
    assert facts["og:description"] == facts["description"] == [line]
    assert facts["og:url"] == [f"{SITE_URL}qingshui-garden/2026/03/"]
    dashboard = head((examples_site / "qingshui-garden" / "index.html").read_text(encoding="utf-8"))
    assert dashboard["title"] == ["清水花园 · 共有资金公开"]
    assert dashboard["og:description"][0].startswith("清水花园：共有资金余额 ")


# Untrusted books, another language, no site address


HOSTILE_TITLE = '<script>alert("feed")</script> & 停水通知'


def hostile_books(repo: Repo) -> None:
    # "\a" in YAML's double quotes is a BEL character: XML cannot carry it, so it is left out of the feed.
    repo.write("notices/test/2026-03-20-water.md", """\
        ---
        title: "<script>alert(\\"feed\\")</script> & 停水\\a通知"
        date: 2026-03-20
        kind: announcement
        ---
        <img src=x onerror=alert(1)> 3月21日停水 & 检修，详见 [公告](javascript:alert(1))。

        | a | b |
        | --- | --- |
        """)
    repo.journal("""\
        2026-03-05 * "<b>保洁 & 公司</b>" "三月保洁"
          voucher: "2026-0002"
          Expenses:Cleaning   300.00 CNY
          Assets:Bank:Fund
        """)


def test_nothing_from_the_books_becomes_markup_in_the_feed_or_the_head(repo: Repo, tmp_path: Path) -> None:
    hostile_books(repo)
    site = tmp_path / "site"
    assert build(repo.root, site) == 0
    raw = (site / "feed.xml").read_bytes()
    assert b"<script" not in raw and b"<img" not in raw and b"<b>" not in raw and b"\x07" not in raw
    assert b"&lt;script&gt;" in raw and b"&amp;" in raw
    entries = {link_of(entry): entry for entry in read_feed(site).entries}
    notice = entries[f"{SITE_URL}test/notices/2026-03-20-water/"]
    assert notice.title == f"测试花园 · {HOSTILE_TITLE}"
    assert notice.summary == "<img src=x onerror=alert(1)> 3月21日停水 & 检修，详见 公告。"
    march = entries[f"{SITE_URL}test/2026/03/"]
    assert march.summary == "测试花园 2026年3月：收入 0.00元，支出 300.00元，共 1 笔"
    html = (site / "test" / "notices" / "2026-03-20-water" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    facts = head(html)
    assert facts["og:title"] == facts["title"] == [f"测试花园 · {HOSTILE_TITLE}"]
    assert facts["description"] == [f"2026年3月20日 · 公告：{notice.summary}"]
    elements = parse(html).elements
    assert not [name for _, attributes in elements for name in attributes if name.startswith("on")]
    assert "img" not in [tag for tag, _ in elements]


def test_the_feed_is_the_same_from_build_to_build_and_speaks_the_sites_language(books: Repo, tmp_path: Path) -> None:
    """
    2026-03-05 * "示例保洁公司" "三月保洁"
      voucher: "2026-0002"
      Expenses:Cleaning   300.00 CNY
      Assets:Bank:Fund
    """
    assert build(books.root, tmp_path / "one") == 0
    assert build(books.root, tmp_path / "two") == 0
    assert (tmp_path / "one" / "feed.xml").read_bytes() == (tmp_path / "two" / "feed.xml").read_bytes()
    assert build(books.root, tmp_path / "en", language="en") == 0
    feed = read_feed(tmp_path / "en")
    assert feed.feed.language == "en"
    titles = {entry.title for entry in feed.entries}
    assert "Test Garden: income and spending, Mar 2026" in titles
    assert "Test Garden, Mar 2026: income 0.00 CNY, spending 300.00 CNY, 1 items" in {e.summary for e in feed.entries}
    facts = head((tmp_path / "en" / "test" / "2026" / "03" / "index.html").read_text(encoding="utf-8"))
    assert facts["og:locale"] == ["en_US"] and facts["title"] == ["Test Garden: income and spending, Mar 2026"]


def test_without_a_site_address_there_is_no_feed_and_no_link_to_one(books: Repo, tmp_path: Path) -> None:
    """
    2026-03-05 * "示例保洁公司" "三月保洁"
      voucher: "2026-0002"
      Expenses:Cleaning   300.00 CNY
      Assets:Bank:Fund
    """
    shutil.copytree(PROJECT / "site_src", books.root / "site_src")
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    (books.root / "mkdocs.yml").write_text(re.sub(r"(?m)^site_url:.*$", "", config), encoding="utf-8")
    site = tmp_path / "site"
    assert main(["--root", str(books.root), "build", "--site-dir", str(site)]) == 0
    assert not (site / "feed.xml").exists()
    for path in html_pages(site):
        facts = head(path.read_text(encoding="utf-8"))
        assert f"link alternate {FEED_TYPE}" not in facts and "og:url" not in facts, path
        assert facts["og:title"] and facts["og:description"], path
        [image] = facts["og:image"]
        target = site / image.lstrip("/") if image.startswith("/") else path.parent / image  # 404.html: from the root
        assert not urlsplit(image).scheme and target.resolve().is_file(), (path, image)


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("a\x07b\u200bc\n\n d", 0, "ab\u200bc d"),
    ("\ufffe一\ud800二\x85三", 0, "一二三"),
    ("一二三四五六", 4, "一二三…"),
])
def test_share_text_is_one_line_that_xml_can_carry(text: str, limit: int, expected: str) -> None:
    from generator.site.share import plain

    assert plain(text, limit) == expected
