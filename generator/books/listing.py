"""What the site's navigation needs of a compound, read without loading its books.

Every page carries the whole navigation: each compound's name and its main
sections (the latest budget, the fee pages when it bills fees per unit). A
build of one compound's part of a district site (``trustfund build --compound
ID --part DIR``) must draw the same navigation as a build of the whole site,
without loading the other compounds' ledgers: their names come from
``compound.yaml``, the latest budget from the names of ``budgets/<id>/*.yaml``
(a budget's year must match its file name, so on clean books the two agree),
and the fee pages from a roster with at least one unit in ``units.csv``.

For the compound whose books are loaded, the site takes the same facts from
its view instead; on clean books both ways give the same listing.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

STR = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Listing:
    id: str
    name: str  # the Chinese name (the id when the profile cannot be read)
    name_en: str
    budget_year: int | None  # the latest budget, whose page the navigation links
    fees: bool  # the compound bills its fees per unit: the navigation links its fees page

    def name_in(self, language: str) -> str:
        return self.name_en if language == "en" else self.name


def read_listing(root: Path, compound_id: str) -> Listing:
    """A compound's listing from its profile, its budgets' file names and its roster: no ledger is read.

    A district's part reads every other compound's listing, so this stays cheap (well under a millisecond
    against some 80 ms for reading the whole profile): only the profile's top-level ``name`` and ``name_en``
    are taken from the YAML node tree (libyaml's composer, which builds nodes and expands no alias), and of the
    roster only whether a unit follows its header. On clean books these are what the full readers find."""
    folder = root / "ledgers" / compound_id
    names = _names(folder / "compound.yaml")
    budgets = root / "budgets" / compound_id
    years = [int(path.stem) for path in budgets.glob("*.yaml")
             if re.fullmatch(r"[0-9]{4}", path.stem) and path.is_file() and not path.is_symlink()] \
        if budgets.is_dir() else []
    return Listing(compound_id, names.get("name", compound_id), names.get("name_en", compound_id),
                   max(years) if years else None, _has_units(folder / "units.csv"))


def _names(path: Path) -> dict[str, str]:
    if not path.is_file() or path.is_symlink():
        return {}
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    found = {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value in ("name", "name_en") \
                and isinstance(value, yaml.ScalarNode) \
                and value.tag == STR and value.value.strip():
            found[key.value] = value.value.strip()
    return found


def _has_units(path: Path) -> bool:
    """Whether the roster lists a unit after its header (``units.csv``; generator/books/units.py reads it)."""
    if not path.is_file() or path.is_symlink():
        return False
    try:
        with path.open(encoding="utf-8-sig", newline="") as roster:
            rows = csv.reader(roster)
            next(rows, None)
            return any(any(cell.strip() for cell in row) for row in rows)
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
