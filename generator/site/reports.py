"""The notice-board pages: each month's financial report (one A4 sheet) and each year's budget execution.

Both are ordinary pages of the site that also print well: the month report
fits one A4 portrait sheet at 12 pt and carries a QR code to the month's page,
so an owner at the notice board can go from the paper to every item and its
voucher. Figures come from ``generator.view.reports``; this module only lays
them out.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace as Row
from typing import TYPE_CHECKING


from generator.site import urls
from generator.site.qr import absolute, qr_svg
from generator.site.urls import rel
from generator.view.books import CompoundView, Item, Month, Year
from generator.view.fees import TOTAL
from generator.view.reports import month_report, openings

if TYPE_CHECKING:
    from generator.site.pages import SiteBuilder


def month_report_page(builder: SiteBuilder, view: CompoundView, name: str, month: Month) -> None:
    w = builder.w
    here = urls.report(view.id, month.year, month.month)
    if view.id not in builder.openings:
        builder.openings[view.id] = openings(view)
    report = month_report(view, month, builder.openings[view.id].get((month.year, month.month)))
    label = w.month(month.year, month.month)
    month_url = absolute(builder.site_url, urls.month(view.id, month.year, month.month)) if builder.site_url else None
    income = [Row(name=builder.account(view, account), amount=amount) for account, amount in report.income.items()]
    lines = [Row(name=builder.account(view, line.account), month=line.month, spent=line.spent, cap=line.cap,
                 share=line.share) for line in report.lines]
    largest = [Row(voucher=item.voucher, date=w.date(item.date), payee=item.payee, narration=item.narration,
                   amount=shown(item)[0], kind=shown(item)[1],
                   link=rel(here, urls.item(view.id, item.date.year, item.date.month, item.voucher)))
               for item in report.largest]
    fees = None
    if view.fees is not None and (month.year, month.month) in view.fees.by_month:
        collection = view.fees.by_month[(month.year, month.month)][TOTAL]
        if collection.units_due:
            fees = Row(collection=collection, as_of=w.date(view.fees.as_of))
    queries = None
    if view.queries is not None and view.queries.as_of is not None:
        key = f"{month.year:04d}-{month.month:02d}"
        found = next((rates for rates in view.queries.monthly.get("query", []) if rates.label == key), None)
        if found is not None:
            queries = Row(rates=found, as_of=w.date(view.queries.as_of),
                          days=view.queries.response_days)
    builder.render(urls.page(here), f"{name} · {label} · {w('month_report_title')}", "report.html",
                   name=name, label=label, report=report, income=income, lines=lines, largest=largest,
                   fees=fees, queries=queries, closed=builder.closed_text(view, month.year, month.month),
                   provenance=builder.provenance_text,
                   qr=qr_svg(month_url) if month_url else None, month_url=month_url,
                   month_link=rel(here, urls.month(view.id, month.year, month.month)),
                   print_script=rel(here, urls.asset("trustfund-print.js")))


def shown(item: Item) -> tuple[Decimal, str]:
    """What one of the largest items shows: its income or its spending, whichever is larger; or, for an item that
    is neither (an opening balance, a deposit), what it moved into or out of the fund, not 0.00."""
    if item.income or item.spending:
        return (item.income, "income") if item.income > item.spending else (item.spending, "spending")
    return (item.fund, "income") if item.fund > 0 else (-item.fund, "spending")


def year_report_page(builder: SiteBuilder, view: CompoundView, name: str, year: Year) -> None:
    """The year's budget execution for the owners' assembly: every line, the income, the trustee, the assessment."""
    w = builder.w
    here = urls.year_report(view.id, year.year)
    budget_view = view.budgets.get(year.year)
    values = builder.budget_values(view, here, year.year) if budget_view is not None else {}
    year_url = absolute(builder.site_url, urls.year(view.id, year.year)) if builder.site_url else None
    amendments = []
    for amendment in budget_view.budget.amendments if budget_view is not None else []:
        notice = view.compound.notices.get(amendment.approved_by)
        if notice is None:
            continue
        summary = notice.front.data.get("summary_en" if builder.language == "en" else "summary")
        amendments.append(Row(link=rel(here, urls.notice(view.id, notice.slug)), date=w.date(notice.date),
                              title=builder.notice_title(notice), summary=summary if isinstance(summary, str) else None))
    builder.render(urls.page(here), f"{name} · {w.year(year.year)} · {w('year_report_title')}", "year_report.html",
                   name=name, year=year, has_budget=budget_view is not None, amendments=amendments, **values,
                   year_link=rel(here, urls.year(view.id, year.year)), provenance=builder.provenance_text,
                   qr=qr_svg(year_url) if year_url else None, year_url=year_url,
                   print_script=rel(here, urls.asset("trustfund-print.js")))
