"""What every rule needs besides the entries: the compound, read once per load.

``generator.rules`` hands each rule a ``Context`` as its ``config``: the
compound (taken from ``trustfund``'s own load, or read from the ledger's
folder under ``bean-check`` and Fava) and whether the source lint has already
judged these entries. A rule enabled on its own
(``plugin "generator.rules.voucher"``) reads the compound itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.books.compound import Compound, compound_for_ledger


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
