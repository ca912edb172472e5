"""What every rule needs besides the entries: the compound, read once per load.

``generator.rules`` hands each rule a ``Context`` as its ``config``: the
compound (taken from ``trustfund``'s own load, or read from the ledger's
folder under ``bean-check`` and Fava) and whether the source lint has already
judged these entries. A rule enabled on its own
(``plugin "generator.rules.voucher"``) reads the compound itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.compound import Compound, compound_for_ledger
from generator.books.profile import Profile


@dataclass(frozen=True)
class Context:
    compound: Compound
    linted: bool  # trustfund's own load: the source lint has already judged every parsed entry


def context_for(options_map: dict[str, Any], config: object) -> Context:
    if isinstance(config, Context):
        return config
    compound, _, linted = compound_for_ledger(options_map["filename"])
    return Context(compound, linted)


def compound_for(options_map: dict[str, Any], config: object) -> Compound:
    return context_for(options_map, config).compound


Plugin = Callable[[list[data.Directive], dict[str, Any], object], tuple[list[data.Directive], list[err.RuleError]]]
ProfileCheck = Callable[[list[data.Directive], dict[str, Any], Compound, Profile], list[err.RuleError]]


def profile_rule(check: ProfileCheck) -> Plugin:
    """A Beancount plugin from a check that needs the compound's profile: without a readable profile the rule
    has nothing to judge by (the ``compound`` finding says why), so it reports nothing."""

    def rule(entries: list[data.Directive], options_map: dict[str, Any],
             config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
        compound = compound_for(options_map, config)
        if compound.profile is None:
            return entries, []
        return entries, check(entries, options_map, compound, compound.profile)

    rule.__doc__ = check.__doc__
    return rule
