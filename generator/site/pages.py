"""Every page and file of the site, rendered from the compound views.

``build_site`` returns page bodies (HTML fragments that the MkDocs theme
wraps) keyed by their Markdown source path, and static files keyed by their
path in the site. Links between pages are relative, so the site works from
any folder or host.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import posixpath
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace as Row
from typing import IO, Any, Callable
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from generator.audit.history import History
from generator.site import charts
from generator.view import CompoundView, Month, Year
from generator.site.notice_body import render_body
from generator.site.words import Words, money, percent, rate


@dataclass
class Page:
    title: str
    html: str


@dataclass
class Site:
    pages: dict[str, Page] = field(default_factory=dict)  # "qingshui-garden/2026/03/index.md" → page
    files: dict[str, bytes | Path] = field(default_factory=dict)  # "qingshui-garden/data/transactions.csv" → …


@dataclass(frozen=True)
class Provenance:
    commit: str | None
    commit_time: str | None


def ledger_commit(root: Path) -> Provenance:
    """The commit the books were built from, or None outside git."""
    try:
        result = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%H %cI"], capture_output=True,
                                text=True, check=False, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return Provenance(None, None)
    if result.returncode != 0 or not result.stdout.strip():
        return Provenance(None, None)
    commit, when = result.stdout.split()
    return Provenance(commit, when)


def environment() -> Environment:
    env = Environment(loader=PackageLoader("generator.site", "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)
    env.filters["money"] = money
    env.filters["percent"] = percent
    env.filters["rate"] = rate
    env.filters["bar_width"] = lambda share: f"{min(float(share or 0), 1.0) * 100:.1f}"
    return env


def rel(page_dir: str, target: str) -> str:
    """A relative link from a page's folder to a target (a folder if it ends with '/')."""
    link = posixpath.relpath(target.rstrip("/") or ".", page_dir.rstrip("/") or ".")
    return link + "/" if target.endswith("/") and link != "." else ("./" if link == "." else link)


