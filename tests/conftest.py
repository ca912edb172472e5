"""Books written in a test's docstring, in a real repository layout under ``tmp_path``.

``repo`` is an empty compound ``test`` with a profile, a chart of accounts,
an approved 2026 budget and its vote; ``books`` also writes the requesting
test's docstring as the March 2026 journal. Everything goes through the real
loader: ``plugin "generator.rules"`` in ``main.beancount``.
"""

from __future__ import annotations

import csv
import fcntl
import functools
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from beancount import loader

from generator.audit.check import check
from generator.cli import main
from generator.findings import Finding

PROJECT = Path(__file__).resolve().parent.parent
# Beancount writes a pickle cache beside a ledger whose load takes over a second (as on a busy machine); the
# lint refuses such a file, so no test may leave one in the example books.
loader.initialize(use_cache=False)
EXAMPLES = ("qingshui-garden", "hetang-court")

PROFILE = """\
name: 测试花园
name_en: Test Garden
description: 测试用虚构小区 / a fictitious compound for tests
households: 100
floor_area: 10000.00
currency: CNY
evidence_threshold: 500.00
accounts: {fund: Assets:Bank:Fund, trustee_fee: Expenses:TrusteeFee}
signers:
  - {principal: treasurer-t, role: treasurer, key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyForTests"}
"""

MAIN = """\
option "title" "测试花园"
option "operating_currency" "CNY"
option "tolerance_multiplier" "0"
plugin "generator.rules"
include "accounts.beancount"
include "20[0-9][0-9]/[01][0-9].beancount"
"""

ACCOUNTS = """\
2025-01-01 open Assets:Bank:Fund CNY
  name: "共有资金账户"
  name_en: "Common fund"
2025-01-01 open Equity:Opening CNY
  name: "期初结余"
  name_en: "Opening balance"
2025-01-01 open Income:PropertyFees CNY
  name: "物业费"
  name_en: "Property fees"
  income: "fees"
2025-01-01 open Income:Parking CNY
  name: "停车费"
  name_en: "Parking"
  income: "itemised"
2025-01-01 open Expenses:Cleaning CNY
  name: "保洁费"
  name_en: "Cleaning"
2025-01-01 open Expenses:Repairs CNY
  name: "维修费"
  name_en: "Repairs"
2025-01-01 open Expenses:Repairs:Elevator CNY
  name: "电梯维修"
  name_en: "Elevator repairs"
2025-01-01 open Expenses:Greening CNY
  name: "绿化费"
  name_en: "Greening"
2025-01-01 open Expenses:TrusteeFee CNY
  name: "受托人酬金"
  name_en: "Trustee remuneration"
"""

BUDGET_2026 = """\
year: 2026
approved_by: 2025-12-20-budget-vote
trustee:
  base_rate: 0.12
  bonus_rate: 0.03
  bonus_min_score: 90
income:
  Income:PropertyFees: 200000.00
lines:
  Expenses:Cleaning: 10000.00
  Expenses:Repairs: 5000.00
"""

VOTE = """\
---
title: 2026年度预算表决结果
date: 2025-12-20
kind: vote
matter: budget
households: {total: 100, voted: 80, for: 70}
area: {total: 10000.00, voted: 8000.00, for: 7000.00}
result: passed
---
同意票过半，预算通过。
"""

OPENING = """\
2026-01-01 * "示例银行" "期初结余"
  voucher: "2026-0001"
  Assets:Bank:Fund   100000.00 CNY
  Equity:Opening
"""


