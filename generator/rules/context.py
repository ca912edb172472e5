"""What every rule needs besides the entries: the compound, read once per load.

``generator.rules`` reads the compound once and hands it to each rule as its
``config``; a rule enabled on its own (``plugin "generator.rules.voucher"``)
reads it itself.
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from generator.books.compound import Compound, load_compound


def compound_for(options_map: dict[str, Any], config: object) -> Compound:
    if isinstance(config, Compound):
        return config
    compound, _ = load_compound(options_map["filename"])
    return compound


def from_ledger(entry: data.Directive) -> bool:
    """Written in a ledger file, as opposed to synthesised by Beancount or a plugin."""
    filename = entry.meta.get("filename", "") if entry.meta else ""
    return bool(filename) and not filename.startswith("<")


def relative(compound: Compound, path: object) -> str:
    """A path as the repository names it: ``budgets/x/2026.yaml``."""
    text = str(path)
    root = str(compound.root) + "/"
    return text[len(root):] if text.startswith(root) else text
