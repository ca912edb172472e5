"""``trustfund check`` and ``trustfund new`` as a treasurer runs them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import Repo

PROJECT = Path(__file__).resolve().parent.parent


def trustfund(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True,
                          check=False)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


def test_the_example_compounds_pass_check() -> None:
    result = trustfund("check", cwd=PROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "0 findings" in result.stderr


def test_the_examples_cover_what_the_issue_asks_for() -> None:
    from generator.books import load_books

    for compound_id, households, rate in (("qingshui-garden", range(400, 480), "0.15"),
                                          ("hetang-court", range(740, 820), "0.12")):
        books = load_books(PROJECT, compound_id)
        assert books.errors == []
        months = {(e.date.year, e.date.month) for e in books.entries if type(e).__name__ == "Transaction"}
        assert len(months) >= 15
        accounts = {p.account for e in books.entries if type(e).__name__ == "Transaction" for p in e.postings}
        for needed in ("Income:PropertyFees", "Income:Parking", "Income:Advertising", "Expenses:Cleaning",
                       "Expenses:Security", "Expenses:Greening", "Expenses:Repairs", "Expenses:Utilities",
                       "Expenses:Staff", "Expenses:TrusteeFee"):
            assert any(a == needed or a.startswith(needed + ":") for a in accounts), (compound_id, needed)
        assert sum(type(e).__name__ == "Balance" for e in books.entries) >= 15
        profile = (PROJECT / "ledgers" / compound_id / "compound.yaml").read_text()
        assert "虚构" in profile and "fictitious" in profile.lower()
        assert int(profile.split("households:")[1].split()[0]) in households
        assert f"base_rate: {rate}" in (PROJECT / "budgets" / compound_id / "2026.yaml").read_text()
    hetang = (PROJECT / "budgets" / "hetang-court" / "2026.yaml").read_text()
    assert "bonus_rate: 0.03" in hetang and "bonus_min_score: 90" in hetang


def test_check_reports_findings_one_per_line_and_exits_1(books: Repo) -> None:
    """
    2026-03-02 * "3号楼业主" "2026年3月物业费（3号楼）"
      Assets:Bank:Fund   12000.00 CNY
      Income:PropertyFees
    """
    result = trustfund("check", cwd=books.root / "ledgers" / "test")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "ledgers/test/2026/03.beancount:1: voucher: the transaction has no voucher number; "
        'add voucher: "2026-NNNN" with the next free number']
    as_json = json.loads(trustfund("check", "--format", "json", "--compound", "test", cwd=books.root).stdout)
    assert as_json["findings"] == [{"path": "ledgers/test/2026/03.beancount", "line": 1, "rule": "voucher",
                                    "message": result.stdout.split(": voucher: ", 1)[1].strip()}]


def test_usage_and_setup_errors_exit_2_without_a_traceback(tmp_path: Path, repo: Repo) -> None:
    for args, cwd, expected in ((("check", "--compound", "nosuch"), repo.root, "no compound 'nosuch'"),
                                (("frobnicate",), repo.root, "invalid choice"),
                                (("new", "Bad_Name"), repo.root, "lowercase letters, digits and hyphens"),
                                (("new", "test"), repo.root, "already exists")):
        result = trustfund(*args, cwd=cwd)
        assert result.returncode == 2, args
        assert expected in result.stderr and "Traceback" not in result.stderr
    empty = tmp_path.parent / (tmp_path.name + "-empty")
    empty.mkdir()
    result = trustfund("check", cwd=empty)
    assert result.returncode == 2 and "no ledgers/ folder" in result.stderr


def test_new_scaffolds_a_compound_that_passes_check(tmp_path: Path) -> None:
    result = trustfund("new", "lotus-court", "--name", "荷花苑", "--name-en", "Lotus Court", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ledgers/lotus-court/compound.yaml" in result.stdout
    check = trustfund("check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout
    assert "name: \"荷花苑\"" in (tmp_path / "ledgers" / "lotus-court" / "compound.yaml").read_text()
    bean_check = subprocess.run([str(Path(sys.executable).parent / "bean-check"), "--no-cache",
                                 str(tmp_path / "ledgers" / "lotus-court" / "main.beancount")],
                                capture_output=True, text=True, check=False)
    assert bean_check.returncode == 0, bean_check.stdout + bean_check.stderr


def test_check_changes_nothing_and_leaves_no_cache(tmp_path: Path) -> None:
    shutil.copytree(PROJECT / "ledgers" / "hetang-court", tmp_path / "ledgers" / "hetang-court")
    shutil.copytree(PROJECT / "budgets" / "hetang-court", tmp_path / "budgets" / "hetang-court")
    shutil.copytree(PROJECT / "notices" / "hetang-court", tmp_path / "notices" / "hetang-court")
    journal = tmp_path / "ledgers" / "hetang-court" / "2026" / "03.beancount"
    journal.write_text(journal.read_text().replace('voucher: "2026-', 'voucher: "2025-', 1), encoding="utf-8")
    before = snapshot(tmp_path)
    result = trustfund("check", cwd=tmp_path)
    assert result.returncode == 1 and ": voucher: " in result.stdout
    assert snapshot(tmp_path) == before
    assert not list(tmp_path.rglob("*.picklecache"))
