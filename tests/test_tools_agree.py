"""``trustfund check``, ``bean-check`` and Fava report the same findings at the same file and line.

The rules run inside Beancount's loader (``plugin "generator.rules"``), so every tool that loads a
compound's ``main.beancount`` sees them. These tests seed violations and read each tool's real output:
``trustfund check``'s core and its command line (text and JSON), ``bean-check``'s stderr, Fava's
``FavaLedger.errors`` and the errors page Fava's Flask app serves. Fava's budgets must show the caps of
the approved YAML budget.
"""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from beancount.core import data
from fava.application import create_app
from fava.core import FavaLedger

from generator.findings import BEANCOUNT_RULES
from tests.conftest import Repo

# One entry per violation; the evidence file of the first entry exists, so it breaks the cap only.
SEEDED = """\
2026-03-02 * "示例保洁服务有限公司" "2026年3月保洁服务费"
  voucher: "2026-0002"
  evidence: "2026/03/2026-0002-invoice.pdf"
  Expenses:Cleaning   10000.01 CNY
  Assets:Bank:Fund

2026-03-05 * "示例银行" "2026年3月利息收入"
  Assets:Bank:Fund   12.30 CNY
  Income:PropertyFees

2026-03-08 * "示例五金店" "更换楼道灯具"
  voucher: "2026-0003"
  Expenses:Repairs   820.00 CNY
  Assets:Bank:Fund

2026-04-01 balance Assets:Bank:Fund   1.00 CNY
"""
SEEDED_LINES = {"budget-cap": 1, "voucher": 7, "evidence": 11, "balance": 16}
JOURNAL = "ledgers/test/2026/03.beancount"

# A tool's finding, comparable across tools: absolute file, line, and the message as Beancount carries it
# (trustfund's own errors begin with their rule id).
Report = tuple[str, int, str]

BEAN_CHECK_LINE = re.compile(r"^(/[^\n]*?):(\d+): (.*)$", re.M)
CHECK_LINE = re.compile(r"^(?P<path>[^:\s][^:]*):(?P<line>\d+): (?P<rule>[a-z][a-z-]*): (?P<message>.+)$")
LEDGER_DATA = re.compile(r'<script type="application/json" id="ledger-data">(.*?)</script>', re.S)


@pytest.fixture
def seeded(repo: Repo) -> Repo:
    repo.journal(SEEDED)
    repo.voucher_file("2026/03/2026-0002-invoice.pdf")
    return repo


def main_of(repo: Repo) -> Path:
    return repo.compound / "main.beancount"


def as_message(rule: str, message: str) -> str:
    """The message as Beancount carries it: Beancount's own errors have no rule prefix."""
    return message if rule in set(BEANCOUNT_RULES.values()) | {"beancount"} else f"{rule}: {message}"


def trustfund_reports(repo: Repo) -> set[Report]:
    return {(str((repo.root / f.path).resolve()), f.line, as_message(f.rule, f.message)) for f in repo.check()}


def run_trustfund(repo: Repo | Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    root = repo.root if isinstance(repo, Repo) else repo
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(root), *arguments],
                          capture_output=True, text=True, timeout=120)


def bean_check(main: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).parent / "bean-check"), "--no-cache", str(main)],
                          capture_output=True, text=True, timeout=120)


def error_reports(errors: list[Any]) -> set[Report]:
    """Reports from Beancount-style errors (``source`` with filename and lineno, ``message``)."""
    return {(str(Path(error["source"]["filename"]).resolve()), int(error["source"]["lineno"]), error["message"])
            for error in errors}


def expected_reports(repo: Repo) -> dict[str, tuple[str, int]]:
    journal = str((repo.root / JOURNAL).resolve())
    return {rule: (journal, line) for rule, line in SEEDED_LINES.items()}


# trustfund check: the core and the command line


def test_trustfund_check_finds_each_seeded_violation_at_its_line(seeded: Repo) -> None:
    findings = seeded.check()
    assert sorted((f.path, f.line, f.rule) for f in findings) == sorted(
        (JOURNAL, line, rule) for rule, line in SEEDED_LINES.items())
    by_rule = {f.rule: f.message for f in findings}
    assert by_rule["budget-cap"].startswith("Expenses:Cleaning: 10,000.01 CNY spent by 2026-03-02, cap 10,000.00 CNY")
    assert "no voucher number" in by_rule["voucher"]
    assert by_rule["evidence"].startswith("820.00 CNY of expenses without evidence")
    assert by_rule["balance"].startswith("Balance failed for 'Assets:Bank:Fund': expected 1.00 CNY")


