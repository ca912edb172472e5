"""Owners' queries (质询) and work orders (工单) as owners see them: status, days to a reply, and the rates.

A query is **open** (待答复) until the first reply by a signer of its
compound (their GitHub login is ``github:`` on the signer) or the label
``已答复``; then **answered** (已答复); **closed** as completed (已办结) or as
not planned (不予处理). Days count in Asia/Shanghai calendar days (UTC+8, no
daylight saving). Rates are as of the snapshot's own time, never the wall
clock: the response rate of a month is what was answered within
``response_days`` over what was due an answer by then (answered, or older
than ``response_days``); the completion rate is what was closed as completed
over everything older than ``response_days``. Queries and work orders each
have their own rates.

Logins are never shown: a reply is shown by the replier's role, an asker as
an owner (业主) or, when a supervisor filed it for someone, a supervisor.
A title is shown only if it passes the privacy scan.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from generator.books.privacy import personal_number
from generator.books.profile import Profile
from generator.books.queries import Query, Snapshot
from generator.money import share

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8), "Asia/Shanghai")
KINDS = ("query", "work-order")


@dataclass(frozen=True)
class QueryView:
    number: int
    kind: str
    voucher: str | None
    known_voucher: bool  # the voucher names an item of the books (or the query names none)
    place: str | None
    title: str | None  # None when withheld or absent
    title_withheld: bool
    status: str  # open | answered | completed | not_planned
    opened: datetime.date
    replied: datetime.date | None
    days_to_reply: int | None
    replied_by: str | None  # treasurer | committee | supervisor
    asked_by: str  # owner | supervisor
    url: str | None


@dataclass
class Rates:
    label: str  # YYYY-MM, or the year for the year to date
    received: int = 0
    due_answer: int = 0
    answered_in_time: int = 0
    due_completion: int = 0
    completed: int = 0

    @property
    def response_rate(self) -> Decimal | None:
        return share(Decimal(self.answered_in_time), Decimal(self.due_answer))

    @property
    def completion_rate(self) -> Decimal | None:
        return share(Decimal(self.completed), Decimal(self.due_completion))


@dataclass
class QueriesView:
    as_of: datetime.date | None
    response_days: int
    items: list[QueryView] = field(default_factory=list)  # newest first
    monthly: dict[str, list[Rates]] = field(default_factory=dict)  # kind → months, oldest first
    last_month: dict[str, Rates] = field(default_factory=dict)  # kind → the last complete month
    year_to_date: dict[str, Rates] = field(default_factory=dict)  # kind → this year so far

    def of_voucher(self, voucher: str) -> list[QueryView]:
        return [item for item in self.items if item.voucher == voucher]

    @property
    def unknown(self) -> list[QueryView]:
        return [item for item in self.items if not item.known_voucher]


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SHANGHAI).date()


def build_queries(snapshot: Snapshot, compound: str, profile: Profile | None,
                  vouchers: Iterable[str]) -> QueriesView:
    response_days = profile.response_days if profile else 3
    roles = {s.github.lower(): s.role for s in (profile.signers if profile else []) if s.github}
    as_of = local_date(snapshot.fetched_at) if snapshot.fetched_at else None
    known = set(vouchers)
    view = QueriesView(as_of, response_days)
    # The form's 小区 field is typed by owners: the compound's id, or its name in either language, counts.
    names = {compound.lower(), *((profile.name.lower(), profile.name_en.lower()) if profile else ())}
    for query in sorted((q for q in snapshot.items if q.compound and q.compound.lower() in names),
                        key=lambda q: -q.number):
        view.items.append(_item(query, roles, known, response_days))
    if as_of is None:
        return view
    for kind in KINDS:
        items = [item for item in view.items if item.kind == kind]
        months = sorted({item.opened.strftime("%Y-%m") for item in items})
        view.monthly[kind] = [_rates(month, [i for i in items if i.opened.strftime("%Y-%m") == month], as_of,
                                     response_days) for month in months]
        first_of_month = as_of.replace(day=1)
        last_month = (first_of_month - datetime.timedelta(days=1)).strftime("%Y-%m")
        view.last_month[kind] = _rates(last_month, [i for i in items if i.opened.strftime("%Y-%m") == last_month],
                                       as_of, response_days)
        view.year_to_date[kind] = _rates(str(as_of.year), [i for i in items if i.opened.year == as_of.year], as_of,
                                         response_days)
    return view


def _item(query: Query, roles: dict[str, str], known: set[str], response_days: int) -> QueryView:
    opened = local_date(query.created)
    reply = next((r for r in query.replies if roles.get(r.login.lower()) and r.at >= query.created), None)
    replied = local_date(reply.at) if reply else None
    if query.state == "closed":
        status = "not_planned" if query.state_reason == "not_planned" else "completed"
    elif reply is not None or query.answered_label:
        status = "answered"
    else:
        status = "open"
    if replied is None and query.closed is not None:
        replied = local_date(query.closed)  # closing the thread answers it
    title = query.title if query.title and personal_number(query.title) is None else None
    return QueryView(query.number, query.kind, query.voucher, query.voucher is None or query.voucher in known,
                     query.place if query.place and personal_number(query.place) is None else None, title,
                     bool(query.title) and title is None, status, opened, replied,
                     (replied - opened).days if replied else None, roles.get(reply.login.lower()) if reply else None,
                     "supervisor" if query.author and roles.get(query.author.lower()) == "supervisor" else "owner",
                     query.url)


def _rates(label: str, items: list[QueryView], as_of: datetime.date, response_days: int) -> Rates:
    rates = Rates(label, received=len(items))
    for item in items:
        old_enough = (as_of - item.opened).days > response_days
        in_time = item.days_to_reply is not None and item.days_to_reply <= response_days
        if old_enough or item.days_to_reply is not None:
            rates.due_answer += 1
            rates.answered_in_time += in_time
        if old_enough:
            rates.due_completion += 1
            rates.completed += item.status == "completed"
    return rates
