"""Every page and file of the site, rendered from the compound views.

``build_site`` returns page bodies (HTML fragments that the MkDocs theme
wraps) keyed by their Markdown source path, and static files keyed by their
path in the site. Links between pages are relative, so the site works from
any folder or host.
"""

from __future__ import annotations

import datetime
import functools
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace as Row
from typing import IO, Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup, escape

from generator.books.chart import covers
from generator.books.fees import period_months
from generator.books.listing import Listing
from generator.books.notices import Notice
from generator.books.trustee import Allowance
from generator.money import parse_amount, share
from generator.site import charts, search, urls
from generator.site.beside import Beside
from generator.site.cache import Memo
from generator.site.csp import policy as csp_policy
from generator.site.compiled import template_cache
from generator.site.downloads import file_size, ledger_groups, member_name, write_ledger_zip, write_transactions_zip
from generator.site.evidence import Preview, Previews
from generator.site.feed import FEED, SHARE_IMAGE, Entry, atom_feed
from generator.site.glossary import TERMS, terms_filter, what_is_filter
from generator.site.month_items import ItemWriter, page_breaks
from generator.site.notice_body import render_body
from generator.site.reports import month_report_page, year_report_page
from generator.site.share import describe, plain
from generator.site.urls import rel
from generator.site.words import Words, money, percent, rate
from generator.view import Change, CompoundView, History, Item, Month, Provenance, Year
from generator.view.reports import openings
from generator.view.fees import TOTAL, Collection

# A MkDocs navigation entry: a page ({title: "path/index.md"}) or a section ({title: [entries]}).
NavItem = dict[str, "str | list[NavItem]"]


# A month with more items than this lists them by date in its downloads, not a second time on its page:
# a real compound books a few dozen items a month, and a page must stay a page (under 1 MB) on a phone.
BY_DATE_LIMIT = 300
# A month with more items than PAGE_ROWS, or more than PAGE_BYTES of them as HTML, is split into pages: every page
# of the site stays under 300 KB, of which the theme, the month's cards and category index and the 质询 panel
# take about 25 KB. Links to an item keep working: see month_page.
PAGE_ROWS = 1000
PAGE_BYTES = 240_000
# A detail sheet longer than this shows how its rows add up and links its CSV, not every row: up to 30 rows
# read on a phone in a screen or two, while the per-unit tables of daily fee receipts (about 70 rows each, a
# month's pages 40% heavier) are looked up, not read — each unit's own payments are on its unit page, and the
# whole sheet opens in Excel/WPS from the link.
SHEET_ROWS_SHOWN = 30
NO_ROWS: list[Row] = []  # shared, never changed: most items have no queries


@dataclass
class District:
    """What the shared pages show of a district's compounds when not every compound's books are loaded: each
    compound's navigation entry (every compound, in order), its front page row by language, and the feed's
    entries (newest first). See generator/site/parts.py."""
    listings: list[Listing]
    cards: list[dict[str, dict[str, Any]]] | None = None
    feed: list[Entry] | None = None


@dataclass
class Page:
    title: str
    html: str
    share_title: str = ""  # <title> and og:title: compound and page, short (generator/site/share.py)
    description: str = ""  # og:description and <meta name="description">: the page's first line


@dataclass
class Site:
    pages: dict[str, Page] = field(default_factory=dict)  # "qingshui-garden/2026/03/index.md" → page
    files: dict[str, bytes | Path] = field(default_factory=dict)  # "qingshui-garden/data/transactions.csv" → …
    nav: list[NavItem] = field(default_factory=list)  # MkDocs' navigation: compounds and their main sections
    footer: str = ""  # the provenance line under every page, as HTML
    head: dict[str, str] = field(default_factory=dict)  # for every page's <head>: the feed and the share image
    notes: list[str] = field(default_factory=list)  # for the treasurer's build log: vouchers without a preview
    language: str = "zh"  # the language of the pages at the site's root
    # English pages beside a Chinese site, under urls.ENGLISH (their Markdown sources start with "en/"): the
    # summaries, not the month's items, notices, reports or unit pages (see EnglishPart).
    english: bool = False
    english_nav: list[NavItem] = field(default_factory=list)
    english_footer: str = ""
    # Each generated page's version in the other language, or the nearest page that has one: the header's switch.
    switch: dict[str, str] = field(default_factory=dict)

    def language_of(self, uri: str) -> str:
        """The language of the page whose Markdown source is ``uri`` (generated or hand-written)."""
        return "en" if self.english and uri.startswith(urls.ENGLISH) else self.language

    def footer_of(self, uri: str) -> str:
        return self.english_footer if self.english and uri.startswith(urls.ENGLISH) else self.footer

    def switch_of(self, uri: str) -> tuple[str, dict[str, str]] | None:
        """The header's switch on the page ``uri`` (generated or hand-written): the page it leads to (its Markdown
        source; the other language's front page for a page without a version there) and the link's words, in
        the page's language. None on a site without English pages beside it."""
        if not self.english:
            return None
        language = self.language_of(uri)
        home = urls.page(urls.HOME)
        target = self.switch.get(uri) or (home if language == "en" else urls.english(home))
        w = Words(language)
        return target, {"lang": "zh-CN" if language == "en" else "en", "text": w("switch_language"),
                        "label": w("switch_label")}


def listing_of(view: CompoundView) -> Listing:
    """The compound's entry in the navigation, from its loaded books (generator/books/listing.py reads the same
    facts without them)."""
    profile = view.compound.profile
    return Listing(view.id, profile.name if profile else view.id, profile.name_en if profile else view.id,
                   max(view.budgets) if view.budgets else None, view.fees is not None)


def file_kind(path: str) -> str | None:
    """Which part of the books a changed file is, in the words of the history page (None: not the books)."""
    parts = path.split("/")
    if parts[0] == "budgets":
        return "budget"
    if parts[0] == "notices":
        return "notices"
    if parts[0] != "ledgers" or len(parts) < 3:
        return None
    if "vouchers" in parts:
        return "vouchers"
    return {"compound.yaml": "profile", "accounts.beancount": "accounts", "units.csv": "roster"}.get(
        parts[-1], "ledger" if parts[-1].endswith(".beancount") else None)


def write_text(text: str, out: IO[str]) -> None:
    out.write(text)


