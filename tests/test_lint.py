"""The source lint: what is refused before Beancount loads anything, and its plugin-side copies.

Each lint item is shown refused with its rule id, naming the file and line; a compound with lint
findings is not loaded at all, so no rule finding appears beside them. ``generator/rules/safety.py``
refuses again, with the same rule ids, what Beancount's loader can still see when the lint is skipped
(``bean-check``, Fava): that path is tested through ``repo.load()``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable

import pytest
from beancount.core import data

from generator.findings import Finding
from tests.conftest import MAIN, PROFILE, Repo, only

JOURNAL = "ledgers/test/2026/03.beancount"
MAIN_FILE = "ledgers/test/main.beancount"
MAIN_LINES = len(MAIN.splitlines())
MAIN_HALF_TOLERANCE = MAIN.replace('"tolerance_multiplier" "0"', '"tolerance_multiplier" "0.5"')
MAIN_NO_TOLERANCE = MAIN.replace('option "tolerance_multiplier" "0"\n', "")


def lint_only(findings: list[Finding]) -> None:
    """A compound with lint findings is not loaded: no rule or Beancount finding may appear."""
    assert findings, "expected lint findings"
    assert all(finding.rule.startswith("lint-") for finding in findings), findings


def no_traceback(findings: list[Finding]) -> None:
    assert all("Traceback" not in finding.message and "internal error" not in finding.message
               for finding in findings), findings


# good source


def test_the_fixture_repository_is_clean(repo: Repo) -> None:
    assert repo.check() == []


def test_every_allowed_option_and_plugin_passes(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN + 'option "render_commas" "TRUE"\n'
               'option "display_precision" "CNY:0.01"\n'
               'option "booking_method" "STRICT"\n'
               'plugin "beancount.plugins.noduplicates"\n'
               'plugin "beancount.plugins.coherent_cost"\n'
               'plugin "beancount.plugins.onecommodity"\n')
    assert repo.check() == []


# lint-option


@pytest.mark.parametrize("option", ['"insert_pythonpath" "TRUE"', '"plugin_processing_mode" "raw"',
                                    '"documents" "/etc"', '"infer_tolerance_from_cost" "TRUE"'])
def test_an_option_outside_the_allow_list_is_refused(repo: Repo, option: str) -> None:
    repo.write("ledgers/test/main.beancount", MAIN + f"option {option}\n")
    findings = repo.check()
    lint_only(findings)
    name = option.split()[0]
    assert [(f.path, f.line, f.rule) for f in findings] == [(MAIN_FILE, MAIN_LINES + 1, "lint-option")]
    assert f"option {name} is not allowed" in findings[0].message
    assert "tolerance_multiplier" in findings[0].message  # the allow-list is named


def test_an_option_outside_the_allow_list_in_a_journal_is_refused(repo: Repo) -> None:
    repo.journal('; March 2026\noption "insert_pythonpath" "TRUE"\n')
    findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 2, "lint-option")]
    assert 'option "insert_pythonpath" is not allowed' in findings[0].message


def test_a_tolerance_other_than_zero_is_refused(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN_HALF_TOLERANCE)
    findings = repo.check()
    lint_only(findings)
    [wrong] = [f for f in findings if f.line == 3]
    assert (wrong.path, wrong.rule) == (MAIN_FILE, "lint-option")
    assert 'tolerance_multiplier must be "0"' in wrong.message and 'not "0.5"' in wrong.message


def test_a_wrong_tolerance_is_reported_once(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN_HALF_TOLERANCE)
    assert [(f.line, f.rule) for f in repo.check()] == [(3, "lint-option")]


def test_a_missing_tolerance_is_refused(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN_NO_TOLERANCE)
    findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(MAIN_FILE, 1, "lint-option")]
    assert 'must set option "tolerance_multiplier" "0"' in findings[0].message


# lint-plugin


def test_a_plugin_outside_the_allow_list_is_refused(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN + 'plugin "beancount.plugins.auto_accounts"\n')
    findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(MAIN_FILE, MAIN_LINES + 1, "lint-plugin")]
    assert 'plugin "beancount.plugins.auto_accounts" is not allowed' in findings[0].message
    assert "generator.rules" in findings[0].message  # the allow-list is named


def test_a_plugin_in_a_journal_is_refused(repo: Repo) -> None:
    repo.journal('; March 2026\n\nplugin "evil.module" "config"\n')
    findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 3, "lint-plugin")]
    assert 'plugin "evil.module" is not allowed' in findings[0].message


def test_main_without_the_rules_plugin_is_refused(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN.replace('plugin "generator.rules"\n', ""))
    findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(MAIN_FILE, 1, "lint-plugin")]
    assert 'must enable the rules: plugin "generator.rules"' in findings[0].message


def test_a_fava_extension_is_refused(books: Repo) -> None:
    """
    2026-03-01 open Assets:Bank:Petty CNY
      name: "备用金"
      name_en: "Petty cash"

    2026-03-02 custom "fava-extension" "evil_extension"
    """
    findings = books.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 5, "lint-plugin")]
    assert 'custom "fava-extension" is not allowed' in findings[0].message


# lint-include


@pytest.mark.parametrize("pattern", ["../other/x.beancount", "../../../outside.beancount", "2026/../../x.beancount"])
def test_an_include_outside_the_compound_is_refused(repo: Repo, pattern: str) -> None:
    # The targets need not exist: the lint refuses the pattern itself.
    repo.write("ledgers/test/main.beancount", MAIN + f'include "{pattern}"\n')
    findings = repo.check()
    lint_only(findings)
    assert [(f.path, f.line, f.rule) for f in findings] == [(MAIN_FILE, MAIN_LINES + 1, "lint-include")]
    assert f'include "{pattern}" must name .beancount files inside ledgers/test/' in findings[0].message


def test_an_absolute_include_outside_the_compound_is_refused(repo: Repo) -> None:
    outside = repo.write("outside.beancount", "")
    repo.write("ledgers/test/main.beancount", MAIN + f'include "{outside}"\n')
    findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(MAIN_FILE, MAIN_LINES + 1, "lint-include")]
    assert f'include "{outside}" must name .beancount files' in findings[0].message


@pytest.mark.parametrize("pattern", ["notes.txt", "compound.yaml", "vouchers/2026/03/sheet.csv", "2026/*"])
def test_an_include_of_anything_but_beancount_files_is_refused(repo: Repo, pattern: str) -> None:
    repo.write("ledgers/test/notes.txt", "; notes\n")
    repo.write("ledgers/test/main.beancount", MAIN + f'include "{pattern}"\n')
    findings = repo.check()
    assert ("ledgers/test/notes.txt", 0, "lint-file") in [(f.path, f.line, f.rule) for f in findings]
    findings = [f for f in findings if f.rule != "lint-file"]
    assert [(f.path, f.line, f.rule) for f in findings] == [(MAIN_FILE, MAIN_LINES + 1, "lint-include")]
    assert f'include "{pattern}"' in findings[0].message


def test_an_include_inside_the_compound_passes(repo: Repo) -> None:
    repo.journal('2026-03-02 * "示例银行" "利息"\n  voucher: "2026-0002"\n  Assets:Bank:Fund  1.00 CNY\n'
                 "  Income:PropertyFees\n", month="2026/extra/03")
    repo.write("ledgers/test/main.beancount", MAIN + 'include "2026/extra/03.beancount"\n')
    assert repo.check() == []


# lint-pad


def test_pad_is_refused(books: Repo) -> None:
    """
    2026-03-01 pad Assets:Bank:Fund Equity:Opening

    2026-03-02 balance Assets:Bank:Fund 120000.00 CNY
    """
    findings = books.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 1, "lint-pad")]
    assert "pad is not allowed" in findings[0].message and "enter the real transaction" in findings[0].message


# lint-cache


@pytest.mark.parametrize("cache", ["ledgers/test/.main.beancount.picklecache",
                                   "ledgers/test/2026/.03.beancount.picklecache", "budgets/test/.2026.picklecache"])
def test_a_cache_file_is_refused(repo: Repo, cache: str) -> None:
    repo.write(cache, b"\x80\x04\x95 a pickle that would run code")
    findings = repo.check()
    # Line 0: the finding is about the whole file.
    assert [(f.path, f.line, f.rule) for f in findings] == [(cache, 0, "lint-cache")]
    assert "is Beancount's load cache" in findings[0].message and "delete it" in findings[0].message
    assert "bean-check --no-cache" in findings[0].message and "BEANCOUNT_DISABLE_LOAD_CACHE=1" in findings[0].message


# lint-symlink


def link_journal(repo: Repo) -> str:
    """The March journal as a link to a file outside the compound; returns the link's path."""
    target = repo.write("elsewhere/03.beancount", "")
    (repo.root / JOURNAL).symlink_to(target)
    return JOURNAL