class Repo:
    """A trustfund repository with one compound, ``test``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.compound = root / "ledgers" / "test"
        self.write("ledgers/test/compound.yaml", PROFILE)
        self.write("ledgers/test/main.beancount", MAIN)
        self.write("ledgers/test/accounts.beancount", ACCOUNTS)
        self.write("ledgers/test/2026/01.beancount", OPENING)
        self.write("budgets/test/2026.yaml", BUDGET_2026)
        self.write("notices/test/2025-12-20-budget-vote.md", VOTE)

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def journal(self, text: str, month: str = "2026/03") -> Path:
        return self.write(f"ledgers/test/{month}.beancount", text)

    def voucher_file(self, name: str, content: bytes = b"%PDF-1.4\n%fictitious test receipt\n") -> Path:
        return self.write(f"ledgers/test/vouchers/{name}", content)

    def check(self) -> list[Finding]:
        return check(self.root, None)

    def rules(self) -> set[str]:
        return {finding.rule for finding in self.check()}

    def load(self) -> tuple[list[Any], list[Any], dict[str, Any]]:
        loader.initialize(use_cache=False)
        entries, errors, options = loader.load_file(str(self.compound / "main.beancount"))
        return entries, errors, options


@pytest.fixture(scope="session", autouse=True)
def preview_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Builds keep their evidence previews in a folder of the session (builds run as subprocesses too), never in
    the user's ~/.cache."""
    folder = tmp_path_factory.mktemp("trustfund-cache")
    before = os.environ.get("TRUSTFUND_CACHE")
    os.environ["TRUSTFUND_CACHE"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("TRUSTFUND_CACHE", None)
    else:
        os.environ["TRUSTFUND_CACHE"] = before


REBUILD_CACHE = [False]  # on only while tests/test_rebuild_cache.py runs (its module fixture turns it on)


@pytest.fixture(scope="session", autouse=True)
def no_rebuild_cache_between_tests() -> Iterator[None]:
    """Builds run in the test process never replay pages or sites another test recorded: a test (or a module
    fixture) may patch the page code at run time, which the rebuild cache's code version (the installed files)
    cannot see. The cache is off in this process except for the tests about it."""
    import generator.cli
    import generator.mkdocs_plugin

    whole, pages = generator.cli.rebuild_cache, generator.mkdocs_plugin.cache_folder
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generator.cli, "rebuild_cache",
                      lambda root, queries: whole(root, queries) if REBUILD_CACHE[0] else None)
        patch.setattr(generator.mkdocs_plugin, "cache_folder",
                      lambda roots: pages(roots) if REBUILD_CACHE[0] else (None, ""))
        yield


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path)


@pytest.fixture
def books(repo: Repo, request: pytest.FixtureRequest) -> Repo:
    """The repo with the requesting test's docstring as its March 2026 journal."""
    repo.journal(textwrap.dedent(request.function.__doc__ or "").lstrip("\n"))
    return repo


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [finding for finding in findings if finding.rule == rule]


# The example compounds, built once for the whole session (the fees tests and their browser tests share it)


@functools.cache
def example_books(compound: str) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """An example compound's books through Beancount's own loader, once per session (tests only read them)."""
    entries, errors, options = loader.load_file(str(PROJECT / "ledgers" / compound / "main.beancount"))
    return entries, errors, options


def roster_codes(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as file:
        return [row[column] for row in csv.DictReader(file)]


@pytest.fixture(scope="session")
def example_rosters() -> dict[str, Path]:
    """The example compounds' fictitious private rosters (door numbers beside codes) in the git-ignored build/.

    A fresh clone has none: ``examples/make_examples.py --private-rosters`` writes them, here too when they are
    missing or out of step with ``units.csv``.
    """
    rosters = {cid: PROJECT / "build" / "rosters" / f"{cid}.csv" for cid in EXAMPLES}
    (PROJECT / "build").mkdir(exist_ok=True)
    # The test workers (pytest -n) share build/: one writes the rosters while the others wait.
    with (PROJECT / "build" / ".rosters.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if any(not path.is_file() or roster_codes(path, "code") != roster_codes(
                PROJECT / "ledgers" / cid / "units.csv", "unit") for cid, path in rosters.items()):
            subprocess.run([sys.executable, str(PROJECT / "examples" / "make_examples.py"), "--private-rosters"],
                           check=True, capture_output=True, timeout=120)
    return rosters


@pytest.fixture(scope="session")
def examples_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``trustfund build`` of the repository's example books, once per session, into a temporary folder."""
    site = tmp_path_factory.mktemp("examples") / "site"
    assert main(["--root", str(PROJECT), "build", "--site-dir", str(site)]) == 0
    return site
