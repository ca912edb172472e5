"""The rules judge the books in a second process while `trustfund build` renders the site
(generator/books/verdict.py): a finding there still refuses the build and leaves the published site as it was;
a child that fails is not trusted (the parent judges the books itself); entries the rules changed refuse the
build as an internal error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import PROJECT, Repo
from tests.test_beside import run_build

OVER_THE_CAP = """\
2026-03-05 * "示例保洁公司" "三月保洁"
  voucher: "2026-0101"
  Expenses:Cleaning   20000.00 CNY
  Assets:Bank:Fund
"""
NO_VOUCHER = """\
2026-03-05 * "示例保洁公司" "三月保洁"
  Expenses:Cleaning   300.00 CNY
  Assets:Bank:Fund
"""
FINE = """\
2026-03-05 * "示例保洁公司" "三月保洁"
  voucher: "2026-0101"
  Expenses:Cleaning   300.00 CNY
  Assets:Bank:Fund
"""
# The child process's work fails (in the child only: the parent's own judging works).
CHILD_FAILS = """\
from generator.books import verdict
parent, judge = os.getpid(), verdict.full_pipeline
def broken(*args, **kwargs):
    if os.getpid() != parent:
        raise RuntimeError("the child could not judge")
    return judge(*args, **kwargs)
verdict.full_pipeline = broken
"""
# A rule that adds an entry when it judges (in the child) but not when it only adds entries (in the parent).
RULE_CHANGES_ENTRIES = """\
import datetime
from beancount.core import data
from generator.rules import voucher
judge = voucher.rule
def adding(entries, options_map, context):
    entries, errors = judge(entries, options_map, context)
    note = data.Note(data.new_metadata("<rule>", 0), datetime.date(2026, 3, 6), "Assets:Bank:Fund", "x", None, None)
    return entries + [note], errors
voucher.rule = adding
"""


@pytest.fixture
def compound(repo: Repo, tmp_path_factory: pytest.TempPathFactory) -> Repo:
    shutil.copytree(PROJECT / "site_src", repo.root / "site_src")
    shutil.copy(PROJECT / "mkdocs.yml", repo.root / "mkdocs.yml")
    return repo


def published(tmp_path: Path) -> Path:
    site = tmp_path / "published"
    site.mkdir()
    (site / "index.html").write_text("the good site of yesterday", encoding="utf-8")
    return site


def unchanged(site: Path) -> bool:
    siblings = [path.name for path in site.parent.iterdir() if path.name.startswith(f".{site.name}.")]
    return [p.name for p in site.iterdir()] == ["index.html"] and not siblings and \
        (site / "index.html").read_text(encoding="utf-8") == "the good site of yesterday"


@pytest.mark.parametrize(("journal", "rule"), [(OVER_THE_CAP, "budget-cap"), (NO_VOUCHER, "voucher")])
def test_a_finding_reached_beside_the_rendering_refuses_the_build(compound: Repo, tmp_path: Path, journal: str,
                                                                  rule: str) -> None:
    compound.journal(journal)
    site = published(tmp_path)
    result = run_build(compound.root, site)
    assert result.returncode == 1, result.stderr
    assert "forks 2" in result.stdout  # judged beside the pages, which were rendered and then thrown away
    assert f": {rule}: " in result.stdout, result.stdout
    assert "nothing was built" in result.stderr and "Traceback" not in result.stderr
    assert unchanged(site)


def test_when_the_second_process_fails_the_books_are_judged_here(compound: Repo, tmp_path: Path) -> None:
    compound.journal(OVER_THE_CAP)
    site = published(tmp_path)
    result = run_build(compound.root, site, CHILD_FAILS)
    assert result.returncode == 1, result.stderr
    assert "budget-cap" in result.stdout and "nothing was built" in result.stderr
    assert unchanged(site)
    compound.journal(FINE)
    result = run_build(compound.root, site, CHILD_FAILS)
    assert result.returncode == 0, result.stderr
    assert (site / "test" / "2026" / "03" / "index.html").is_file()


def test_entries_changed_by_a_rule_refuse_the_build(compound: Repo, tmp_path: Path) -> None:
    compound.journal(FINE)
    site = published(tmp_path)
    result = run_build(compound.root, site, RULE_CHANGES_ENTRIES)
    assert result.returncode == 2, result.stderr
    assert "the rules changed the entries they were given" in result.stderr and "Traceback" not in result.stderr
    assert unchanged(site)
    result = run_build(compound.root, site)  # the same books without the changing rule
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("config", ['"EntriesOnly"', '"generator.books.verdict.ENTRIES_ONLY"'])
def test_a_ledger_cannot_ask_the_rules_to_only_add_entries(compound: Repo, tmp_path: Path, config: str) -> None:
    """The parent's "add entries, judge nothing" is an object no ledger can write: a plugin configuration
    string, however spelled, leaves the rules judging (or is refused by the lint)."""
    main = compound.root / "ledgers" / "test" / "main.beancount"
    main.write_text(main.read_text(encoding="utf-8").replace('plugin "generator.rules"',
                                                              f'plugin "generator.rules" {config}'), encoding="utf-8")
    compound.journal(NO_VOUCHER)
    site = published(tmp_path)
    result = run_build(compound.root, site)
    assert result.returncode == 1, result.stderr
    assert "nothing was built" in result.stderr and "Traceback" not in result.stderr
    assert unchanged(site)
