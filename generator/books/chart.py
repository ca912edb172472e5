"""The chart of accounts as the ``open`` directives declare it: names, income kinds, liabilities.

An account covers its sub-accounts everywhere in trustfund (a budget line, the
trustee-fee account, the fund, an itemised income account); ``covers`` is the
one place that says so, with Beancount's own ``account.parent_matcher``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from beancount.core import account as bc_account
from beancount.core import data

INCOME_KINDS = ("fees", "itemised", "interest", "other")


@functools.lru_cache(maxsize=8192)
def _matcher(parent: str) -> Callable[[str], object]:
    matcher: Callable[[str], object] = bc_account.parent_matcher(parent)
    return matcher


def covers(parent: str, account: str) -> bool:
    """Whether ``account`` is ``parent`` or one of its sub-accounts."""
    return bool(_matcher(parent)(account))


def covered_by(parents: Iterable[str], account: str) -> bool:
    return any(covers(parent, account) for parent in parents)


@dataclass
class Chart:
    opens: dict[str, data.Open] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # account → {"name": zh, "name_en": en}
    income_kinds: dict[str, str] = field(default_factory=dict)  # account → fees | itemised | interest | other
    liabilities: set[str] = field(default_factory=set)  # opened with ``liability: TRUE``

    def income_kind(self, account: str) -> str | None:
        """The declared kind of an income account, or of the nearest parent that declares one; an itemised
        account covers its sub-accounts, so under one every sub-account is itemised whatever it declares."""
        kind = None
        while account:
            declared = self.income_kinds.get(account)
            if declared == "itemised":
                return declared
            kind = kind or declared
            account = bc_account.parent(account) or ""
        return kind

    def itemised_parent(self, account: str) -> str | None:
        """The itemised account above ``account`` (not itself), if there is one."""
        parent = bc_account.parent(account)
        while parent:
            if self.income_kinds.get(parent) == "itemised":
                return parent
            parent = bc_account.parent(parent)
        return None

    def display_name(self, account: str, language: str) -> str:
        names = self.names.get(account, {})
        return names.get("name_en" if language == "en" else "name") or names.get("name") or account


def chart_of(entries: Iterable[data.Directive]) -> Chart:
    chart = Chart()
    for entry in entries:
        if not isinstance(entry, data.Open):
            continue
        chart.opens[entry.account] = entry
        meta = entry.meta or {}
        chart.names[entry.account] = {key: meta[key] for key in ("name", "name_en") if isinstance(meta.get(key), str)}
        kind = declared_income_kind(meta)
        if kind in INCOME_KINDS:
            chart.income_kinds[entry.account] = kind
        if meta.get("liability") is True:
            chart.liabilities.add(entry.account)
    return chart


def declared_income_kind(meta: dict[str, object]) -> str | None:
    """``income:`` as written (``itemise: TRUE``, its older spelling, is read as ``itemised``)."""
    kind = meta.get("income")
    if isinstance(kind, str):
        return kind.strip()
    return "itemised" if meta.get("itemise") is True else None
