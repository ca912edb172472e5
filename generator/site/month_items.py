"""The items of a month page under their categories, as HTML.

A month of a large compound has thousands of items, each with its payee,
description, evidence links, detail sheet, queries and amounts; a Jinja loop
over them was most of the month pages' time (an attribute lookup, a filter and
an escape per cell). Here each item is written with the same escaping Jinja's
autoescape uses (``markupsafe.escape``) on every value that comes from the
books, and the page's template places the result. Words are escaped once per
page, amounts are formatted once per distinct amount.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace as Row

from markupsafe import Markup, escape

from generator.site.words import Words, money


class ItemWriter:
    """Writes a month's entries (one item under one category) the way the month page shows them."""

    def __init__(self, w: Words, query_label: str, up: str = "") -> None:
        self.w = w
        # Before each link to a file (evidence, preview, sheet), which the rows name from the month's folder:
        # "../" on the later pages of a month in pages, one folder down.
        self.up = up
        self.ask = f'">{escape(query_label)}</a>'
        self.parts_label = escape(w("month_item_parts"))
        self.sheet_head = (f'<table class="tf-sheet-kinds"><thead><tr><th>{escape(w("sheet_kind"))}：'
                           f'{escape(w("sheet_counts"))}</th><th class="num">{escape(w("sheet_subtotal"))}</th>'
                           "</tr></thead>\n")
        self.total_word = escape(w("total"))
        self.download = escape(w("sheet_download"))
        self.shown: dict[Decimal, str] = {}
        self.see: dict[str, str] = {}

    def money(self, amount: Decimal) -> str:
        text = self.shown.get(amount)
        if text is None:
            text = self.shown[amount] = money(amount)
        return text

    def amounts(self, amounts: list[Row], between: str) -> str:
        return between.join(f"{self.money(a.amount)} <small>{escape(a.currency)}</small>" if a.currency
                            else self.money(a.amount) for a in amounts)

    def entries(self, entries: list[Row]) -> Markup:
        return Markup("".join([self.entry(e) for e in entries]))  # noqa: S704 — escaped in entry()

    def entry(self, e: Row, home: str = "") -> str:
        """One item under one category, as HTML. ``home``: the link to the page holding the item in full, when
        it is another page of a paginated month (its other appearances link there)."""
        out: list[str] = []
        write = out.append
        i = e.item
        voucher = escape(i.voucher)
        write(f'<tbody id="{voucher}">\n' if e.first else '<tbody class="tf-again">\n')
        # No class per cell, no voucher repeated on the 质询 button (trustfund-ask.js reads the row's id), a preview
        # without a second label: a large compound's month pages hold 100,000 rows, each byte 0.1 MB.
        write(f'<tr><td><a href="{escape(home)}#{voucher}">{voucher}</a><br><small>{escape(i.date)}'
              f'</small></td><td><b>{escape(i.payee)}</b> {escape(i.narration)}')
        if i.unit:
            write(f" <small>[{escape(i.unit)}]</small>")
        if e.first:
            self.full(i, write)
        else:
            see = self.see.get(e.home)
            if see is None:
                see = self.see[e.home] = f'<br><small>{escape(self.w("month_see_item", category=e.home))}</small>'
            write(see)
        negative = " neg" if e.amounts[0].amount < 0 else ""
        write(f'</td><td class="num{negative}">{self.amounts(e.amounts, "<br>")}</td></tr>\n</tbody>\n')
        return "".join(out)  # every value from the books is escaped above

    def full(self, i: Row, write: Callable[[str], object]) -> None:
        """Where an item is shown in full: its parts, evidence, detail sheet, when it was entered, its queries."""
        if i.parts:
            write(f'<ul class="tf-parts" aria-label="{self.parts_label}">')
            for p in i.parts:
                shown = "".join(f"{self.money(a.amount)} <small>{escape(a.currency)}</small> " if a.currency
                                else f"{self.money(a.amount)} " for a in p.amounts)
                write(f'<li>{escape(p.name)} <span class="num">{shown}</span></li>')
            write("</ul>")
        if i.evidence:
            self.evidence_links(i.evidence, write)
        if i.detail:
            self.sheet(i.detail, write)
        if i.entered:
            write(f'<br><small class="tf-when">{escape(i.entered)}</small>')
        if i.queries:
            write('<ul class="tf-queries-of-item">')
            for q in i.queries:
                label = f"{escape(q.kind)} #{escape(q.number)}"
                if q.url:
                    label = f'<a href="{escape(q.url)}">{label}</a>'
                write(f'<li>{label} <span class="tf-status {escape(q.status)}">{escape(q.status_label)}</span></li>')
            write("</ul>")
        write(f'<br><a class="tf-ask-button" href="#ask{self.ask}')

    def evidence_links(self, evidence: list[Row], write: Callable[[str], object]) -> None:
        """Each evidence file as a link labelled by its kind (发票（PDF）), its preview image inside when it has one.
        Lean markup (no wrapper): a month of a large compound links a thousand files, and its page must stay
        under 1 MB."""
        write("<br>")
        for ev in evidence:
            picture = ""
            if ev.preview:
                # alt="": the link's own words (发票（PDF）) name it; a second label would be read out twice.
                picture = (f'<img src="{self.up}{escape(ev.preview)}" width="{ev.width}" height="{ev.height}" '
                           'alt="" loading="lazy">')
            write(f'<a class="tf-ev" href="{self.up}{escape(ev.link)}">{picture}{escape(ev.label)}</a>')

    def sheet(self, d: Row, write: Callable[[str], object]) -> None:
        """A detail sheet: how its rows add up by kind, the file, and the rows (already HTML) when there are few
        enough to read on the page (``d.rows`` None: the file holds them, and the page says so)."""
        write(f"\n<details><summary>{escape(d.summary)}</summary>\n{self.sheet_head}")
        for k in d.kinds:
            write(f'<tr><th>{escape(k.label)}<span class="tf-sheet-counts">{escape(k.counts)}</span></th>'
                  f'<td class="num">{self.money(k.total)}</td></tr>')
        count = escape(self.w("items_count", count=d.count))
        write(f'\n<tr class="tf-total"><th>{self.total_word} {count}</th><td class="num">{self.money(d.total)}</td>'
              f'</tr></table>\n<a class="tf-sheet-file" href="{self.up}{escape(d.link)}">{self.download}</a>\n')
        if d.rows is None:
            write(f'<p class="tf-sheet-elsewhere">{escape(self.w("sheet_rows_in_file", count=d.count))}</p></details>')
            return
        write('<table class="tf-sheet-rows"><thead><tr>')
        write("".join(f"<th>{escape(h)}</th>" for h in d.headers))
        write(f'<th class="num">{escape(d.amount_header)}</th></tr></thead>\n{d.rows}\n</table></details>')


def page_breaks(sizes: list[int], most_rows: int, most_bytes: int) -> list[int]:
    """Where each page of a month starts, as indexes into its rows (items under their categories, in page
    order; ``sizes`` their bytes): as few pages as hold at most ``most_rows`` rows and ``most_bytes`` bytes
    each, the bytes shared out about evenly, so the last page is not a stub. ``[0]``: one page.

    A row is never split; a row bigger than ``most_bytes`` gets a page of its own."""
    total = sum(sizes)
    count = max(1, -(-len(sizes) // most_rows), -(-total // most_bytes))
    while True:
        breaks, running, start_bytes = [0], 0, 0
        share = total / count
        for index, size in enumerate(sizes):
            rows_here, bytes_here = index - breaks[-1], running - start_bytes
            if rows_here and (running >= share * len(breaks) or rows_here >= most_rows
                              or bytes_here + size > most_bytes):
                breaks.append(index)
                start_bytes = running
            running += size
        if len(breaks) <= count:
            return breaks
        count = len(breaks)  # the even shares did not fit the limits: as many pages as the limits made
