"""currency: the fund is kept in the compound's currency, and every amount counts.

A made-up commodity (``XCNY @ 1.00 CNY``) would let money move without
counting against caps, evidence or the trustee's income base. So every posting
and balance is in the compound's currency (``currency:`` in compound.yaml) or
in one it declares under ``other_currencies:``; and an income or expense in a
declared currency carries its cost or price in the compound's currency, at
which it counts::

    2026-03-09 * "示例五金店" "灯具"
      voucher: "2026-0050"
      Expenses:Repairs    300.00 XCNY @ 1.00 CNY   ; refused: XCNY is not the compound's currency
      Assets:Bank:Fund
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.compound import Compound
from generator.books.postings import worth
from generator.books.profile import Profile
from generator.rules.context import profile_rule

__plugins__ = ("rule",)


@profile_rule
def rule(entries: list[data.Directive], options_map: dict[str, Any], compound: Compound,
         profile: Profile) -> list[err.RuleError]:
    errors: list[err.RuleError] = []
    allowed = set(profile.currencies)
    counted = (options_map["name_income"] + ":", options_map["name_expenses"] + ":")
    named = f"{profile.currency}" + (f" or {', '.join(profile.other_currencies)}" if profile.other_currencies else "")
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                units = posting.units
                if units is None or not isinstance(units.currency, str):
                    continue
                where = posting.meta or entry.meta
                if units.currency not in allowed:
                    errors.append(err.make(err.CurrencyError, where,
                                           f"{posting.account} is booked in {units.currency}, not in {named}; the "
                                           f"fund is kept in {profile.currency} (declare another currency under "
                                           "other_currencies: in compound.yaml only if the fund really holds it)",
                                           entry))
                elif (units.currency != profile.currency and posting.account.startswith(counted)
                      and worth(posting, profile.currency) is None):
                    errors.append(err.make(err.CurrencyError, where,
                                           f"{posting.account} {units.number} {units.currency} has no cost or price "
                                           f"in {profile.currency}, so it cannot count against the budget and the "
                                           f"trustee's income base; write it as … {units.currency} @ RATE "
                                           f"{profile.currency}", entry))
        elif isinstance(entry, data.Balance) and entry.amount.currency not in allowed:
            errors.append(err.make(err.CurrencyError, entry.meta,
                                   f"balance of {entry.account} in {entry.amount.currency}, not in {named}", entry))
        elif isinstance(entry, data.Open):
            for currency in entry.currencies or []:
                if currency not in allowed:
                    errors.append(err.make(err.CurrencyError, entry.meta,
                                           f"{entry.account} is opened for {currency}, not for {named}", entry))
    return errors
