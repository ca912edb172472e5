"""The Atom feed at the site's root, ``feed.xml``: every notice and every month with entries, newest first.

A notice's entry is its title, date, kind and first paragraph (or its
``summary``); a month's entry is the month's income and spending as its page
shows them, dated by its last entry, with the month's report page beside it
when the site has one. Ids are the pages' absolute addresses, so they stay the
same from build to build, and the feed is as old as its newest entry — never
the clock — so the same books make the same feed, byte for byte.

Atom needs absolute addresses (an entry's id must be one), so the feed is
made only when the site knows its own address (``site_url`` in mkdocs.yml).
Titles, summaries and names come from the books and are untrusted: the
template escapes every value (Jinja's autoescape) and ``share.plain`` keeps
out what XML cannot carry.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import quote

from jinja2 import Environment

from generator.site import share, urls
from generator.site.words import Words
from generator.view import CompoundView

FEED = "feed.xml"
SHARE_IMAGE = "share.png"  # generator/site/overrides/assets/share.png, the picture beside a shared link
TIMEZONE = "+08:00"  # the books' dates are Asia/Shanghai days
NO_DATE = "1970-01-01T00:00:00Z"  # a feed without entries and without a commit to date it


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: str  # RFC 3339
    link: str
    summary: str
    author: str
    term: str  # the notice's kind, or "month"
    label: str
    related: str | None = None  # the month's report page
    related_title: str = ""


@dataclass(frozen=True)
class Feed:
    id: str
    language: str
    title: str
    subtitle: str
    updated: str
    home: str
    logo: str
    author: str
    entries: list[Entry]


def absolute(site_url: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + quote(path, safe="/#")


def stamp(date: datetime.date) -> str:
    return f"{date.isoformat()}T00:00:00{TIMEZONE}"


def entries(views: list[CompoundView], w: Words, site_url: str, pages: Collection[str]) -> list[Entry]:
    """Every notice and every month with entries of every compound, newest first. ``pages`` are the site's
    pages (Markdown sources): a month's report is linked only when it was built."""
    made: list[tuple[datetime.date, str, Entry]] = []
    for view in views:
        name = share.plain(share.compound_name(view, w.language))
        currency = share.currency_of(view)
        for notice in view.compound.notices.values():
            link = absolute(site_url, urls.notice(view.id, notice.slug))
            made.append((notice.date, link, Entry(
                id=link, title=f"{name} · {share.plain(share.notice_title(notice, w.language))}",
                updated=stamp(notice.date), link=link, summary=share.notice_summary(notice, w.language),
                author=name, term=notice.kind, label=share.notice_kind(w, notice))))
        for year in view.years.values():
            for month in year.months.values():
                if not month.items:
                    continue
                link = absolute(site_url, urls.month(view.id, month.year, month.month))
                report = urls.report(view.id, month.year, month.month)
                related = absolute(site_url, report) if urls.page(report) in pages else None
                last = max(item.date for item in month.items)
                made.append((last, link, Entry(
                    id=link, title=share.month_title(w, name, month), updated=stamp(last), link=link,
                    summary=share.month_line(w, name, month, currency), author=name, term="month",
                    label=w("feed_month_kind"), related=related, related_title=w("feed_report"))))
    made.sort(key=lambda made_entry: (made_entry[0], made_entry[1]), reverse=True)
    return [entry for _, _, entry in made]


def atom_feed(env: Environment, views: list[CompoundView], w: Words, site_url: str, pages: Collection[str],
              commit_time: str | None = None, listed: list[Entry] | None = None) -> bytes:
    """The feed as UTF-8 XML. ``commit_time`` (ISO 8601) dates a feed that has no entries yet. ``listed``: the
    entries, newest first, when they were gathered from a district's parts rather than from ``views``."""
    if listed is None:
        listed = entries(views, w, site_url, pages)
    if listed:
        updated = listed[0].updated
    elif commit_time:
        updated = datetime.datetime.fromisoformat(commit_time).isoformat()
    else:
        updated = NO_DATE
    feed = Feed(id=absolute(site_url, FEED), language="zh-CN" if w.language == "zh" else "en",
                title=w("feed_title"), subtitle=w("feed_subtitle"), updated=updated, home=absolute(site_url, ""),
                logo=absolute(site_url, urls.asset(SHARE_IMAGE)), author=w("site_title"), entries=listed)
    return env.get_template("feed.xml").render(feed=feed).encode("utf-8")