def link_folder(repo: Repo) -> str:
    """A year folder as a link to a folder outside the compound; returns the link's path."""
    repo.write("elsewhere/2027/01.beancount", "")
    (repo.compound / "2027").symlink_to(repo.root / "elsewhere" / "2027", target_is_directory=True)
    return "ledgers/test/2027"


def link_budget(repo: Repo) -> str:
    target = repo.write("elsewhere/2027.yaml", "year: 2027\n")
    (repo.root / "budgets" / "test" / "2027.yaml").symlink_to(target)
    return "budgets/test/2027.yaml"


@pytest.mark.parametrize("make_link", [link_journal, link_folder, link_budget])
def test_a_symlink_is_refused(repo: Repo, make_link: Callable[[Repo], str]) -> None:
    make_link(repo)
    findings = repo.check()
    lint_only(findings)
    [link] = only(findings, "lint-symlink")
    assert link.line == 0 and "is a symbolic link; folders and files must be real" in link.message


@pytest.mark.parametrize("make_link", [link_journal, link_folder, link_budget])
def test_a_symlink_finding_names_the_link(repo: Repo, make_link: Callable[[Repo], str]) -> None:
    link = make_link(repo)
    assert [f.path for f in only(repo.check(), "lint-symlink")] == [link]


# lint-encoding


