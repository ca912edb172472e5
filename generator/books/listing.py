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

import re
from dataclasses import dataclass
from pathlib import Path

from generator.books.profile import profile_from_text
from generator.books.units import read_roster


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
    """A compound's listing from its profile, its budgets' file names and its roster: no ledger is read."""
    folder = root / "ledgers" / compound_id
    name = name_en = compound_id
    path = folder / "compound.yaml"
    if path.is_file() and not path.is_symlink():
        try:
            profile, _ = profile_from_text(path.read_text(encoding="utf-8"), path)
        except (OSError, UnicodeDecodeError):
            profile = None
        if profile is not None:
            name, name_en = profile.name, profile.name_en
    budgets = root / "budgets" / compound_id
    years = [int(path.stem) for path in budgets.glob("*.yaml")
             if re.fullmatch(r"[0-9]{4}", path.stem) and path.is_file() and not path.is_symlink()] \
        if budgets.is_dir() else []
    roster, _ = read_roster(folder / "units.csv")
    return Listing(compound_id, name, name_en, max(years) if years else None,
                   roster is not None and bool(roster.units))