def test_the_command_line_json_agrees_with_the_core(seeded: Repo) -> None:
    result = run_trustfund(seeded, "check", "--format", "json")
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    from_cli = {(str((seeded.root / f["path"]).resolve()), f["line"], as_message(f["rule"], f["message"]))
                for f in findings}
    assert from_cli == trustfund_reports(seeded)
    assert {f["rule"] for f in findings} == set(SEEDED_LINES)


def test_the_command_line_text_is_path_line_rule_message(seeded: Repo) -> None:
    result = run_trustfund(seeded, "check", "--compound", "test")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    parsed = [CHECK_LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert sorted((m["path"], int(m["line"]), m["rule"]) for m in parsed if m) == sorted(
        (JOURNAL, line, rule) for rule, line in SEEDED_LINES.items())
    # Paths are relative to the repository root, as a reviewer reads them in a pull request.
    assert not any(line.startswith("/") or str(seeded.root) in line.split(":")[0] for line in lines)
    assert "trustfund check: 4 findings" in result.stderr


def test_exit_code_is_0_for_clean_books(repo: Repo) -> None:
    result = run_trustfund(repo, "check")
    assert (result.returncode, result.stdout) == (0, "")
    assert "trustfund check: 0 findings" in result.stderr


def test_exit_code_is_0_and_json_empty_for_clean_books(repo: Repo) -> None:
    result = run_trustfund(repo, "check", "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"findings": []}


def test_exit_code_is_1_for_findings(seeded: Repo) -> None:
    assert run_trustfund(seeded, "check").returncode == 1


def test_exit_code_is_2_for_an_unknown_compound(repo: Repo) -> None:
    result = run_trustfund(repo, "check", "--compound", "nosuch")
    assert (result.returncode, result.stdout) == (2, "")
    assert "no compound 'nosuch'" in result.stderr and "there are: test" in result.stderr


def test_exit_code_is_2_outside_a_repository(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "check"], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 2
    assert "no ledgers/ folder" in result.stderr


# bean-check


def test_bean_check_reports_the_same_files_lines_and_messages(seeded: Repo) -> None:
    result = bean_check(main_of(seeded))
    assert result.returncode == 1
    # bean-check prints ``file:line: message`` and then the entry, indented, to stderr.
    reported = {(str(Path(path).resolve()), int(line), message)
                for path, line, message in BEAN_CHECK_LINE.findall(result.stderr)}
    assert reported == trustfund_reports(seeded)
    assert {(path, line) for path, line, _ in reported} == set(expected_reports(seeded).values())


def test_bean_check_passes_clean_books(repo: Repo) -> None:
    result = bean_check(main_of(repo))
    assert (result.returncode, BEAN_CHECK_LINE.findall(result.stderr)) == (0, [])


# Fava


def test_fava_ledger_errors_agree(seeded: Repo) -> None:
    ledger = FavaLedger(str(main_of(seeded)))
    errors = [{"source": error.source, "message": error.message} for error in ledger.errors]
    assert error_reports(errors) == trustfund_reports(seeded)
    kinds = {type(error).__name__ for error in ledger.errors}
    assert {"BudgetCapError", "VoucherError", "EvidenceError", "BalanceError"} <= kinds


def test_fava_ledger_has_no_errors_for_clean_books(repo: Repo) -> None:
    assert list(FavaLedger(str(main_of(repo))).errors) == []


def fava_errors_page(main: Path) -> str:
    """The HTML of the errors page of Fava's real Flask app for one ledger."""
    app = create_app([main], load=True)
    app.testing = True
    client = app.test_client()
    # Fava redirects / to the ledger's default page, under the ledger's slug.
    index = client.get("/")
    assert index.status_code == 302
    slug = unquote(index.headers["Location"]).strip("/").split("/")[0]
    page = client.get(f"/{slug}/errors/")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_favas_errors_page_shows_the_same_errors(seeded: Repo) -> None:
    html = fava_errors_page(main_of(seeded))
    journal = str((seeded.root / JOURNAL).resolve())
    assert journal in html
    assert "Expenses:Cleaning: 10,000.01 CNY spent by 2026-03-02, cap 10,000.00 CNY" in html
    assert "820.00 CNY of expenses without evidence" in html
    ledger_data = LEDGER_DATA.search(html)
    assert ledger_data is not None
    errors = json.loads(ledger_data.group(1))["errors"]
    assert error_reports(errors) == trustfund_reports(seeded)
    assert {(e["source"]["lineno"], e["message"].split(":")[0]) for e in errors if e["type"] != "BalanceError"} == {
        (line, rule) for rule, line in SEEDED_LINES.items() if rule != "balance"}


def test_favas_errors_page_is_empty_for_clean_books(repo: Repo) -> None:
    ledger_data = LEDGER_DATA.search(fava_errors_page(main_of(repo)))
    assert ledger_data is not None
    assert json.loads(ledger_data.group(1))["errors"] == []


# Fava's budgets show the approved caps


def yearly(ledger: FavaLedger, account: str, year: int) -> Decimal:
    """Fava's budget for an account over a whole year, in CNY, to the cent."""
    budget = ledger.budgets.calculate_children(account, datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
    return Decimal(budget.get("CNY", 0)).quantize(Decimal("0.01"))


def budget_entries(ledger: FavaLedger, account: str) -> list[tuple[datetime.date, Decimal, str, int]]:
    return [(e.date, e.values[2].value.number, e.meta["filename"], e.meta["lineno"])
            for e in ledger.all_entries_by_type.Custom if e.type == "budget" and e.values[0].value == account]


def test_favas_budgets_are_the_approved_caps(repo: Repo) -> None:
    ledger = FavaLedger(str(main_of(repo)))
    assert yearly(ledger, "Expenses:Cleaning", 2026) == Decimal("10000.00")
    assert yearly(ledger, "Expenses:Repairs", 2026) == Decimal("5000.00")
    budget_file = str(repo.root / "budgets" / "test" / "2026.yaml")
    # The books end in 2026: nothing dated in 2027 would put an empty year in Fava's time filter.
    assert budget_entries(ledger, "Expenses:Cleaning") == [(datetime.date(2026, 1, 1), Decimal("10000.00"),
                                                            budget_file, 10)]
    assert ledger.attributes.years == ["2026", "2025"]  # the accounts open in 2025
    # Once the books reach 2027 with no budget approved for it, its lines drop to zero rather than carrying on.
    repo.write("ledgers/test/2026/12.beancount", "2027-01-01 balance Assets:Bank:Fund  100000.00 CNY\n")
    assert repo.check() == []
    ledger = FavaLedger(str(main_of(repo)))
    assert yearly(ledger, "Expenses:Cleaning", 2027) == Decimal("0.00")
    assert budget_entries(ledger, "Expenses:Cleaning") == [
        (datetime.date(2026, 1, 1), Decimal("10000.00"), budget_file, 10),
        (datetime.date(2027, 1, 1), Decimal("0.00"), budget_file, 10)]


def test_favas_budgets_follow_an_approved_amendment(repo: Repo) -> None:
    budget = (repo.root / "budgets" / "test" / "2026.yaml").read_text(encoding="utf-8")
    repo.write("budgets/test/2026.yaml", budget + textwrap.dedent("""\
        amendments:
          - approved_by: 2026-06-30-lift-repair-vote
            lines:
              Expenses:Repairs: 2000.00
        """))
    repo.write("notices/test/2026-06-30-lift-repair-vote.md", textwrap.dedent("""\
        ---
        title: 追加维修预算表决结果
        date: 2026-06-30
        kind: vote
        matter: budget
        households: {total: 100, voted: 80, for: 70}
        area: {total: 10000.00, voted: 8000.00, for: 7000.00}
        result: passed
        ---
        同意追加维修预算。
        """))
    assert repo.check() == []
    ledger = FavaLedger(str(main_of(repo)))
    repairs = sorted((entry.date, entry.values[2].value.number) for entry in ledger.all_entries_by_type.Custom
                     if entry.type == "budget" and entry.values[0].value == "Expenses:Repairs")
    assert repairs == [(datetime.date(2026, 1, 1), Decimal("5000.00"))]  # the books end before the vote
    repo.write("ledgers/test/2026/07.beancount", "2026-07-01 balance Assets:Bank:Fund  100000.00 CNY\n")
    assert repo.check() == []
    ledger = FavaLedger(str(main_of(repo)))
    repairs = sorted((entry.date, entry.values[2].value.number) for entry in ledger.all_entries_by_type.Custom
                     if entry.type == "budget" and entry.values[0].value == "Expenses:Repairs")
    assert repairs == [(datetime.date(2026, 1, 1), Decimal("5000.00")),
                       (datetime.date(2026, 6, 30), Decimal("7000.00"))]


def test_the_budget_entries_reach_fava_through_the_loader(repo: Repo) -> None:
    entries, errors, _ = repo.load()
    assert errors == []
    caps = {(entry.values[0].value, entry.date): entry.values[2].value.number
            for entry in entries if isinstance(entry, data.Custom) and entry.type == "budget"}
    assert caps[("Expenses:Cleaning", datetime.date(2026, 1, 1))] == Decimal("10000.00")
    assert caps[("Expenses:Repairs", datetime.date(2026, 1, 1))] == Decimal("5000.00")