def environment() -> Environment:
    env = Environment(loader=PackageLoader("generator.site", "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False,
                      bytecode_cache=template_cache())
    env.filters["money"] = money
    env.filters["percent"] = percent
    env.filters["rate"] = rate
    env.filters["bar_width"] = lambda share: f"{min(float(share or 0), 1.0) * 100:.1f}"
    env.filters["terms"] = terms_filter  # a sentence with its glossary terms linked (generator/site/glossary.py)
    env.filters["what_is"] = what_is_filter  # "什么是酬金？", the term linked
    return env


def render_once(template: Template, values: dict[str, Any]) -> str:
    """``template.render(values)``, letting go of the values when the page is written.

    A template whose macro reads a value of the page (the month page's pager reads ``w``) makes a reference
    cycle (the macro's closure holds the rendering context, which holds the macro), so the context and every
    value it was given outlive the page until the garbage collector runs, and ``trustfund build`` keeps the
    collector off while it renders (it would re-scan the books' millions of objects): about 10 MB kept per
    month page at 100k transactions, which doubled the build's peak memory (1.2 GB against bean-check's
    0.4 GB). The context's values are dropped here instead; only the small cycle stays."""
    context = template.new_context(values)
    try:
        return template.environment.concat(template.root_render_func(context))
    except Exception:
        return template.environment.handle_exception()
    finally:
        context.vars.clear()
        context.parent.clear()


class SiteBuilder:
    def __init__(self, language: str, repo_url: str | None, spool: Path | None = None,
                 histories: dict[str, History | None] | None = None, previews: Previews | None = None) -> None:
        self.spool = spool
        self.previews = previews if previews is not None else Previews(None)
        self.histories = histories or {}
        self.w = Words(language)
        self.language = language
        self.repo_url = repo_url.rstrip("/") if repo_url else None
        self.env = environment()
        self.site = Site()
        self.provenance = ""  # the footer's provenance line, for the pages written whole (unit pages)
        self.provenance_text = ""  # the same line as text, for the printed reports
        self.site_url: str | None = None  # the site's public address (mkdocs.yml site_url), for QR codes
        self.openings: dict[str, dict[tuple[int, int], Decimal]] = {}  # each compound's fund at each month's start
        self.written: dict[str, int] = {}  # the files written beside the pages (generator/site/beside.py): sizes
        self.memo: Memo | None = None  # the rebuild cache: units of work replayed when their inputs are unchanged
        # A district's part or its assembly (generator/site/parts.py): every compound of the navigation, and the
        # front page's rows (by language), when they are not all among the views built here.
        self.listings: list[Listing] | None = None
        self.cards: list[dict[str, dict[str, Any]]] | None = None
        # The paginated months: a month's folder → each voucher's and category anchor's page folder (month_page).
        self.month_parts: dict[str, dict[str, str]] = {}

    def put(self, uri: str, write: Callable[[IO[str]], object]) -> None:
        """A generated file: written straight to the spool folder if there is one (MkDocs copies it from
        there, so the downloads never sit in memory), else kept as bytes."""
        if self.spool is None:
            buffer = io.StringIO()
            write(buffer)
            self.site.files[uri] = buffer.getvalue().encode("utf-8")
            return
        path = self.spool / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as out:
            write(out)
        self.site.files[uri] = path

    def put_binary(self, uri: str, write: Callable[[IO[bytes]], object]) -> None:
        """A generated binary file (an archive), as ``put`` writes text."""
        if self.spool is None:
            buffer = io.BytesIO()
            write(buffer)
            self.site.files[uri] = buffer.getvalue()
            return
        path = self.spool / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            write(out)
        self.site.files[uri] = path

    def writes(self, folder: str) -> bool:
        """Whether this builder writes the page at ``folder`` (all of them; the English part only some)."""
        return True

    def render(self, uri: str, page_title: str, template: str, **values: Any) -> None:
        # Every page knows its way to the glossary, for the terms it links.
        glossary = rel(uri.removesuffix(urls.page(urls.HOME)), urls.GLOSSARY)
        html = render_once(self.env.get_template(template), dict(values, w=self.w, glossary=glossary))
        self.site.pages[uri] = Page(page_title, html)

    def memoised(self, label: str, inputs: Callable[[], tuple[object, ...] | None], work: Callable[[], object]) -> None:
        """One unit of work (a month page, a year's search index …) through the rebuild cache
        (generator/site/cache.py): replayed without running when ``inputs()`` were seen before."""
        if self.memo is None:
            work()
            return
        self.memo.run(self, f"{self.language} {label}", self.memo.key(inputs), work)

    def build(self, views: list[CompoundView]) -> Site:
        beside = Beside(self.spool)
        beside.start(lambda: self.files_beside(views))
        try:
            self.pages(views)
            written = self.written = beside.finish()
        except BaseException:
            beside.abandon()
            raise
        if self.spool is not None:
            for uri in written:
                self.site.files[uri] = self.spool / uri
        for view in views:
            self.data_page(view, self.compound_name(view), written)
            self.search_page(view, self.compound_name(view))
        return self.site

    def files_beside(self, views: list[CompoundView]) -> dict[str, int]:
        """The files no page waits for, written while the pages are rendered (generator/site/beside.py):
        each year's CSV and ledger archives, the search index, and the unit pages. Their URIs and sizes."""
        before = set(self.site.files)
        for view in views:
            for year in view.years.values():
                items = [item for _, month in sorted(year.months.items()) for item in month.items]
                if items:
                    self.memoised(f"csv {view.id} {year.year}", functools.partial(self.year_inputs, view, year, "csv"),
                                  functools.partial(
                        self.put_binary, self.csv_download(view, year.year),
                        functools.partial(write_transactions_zip, view, year.year, items)))
            for group, files in self.ledger_archives(view).items():
                self.put_binary(self.ledger_download(view, group), functools.partial(write_ledger_zip, files))
            self.memoised(f"search {view.id}", functools.partial(self.search_inputs, view),
                          functools.partial(self.search_index, view))
            if view.fees is not None and view.fees.unit_pages:
                self.unit_pages(view, self.compound_name(view))
        return {uri: self.size(uri) for uri in self.site.files if uri not in before}

    @staticmethod
    def csv_download(view: CompoundView, year: int) -> str:
        return urls.download(view.id, f"transactions-{year}.zip")

    @staticmethod
    def ledger_download(view: CompoundView, group: str) -> str:
        """The archive of a year's ledger files (``group`` the year), or of the books' other files (``""``)."""
        return urls.download(view.id, f"ledger-{group}.zip" if group else "ledger.zip")

    @staticmethod
    def ledger_archives(view: CompoundView) -> dict[str, list[tuple[str, Path]]]:
        """The raw ledger files by archive (downloads.ledger_groups), each with its path in the compound."""
        relatives = {path.relative_to(view.compound.folder).as_posix(): path for path in view.ledger_files}
        return {group: [(relative, relatives[relative]) for relative in names]
                for group, names in ledger_groups(list(relatives)).items()}

    def pages(self, views: list[CompoundView]) -> None:
        for view in views:
            self.compound(view)
        cards = [card[self.language] for card in self.cards] if self.cards is not None else \
            [self.card(view) for view in views]
        self.render(urls.page(urls.HOME), self.w("site_title"), "index.html",
                    compounds=[self.card_row(card) for card in cards])
        self.glossary_page()
        self.site.nav = self.navigation(self.listings if self.listings is not None else
                                        [listing_of(view) for view in views])

    def card(self, view: CompoundView) -> dict[str, Any]:
        """The compound's row on the front page, as plain data (figures as exact decimal text): a district's
        part build hands it to ``trustfund assemble`` in its manifest, and a whole build renders it the same way."""
        year = view.years.get(view.current_year) if view.current_year else None
        budget = view.budgets.get(view.current_year) if view.current_year else None
        rates, fee_rate = self.headline_rates(view), self.fee_headline(view)

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {"id": view.id, "name": self.compound_name(view), "year": view.current_year,
                "balance": str(self.balance(view)), "income": str(year.income if year else Decimal(0)),
                "spending": str(year.spending if year else Decimal(0)),
                "budget_used": text(share(budget.total_spent, budget.total_cap)) if budget else None,
                "rates": {"rate": text(rates.last.response_rate), "label": rates.last_label} if rates else None,
                "fee_rate": {"rate": text(fee_rate.last.rate), "label": fee_rate.last_label} if fee_rate else None}

    @staticmethod
    def card_row(card: dict[str, Any]) -> dict[str, Any]:
        def number(value: str | None) -> Decimal | None:
            return None if value is None else Decimal(value)

        rates, fee_rate = card["rates"], card["fee_rate"]
        return {"link": rel(urls.HOME, urls.compound(card["id"])), "name": card["name"], "year": card["year"],
                "balance": Decimal(card["balance"]), "income": Decimal(card["income"]),
                "spending": Decimal(card["spending"]), "budget_used": number(card["budget_used"]),
                "rates": Row(last=Row(response_rate=number(rates["rate"])), last_label=rates["label"])
                if rates else None,
                "fee_rate": Row(last=Row(rate=number(fee_rate["rate"])), last_label=fee_rate["label"])
                if fee_rate else None}

    def navigation(self, listings: list[Listing]) -> list[NavItem]:
        """Compounds and their main sections only: years and months are reached from the pages."""
        nav: list[NavItem] = [{self.w("site_title"): urls.page(urls.HOME)}]
        for listing in listings:
            cid = listing.id
            sections: list[NavItem] = [{self.w("dashboard"): urls.page(urls.compound(cid))}]
            if listing.budget_year is not None:
                sections.append({self.w("budget"): urls.page(urls.budget(cid, listing.budget_year))})
            if listing.fees:
                sections.append({self.w("fees"): urls.page(urls.fees(cid))})
            sections += [{self.w("notices"): urls.page(urls.notices(cid))},
                         {self.w("search"): urls.page(urls.search(cid))},
                         {self.w("queries"): urls.page(urls.queries(cid))},
                         {self.w("history"): urls.page(urls.history(cid))},
                         {self.w("downloads"): urls.page(urls.data(cid))}]
            # the theme prints section names unescaped
            nav.append({str(escape(listing.name_in(self.language))): sections})
        nav.append({self.w("glossary"): urls.page(urls.GLOSSARY)})
        return nav

    def glossary_page(self) -> None:
        """The site's one glossary: each term at its anchor, in plain words, with its name in the other language."""
        other = "en" if self.language == "zh" else "zh"
        self.render(urls.page(urls.GLOSSARY), self.w("glossary"), "glossary.html",
                    other_lang="zh-CN" if other == "zh" else "en",
                    terms=[Row(anchor=term.anchor, name=term.name[self.language], about=term.about[self.language],
                               other=term.name[other]) for term in TERMS])

    def provenance_line(self, provenance: Provenance, built: datetime.date) -> str:
        """The commit the books were built from, and when, as a line of text."""
        w = self.w
        if provenance.commit:
            when = datetime.datetime.fromisoformat(provenance.commit_time or "")
            return w("built_from", commit=provenance.commit[:12], commit_time=f"{w.date(when.date())} {when:%H:%M}",
                     built=w.date(built))
        return w("built_from", commit=w("uncommitted"), commit_time="—", built=w.date(built))

    def footer(self, provenance: Provenance, built: datetime.date) -> str:
        """The verification line under every page: the commit the books were built from, and when."""
        text = self.provenance_line(provenance, built)
        return f'<p class="tf-provenance" data-commit="{escape(provenance.commit or "")}">{escape(text)}</p>'

    # names

    def compound_name(self, view: CompoundView) -> str:
        profile = view.compound.profile
        if profile is None:
            return view.id
        return profile.name_en if self.language == "en" else profile.name

    def balance(self, view: CompoundView) -> Decimal:
        currency = view.compound.profile.currency if view.compound.profile else "CNY"
        return view.fund_balance.get(currency, Decimal(0))

    def account(self, view: CompoundView, account: str) -> str:
        return view.display_name(account, self.language)

    # pages of a compound

    def compound(self, view: CompoundView) -> None:
        name = self.compound_name(view)
        for year in view.years.values():
            self.year_page(view, name, year)
        for budget_year in view.budgets:
            self.budget_page(view, name, budget_year)
        self.notice_pages(view, name)
        self.history_page(view, name)
        self.queries_page(view, name)
        if view.fees is not None:
            self.fees_page(view, name)
        self.dashboard(view, name)
        for path in sorted(view.compound.vouchers.rglob("*")) if view.compound.vouchers.is_dir() else []:
            if path.is_file() and not path.is_symlink():
                name = path.relative_to(view.compound.vouchers).as_posix()
                self.site.files[urls.voucher_file(view.id, name)] = path

    def dashboard(self, view: CompoundView, name: str) -> None:
        here = urls.compound(view.id)
        profile = view.compound.profile
        year = view.years.get(view.current_year) if view.current_year else None
        budget = view.budgets.get(view.current_year) if view.current_year else None
        currency = profile.currency if profile else "CNY"
        extra = profile.extra if profile else {}
        description = extra.get("description") if isinstance(extra.get("description"), str) else None
        trustee = extra.get("trustee")
        trustee_name = None
        if isinstance(trustee, dict):
            trustee_name = trustee.get("name_en" if self.language == "en" else "name")
        facts = self.w("households_area", households=profile.households, area=money(profile.floor_area)) \
            if profile else ""
        months = self.month_rows(view, year, here) if year else []
        spending = sorted(((self.account(view, a), v) for a, v in (year.by_account().items() if year else [])
                           if a.startswith(view.expenses_root) and v > 0), key=lambda row: -row[1])
        # Each category row leads to the year's row of that category, whose months lead to the items.
        category_links = {self.account(view, a): rel(here, urls.year(view.id, year.year)) + "#row-" + a.replace(":", "-")
                          for a in year.by_account()} if year else {}
        notices = sorted(view.compound.notices.values(), key=lambda n: (n.date, n.slug), reverse=True)[:5]
        self.render(
            urls.page(here), name, "dashboard.html", name=name, description=description,
            trustee=trustee_name, facts=facts, balance=self.balance(view), last_date=view.last_date,
            other_balances=[(c, v) for c, v in sorted(view.fund_balance.items()) if c != currency],
            year=year, budget=budget,
            budget_link=rel(here, urls.budget(view.id, view.current_year)) if view.current_year else None,
            budget_share=share(budget.total_spent, budget.total_cap) if budget else None,
            elapsed=self.year_elapsed(view),
            fee=view.trustee_fee_by_year.get(view.current_year) if view.current_year else None,
            fee_booked=self.remuneration_booked(view, year) if year else None,
            trustee_link=rel(here, urls.budget(view.id, view.current_year)) + "#trustee"
            if view.current_year in view.budgets else None,
            year_link=rel(here, urls.year(view.id, view.current_year)) if view.current_year else None,
            months=months, monthly_chart=self.monthly_chart(year, months) if year else None,
            category_rows=spending, category_links=category_links,
            category_chart=charts.categories(self.w("category_chart"), spending, money),
            years=[{"link": rel(here, urls.year(view.id, y)), "label": self.w.year(y)} for y in reversed(view.years)],
            budgets=[{"link": rel(here, urls.budget(view.id, y)), "label": self.w.year(y)}
                     for y in reversed(view.budgets)],
            notices=[{"link": rel(here, urls.notice(view.id, n.slug)), "title": self.notice_title(n),
                      "date": self.w.date(n.date)} for n in notices],
            search_link=rel(here, urls.search(view.id)), notices_link=rel(here, urls.notices(view.id)),
            data_link=rel(here, urls.data(view.id)), queries_link=rel(here, urls.queries(view.id)),
            rates=self.headline_rates(view), fee_rate=self.fee_headline(view),
            fees_link=rel(here, urls.fees(view.id)) if view.fees else None,
            report=self.ask_panel(view, name, "work-order"),
            ask_script=rel(here, urls.asset("trustfund-ask.js")))

    def month_rows(self, view: CompoundView, year: Year, here: str) -> list[dict[str, Any]]:
        return [{"link": rel(here, urls.month(view.id, year.year, number)), "label": self.w.month(year.year, number),
                 "short": self.w.month_short(number), "income": month.income, "spending": month.spending,
                 "count": len(month.items)}
                for number, month in sorted(year.months.items())]

    def monthly_chart(self, year: Year, months: list[dict[str, Any]]) -> charts.Chart:
        return charts.monthly(f"{self.w('monthly_chart')}{self.w.open_paren}{self.w.year(year.year)}{self.w.close_paren}",
                              [m["short"] for m in months], [m["income"] for m in months],
                              [m["spending"] for m in months], self.w("income"), self.w("spending"), money)

    def year_inputs(self, view: CompoundView, year: Year, kind: str) -> tuple[object, ...] | None:
        return self.memo.year_inputs(self, view, year, kind) if self.memo else None

    def search_inputs(self, view: CompoundView) -> tuple[object, ...] | None:
        return self.memo.search_inputs(self, view) if self.memo else None

    def year_page(self, view: CompoundView, name: str, year: Year) -> None:
        self.memoised(f"year {view.id} {year.year}", functools.partial(self.year_inputs, view, year, "year"),
                      functools.partial(self.year_summary, view, name, year))
        if self.writes(urls.year_report(view.id, year.year)):
            year_report_page(self, view, name, year)
        ordered = [year.months[n] for n in sorted(year.months)]
        for index, month in enumerate(ordered):
            previous, following = ordered[index - 1] if index else None, ordered[index + 1] \
                if index + 1 < len(ordered) else None
            # The report apart from its month: it carries the commit and the books' last date, which change
            # with every new month, while the month's own page does not.
            if self.writes(urls.report(view.id, month.year, month.month)):
                month_report_page(self, view, name, month)
            if self.memo is None:
                self.month_page(view, name, month, previous, following)
                continue
            self.memoised(f"month {view.id} {month.year}-{month.month:02d}",
                          functools.partial(self.memo.month_inputs, self, view, month, previous, following),
                          functools.partial(self.month_page, view, name, month, previous, following))

    def year_summary(self, view: CompoundView, name: str, year: Year) -> None:
        """The year's page: income and spending by category, month by month."""
        here = urls.year(view.id, year.year)
        months = self.month_rows(view, year, here)
        numbers = sorted(year.months)
        accounts = sorted({a for m in year.months.values() for a in m.by_account},
                          key=lambda a: (not a.startswith(view.income_root), a))
        matrix = [{"name": self.account(view, a), "kind": "income" if a.startswith(view.income_root) else "spending",
                   "anchor": self.category_anchor(a), "id": "row-" + a.replace(":", "-"),
                   "amounts": [year.months[n].by_account.get(a, Decimal(0)) for n in numbers],
                   "total": sum((year.months[n].by_account.get(a, Decimal(0)) for n in numbers), Decimal(0))}
                  for a in accounts]
        self.render(urls.page(here), f"{name} · {self.w.year(year.year)}", "year.html", name=name, year=year,
                    months=months, matrix=matrix, monthly_chart=self.monthly_chart(year, months),
                    budget_link=rel(here, urls.budget(view.id, year.year)) if year.year in view.budgets else None,
                    report_link=rel(here, urls.year_report(view.id, year.year)))

    def month_page(self, view: CompoundView, name: str, month: Month, previous: Month | None,
                   following: Month | None) -> None:
        """Every item of the month, grouped by category (income, then spending, then other movements) with each
        category's count and subtotal, and the same items by date (a compact list of links to them).

        A month too big for one page (PAGE_ROWS, PAGE_BYTES) is split into pages at item boundaries, the
        categories in order (month_parts)."""
        here = urls.month(view.id, month.year, month.month)
        currency = view.compound.profile.currency if view.compound.profile else "CNY"
        vouchers = rel(here, urls.vouchers(view.id))  # once a page: relpath is slow at 100k items
        previews = rel(here, urls.previews(view.id))
        dates: dict[datetime.date, str] = {}
        items = []
        # Attribute objects, not dicts: Jinja resolves ``i.voucher`` with getattr() first, which on a dict
        # raises and falls back to [] — a third of the month template's time at 100k rows.
        for item in month.items:
            if item.date not in dates:
                dates[item.date] = self.w.date(item.date)
            items.append(Row(
                voucher=item.voucher, date=dates[item.date], payee=item.payee,
                narration=item.narration, unit=item.unit,
                detail=self.detail_sheet(item, vouchers + item.detail, month) if item.detail else None,
                evidence=self.evidence_rows(view, item.evidence, vouchers, previews) if item.evidence else NO_ROWS,
                parts=NO_ROWS,
                net=self.item_net(item, currency),
                queries=self.item_queries(view, item.voucher),
                entered=self.entered(view, item.voucher) if self.histories.get(view.id) else None))

        label = self.w.month(month.year, month.month)
        closed = self.closed_text(view, month.year, month.month)
        sections = self.month_sections(view, month, items, currency)
        values = dict(name=name, month=month, items=items, closed=closed, ask=self.ask_panel(view, name, "query"),
                      by_date=len(items) <= BY_DATE_LIMIT, pager=None)
        rows = [row for section in sections for group in section.groups for row in group.rows]
        breaks = page_breaks([len(row.encode("utf-8")) for row in rows], PAGE_ROWS, PAGE_BYTES) if rows else [0]
        if len(breaks) == 1:
            self.render(urls.page(here), f"{name} · {label}", "month.html", label=label, sections=sections,
                        index=sections, **values, **self.month_frame(view, here, month, previous, following))
            return
        for number, (page_here, page_sections, pager) in enumerate(self.month_parts_of(view, month, sections, breaks),
                                                                   start=1):
            page_label = self.w("month_page_of", month=label, page=number, pages=len(breaks))
            self.render(urls.page(page_here), f"{name} · {page_label}", "month.html", label=page_label,
                        sections=page_sections, index=sections, **(values | {"pager": pager}),
                        **self.month_frame(view, page_here, month, previous, following))

    def month_frame(self, view: CompoundView, here: str, month: Month, previous: Month | None,
                    following: Month | None) -> dict[str, Any]:
        """What every page of a month links to, from the page at ``here``."""
        return dict(prev=self.month_link(view, here, previous), next=self.month_link(view, here, following),
                    year_link=rel(here, urls.year(view.id, month.year)),
                    report_link=rel(here, urls.report(view.id, month.year, month.month)),
                    data_link=rel(here, urls.data(view.id)), ask_script=rel(here, urls.asset("trustfund-ask.js")),
                    pages_script=rel(here, urls.asset("trustfund-pages.js")))

    def month_parts_of(self, view: CompoundView, month: Month, sections: list[Row],
                       breaks: list[int]) -> list[tuple[str, list[Row], Row]]:
        """A big month's pages: each page's folder, its part of the categories and its pager.

        Rows go to pages in order (``breaks``: where each page starts). A category split between pages has its
        heading (``id="cat-…"``) where it starts, a "continued" heading on the next page, and says so at the
        foot of the page it leaves. An item's other appearances link to the page holding it in full. The
        month's map (``urls.month_map``: each voucher's and category's page) lets a link to the month's own
        folder, as the search, the feed, the bills and owners' saved links write it, find its page
        (``trustfund-pages.js``); the history page and the English summaries link to the page itself
        (``month_parts``)."""
        cid, year, number = view.id, month.year, month.month
        folders = [urls.month_part(cid, year, number, page) for page in range(1, len(breaks) + 1)]
        rows = [(section, group, position) for section in sections for group in section.groups
                for position in range(len(group.entries))]
        ends = [*breaks[1:], len(rows)]
        page_at = [page for page, (first, end) in enumerate(zip(breaks, ends, strict=True)) for _ in range(first, end)]
        page_of: dict[str, int] = {"by-date": 0}  # each voucher's and category anchor's page, from 0
        spans: dict[int, tuple[int, int]] = {}  # a category's first and last page, by id()
        for (_, group, position), page in zip(rows, page_at, strict=True):
            if group.entries[position].first:
                page_of[group.entries[position].item.voucher] = page
            if position == 0:
                for anchor in (group.anchor, *group.aliases):
                    page_of[anchor] = page
            spans[id(group)] = (spans.get(id(group), (page, page))[0], page)
        self.month_parts[folders[0]] = {anchor: folders[page] for anchor, page in page_of.items()}
        in_map = {"pages": [rel(folders[0], folder) for folder in folders], "at": page_of}
        self.put(urls.month_map(cid, year, number),
                 functools.partial(write_text, json.dumps(in_map, ensure_ascii=False, separators=(",", ":"))))
        for section in sections:  # the category index, on the first page: where each category is
            for group in section.groups:
                first, last = spans[id(group)]
                group.link = (rel(folders[0], folders[first]) if first else "") + f"#{group.anchor}"
                group.pages = self.w("month_on_pages", pages=str(first + 1) if first == last else f"{first + 1}–{last + 1}")

        parts = []
        for page, folder in enumerate(folders):
            # The later pages are a folder further down: their rows are written again, with their links to files.
            writer = ItemWriter(self.w, self.w("query"), "../" if page else "")
            page_sections: list[Row] = []
            for index in range(breaks[page], ends[page]):
                section, group, position = rows[index]
                entry = group.entries[position]
                home = page_of[entry.item.voucher]
                row = group.rows[position] if home == page == 0 else \
                    writer.entry(entry, rel(folder, folders[home]) if home != page else "")
                if not page_sections or page_sections[-1].kind != section.kind:
                    page_sections.append(Row(kind=section.kind, label=section.label, groups=[]))
                shown = page_sections[-1].groups
                if not shown or shown[-1].account != group.account:
                    shown.append(Row(account=group.account, name=group.name, anchor=group.anchor,
                                     totals=group.totals, entries=group.entries, start=position == 0,
                                     aliases=group.aliases if position == 0 else [], rows=[], continues=None))
                shown[-1].rows.append(row)
                if position == len(group.entries) - 1 or index + 1 < ends[page]:
                    continue
                shown[-1].continues = rel(folder, folders[page + 1])  # the category goes on on the next page
            for section in page_sections:
                for group in section.groups:
                    group.html = Markup("".join(group.rows))  # noqa: S704 — each row escaped by ItemWriter
            parts.append((folder, page_sections, Row(
                number=page + 1, count=len(folders), map=rel(folder, urls.month_map(cid, year, number)),
                links=[rel(folder, other) for other in folders])))
        return parts

    def item_target(self, cid: str, year: int, month: int, anchor: str) -> str:
        """An item (or a category, by its anchor) on its month's page: on the page that holds it, for a month in
        pages (the month's own folder works too, through its map, but a link the site writes goes straight)."""
        folder = urls.month(cid, year, month)
        return f"{self.month_parts.get(folder, {}).get(anchor, folder)}#{anchor}"

    def month_link(self, view: CompoundView, here: str, other: Month | None) -> dict[str, str] | None:
        """The way from ``here`` to another month's page (the previous or next month), with its name."""
        if other is None:
            return None
        return {"link": rel(here, urls.month(view.id, other.year, other.month)),
                "label": self.w.month(other.year, other.month)}

    def evidence_rows(self, view: CompoundView, names: list[str], vouchers: str, previews: str) -> list[Row]:
        """An item's evidence as its month page links it: by kind (发票（PDF）; 发票1, 发票2 when an item has two),
        with its preview, whose file joins the site the first time a page shows it."""
        found = [self.previews.evidence(view.compound, name) for name in names]
        counts = Counter(e.kind for e in found)
        numbers: Counter[str] = Counter()
        rows = []
        for e in found:
            kind = self.w(f"evidence_kind_{e.kind}")
            if counts[e.kind] > 1:
                numbers[e.kind] += 1
                kind = self.w("evidence_numbered", kind=kind, number=numbers[e.kind])
            preview = e.preview
            if preview is not None:
                self.preview_file(view.id, preview)
            rows.append(Row(link=vouchers + quote(e.name), label=self.w(
                "evidence_label", kind=kind, format=self.w("evidence_format_pdf" if e.pdf else "evidence_format_image")),
                preview=previews + preview.name if preview else None,
                width=preview.width if preview else 0, height=preview.height if preview else 0))
        return rows

    def preview_file(self, cid: str, preview: Preview) -> None:
        uri = urls.previews(cid) + preview.name
        if uri not in self.site.files:
            if self.spool is None:
                self.site.files[uri] = preview.jpeg
            else:
                path = self.spool / uri
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(preview.jpeg)
                self.site.files[uri] = path

    @staticmethod
    def category_anchor(account: str) -> str:
        """The anchor of an account's category on its month page: ``month/#cat-Expenses-Cleaning``."""
        return "cat-" + account.replace(":", "-")

    def month_sections(self, view: CompoundView, month: Month, items: list[Row], currency: str,
                       write: bool = True) -> list[Row]:
        """The month's items by category: income, spending, then other movements (deposits, advances, transfers).

        A category is one account, its subtotal the sum of the month's postings to it per currency, shown
        as received (income), as paid (spending: an expense posting's own sign) or as what the fund gained
        (other). An item with legs in several categories appears under each with that leg's amount; its
        ``id="<voucher>"`` anchor, evidence and 质询 button are on its first appearance only, and the
        others link there. A category's parent account without items of its own this month still gets its
        anchor, on its first sub-account, so a budget line's link lands on its spending. Without ``write``,
        the categories come without their items' HTML (for a summary of the month).
        """
        income_root, expenses_root = view.income_root, view.expenses_root
        order = {account: index for index, account in enumerate(view.accounts)}
        groups: dict[str, Row] = {}
        for source, shown in zip(month.items, items, strict=True):
            amounts: dict[str, dict[str, Decimal]] = {}
            for leg in source.legs:
                sign = -1 if leg.account.startswith(expenses_root) else 1
                by_currency = amounts.setdefault(leg.account, {})
                by_currency[leg.currency] = by_currency.get(leg.currency, Decimal(0)) + sign * leg.amount
            if not amounts:  # nothing to show it by: it still needs its anchor
                amounts[""] = {currency: Decimal(0)}
            for account, by_currency in amounts.items():
                group = groups.get(account)
                if group is None:
                    kind = "income" if account.startswith(income_root) else \
                        "spending" if account.startswith(expenses_root) else "other"
                    group = groups[account] = Row(
                        account=account, kind=kind, name=self.account(view, account) if account else self.w("other"),
                        anchor=self.category_anchor(account) if account else "cat-other",
                        aliases=[], entries=[], totals={})
                for code, amount in by_currency.items():
                    group.totals[code] = group.totals.get(code, Decimal(0)) + amount
                group.entries.append(Row(item=shown, amounts=self.shown_amounts(by_currency, currency),
                                         first=False, home=""))

        def tree_order(account: str) -> list[tuple[int, str]]:
            """Chart order, each sub-account right after its parent."""
            parts = account.split(":")
            prefixes = [":".join(parts[:n]) for n in range(1, len(parts) + 1)]
            return [(order.get(prefix, len(order)), prefix) for prefix in prefixes]

        sections = []
        seen: dict[int, tuple[Row, Row]] = {}  # an item's first appearance (category, entry), by the item's row
        anchors = set(groups)
        for kind, label in (("income", self.w("income")), ("spending", self.w("spending")),
                            ("other", self.w("other_flows"))):
            chosen = sorted((g for g in groups.values() if g.kind == kind), key=lambda g: tree_order(g.account))
            for group in chosen:
                parts = group.account.split(":")
                for n in range(2, len(parts)):
                    parent = ":".join(parts[:n])
                    if parent not in anchors:
                        anchors.add(parent)
                        group.aliases.append(self.category_anchor(parent))
                group.totals = self.shown_amounts(group.totals, currency)
                for entry in group.entries:
                    first = seen.get(id(entry.item))
                    if first is None:
                        seen[id(entry.item)] = (group, entry)
                        entry.first = True
                        continue
                    # Where it is shown in full, an item in several categories lists them all with its amounts.
                    home, shown_in_full = first
                    entry.home = home.name
                    if entry.item.parts is NO_ROWS:
                        entry.item.parts = [Row(name=home.name, amounts=shown_in_full.amounts)]
                    entry.item.parts.append(Row(name=group.name, amounts=entry.amounts))
            if chosen:
                sections.append(Row(kind=kind, label=label, groups=chosen))
        if not write:
            return sections
        writer = ItemWriter(self.w, self.w("query"))  # once every item's parts are known
        for section in sections:
            for group in section.groups:
                group.rows = [writer.entry(entry) for entry in group.entries]
                group.html = Markup("".join(group.rows))  # noqa: S704 — each row escaped by ItemWriter
                group.link = f"#{group.anchor}"  # the category index's link to its heading
        return sections

    @staticmethod
    def shown_amounts(by_currency: dict[str, Decimal], currency: str) -> list[Row]:
        """Amounts per currency, the compound's own first (its currency left unsaid)."""
        return [Row(amount=amount, currency=None if code == currency else code)
                for code, amount in sorted(by_currency.items(), key=lambda pair: (pair[0] != currency, pair[0]))]

    @staticmethod
    def item_net(item: Item, currency: str) -> Row:
        """What an item did, from the fund's side, for the list by date: income less spending, or else what
        the fund's accounts gained, or else its first leg (a movement in another currency)."""
        if item.income or item.spending:
            return Row(amount=item.income - item.spending, currency=None)
        if item.fund or not item.legs:
            return Row(amount=item.fund, currency=None)
        leg = item.legs[0]
        return Row(amount=leg.amount, currency=None if leg.currency == currency else leg.currency)

    def detail_sheet(self, item: Item, link: str, month: Month) -> Row:
        """A lump sum's detail sheet as the owners read it: its columns with a header, its rows, the number of
        rows and how they add up — per kind (the ``item`` column; for fee sheets, this month's fees, arrears
        and prepayments by ``period``), the count of each distinct amount (``52 × 200.00``) and the subtotal."""
        w = self.w
        rows = item.detail_rows
        labels = {"unit": w("sheet_unit"), "item": w("sheet_item"), "period": w("sheet_period"), "amount": w("amount")}
        columns = [c for c in (rows[0] if rows else {}) if c and c != "amount"]
        kind_column = "item" if "item" in columns else "period" if "period" in columns else None
        fee_kinds = {"current": w("sheet_fee_current"), "arrears": w("sheet_fee_arrears"),
                     "advance": w("sheet_fee_advance")}
        this_month = (month.year, month.month)
        kinds: dict[str, Counter[Decimal]] = {}
        amounts: dict[str, tuple[Decimal, str]] = {}  # a sheet repeats a few amounts and periods: read each once
        periods: dict[str, str] = {}
        body: list[str] | None = [] if len(rows) <= SHEET_ROWS_SHOWN else None  # a long sheet: its file has the rows
        total = Decimal(0)
        for row in rows:
            raw = row.get("amount", "")
            if raw not in amounts:
                number = parse_amount(raw) or Decimal(0)  # read_sheet kept only rows whose amounts parse
                amounts[raw] = (number, money(number))
            amount, shown = amounts[raw]
            total += amount
            # The rows as HTML here, not in the template: daily fee receipts give a month thousands of sheet rows,
            # and a Jinja loop over each row's cells made the month pages half as slow again.
            if body is not None:
                cells = "".join([f"<td>{escape(row.get(c, ''))}</td>" for c in columns])
                body.append(f'<tr>{cells}<td class="num">{shown}</td></tr>')
            if kind_column == "item":
                kind = row.get("item") or "—"
            elif kind_column == "period":
                period = row.get("period", "")
                if period not in periods:
                    months = period_months(period)
                    periods[period] = (period or "—") if months is None else fee_kinds[
                        "advance" if months[-1] > this_month else "arrears" if months[0] < this_month else "current"]
                kind = periods[period]
            else:
                kind = w("sheet_all")
            counts = kinds.get(kind)
            if counts is None:
                counts = kinds[kind] = Counter()
            counts[amount] += 1
        rank = {label: index for index, label in enumerate(fee_kinds.values())}
        summary = []
        for kind, counts in sorted(kinds.items(), key=lambda pair: rank.get(pair[0], len(rank))):
            parts = sorted(counts.items(), key=lambda pair: (-pair[1], -pair[0]))
            listed = parts[:6] if len(parts) > 8 else parts  # a long tail of one-off amounts is summed up
            rest = parts[len(listed):]
            text = [f"{count}\u00a0×\u00a0{money(amount)}" for amount, count in listed]  # a part never breaks
            if rest:
                text.append(w("sheet_rest", count=sum(count for _, count in rest),
                              amount=money(sum((amount * count for amount, count in rest), Decimal(0)))))
            rows_of_kind = sum(counts.values())
            summary.append(Row(kind=kind, label=w("sheet_kind_count", kind=kind, count=rows_of_kind),
                               counts=w("sheet_separator").join(text), count=rows_of_kind,
                               total=sum((amount * count for amount, count in counts.items()), Decimal(0))))
        return Row(link=link, headers=[labels.get(c, c) for c in columns], amount_header=labels["amount"],
                   rows=None if body is None else Markup("\n".join(body)), kinds=summary, count=len(rows), total=total,
                   summary=w("sheet_summary", count=len(rows), amount=money(total)))

    def closed_text(self, view: CompoundView, year: int, month: int) -> str | None:
        """Whether a month is closed, by which supervisor and when; None without a history."""
        history = self.histories.get(view.id)
        if history is None:
            return None
        closure = history.closure_of(year, month)
        return self.w("month_closed", who=self.role_of(view, closure.supervisor), date=self._date(closure.date),
                      tag=closure.tag) if closure else self.w("month_open")

    def role_of(self, view: CompoundView, principal: str | None) -> str:
        """What owners call a signer — 出纳, 业委会, 监察人 — never the key's id."""
        profile = view.compound.profile
        principal = (principal or "").split(" ", 1)[0]  # git names the signer "<principal> (<comment>)"
        for signer in profile.signers if profile else []:
            if signer.principal == principal and signer.role in ("treasurer", "committee", "supervisor"):
                return self.w(f"role_{signer.role}")
        return self.w("role_unknown")

    def _date(self, iso: str) -> str:
        try:
            return self.w.date(datetime.date.fromisoformat(iso[:10]))
        except ValueError:
            return iso

    def entered(self, view: CompoundView, voucher: str) -> str | None:
        history = self.histories.get(view.id)
        when = history.entered.get(voucher) if history else None
        if when is None:
            return None
        first, last = self._date(when[0]), self._date(when[1])
        return self.w("entered", first=first) if first == last else self.w("entered_changed", first=first, last=last)

    def history_page(self, view: CompoundView, name: str) -> None:
        here = urls.history(view.id)
        history = self.histories.get(view.id)
        changes = []
        for change in history.changes if history else []:
            items = [Row(what=self.w(f"change_{i.what}"), voucher=i.voucher,
                         link=rel(here, self.item_target(view.id, int(i.date[:4]), int(i.date[5:7]), i.voucher))
                         if i.what != "removed" and int(i.date[:4]) in view.years else None)
                     for i in change.items]
            pr_link = f"{self.repo_url}/pull/{change.pull_request}" if self.repo_url and change.pull_request else None
            changes.append(Row(sha=change.sha, short=change.sha[:12], date=self._date(change.date),
                               plain=self.change_in_words(change), subject=change.subject, merge=change.is_merge, pr=change.pull_request
                               if pr_link else None, pr_number=change.pull_request, pr_link=pr_link,
                               verified=change.verified, signed_by=self.role_of(view, change.signed_by), items=items,
                               files=change.files[:10]))
        self.render(urls.page(here), f"{name} · {self.w('history')}", "history.html", name=name, changes=changes)

    def change_in_words(self, change: Change) -> str:
        """A change as owners read it: what it did to the items, or which kind of file it updated — the
        commit message (the treasurer's words, often English) stays in small print."""
        w = self.w
        if change.items:
            counts = Counter(item.what for item in change.items)
            return w("sentence_separator").join(w(f"change_items_{what}", count=counts[what])
                                                for what in ("added", "changed", "removed") if counts[what])
        if change.is_merge:
            return w("change_merged", number=change.pull_request) if change.pull_request else w("change_merged_plain")
        kinds = list(dict.fromkeys(filter(None, (file_kind(path) for path in change.files))))
        if not kinds:
            return w("change_other")
        return w("change_updated", what=w("list_separator").join(w(f"changed_{kind}") for kind in kinds))

    def ask_panel(self, view: CompoundView, name: str, kind: str) -> Row:
        """The ways to raise a query (``query``) or report a repair (``work-order``), for one page's panel."""
        profile = view.compound.profile
        w = self.w
        subject = w("mail_query_subject" if kind == "query" else "mail_report_subject", name=name)
        body = w("mail_query_body" if kind == "query" else "mail_report_body", name=name)
        contacts = []
        for contact in profile.contacts if profile else ():
            english = self.language == "en"
            contacts.append(Row(
                name=(contact.name_en if english and contact.name_en else contact.name),
                phone=contact.phone, tel="tel:" + re.sub(r"[^0-9+]", "", contact.phone) if contact.phone else None,
                hours=(contact.hours_en if english and contact.hours_en else contact.hours),
                mailbox=(contact.mailbox_en if english and contact.mailbox_en else contact.mailbox),
                email=contact.email, subject=subject, body=body,
                mailto=f"mailto:{contact.email}?" + urlencode(
                    {"subject": subject, "body": body.replace("{voucher}", "")}, quote_via=quote)
                if contact.email else None))
        github = None
        if self.repo_url:
            template = "query.yml" if kind == "query" else "work-order.yml"
            github = f"{self.repo_url}/issues/new?" + urlencode({"template": template, "compound": view.id})
        title = w("kind_query" if kind == "query" else "kind_work-order") + f" {view.id}"
        return Row(kind=kind, title=w("ask_title" if kind == "query" else "report_title"), contacts=contacts,
                   github=github, github_title=title)

    def item_queries(self, view: CompoundView, voucher: str) -> list[Row]:
        if view.queries is None or not voucher:
            return NO_ROWS
        return [Row(number=q.number, kind=self.w(f"kind_{q.kind}"), status=q.status,
                    status_label=self.w(f"status_{q.status}"), url=q.url) for q in view.queries.of_voucher(voucher)]

    def queries_page(self, view: CompoundView, name: str) -> None:
        here = urls.queries(view.id)
        queries = view.queries
        rows = []
        for q in queries.items if queries else []:
            link = None
            if q.voucher and q.known_voucher:
                item = next((i for i in view.items if i.voucher == q.voucher), None)
                link = rel(here, urls.item(view.id, item.date.year, item.date.month, q.voucher)) if item else None
            rows.append(Row(number=q.number, kind=self.w(f"kind_{q.kind}"), voucher=q.voucher, link=link,
                            unknown=self.w("unknown_voucher", voucher=q.voucher) if not q.known_voucher else None,
                            place=q.place, title=q.title, withheld=q.title_withheld, opened=self.w.date(q.opened),
                            status=q.status, status_label=self.w(f"status_{q.status}"), days=q.days_to_reply,
                            replied_by=self.w(f"role_{q.replied_by}") if q.replied_by else None,
                            asked_by=self.w(f"asked_by_{q.asked_by}"), url=q.url))
        tables = []
        if queries is not None and queries.as_of is not None:
            for kind in ("query", "work-order"):
                tables.append(Row(kind=self.w(f"kind_{kind}"), months=[
                    Row(label=self.w.month(int(r.label[:4]), int(r.label[5:7])), rates=r)
                    for r in queries.monthly.get(kind, [])], last=queries.last_month[kind],
                    last_label=self.w("last_month", month=self.w.month(int(queries.last_month[kind].label[:4]),
                                                                       int(queries.last_month[kind].label[5:7]))),
                    year=queries.year_to_date[kind]))
        self.render(urls.page(here), f"{name} · {self.w('queries')}", "queries.html", name=name, rows=rows,
                    tables=tables, as_of=self.w.date(queries.as_of) if queries and queries.as_of else None,
                    response_days=queries.response_days if queries else 3,
                    report=self.ask_panel(view, name, "work-order"),
                    ask_script=rel(here, urls.asset("trustfund-ask.js")))

    def fee_headline(self, view: CompoundView) -> Row | None:
        """The last complete month's collection rate and the year's, as the dashboard and front page show them."""
        fees = view.fees
        if fees is None:
            return None
        last, year = fees.last_month[TOTAL], fees.year_to_date[TOTAL]
        return Row(last=last, year=year, last_label=self.w("last_month", month=self.w.month(*fees.last_complete)),
                   year_label=self.w("this_year_rate", year=fees.last_complete[0]),
                   link=rel(urls.compound(view.id), urls.fees(view.id)))

    def fees_page(self, view: CompoundView, name: str) -> None:
        fees = view.fees
        assert fees is not None
        here = urls.fees(view.id)
        keys = [TOTAL, *fees.buildings]
        rows = [Row(label=self.w.month(*month), short=f"{month[0] % 100:02d}.{month[1]:02d}", month=month,
                    cells=[fees.by_month[month][key] for key in keys])
                for month in reversed(fees.months) if month <= fees.last_complete]
        complete = [month for month in fees.months if month <= fees.last_complete]
        chart = charts.rates(self.w("fees_rate_chart"), [f"{m[0] % 100:02d}.{m[1]:02d}" for m in complete],
                             [fees.by_month[m][TOTAL].rate for m in complete], percent)
        years = sorted({month[0] for month in complete}, reverse=True)[:2]
        totals = []
        for year in years:
            total = Collection()
            for month in complete:
                if month[0] == year:
                    c = fees.by_month[month][TOTAL]
                    total.due += c.due
                    total.paid += c.paid
                    total.units_due += c.units_due
                    total.units_paid += c.units_paid
            label = self.w("this_year_rate" if year == fees.last_complete[0] else "last_year_rate", year=year)
            totals.append(Row(label=label, rates=total))
        self.render(urls.page(here), f"{name} · {self.w('fees')}", "fees.html", name=name, fees=fees, rows=rows,
                    keys=[self.w("all_buildings"), *fees.buildings], chart=chart, totals=totals,
                    headline=self.fee_headline(view),
                    as_of=self.w("fees_as_of", date=self.w.date(fees.as_of)),
                    arrears=self.w("arrears_summary", month=self.w.month(*fees.last_complete),
                                   units=fees.units_in_arrears, amount=money(fees.arrears)))

    # A unit's page lists this year and last year month by month, earlier years one line each (with the year's
    # download): at 100,000 transactions five years month by month made 2,000 pages of 19 KB each.
    UNIT_MONTHLY_YEARS = 2

    def unit_pages(self, view: CompoundView, name: str) -> None:
        """Each unit's own statement, as a plain file: no navigation, not in the sitemap or the search index."""
        fees = view.fees
        assert fees is not None
        template = self.env.get_template("unit.html")
        # Every unit page lies at the same depth: one relative way up to the compound serves them all.
        up = rel(urls.unit(view.id, "x"), urls.compound(view.id))
        monthly_from = fees.last_complete[0] - self.UNIT_MONTHLY_YEARS + 1
        # The rows as HTML here, escaped, not in the template: 2,000 units × 24 months are 48,000 rows, and a
        # Jinja loop with a filter per cell was most of the unit pages' time.
        shown: dict[Decimal, str] = {}
        labels: dict[int, str] = {}
        links: dict[tuple[str, datetime.date], str] = {}
        year_rows: dict[int, str] = {}
        due_word, paid_word = escape(self.w("due")), escape(self.w("paid"))
        not_paid = f"<small>{escape(self.w('not_paid'))}</small>"
        downloads = {year: up + self.csv_download(view, year).removeprefix(urls.compound(view.id))
                     for year in view.years}

        def amount(value: Decimal) -> str:
            text = shown.get(value)
            if text is None:
                text = shown[value] = money(value)
            return text

        def figures(label: str, due: Decimal, paid: Decimal) -> str:
            return f"<b>{label}</b><span>{due_word} {amount(due)}</span><span>{paid_word} {amount(paid)}</span>"

        for code, statement in fees.units.items():
            here = urls.unit(view.id, code)
            by_year: dict[int, list[str]] = {}
            earlier: dict[int, list[Decimal]] = {}
            for entry in reversed(statement.months):
                year, month = entry.month
                if year < monthly_from:
                    sums = earlier.setdefault(year, [Decimal(0), Decimal(0)])
                    sums[0] += entry.due
                    sums[1] += entry.paid
                    continue
                label = labels.get(month)
                if label is None:
                    label = labels[month] = str(escape(self.w.month_short(month)))
                payments = []
                for p in entry.payments:
                    start = links.get((p.voucher, p.date))
                    if start is None:
                        link = up + urls.item(view.id, p.date.year, p.date.month, p.voucher).removeprefix(
                            urls.compound(view.id))
                        text = self.w("paid_by", date=self.w.date(p.date), voucher=p.voucher)
                        start = links[(p.voucher, p.date)] = f'<a href="{escape(link)}">{escape(text)}'
                    # One payment is the month's paid figure; several show their parts.
                    payments.append(f'{start} <span class="num">{amount(p.amount)}</span></a>' if len(entry.payments) > 1
                                else f"{start}</a>")
                by_year.setdefault(year, []).append(f"<li>{figures(label, entry.due, entry.paid)}"
                                                    f"{''.join(payments) or not_paid}</li>")
            parts = []
            for year, rows in by_year.items():
                heading = year_rows.get(year)
                if heading is None:
                    heading = year_rows[year] = f"<h2>{escape(self.w.year(year))}</h2>"
                parts.append(f'{heading}\n<ol class="tf-unit-months">\n{chr(10).join(rows)}\n</ol>')
            if earlier:
                rows = []
                for year, (due, paid) in earlier.items():
                    details = (f'<a href="{escape(downloads[year])}">{escape(self.w("unit_year_details"))}</a>'
                               if year in downloads else "")
                    rows.append(f"<li>{figures(str(escape(self.w.year(year))), due, paid)}{details}</li>")
                parts.append(f'<h2>{escape(self.w("unit_earlier"))}</h2>\n<ol class="tf-unit-months">\n'
                             f'{chr(10).join(rows)}\n</ol>')
            unit = statement.unit
            html = template.render(
                w=self.w, lang="zh-CN" if self.language == "zh" else "en", name=name, code=code,
                title=self.w("unit_title", code=code), months=Markup("\n".join(parts)), owed=statement.owed,
                area=self.w("unit_area", building=unit.building, area=money(unit.area)),
                balance=self.w("unit_balance", date=self.w.month(*fees.last_complete)),
                css=rel(here, urls.asset("trustfund.css")), icon=rel(here, "assets/images/favicon.png"),
                home=rel(here, urls.compound(view.id)),
                # Both ours, not the books': the policy a constant, the provenance escaped by footer().
                policy=Markup(unit_policy()), provenance=Markup(self.provenance))  # noqa: S704
            self.put(f"{here}index.html", functools.partial(write_text, html))

    def year_elapsed(self, view: CompoundView) -> str | None:
        """How much of the current year the books cover, in words (e.g. 10 of 12 months), beside a share used."""
        if view.last_date is None or view.current_year != view.last_date.year:
            return None
        return self.w("year_elapsed", months=view.last_date.month)

    def remuneration_booked(self, view: CompoundView, year: Year) -> Decimal:
        """The trustee's remuneration among the year's spending, whatever year it was for (a bonus is paid later)."""
        profile = view.compound.profile
        account = profile.trustee_fee_account if profile else ""
        return sum((amount for name, amount in year.by_account().items() if covers(account, name)), Decimal(0))

    def headline_rates(self, view: CompoundView) -> Row | None:
        """The last complete month's and the year's query rates, as the dashboard and front page show them."""
        queries = view.queries
        if queries is None or queries.as_of is None:
            return None
        last, year = queries.last_month["query"], queries.year_to_date["query"]
        return Row(last=last, year=year, last_label=self.w("last_month", month=self.w.month(
            int(last.label[:4]), int(last.label[5:7]))), year_label=self.w("year_to_date", year=year.label),
            as_of=self.w("queries_as_of", date=self.w.date(queries.as_of)))

    def budget_page(self, view: CompoundView, name: str, year: int) -> None:
        here = urls.budget(view.id, year)
        self.render(urls.page(here), f"{name} · {self.w.year(year)}{self.w('budget')}", "budget.html", name=name,
                    **self.budget_values(view, here, year))

    def budget_values(self, view: CompoundView, here: str, year: int) -> dict[str, Any]:
        """What the budget page shows, for the page at ``here`` (the budget page or the year's report)."""
        budget_view = view.budgets[year]
        notices = view.compound.notices
        approved = notices.get(budget_view.budget.approved_by)
        lines = [{"name": self.account(view, line.account), "anchor": line.account.replace(":", "-"),
                  "approved": line.approved, "cap": line.cap, "spent": line.spent, "remaining": line.remaining,
                  "share": line.share,
                  "amendments": [{"link": rel(here, urls.notice(view.id, slug)),
                                  "date": self.w.date(date) if date else slug, "amount": change}
                                 for slug, date, change in line.amendments]}
                 for line in budget_view.lines]
        accounts = list(budget_view.planned_income) + [a for a in sorted(budget_view.actual_income)
                                                       if a not in budget_view.planned_income]
        income_rows = [{"name": self.account(view, a), "planned": budget_view.planned_income.get(a),
                        "actual": budget_view.actual_income.get(a, Decimal(0)),
                        "share": share(budget_view.actual_income.get(a, Decimal(0)),
                                       budget_view.planned_income.get(a))} for a in accounts]
        trustee = budget_view.trustee
        spent_year = view.years.get(year)
        return dict(
            year_spending=spent_year.spending if spent_year else None,
            fee_booked=self.remuneration_booked(view, spent_year) if spent_year else Decimal(0),
            view=budget_view, lines=lines, total_share=share(budget_view.total_spent, budget_view.total_cap),
            unbudgeted=[(self.account(view, a), v) for a, v in sorted(budget_view.unbudgeted.items())],
            income_rows=income_rows, t=trustee,
            approved_link=rel(here, urls.notice(view.id, approved.slug)) if approved else None,
            approved_title=self.notice_title(approved) if approved else None,
            bonus_link=rel(here, urls.notice(view.id, trustee.allowed.bonus_notice.slug))
            if trustee and trustee.allowed.bonus_notice else None,
            sheet=self.assessment_sheet(view, here, trustee.assessment, trustee.allowed) if trustee else None)

    def assessment_sheet(self, view: CompoundView, here: str, notice: Notice | None,
                         allowed: Allowance | None) -> Row | None:
        """What the ``assessment_sheet`` macro shows on page ``here``: the notice's scoring sheet, linked to the
        notice, with the bonus threshold of the year's terms (``TrusteeStatement.allowed``, when they have a bonus)
        and whether the bonus was released; None for a notice without a sheet."""
        if notice is None or not notice.items:
            return None
        english = self.language == "en"
        page = urls.notice(view.id, notice.slug)
        bonus = allowed is not None and bool(allowed.bonus_rate) and allowed.bonus_min_score is not None
        return Row(title=self.notice_title(notice), link=None if here == page else rel(here, page),
                   items=[Row(name=item.name_en if english and item.name_en else item.name, weight=item.weight,
                              score=item.score) for item in notice.items],
                   weight=sum((item.weight for item in notice.items), Decimal(0)), score=notice.score,
                   min_score=allowed.bonus_min_score if allowed is not None and bonus else None,
                   released=allowed is not None and allowed.bonus_notice is not None)

    def notice_title(self, notice: Notice) -> str:
        title_en = notice.front.data.get("title_en")
        return title_en if self.language == "en" and isinstance(title_en, str) and title_en else notice.title

    def notice_pages(self, view: CompoundView, name: str) -> None:
        here = urls.notices(view.id)
        notices = sorted(view.compound.notices.values(), key=lambda n: (n.date, n.slug), reverse=True)
        self.render(urls.page(here), f"{name} · {self.w('notices')}", "notices.html", name=name,
                    notices=[{"link": rel(here, urls.notice(view.id, n.slug)), "title": self.notice_title(n),
                              "date": self.w.date(n.date), "kind": self.w(f"notice_kind_{n.kind}")}
                             for n in notices])
        for notice in notices:
            page = urls.notice(view.id, notice.slug)
            if not self.writes(page):
                continue
            tallies = {}
            if notice.kind == "vote" and notice.households and notice.area:
                tallies = {"households_participation": share(notice.households.voted, notice.households.total),
                           "area_participation": share(notice.area.voted, notice.area.total),
                           "households_approval": share(notice.households.in_favour, notice.households.voted),
                           "area_approval": share(notice.area.in_favour, notice.area.voted)}
            budget = view.budgets.get(notice.year) if notice.year is not None else None
            statement = budget.trustee if budget is not None else None
            self.render(urls.page(page), self.notice_title(notice), "notice.html", notice=notice,
                        title=self.notice_title(notice), date=self.w.date(notice.date),
                        kind=self.w(f"notice_kind_{notice.kind}"), body=render_body(notice.body),
                        back=rel(page, here),
                        sheet=self.assessment_sheet(view, page, notice, statement.allowed if statement else None),
                        **tallies)

    def data_page(self, view: CompoundView, name: str, written: dict[str, int]) -> None:
        """The downloads, each with its size (written beside the pages): each year's CSV, and the raw ledger
        files, a year's in one archive and the books' own files (main, accounts) in another."""
        here = urls.data(view.id)
        years = [{"label": self.w("transactions_csv", year=self.w.year(year)),
                  "size": self.w("file_size", size=file_size(written[uri])), "link": rel(here, uri)}
                 for year in reversed(view.years) if (uri := self.csv_download(view, year)) in written]
        groups = self.ledger_archives(view)
        ledger_files = [{"label": self.w("ledger_year", year=self.w.year(int(group))) if group else
                         self.w("ledger_books", files="、".join(member_name(relative, number) for number, (relative, _)
                                                               in enumerate(groups[group], start=1))),
                         "size": self.w("file_size", size=file_size(written[uri])), "link": rel(here, uri)}
                        # the books' own files first, then the years, newest first
                        for group in sorted(groups, key=lambda group: -int(group) if group else -10_000)
                        if (uri := self.ledger_download(view, group)) in written]
        self.render(urls.page(here), f"{name} · {self.w('downloads')}", "data.html", name=name,
                    years=years, ledger_files=ledger_files)

    def size(self, uri: str) -> int:
        """The size in bytes of a generated file."""
        content = self.site.files[uri]
        return len(content) if isinstance(content, bytes) else content.stat().st_size

    def search_page(self, view: CompoundView, name: str) -> None:
        """The search page, once the index is written (its months and their sizes are on the page)."""
        here = urls.search(view.id)
        years = sorted(view.years)
        scope = self.w("search_scope", years=self.w("search_separator").join(self.w.year(y) for y in years))
        folder = urls.search(view.id)
        months = [f"{year:04d}-{number:02d}:{self.written[uri]}" for year in reversed(years)
                  for number in sorted(view.years[year].months, reverse=True)
                  if (uri := f"{folder}{year:04d}-{number:02d}.json") in self.written]
        shards = sum(1 for uri in self.written if uri.startswith(f"{folder}terms-"))
        self.render(urls.page(here), f"{name} · {self.w('search')}", "search.html", name=name,
                    first=years[0] if years else "", months=" ".join(months), shards=shards,
                    base=self.index_folder(here, view.id), scope=scope,
                    script=rel(here, urls.asset("trustfund-search.js")))

    @staticmethod
    def index_folder(here: str, cid: str) -> str:
        """Where the search page at ``here`` finds the compound's index files (its own folder)."""
        return "./"

    def search_index(self, view: CompoundView) -> None:
        """The search index (generator/site/search.py), fetched only when someone searches, in pieces: each
        month's records and the term shards that say which months hold a word. It holds what the month
        pages show of each item.

        A month, ``YYYY-MM.json``: ``{"year": 2026, "month": 3, "link": "../2026/03/", "categories":
        [["维修费"], ["电梯维修费", 0]], "texts": ["升达电梯", "电梯配件更换"], "items": [["2026-0042", 15, 0, 1,
        [[1, -1500000]]], [1, 15, 0, 1, [[1, -23921]]]]}`` — an item is its voucher (or the step from the
        previous voucher's number, search.voucher_cells), day, payee and description (numbers in ``texts``)
        and legs; a leg is its category's number and its amount in cents from the fund's side (and its
        currency when not the compound's). A category is its display name and its parent category's number.
        """
        folder = urls.search(view.id)
        if not view.years:
            return
        currency = view.compound.profile.currency if view.compound.profile else "CNY"
        terms = search.TermIndex(min(view.years))
        names: dict[str, list[str]] = {}  # an account's category path, outermost first

        def in_cents(amount: Decimal) -> int:
            return int(amount.scaleb(2).quantize(Decimal(1), rounding="ROUND_HALF_UP"))  # as money() rounds

        def path(account: str) -> list[str]:
            if account not in names:
                parent = account.rpartition(":")[0]
                while parent and parent not in view.accounts:  # the nearest named ancestor, never a root
                    parent = parent.rpartition(":")[0]
                names[account] = [*(path(parent) if parent else []), self.account(view, account)]
            return names[account]

        for year_number, year in sorted(view.years.items()):
            for number, month in sorted(year.months.items()):
                if not month.items:
                    continue
                categories: list[list[str | int]] = []
                numbers: dict[str, int] = {}

                def category(account: str) -> int:
                    if account not in numbers:
                        parent = account.rpartition(":")[0]
                        while parent and parent not in view.accounts:
                            parent = parent.rpartition(":")[0]
                        above = [category(parent)] if parent else []
                        numbers[account] = len(categories)
                        categories.append([self.account(view, account), *above])
                    return numbers[account]

                texts: list[str] = []
                text_numbers: dict[str, int] = {}

                def text(value: str) -> int:
                    if value not in text_numbers:
                        text_numbers[value] = len(texts)
                        texts.append(value)
                    return text_numbers[value]

                items: list[list[Any]] = []
                searched: set[str] = set()  # every text an item of the month is found by, once
                yuans: set[int] = set()
                vouchers = search.voucher_cells(item.voucher for item in month.items)
                for item, voucher in zip(month.items, vouchers, strict=True):
                    legs = []
                    for leg in item.legs:
                        cents = in_cents(leg.amount)
                        yuans.add(abs(cents) // 100)
                        legs.append([category(leg.account), cents, *([leg.currency] if leg.currency != currency else [])])
                        searched.update(path(leg.account))
                    items.append([voucher, item.date.day, text(item.payee), text(item.narration), legs])
                    searched.update((item.voucher, item.payee, item.narration))
                for day in {item.date.day for item in month.items}:
                    searched.update(search.dates(year_number, number, day))
                terms.add(year_number, number, searched, yuans)
                records = {"year": year_number, "month": number,
                           "link": rel(folder, urls.month(view.id, year_number, number)),
                           "categories": categories, "texts": texts, "items": items}
                self.put(f"{folder}{year_number:04d}-{number:02d}.json",
                         functools.partial(write_text, search.dumps(records)))
        for shard_number, shard in enumerate(terms.shards()):
            self.put(f"{folder}terms-{shard_number}.json", functools.partial(write_text, search.dumps(shard)))


class EnglishPart(SiteBuilder):
    """The English pages beside a Chinese site, from the same views: every summary (front page, glossary,
    dashboards, years, budgets, fees, notices list, queries, history, downloads, search), each at its Chinese
    page's folder under ``urls.ENGLISH``, linking to English pages where they exist and to the Chinese pages
    (a notice, a month's items, a printable report) elsewhere (``urls.writing_english``).

    The data stay as the books have them, in Chinese, so a month is not written twice: its English page is
    the month's summary by category, each leading to its items on the Chinese page. Files (downloads, search
    indexes, vouchers) and unit pages are the Chinese site's; nothing is written for them here.
    """

    def writes(self, folder: str) -> bool:
        return urls.has_english(folder)

    def render(self, uri: str, page_title: str, template: str, **values: Any) -> None:
        if self.writes(uri.removesuffix(urls.page(urls.HOME))):
            super().render(uri, page_title, template, **values)

    def put(self, uri: str, write: Callable[[IO[str]], object]) -> None:
        pass

    def put_binary(self, uri: str, write: Callable[[IO[bytes]], object]) -> None:
        pass

    def files_beside(self, views: list[CompoundView]) -> dict[str, int]:
        return dict(self.written)  # the Chinese site's: the English downloads page lists them

    def search_index(self, view: CompoundView) -> None:
        pass

    def unit_pages(self, view: CompoundView, name: str) -> None:
        pass

    @staticmethod
    def index_folder(here: str, cid: str) -> str:
        return urls.to_chinese(here, urls.search(cid))

    def month_page(self, view: CompoundView, name: str, month: Month, previous: Month | None,
                   following: Month | None) -> None:
        """The month in English: the fund at its start and end, income and spending by category with the
        count and subtotal the Chinese page's headings show, each leading to its items there."""
        here = urls.month(view.id, month.year, month.month)
        currency = view.compound.profile.currency if view.compound.profile else "CNY"
        if view.id not in self.openings:
            self.openings[view.id] = openings(view)
        opening = self.openings[view.id].get((month.year, month.month), Decimal(0))
        closing = opening + sum((item.fund for item in month.items), Decimal(0))
        # Only what month_sections reads of an item's row: no item is written here.
        sections = self.month_sections(view, month, [Row(parts=NO_ROWS) for _ in month.items], currency,
                                       write=False)

        for section in sections:  # each category leads to the Chinese page holding its heading
            for group in section.groups:
                group.chinese = urls.to_chinese(here, self.item_target(view.id, month.year, month.month, group.anchor))
        label = self.w.month(month.year, month.month)
        self.render(urls.page(here), f"{name} · {label}", "month_summary.html", name=name, label=label,
                    month=month, opening=opening, closing=closing, count=len(month.items), sections=sections,
                    chinese=urls.to_chinese(here, here), prev=self.month_link(view, here, previous), next=self.month_link(view, here, following),
                    closed=self.closed_text(view, month.year, month.month),
                    year_link=rel(here, urls.year(view.id, month.year)),
                    report_link=rel(here, urls.report(view.id, month.year, month.month)))


def build_site(views: list[CompoundView], language: str, repo_url: str | None, spool: Path | None = None,
               histories: dict[str, History | None] | None = None,
               provenance: Provenance | None = None, built: datetime.date | None = None,
               site_url: str | None = None, english: bool = True, memo: Memo | None = None,
               district: District | None = None) -> Site:
    """Every page and file of the site, with its navigation and footer, from the owners' views of the books.

    A Chinese site (``language`` zh) has English pages beside it under ``urls.ENGLISH`` unless ``english`` is
    false (``EnglishPart``); an English site is English throughout. ``district`` gives what the navigation, the
    front page and the feed show of compounds that are not among ``views`` (generator/site/parts.py)."""
    previews = Previews.for_books(sorted({view.compound.root for view in views}))
    builder = SiteBuilder(language, repo_url, spool, histories, previews)
    builder.site_url = site_url
    builder.memo = memo
    if district is not None:
        builder.listings, builder.cards = district.listings, district.cards
    builder.provenance = builder.footer(provenance or Provenance(None, None), built or datetime.date.today())
    builder.provenance_text = builder.provenance_line(provenance or Provenance(None, None),
                                                      built or datetime.date.today())
    site = builder.build(views)
    site.footer = builder.provenance
    site.notes = [*previews.notes, previews.summary()]
    site.language = language
    names = [listing.name_in(language) for listing in district.listings] if district else None
    shares = describe(views, builder.w, names)
    for uri, built_page in site.pages.items():
        shared = shares.get(uri)
        built_page.share_title = shared.title if shared and shared.title else plain(built_page.title)
        built_page.description = shared.description if shared else builder.w("site_description")
    if english and language == "zh":
        english_part(site, builder, views, provenance or Provenance(None, None), built or datetime.date.today(),
                     [listing.name_en for listing in district.listings] if district else None)
    site.head = {"share_image": urls.asset(SHARE_IMAGE)}
    if site_url:  # Atom needs absolute addresses: without the site's own, there is no feed
        site.files[FEED] = atom_feed(builder.env, views, builder.w, site_url, site.pages,
                                     (provenance or Provenance(None, None)).commit_time,
                                     district.feed if district else None)
        site.head |= {"feed": FEED, "feed_title": builder.w("feed_title")}
        if site.english:  # the feed is Chinese; its name on an English page is English
            site.head["feed_title_en"] = Words("en")("feed_title")
    return site


def english_part(site: Site, chinese: SiteBuilder, views: list[CompoundView], provenance: Provenance,
                 built: datetime.date, names: list[str] | None = None) -> None:
    """The English pages of ``EnglishPart`` added to a Chinese site, with their navigation and footer, and
    each page's switch to its version in the other language (or the nearest page that has one)."""
    part = EnglishPart("en", chinese.repo_url, None, chinese.histories)
    part.site_url = chinese.site_url
    part.env = chinese.env  # the templates, compiled once: words come with each page
    part.openings = chinese.openings  # each compound's month openings, found once
    part.month_parts = chinese.month_parts  # the pages of the months in pages, for links to their categories
    part.written = chinese.written  # the downloads and their sizes
    part.memo = chinese.memo
    part.listings, part.cards = chinese.listings, chinese.cards
    part.provenance = part.footer(provenance, built)
    with urls.writing_english():
        pages = part.build(views).pages
    shares = describe(views, part.w, names)
    for uri, built_page in pages.items():
        shared = shares.get(uri)
        built_page.share_title = shared.title if shared and shared.title else plain(built_page.title)
        built_page.description = shared.description if shared else part.w("site_description")
        site.pages[urls.english(uri)] = built_page
        site.switch[urls.english(uri)] = uri
    for uri in list(site.pages):
        if uri.startswith(urls.ENGLISH):
            continue
        folder = uri.removesuffix(urls.page(urls.HOME))
        while folder and urls.page(folder) not in pages:  # a notice → the notices, a report → its month
            folder = folder.rstrip("/").rpartition("/")[0] + "/" if "/" in folder.rstrip("/") else urls.HOME
        site.switch[uri] = urls.english(urls.page(folder))
    site.english = True
    site.english_footer = part.provenance

    def prefixed(items: list[NavItem]) -> list[NavItem]:
        return [{title: urls.english(target) if isinstance(target, str) else prefixed(target)
                 for title, target in item.items()} for item in items]

    site.english_nav = prefixed(part.site.nav)


def unit_policy() -> str:
    """A unit page runs no script at all."""
    return csp_policy([]).replace("script-src 'self'", "script-src 'none'")