class SiteBuilder:
    def __init__(self, language: str, repo_url: str | None, spool: Path | None = None,
                 histories: dict[str, History | None] | None = None) -> None:
        self.spool = spool
        self.histories = histories or {}
        self.w = Words(language)
        self.language = language
        self.repo_url = repo_url.rstrip("/") if repo_url else None
        self.env = environment()
        self.site = Site()

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

    def render(self, uri: str, page_title: str, template: str, **values: Any) -> None:
        html = self.env.get_template(template).render(w=self.w, **values)
        self.site.pages[uri] = Page(page_title, html)

    def build(self, views: list[CompoundView]) -> Site:
        rows = []
        for view in views:
            self.compound(view)
            year = view.years.get(view.current_year) if view.current_year else None
            budget = view.budgets.get(view.current_year) if view.current_year else None
            rows.append({"link": rel("", f"{view.id}/"), "name": self.compound_name(view),
                         "balance": self.balance(view), "year": view.current_year,
                         "income": year.income if year else Decimal(0),
                         "spending": year.spending if year else Decimal(0),
                         "budget_used": _share(budget.total_spent, budget.total_cap) if budget else None})
        self.render("index.md", self.w("site_title"), "index.html", compounds=rows)
        return self.site

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
        self.data_page(view, name)
        self.search_page(view, name)
        self.history_page(view, name)
        self.dashboard(view, name)
        for path in sorted(view.compound.vouchers.rglob("*")) if view.compound.vouchers.is_dir() else []:
            if path.is_file() and not path.is_symlink():
                self.site.files[f"{view.id}/vouchers/{path.relative_to(view.compound.vouchers).as_posix()}"] = path

    def dashboard(self, view: CompoundView, name: str) -> None:
        here = f"{view.id}/"
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
        notices = sorted(view.compound.notices.values(), key=lambda n: (n.date, n.slug), reverse=True)[:5]
        self.render(
            f"{view.id}/index.md", name, "dashboard.html", name=name, description=description,
            trustee=trustee_name, facts=facts, balance=self.balance(view), last_date=view.last_date,
            other_balances=[(c, v) for c, v in sorted(view.fund_balance.items()) if c != currency],
            year=year, budget=budget, budget_link=rel(here, f"{view.id}/budget/{view.current_year}/"),
            budget_share=_share(budget.total_spent, budget.total_cap) if budget else None,
            fee=view.trustee_fee_by_year.get(view.current_year) if view.current_year else None,
            months=months, monthly_chart=self.monthly_chart(year, months) if year else None,
            category_rows=spending,
            category_chart=charts.categories(self.w("category_chart"), spending, money),
            years=[{"link": rel(here, f"{view.id}/{y}/"), "label": self.w.year(y)} for y in reversed(view.years)],
            budgets=[{"link": rel(here, f"{view.id}/budget/{y}/"), "label": self.w.year(y)}
                     for y in reversed(view.budgets)],
            notices=[{"link": rel(here, f"{view.id}/notices/{n.slug}/"), "title": self.notice_title(n),
                      "date": self.w.date(n.date)} for n in notices],
            search_link=rel(here, f"{view.id}/search/"), notices_link=rel(here, f"{view.id}/notices/"),
            data_link=rel(here, f"{view.id}/data/"))

    def month_rows(self, view: CompoundView, year: Year, here: str) -> list[dict[str, Any]]:
        return [{"link": rel(here, f"{view.id}/{year.year}/{number:02d}/"), "label": self.w.month(year.year, number),
                 "short": self.w.month_short(number), "income": month.income, "spending": month.spending,
                 "count": len(month.items)}
                for number, month in sorted(year.months.items())]

    def monthly_chart(self, year: Year, months: list[dict[str, Any]]) -> charts.Chart:
        return charts.monthly(f"{self.w('monthly_chart')}（{self.w.year(year.year)}）",
                              [m["short"] for m in months], [m["income"] for m in months],
                              [m["spending"] for m in months], self.w("income"), self.w("spending"), money)

    def year_page(self, view: CompoundView, name: str, year: Year) -> None:
        here = f"{view.id}/{year.year}/"
        months = self.month_rows(view, year, here)
        numbers = sorted(year.months)
        accounts = sorted({a for m in year.months.values() for a in m.by_account},
                          key=lambda a: (not a.startswith(view.income_root), a))
        matrix = [{"name": self.account(view, a), "kind": "income" if a.startswith(view.income_root) else "spending",
                   "amounts": [year.months[n].by_account.get(a, Decimal(0)) for n in numbers],
                   "total": sum((year.months[n].by_account.get(a, Decimal(0)) for n in numbers), Decimal(0))}
                  for a in accounts]
        self.render(f"{here}index.md", f"{name} · {self.w.year(year.year)}", "year.html", name=name, year=year,
                    months=months, matrix=matrix, monthly_chart=self.monthly_chart(year, months),
                    budget_link=rel(here, f"{view.id}/budget/{year.year}/") if year.year in view.budgets else None)
        ordered = [year.months[n] for n in numbers]
        for index, month in enumerate(ordered):
            self.month_page(view, name, month, ordered[index - 1] if index else None,
                            ordered[index + 1] if index + 1 < len(ordered) else None)
        self.search_index(view, year)

    def month_page(self, view: CompoundView, name: str, month: Month, previous: Month | None,
                   following: Month | None) -> None:
        here = f"{view.id}/{month.key}/"
        currency = view.compound.profile.currency if view.compound.profile else "CNY"
        vouchers = rel(here, f"{view.id}/vouchers/")  # once a page: relpath is slow at 100k items
        names: dict[str, str] = {}
        dates: dict[datetime.date, str] = {}
        items = []
        # Attribute objects, not dicts: Jinja resolves ``i.voucher`` with getattr() first, which on a dict
        # raises and falls back to [] — a third of the month template's time at 100k rows.
        for item in month.items:
            detail = None
            if item.detail:
                detail = Row(name=item.detail, link=vouchers + item.detail,
                             rows=[Row(unit=r.get("unit", ""), item=r.get("item", ""),
                                       amount=money(Decimal(r["amount"])) if r.get("amount") else "")
                                   for r in item.detail_rows])
            if item.date not in dates:
                dates[item.date] = self.w.date(item.date)
            legs = []
            for leg in item.legs:
                if leg.account not in names:
                    names[leg.account] = self.account(view, leg.account)
                legs.append(Row(name=names[leg.account], amount=leg.amount,
                                currency=leg.currency if leg.currency != currency else None))
            items.append(Row(
                voucher=item.voucher, date=dates[item.date], payee=item.payee,
                narration=item.narration, unit=item.unit, detail=detail,
                evidence=[Row(name=e, link=vouchers + e) for e in item.evidence], legs=legs,
                query=self.query_link(view, item.voucher) if self.repo_url else None,
                entered=self.entered(view, item.voucher) if self.histories.get(view.id) else None))
        def neighbour(other: Month | None) -> dict[str, str] | None:
            if other is None:
                return None
            return {"link": rel(here, f"{view.id}/{other.key}/"), "label": self.w.month(other.year, other.month)}

        label = self.w.month(month.year, month.month)
        history = self.histories.get(view.id)
        closed = None
        if history is not None:
            closure = history.closure_of(month.year, month.month)
            closed = self.w("month_closed", who=closure.supervisor, date=self._date(closure.date), tag=closure.tag) \
                if closure else self.w("month_open")
        self.render(f"{here}index.md", f"{name} · {label}", "month.html", name=name, label=label, month=month,
                    items=items, prev=neighbour(previous), next=neighbour(following), closed=closed,
                    year_link=rel(here, f"{view.id}/{month.year}/"))

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
        here = f"{view.id}/history/"
        history = self.histories.get(view.id)
        changes = []
        for change in history.changes if history else []:
            items = [Row(what=self.w(f"change_{i.what}"), voucher=i.voucher,
                         link=rel(here, f"{view.id}/{i.date[:4]}/{i.date[5:7]}/") + f"#{i.voucher}"
                         if i.what != "removed" and int(i.date[:4]) in view.years else None)
                     for i in change.items]
            pr_link = f"{self.repo_url}/pull/{change.pull_request}" if self.repo_url and change.pull_request else None
            changes.append(Row(sha=change.commit.sha, short=change.commit.sha[:12], date=self._date(change.commit.date),
                               subject=change.commit.subject, merge=change.is_merge, pr=change.pull_request
                               if pr_link else None, pr_number=change.pull_request, pr_link=pr_link,
                               verified=change.verified, signed_by=change.signed_by, items=items,
                               files=change.files[:10]))
        self.render(f"{here}index.md", f"{name} · {self.w('history')}", "history.html", name=name, changes=changes)

    def query_link(self, view: CompoundView, voucher: str) -> str | None:
        if not self.repo_url or not voucher:
            return None
        title = f"质询 {view.id} {voucher}" if self.language == "zh" else f"Query {view.id} {voucher}"
        return f"{self.repo_url}/issues/new?" + urlencode(
            {"template": "query.yml", "title": title, "compound": view.id, "voucher": voucher})

    def budget_page(self, view: CompoundView, name: str, year: int) -> None:
        here = f"{view.id}/budget/{year}/"
        budget_view = view.budgets[year]
        notices = view.compound.notices
        approved = notices.get(budget_view.budget.approved_by)
        lines = [{"name": self.account(view, line.account), "anchor": line.account.replace(":", "-"),
                  "approved": line.approved, "cap": line.cap, "spent": line.spent, "remaining": line.remaining,
                  "share": line.share,
                  "amendments": [{"link": rel(here, f"{view.id}/notices/{slug}/"),
                                  "date": self.w.date(date) if date else slug, "amount": change}
                                 for slug, date, change in line.amendments]}
                 for line in budget_view.lines]
        accounts = list(budget_view.planned_income) + [a for a in sorted(budget_view.actual_income)
                                                       if a not in budget_view.planned_income]
        income_rows = [{"name": self.account(view, a), "planned": budget_view.planned_income.get(a),
                        "actual": budget_view.actual_income.get(a, Decimal(0)),
                        "share": _share(budget_view.actual_income.get(a, Decimal(0)),
                                        budget_view.planned_income.get(a))} for a in accounts]
        trustee = budget_view.trustee
        self.render(
            f"{here}index.md", f"{name} · {self.w.year(year)}{self.w('budget')}", "budget.html", name=name,
            view=budget_view, lines=lines, total_share=_share(budget_view.total_spent, budget_view.total_cap),
            unbudgeted=[(self.account(view, a), v) for a, v in sorted(budget_view.unbudgeted.items())],
            income_rows=income_rows, t=trustee,
            approved_link=rel(here, f"{view.id}/notices/{approved.slug}/") if approved else None,
            approved_title=self.notice_title(approved) if approved else None,
            bonus_link=rel(here, f"{view.id}/notices/{trustee.allowed.bonus_notice.slug}/")
            if trustee and trustee.allowed.bonus_notice else None)

    def notice_title(self, notice: Any) -> str:
        title_en = notice.front.data.get("title_en")
        return title_en if self.language == "en" and isinstance(title_en, str) and title_en else notice.title

    def notice_pages(self, view: CompoundView, name: str) -> None:
        here = f"{view.id}/notices/"
        notices = sorted(view.compound.notices.values(), key=lambda n: (n.date, n.slug), reverse=True)
        self.render(f"{here}index.md", f"{name} · {self.w('notices')}", "notices.html", name=name,
                    notices=[{"link": rel(here, f"{here}{n.slug}/"), "title": self.notice_title(n),
                              "date": self.w.date(n.date), "kind": self.w(f"notice_kind_{n.kind}")}
                             for n in notices])
        for notice in notices:
            page = f"{here}{notice.slug}/"
            tallies = {}
            if notice.kind == "vote" and notice.households and notice.area:
                tallies = {"households_participation": _share(notice.households.voted, notice.households.total),
                           "area_participation": _share(notice.area.voted, notice.area.total),
                           "households_approval": _share(notice.households.in_favour, notice.households.voted),
                           "area_approval": _share(notice.area.in_favour, notice.area.voted)}
            self.render(f"{page}index.md", self.notice_title(notice), "notice.html", notice=notice,
                        title=self.notice_title(notice), date=self.w.date(notice.date),
                        kind=self.w(f"notice_kind_{notice.kind}"), body=render_body(notice.body),
                        back=rel(page, here), **tallies)

    def data_page(self, view: CompoundView, name: str) -> None:
        here = f"{view.id}/data/"
        self.put(f"{here}transactions.csv", lambda out: write_transactions_csv(view, out))
        self.put(f"{here}transactions.json", lambda out: write_transactions_json(view, out))
        ledger_files = []
        for path in view.ledger_files:
            relative = path.relative_to(view.compound.folder).as_posix()
            self.site.files[f"{here}ledger/{relative}"] = path
            ledger_files.append({"name": relative, "link": rel(here, f"{here}ledger/{relative}")})
        self.render(f"{here}index.md", f"{name} · {self.w('downloads')}", "data.html", name=name,
                    csv=rel(here, f"{here}transactions.csv"), json=rel(here, f"{here}transactions.json"),
                    ledger_files=ledger_files)

    def search_page(self, view: CompoundView, name: str) -> None:
        here = f"{view.id}/search/"
        self.render(f"{here}index.md", f"{name} · {self.w('search')}", "search.html", name=name,
                    years=",".join(str(y) for y in reversed(view.years)), base="./",
                    script=rel(here, "assets/trustfund-search.js"))

    def search_index(self, view: CompoundView, year: Year) -> None:
        """A compact per-year index, fetched only when someone searches."""
        rows = [[item.voucher, item.date.isoformat(), item.payee, item.narration,
                 money(item.income - item.spending), f"../{year.year}/{item.date.month:02d}/#{item.voucher}"]
                for month in year.months.values() for item in month.items]
        self.put(f"{view.id}/search/{year.year}.json",
                 lambda out: out.write(json.dumps(rows, ensure_ascii=False, separators=(",", ":"))))


