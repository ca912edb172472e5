"""What a page says when its bare link is pasted in a chat: a short title and the page's first line.

A chat (WeChat), a feed reader or a search engine shows a link as a title and
a line of text: ``<title>``, ``og:title``, ``og:description`` and ``<meta
name="description">``. Each page gets both from its figures, in the words the
page itself uses, e.g. for a month::

    清水花园 2026年3月收支明细
    清水花园 2026年3月：收入 87,758.21元，支出 90,834.24元，共 41 笔

Everything here is plain text made from untrusted books (names, notice titles
and bodies): one line, control characters dropped, shortened with an
ellipsis. It is escaped where it is written — by the MkDocs plugin into the
page's metadata, by the feed's template into XML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

from generator.books.notices import Notice
from generator.money import share
from generator.site import urls
from generator.site.notice_body import render_body
from generator.site.words import Words, money, percent
from generator.view import CompoundView, Month, Year

DESCRIPTION_LIMIT = 140  # characters: about three lines of a chat's link preview
# What XML 1.0 cannot carry (and a chat would show as garbage): C0 controls but tab, newline and carriage
# return; DEL and the C1 controls; lone surrogates; U+FFFE and U+FFFF.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Share:
    title: str  # empty: the page's own title
    description: str


def plain(text: str, limit: int = 0) -> str:
    """One line of text: control characters dropped, whitespace collapsed, at most ``limit`` characters."""
    line = " ".join(NOT_TEXT.sub("", text).split())
    if limit and len(line) > limit:
        return line[:limit - 1].rstrip() + "…"
    return line


def compound_name(view: CompoundView, language: str) -> str:
    profile = view.compound.profile
    if profile is None:
        return view.id
    return profile.name_en if language == "en" else profile.name


def notice_title(notice: Notice, language: str) -> str:
    title_en = notice.front.data.get("title_en")
    return title_en if language == "en" and isinstance(title_en, str) and title_en else notice.title


def notice_summary(notice: Notice, language: str) -> str:
    """The notice's ``summary`` (``summary_en``) if it has one, else its body's first paragraph as plain text."""
    summary = notice.front.data.get("summary_en" if language == "en" else "summary")
    if not isinstance(summary, str) or not summary.strip():
        summary = notice.front.data.get("summary")
    if isinstance(summary, str) and summary.strip():
        return plain(summary, DESCRIPTION_LIMIT)
    reader = FirstParagraph()
    reader.feed(str(render_body(notice.body)))  # Markdown's own reading of the body, after nh3
    reader.close()
    return plain("".join(reader.text), DESCRIPTION_LIMIT)


def notice_kind(w: Words, notice: Notice) -> str:
    kind = w(f"notice_kind_{notice.kind}")
    if notice.kind == "vote" and notice.result in ("passed", "rejected"):
        return f"{kind}（{w(notice.result)}）" if w.language == "zh" else f"{kind} ({w(notice.result)})"
    return kind


def amount(w: Words, value: Decimal, currency: str) -> str:
    """``87,758.21元`` or ``87,758.21 CNY``: the site's money format with its unit."""
    return w("yuan", amount=money(value)) if currency == "CNY" else f"{money(value)} {currency}"


def currency_of(view: CompoundView) -> str:
    return view.compound.profile.currency if view.compound.profile else "CNY"


def month_title(w: Words, name: str, month: Month) -> str:
    return plain(w("share_month_title", name=name, month=w.month(month.year, month.month)))


def month_line(w: Words, name: str, month: Month, currency: str) -> str:
    """``清水花园 2026年3月：收入 87,758.21元，支出 90,834.24元，共 41 笔`` — the month page's own figures."""
    return plain(w("share_month", name=name, month=w.month(month.year, month.month),
                   income=amount(w, month.income, currency), spending=amount(w, month.spending, currency),
                   count=len(month.items)))


def describe(views: list[CompoundView], w: Words, every_name: list[str] | None = None) -> dict[str, Share]:
    """Each page's share title and first line, keyed by the page's Markdown source (``urls.page``). Pages not
    listed (hand-written ones, pages added later) are shared with their own title and the site's description.
    ``every_name``: the front page names every compound of a district, not only those in ``views``."""
    language = w.language
    names = [compound_name(view, language) for view in views]
    listed = names if every_name is None else every_name
    shares = {urls.page(urls.HOME): Share(w("site_title"), plain(w("share_home", names=(
        "、" if language == "zh" else ", ").join(listed)) if listed else w("site_description"), DESCRIPTION_LIMIT))}
    for view, name in zip(views, names, strict=True):
        shares.update(_compound(view, plain(name), w))
    return shares