GBK_JOURNAL = ('; March 2026\n2026-03-02 * "示例银行" "2026年3月利息收入"\n  voucher: "2026-0002"\n'
               "  Assets:Bank:Fund   12.30 CNY\n  Income:PropertyFees\n")


def test_a_gbk_journal_is_named_as_gbk(repo: Repo) -> None:
    repo.write(JOURNAL, GBK_JOURNAL.encode("gbk"))
    findings = repo.check()
    no_traceback(findings)
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 2, "lint-encoding")]
    assert "is not UTF-8 text" in findings[0].message and "GBK" in findings[0].message


@pytest.mark.parametrize("relative", ["ledgers/test/compound.yaml", "budgets/test/2026.yaml",
                                      "notices/test/2025-12-20-budget-vote.md", "ledgers/test/vouchers/2026/03/x.csv"])
def test_a_gbk_file_beside_the_journal_is_named(repo: Repo, relative: str) -> None:
    text = (repo.root / relative).read_text(encoding="utf-8") if (repo.root / relative).exists() else \
        "unit,item,amount\nP-001,月租车位,300.00\n"
    if text.isascii():
        text += "# 2026年度开放式预算\n"
    repo.write(relative, text.encode("gbk"))
    findings = repo.check()
    no_traceback(findings)
    assert [(f.path, f.rule) for f in findings] == [(relative, "lint-encoding")]
    assert "GBK" in findings[0].message


def test_a_utf16_journal_is_named(repo: Repo) -> None:
    repo.write(JOURNAL, GBK_JOURNAL.encode("utf-16"))
    findings = repo.check()
    no_traceback(findings)
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 1, "lint-encoding")]
    assert "is UTF-16 text; save it as UTF-8" in findings[0].message


def test_a_utf8_journal_with_a_byte_order_mark_is_named(repo: Repo) -> None:
    repo.write(JOURNAL, GBK_JOURNAL.encode("utf-8-sig"))
    findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 1, "lint-encoding")]
    assert "byte-order mark" in findings[0].message


@pytest.mark.parametrize("encoding", ["gbk", "utf-16"])
def test_the_command_does_not_crash_on_other_encodings(repo: Repo, encoding: str) -> None:
    repo.write(JOURNAL, GBK_JOURNAL.encode(encoding))
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(repo.root), "check"],
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1
    assert result.stdout.startswith(f"{JOURNAL}:") and ": lint-encoding: " in result.stdout


# lint-amount


def test_an_amount_of_thirteen_integer_digits_is_refused(books: Repo) -> None:
    """
    2026-03-02 * "示例银行" "2026年3月利息收入"
      voucher: "2026-0002"
      Assets:Bank:Fund   1234567890123.00 CNY
      Income:PropertyFees
    """
    findings = books.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 3, "lint-amount")]
    assert "amount 1234567890123.00 has more than 12 integer digits" in findings[0].message


def test_an_amount_of_thirteen_digits_with_commas_is_refused(books: Repo) -> None:
    """
    2026-03-02 * "示例银行" "2026年3月利息收入"
      voucher: "2026-0002"
      Assets:Bank:Fund   1,234,567,890,123 CNY
      Income:PropertyFees
    """
    findings = books.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 3, "lint-amount")]
    assert "more than 12 integer digits" in findings[0].message


