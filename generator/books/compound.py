"""A compound as the rules see it: profile, budgets and notices, read once per load.

The rules run inside Beancount's loader and know only the ledger's file name,
so everything is found relative to the ledger: ``ledgers/<id>/main.beancount``
→ ``ledgers/<id>/compound.yaml``, ``budgets/<id>/``, ``notices/<id>/`` —
never relative to the current directory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator import errors as err
from generator.books import yamlsource as ys
from generator.books.budget import Budget, parse_budget
from generator.books.notices import Notice, parse_notice
from generator.books.profile import Profile, parse_profile

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


@dataclass
class Compound:
    id: str
    folder: Path
    root: Path
    profile: Profile | None
    budgets: dict[int, Budget] = field(default_factory=dict)
    notices: dict[str, Notice] = field(default_factory=dict)

    @property
    def vouchers(self) -> Path:
        return self.folder / "vouchers"

    @property
    def budget_folder(self) -> Path:
        return self.root / "budgets" / self.id

    @property
    def notice_folder(self) -> Path:
        return self.root / "notices" / self.id

    def approved_budget(self, year: int) -> Budget | None:
        budget = self.budgets.get(year)
        return budget if budget is not None and budget.approved else None


def compound_of(ledger_file: str | Path) -> tuple[Path, Path, str]:
    """(compound folder, repository root, compound id) for a compound's main ledger."""
    folder = Path(ledger_file).resolve().parent
    return folder, folder.parent.parent, folder.name


def load_compound(ledger_file: str | Path) -> tuple[Compound, list[err.RuleError]]:
    """Read and validate the profile, budgets and notices that belong to a ledger."""
    folder, root, compound_id = compound_of(ledger_file)
    errors: list[err.RuleError] = []
    profile = _load_profile(folder / "compound.yaml", errors)
    compound = Compound(compound_id, folder, root, profile)
    households = profile.households if profile else None
    floor_area = profile.floor_area if profile else None
    if compound.notice_folder.is_dir():
        for path in sorted(compound.notice_folder.glob("*.md")):
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
            try:
                budget = parse_budget(ys.parse(_read(path), path))
            except ys.YamlProblem as problem:
                errors.append(err.make(err.BudgetFileError, err.source(path, problem.line), problem.message))
            except UnicodeDecodeError:
                continue
            else:
                errors.extend(_resolve_approvals(compound, budget))
                compound.budgets[budget.year] = budget
    return compound, errors


def _load_profile(path: Path, errors: list[err.RuleError]) -> Profile | None:
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
            resolved.append(type(amendment)(amendment.approved_by, amendment.lines, amendment.line, vote.date))
    budget.amendments = resolved
    return errors


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
DETAIL_SUFFIXES = (".csv",)


def voucher_file(compound: Compound, name: str, suffixes: tuple[str, ...],
                 cache: dict[str, Path | str] | None = None) -> Path | str:
    """The file a ledger names under ``vouchers/``, or what is wrong with the name.

    Names are relative to the compound's ``vouchers/`` folder; an absolute
    path, ``..`` or a link cannot reach outside it.
    """
    if cache is not None and name in cache:
        return cache[name]
    result: Path | str
    relative_name = Path(name)
    if not name or relative_name.is_absolute() or ".." in relative_name.parts or "\\" in name:
        result = f"'{name}' must be a path inside vouchers/ such as 2026/03/2026-0031-invoice.pdf"
    elif relative_name.suffix.lower() not in suffixes:
        result = f"'{name}' must be a {' or '.join(s[1:].upper() for s in suffixes)} file"
    else:
        path = compound.vouchers / relative_name
        if path.is_symlink() or not path.is_file():
            result = f"vouchers/{name} does not exist; add the file or correct the name"
        else:
            result = path
    if cache is not None:
        cache[name] = result
    return result