def _compound(view: CompoundView, name: str, w: Words) -> dict[str, Share]:
    cid, currency = view.id, currency_of(view)
    shares: dict[str, Share] = {}

    def put(folder: str, title: str, description: str) -> None:
        shares[urls.page(folder)] = Share(plain(title), plain(description, DESCRIPTION_LIMIT))

    year = view.years.get(view.current_year) if view.current_year else None
    if view.last_date is not None and year is not None:
        put(urls.compound(cid), f"{name} · {w('site_title')}", w(
            "share_dashboard", name=name, balance=amount(w, view.fund_balance.get(currency, Decimal(0)), currency),
            date=w.date(view.last_date), year=w.year(year.year), income=amount(w, year.income, currency),
            spending=amount(w, year.spending, currency)))
    else:
        put(urls.compound(cid), f"{name} · {w('site_title')}", w("share_dashboard_empty", name=name))
    for each in view.years.values():
        put(urls.year(cid, each.year), w("share_year_title", name=name, year=w.year(each.year)),
            _year_line(w, name, each, currency))
        # The year's and the months' printable reports, where the site has them, keep their own titles and
        # say what the year's and the month's pages say.
        put(urls.year_report(cid, each.year), "", _year_line(w, name, each, currency))
        for month in each.months.values():
            put(urls.month(cid, month.year, month.month), month_title(w, name, month),
                month_line(w, name, month, currency))
            put(urls.report(cid, month.year, month.month), "", month_line(w, name, month, currency))
    for number, budget in view.budgets.items():
        put(urls.budget(cid, number), f"{name} · {w.year(number)}{w('budget')}", w(
            "share_budget", name=name, year=w.year(number), cap=amount(w, budget.total_cap, currency),
            spent=amount(w, budget.total_spent, currency), share=percent(share(budget.total_spent, budget.total_cap))))
    notices = sorted(view.compound.notices.values(), key=lambda n: (n.date, n.slug), reverse=True)
    if notices:
        put(urls.notices(cid), f"{name} · {w('notices')}", w(
            "share_notices", name=name, count=len(notices), title=plain(notice_title(notices[0], w.language)),
            date=w.date(notices[0].date)))
    else:
        put(urls.notices(cid), f"{name} · {w('notices')}", w("share_notices_empty", name=name))
    for notice in notices:
        put(urls.notice(cid, notice.slug), f"{name} · {plain(notice_title(notice, w.language))}",
            w("share_notice", date=w.date(notice.date), kind=notice_kind(w, notice),
              summary=notice_summary(notice, w.language)))
    put(urls.data(cid), f"{name} · {w('downloads')}", w("share_data", name=name))
    put(urls.search(cid), f"{name} · {w('search')}", w("share_search", name=name))
    put(urls.history(cid), f"{name} · {w('history')}", w("share_history", name=name))
    put(urls.queries(cid), f"{name} · {w('queries')}", w("share_queries", name=name))
    if view.fees is not None:
        put(urls.fees(cid), f"{name} · {w('fees')}", w("share_fees", name=name))
    return shares


def _year_line(w: Words, name: str, year: Year, currency: str) -> str:
    numbers = sorted(year.months)
    return w("share_year", name=name, year=w.year(year.year), income=amount(w, year.income, currency),
             spending=amount(w, year.spending, currency), count=sum(len(m.items) for m in year.months.values()),
             first=w.month_short(numbers[0]) if numbers else "", last=w.month_short(numbers[-1]) if numbers else "")


class FirstParagraph(HTMLParser):
    """The text of the first paragraph or list item of sanitised notice HTML (tables and headings skipped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.depth = 0  # inside the paragraph being read
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if self.depth:
            self.depth += tag not in ("br", "hr")
        elif tag in ("p", "li", "blockquote"):
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and not self.done:
            self.depth -= 1
            self.done = self.depth == 0 and bool("".join(self.text).strip())

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done:
            self.text.append(data)