def test_an_amount_of_twelve_integer_digits_passes_the_lint(books: Repo) -> None:
    """
    2026-03-02 * "示例银行" "2026年3月利息收入"
      voucher: "2026-0002"
      Assets:Bank:Fund   999999999999.99 CNY
      Income:PropertyFees
    """
    assert books.check() == []


def test_three_decimals_on_a_posting_are_refused(books: Repo) -> None:
    """
    2026-03-02 * "示例保洁服务有限公司" "保洁耗材"
      voucher: "2026-0002"
      Expenses:Cleaning   120.005 CNY
      Assets:Bank:Fund   -120.005 CNY
    """
    findings = books.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 3, "lint-amount"), (JOURNAL, 4, "lint-amount")]
    assert "amount 120.005 has more than 2 decimals" in findings[0].message
    assert "amount -120.005 has more than 2 decimals" in findings[1].message


def test_three_decimals_on_a_flagged_posting_are_refused(books: Repo) -> None:
    """
    2026-03-02 * "示例保洁服务有限公司" "保洁耗材"
      voucher: "2026-0002"
      ! Expenses:Cleaning   120.005 CNY
      Assets:Bank:Fund
    """
    findings = books.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 3, "lint-amount")]
    assert "amount 120.005 has more than 2 decimals" in findings[0].message


def test_three_decimals_on_a_balance_assertion_are_refused(books: Repo) -> None:
    """
    2026-03-31 balance Assets:Bank:Fund   100000.001 CNY
    """
    findings = books.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 1, "lint-amount")]
    assert "amount 100000.001 has more than 2 decimals" in findings[0].message


def test_prices_and_costs_with_more_decimals_pass(books: Repo) -> None:
    """
    2026-03-01 open Assets:Bank:Forex USD
      name: "外币账户"
      name_en: "Foreign currency"

    2026-03-02 * "示例银行" "购汇"
      voucher: "2026-0002"
      Assets:Bank:Forex    100.00 USD @ 7.1234 CNY
      Assets:Bank:Fund    -712.34 CNY

    2026-03-03 * "示例银行" "购汇"
      voucher: "2026-0003"
      Assets:Bank:Forex    100.00 USD {7.1234 CNY}
      Assets:Bank:Fund    -712.34 CNY

    2026-03-04 price USD   7.12345 CNY
    """
    # A foreign-currency account that the profile declares part of the fund, in a declared currency.
    books.write("ledgers/test/compound.yaml", PROFILE.replace(
        "accounts: {fund: Assets:Bank:Fund,",
        "other_currencies: [USD]\naccounts: {fund: [Assets:Bank:Fund, Assets:Bank:Forex],"))
    assert books.check() == []


def test_decimals_in_strings_and_comments_pass(books: Repo) -> None:
    """
    2026-03-02 * "示例银行" "汇率 7.12345，批次 12345678901234"   ; rate 0.00125, ref 98765432109876
      voucher: "2026-0002"
      Assets:Bank:Fund   12.30 CNY
      Income:PropertyFees
    """
    assert books.check() == []


# Lint bypasses found while writing these tests: Beancount accepts them, the lint does not see them.


def test_three_decimals_behind_any_posting_flag_are_refused(books: Repo) -> None:
    """
    2026-03-02 * "示例保洁服务有限公司" "保洁耗材"
      voucher: "2026-0002"
      P Expenses:Cleaning   120.005 CNY
      Assets:Bank:Fund
    """
    assert [(f.line, f.rule) for f in books.check()] == [(3, "lint-amount")]


@pytest.mark.parametrize("amount", ["10/3", "100000000000 * 100"])
def test_amounts_written_as_arithmetic_are_refused(repo: Repo, amount: str) -> None:
    repo.journal(f'2026-03-02 * "示例银行" "利息"\n  voucher: "2026-0002"\n  Assets:Bank:Fund   {amount} CNY\n'
                 "  Income:PropertyFees\n")
    assert [(f.line, f.rule) for f in repo.check()] == [(3, "lint-amount")]


def test_a_balance_assertion_with_its_own_tolerance_is_refused(books: Repo) -> None:
    """
    2026-03-31 balance Assets:Bank:Fund   100000.05 ~ 0.10 CNY
    """
    assert [(f.line, f.rule.startswith("lint-")) for f in books.check()] == [(1, True)]


# A compound with lint findings is not loaded.


