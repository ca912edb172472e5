"""A compound: its profile, budgets and notices, read once per load.

``trustfund`` reads the compound by its id before the books are loaded and
hands it to the rules (``preloaded``); ``bean-check`` and Fava know only the
ledger's file name, so there the rules read it themselves, relative to the
ledger: ``ledgers/<id>/main.beancount`` → ``ledgers/<id>/compound.yaml``,
``budgets/<id>/``, ``notices/<id>/`` — never relative to the current directory.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from generator import errors as err
from generator.books import yamlsource as ys
from generator.books.budget import Budget, parse_budget
from generator.books.notices import Notice, parse_notice, split_front_matter
from generator.books.profile import Profile, parse_profile
from generator.books.units import Roster, read_roster
from generator.books.vouchers import voucher_file

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


@dataclass
class Compound:
    id: str
    folder: Path
    root: Path
    profile: Profile | None
    budgets: dict[int, Budget] = field(default_factory=dict)
    notices: dict[str, Notice] = field(default_factory=dict)
    roster: Roster | None = None  # units.csv, when the compound bills fees per unit

    @property
    def main(self) -> Path:
        return self.folder / "main.beancount"

    @property
    def vouchers(self) -> Path:
        return self.folder / "vouchers"

    @property
    def budget_folder(self) -> Path:
        return self.root / "budgets" / self.id

    @property
    def notice_folder(self) -> Path:
        return self.root / "notices" / self.id

    def voucher_file(self, name: str, suffixes: tuple[str, ...],
                     cache: dict[str, Path | str] | None = None) -> Path | str:
        return voucher_file(self.vouchers, name, suffixes, cache)

    def relative(self, path: object) -> str:
        """A path as the repository names it: ``budgets/x/2026.yaml``."""
        text = str(path)
        root = str(self.root) + "/"
        return text[len(root):] if text.startswith(root) else text

    def published_text_files(self) -> list[Path]:
        """Every published text file of the compound besides its ledger files: profile, roster, detail sheets,
        budgets and notices."""
        files = [self.folder / "compound.yaml", self.folder / "units.csv"]
        if self.vouchers.is_dir():
            files += sorted(path for path in self.vouchers.rglob("*") if path.suffix.lower() == ".csv")
        for folder, suffix in ((self.budget_folder, ".yaml"), (self.notice_folder, ".md")):
            if folder.is_dir():
                files += sorted(folder.glob(f"*{suffix}"))
        return [path for path in files if path.is_file() and not path.is_symlink()]

    def approved_budget(self, year: int) -> Budget | None:
        budget = self.budgets.get(year)
        return budget if budget is not None and budget.approved else None


_PRELOADED: ContextVar[dict[str, Compound] | None] = ContextVar("trustfund_compounds", default=None)


@contextlib.contextmanager
def preloaded(compound: Compound) -> Iterator[None]:
    """While the books load, the rules take this compound instead of reading it again."""
    token = _PRELOADED.set({str(compound.main): compound})
    try:
        yield
    finally:
        _PRELOADED.reset(token)


def compound_for_ledger(ledger_file: str | Path) -> tuple[Compound, list[err.RuleError], bool]:
    """(the compound of a main ledger, the errors in its files, whether trustfund had read it already).

    A preloaded compound's file errors were collected when it was read, so none are returned again.
    """
    known = (_PRELOADED.get() or {}).get(str(ledger_file))
    if known is not None:
        return known, [], True
    folder = Path(ledger_file).resolve().parent
    compound, errors = read_compound(folder.parent.parent, folder.name)
    return compound, errors, False


def read_compound(root: Path, compound_id: str) -> tuple[Compound, list[err.RuleError]]:
    """Read and validate the profile, budgets and notices of a compound."""
    folder = root / "ledgers" / compound_id
    errors: list[err.RuleError] = []
    profile = _load_profile(folder / "compound.yaml", errors)
    compound = Compound(compound_id, folder, root, profile)
    households = profile.households if profile else None
    floor_area = profile.floor_area if profile else None
    if compound.notice_folder.is_dir():
        for path in sorted(compound.notice_folder.glob("*.md")):
            if path.is_symlink() or not path.is_file():
                continue  # the source lint names links; a folder named like a notice holds none
            try:
                notice = parse_notice(path, _read(path), households, floor_area)
            except ys.YamlProblem as problem:
                errors.append(err.make(err.NoticeFileError, err.source(path, problem.line), problem.message))
            except UnicodeDecodeError:
                continue  # the source lint names files that are not UTF-8
            else:
                compound.notices[notice.slug] = notice
    if compound.budget_folder.is_dir():
        for path in sorted(compound.budget_folder.glob("*.yaml")):
            if path.is_symlink() or not path.is_file():
                continue
            try:
                budget = parse_budget(ys.parse(_read(path), path))
            except ys.YamlProblem as problem:
                errors.append(err.make(err.BudgetFileError, err.source(path, problem.line), problem.message))
            except UnicodeDecodeError:
                continue
            else:
                errors.extend(_resolve_approvals(compound, budget))
                compound.budgets[budget.year] = budget
    compound.roster, roster_errors = read_roster(folder / "units.csv")
    errors.extend(roster_errors)
    return compound, errors


def _load_profile(path: Path, errors: list[err.RuleError]) -> Profile | None:
    if path.is_symlink():
        return None
    if not path.is_file():
        errors.append(err.make(err.CompoundFileError, err.source(path, 1),
                               "compound.yaml is missing next to main.beancount; `trustfund new ID` writes one"))
        return None
    try:
        return parse_profile(ys.parse(_read(path), path))
    except ys.YamlProblem as problem:
        errors.append(err.make(err.CompoundFileError, err.source(path, problem.line), problem.message))
    except UnicodeDecodeError:
        pass
    return None


def _resolve_approvals(compound: Compound, budget: Budget) -> list[err.RuleError]:
    """A budget counts only if ``approved_by`` names a passed vote taken before the year ends."""
    errors = []
    vote = compound.notices.get(budget.approved_by)
    if vote is None or not vote.passed:
        what = "is not a notice" if vote is None else "is not a passed vote"
        errors.append(err.make(err.BudgetFileError, err.source(budget.path, budget.approved_by_line),
                               f"approved_by '{budget.approved_by}' {what} in notices/{compound.id}/; "
                               f"the {budget.year} budget counts as not approved"))
    elif vote.date.year > budget.year:
        errors.append(err.make(err.BudgetFileError, err.source(budget.path, budget.approved_by_line),
                               f"approved_by '{budget.approved_by}' is dated {vote.date}, "
                               f"after the year {budget.year}"))
    else:
        budget.approved = True
    resolved = []
    for amendment in budget.amendments:
        vote = compound.notices.get(amendment.approved_by)
        if vote is None or not vote.passed:
            what = "is not a notice" if vote is None else "is not a passed vote"
            errors.append(err.make(err.BudgetFileError, err.source(budget.path, amendment.line),
                                   f"amendment approved_by '{amendment.approved_by}' {what} in notices/{compound.id}/; "
                                   "the amendment is not applied"))
            resolved.append(amendment)
        else:
            resolved.append(dataclasses.replace(amendment, effective=vote.date))
    budget.amendments = resolved
    return errors


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def comparable(path: str, text: str) -> object:
    """What a budget or notice says, as plain data, so that reformatting it is not a change to it."""
    try:
        if path.endswith(".md"):
            parts = split_front_matter(text)
            if parts is None:
                return text
            front, body, _ = parts
            return ys.parse(front, Path(path)).data, body.strip()
        return ys.parse(text, Path(path)).data
    except ys.YamlProblem:
        return text
