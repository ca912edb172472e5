"""What owners see, as plain typed data: the books (``view.books``) and their history (``view.history``).

Built from a loaded ``Books`` and from the audit trail; the site renders it
and ``trustfund diff`` compares two of them. Nothing here renders or calls git.
"""

from __future__ import annotations

from generator.view.books import (
    BudgetLine,
    BudgetView,
    CompoundView,
    Item,
    Leg,
    Month,
    Posting,
    TrusteeStatement,
    Year,
    build_view,
)
from generator.view.history import Change, ClosedMonth, History, ItemChange, Provenance
from generator.view.queries import QueriesView, QueryView, Rates

__all__ = ["BudgetLine", "BudgetView", "Change", "ClosedMonth", "CompoundView", "History", "Item", "ItemChange",
           "Leg", "Month", "Posting", "Provenance", "QueriesView", "QueryView", "Rates", "TrusteeStatement", "Year",
           "build_view"]