def test_a_compound_with_lint_findings_is_not_loaded(repo: Repo) -> None:
    repo.journal("2026-03-01 pad Assets:Bank:Fund Equity:Opening\n")
    # An overspend without voucher or evidence, and a wrong balance: each a rule finding if loaded.
    repo.journal('2026-04-02 * "示例保洁服务有限公司" "保洁服务费"\n  Expenses:Cleaning   99999.00 CNY\n'
                 "  Assets:Bank:Fund\n\n2026-04-30 balance Assets:Bank:Fund   2.00 CNY\n", month="2026/04")
    findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [(JOURNAL, 1, "lint-pad")]


def test_the_same_books_without_the_lint_finding_are_loaded_and_refused(repo: Repo) -> None:
    # The counterpart of the test above: without the pad, every rule finding appears.
    repo.journal('2026-04-02 * "示例保洁服务有限公司" "保洁服务费"\n  Expenses:Cleaning   99999.00 CNY\n'
                 "  Assets:Bank:Fund\n\n2026-04-30 balance Assets:Bank:Fund   2.00 CNY\n", month="2026/04")
    assert repo.rules() == {"voucher", "evidence", "budget-cap", "balance"}


def test_lint_findings_in_one_compound_do_not_hide_another(repo: Repo) -> None:
    for top in ("ledgers", "budgets", "notices"):
        shutil.copytree(repo.root / top / "test", repo.root / top / "other")
    repo.journal("2026-03-01 pad Assets:Bank:Fund Equity:Opening\n")
    repo.write("ledgers/other/2026/03.beancount", '2026-03-02 * "示例银行" "利息"\n  Assets:Bank:Fund   1.00 CNY\n'
               "  Income:PropertyFees\n")
    findings = repo.check()
    assert [(f.path, f.line, f.rule) for f in findings] == [
        ("ledgers/other/2026/03.beancount", 1, "voucher"), (JOURNAL, 1, "lint-pad")]


# The plugin-side copies (generator/rules/safety.py), through Beancount's loader without the lint.


def test_the_loader_refuses_a_tolerance_other_than_zero(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN_HALF_TOLERANCE)
    _, errors, _ = repo.load()
    [error] = [e for e in errors if e.message.startswith("lint-option")]
    assert 'must set option "tolerance_multiplier" "0"' in error.message
    assert error.source["filename"] == str(repo.compound / "main.beancount")


def test_the_loader_refuses_a_missing_tolerance(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN_NO_TOLERANCE)
    _, errors, _ = repo.load()
    assert [e.message.split(":")[0] for e in errors] == ["lint-option"]


def test_the_loader_refuses_pad(books: Repo) -> None:
    """
    2026-03-01 pad Assets:Bank:Fund Equity:Opening

    2026-03-02 balance Assets:Bank:Fund 120000.00 CNY
    """
    _, errors, _ = books.load()
    [error] = [e for e in errors if e.message.startswith("lint-pad")]
    assert "pad is not allowed" in error.message
    assert (error.source["filename"], error.source["lineno"]) == (str(books.compound / "2026/03.beancount"), 1)


def test_the_loader_removes_and_reports_a_fava_extension(books: Repo) -> None:
    """
    2026-03-02 custom "fava-extension" "evil_extension"
    """
    entries, errors, _ = books.load()
    [error] = errors
    assert error.message.startswith("lint-plugin: ") and 'custom "fava-extension" is not allowed' in error.message
    assert (error.source["filename"], error.source["lineno"]) == (str(books.compound / "2026/03.beancount"), 1)
    customs = [entry.type for entry in entries if isinstance(entry, data.Custom)]
    assert "fava-extension" not in customs and "budget" in customs


def test_the_loader_refuses_a_plugin_outside_the_allow_list(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN + 'plugin "beancount.plugins.auto_accounts"\n')
    _, errors, _ = repo.load()
    [error] = [e for e in errors if e.message.startswith("lint-plugin")]
    assert 'plugin "beancount.plugins.auto_accounts" is not allowed' in error.message


def test_the_loader_passes_good_books(repo: Repo) -> None:
    _, errors, _ = repo.load()
    assert errors == []


def test_the_loader_refuses_raw_plugin_processing(repo: Repo) -> None:
    repo.write("ledgers/test/main.beancount", MAIN + 'option "plugin_processing_mode" "raw"\n')
    repo.journal("2026-03-31 balance Assets:Bank:Fund   5.00 CNY\n")
    _, errors, _ = repo.load()
    assert any(e.message.startswith("lint-option") and "plugin_processing_mode" in e.message for e in errors)
