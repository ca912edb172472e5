"""accounts: every account is opened with its display names.

Account names are English (Beancount requires it); owners read the Chinese
name and the English site the English one, so both are metadata on ``open``::

    2025-01-01 open Expenses:Cleaning CNY
      name: "保洁费"
      name_en: "Cleaning"

    2025-01-01 open Expenses:Security CNY         ; refused: no name, no name_en
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from generator import errors as err

__plugins__ = ("rule",)

DISPLAY_NAMES = (("name", "Chinese display name", "中文名称"), ("name_en", "English display name", "English name"))


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    errors: list[err.RuleError] = []
    for entry in entries:
        if not isinstance(entry, data.Open):
            continue
        for key, what, example in DISPLAY_NAMES:
            value = entry.meta.get(key)
            if not isinstance(value, str) or not value.strip():
                errors.append(err.make(err.AccountsError, entry.meta,
                                       f'{entry.account} is opened without its {what}; add {key}: "{example}" '
                                       "under the open line", entry))
    return entries, errors