def _share(part: Decimal, whole: Decimal | None) -> Decimal | None:
    return part / whole if whole else None


CSV_COLUMNS = ("voucher", "date", "payee", "narration", "account", "account_name", "account_name_en", "amount",
               "currency", "evidence", "detail")


def write_transactions_csv(view: CompoundView, out: IO[str]) -> None:
    """Every posting of every transaction, in Beancount's own sign, one row a posting."""
    # A byte-order mark so that Excel and WPS open the Chinese text correctly.
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in view.items:
        for posting in item.postings:
            names = view.accounts.get(posting.account, {})
            writer.writerow([item.voucher, item.date.isoformat(), item.payee, item.narration, posting.account,
                             names.get("name", ""), names.get("name_en", ""), f"{posting.number:.2f}",
                             posting.currency, ", ".join(item.evidence), item.detail or ""])


def write_transactions_json(view: CompoundView, out: IO[str]) -> None:
    """One transaction a line, each encoded by json's C encoder (``indent`` would force the pure-Python
    one: 3 s and 350 MB of transient chunks at 100k transactions)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    out.write(encode({"compound": view.id})[:-1] + ',"transactions":[')
    separator = "\n"
    for item in view.items:
        out.write(separator)
        out.write(encode({"voucher": item.voucher, "date": item.date.isoformat(), "payee": item.payee,
                          "narration": item.narration, "evidence": item.evidence, "detail": item.detail,
                          "postings": [{"account": p.account, "amount": f"{p.number:.2f}", "currency": p.currency}
                                       for p in item.postings]}))
        separator = ",\n"
    out.write("\n]}\n")


def build_site(views: list[CompoundView], language: str, repo_url: str | None, spool: Path | None = None,
               histories: dict[str, History | None] | None = None) -> Site:
    return SiteBuilder(language, repo_url, spool, histories).build(views)
