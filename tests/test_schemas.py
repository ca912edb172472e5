"""Budgets, compound profiles and notices are checked against their schemas, naming file and line."""

from __future__ import annotations

import pytest

from tests.conftest import Repo


def finding_for(repo: Repo, path: str) -> tuple[int, str, str]:
    [finding] = [f for f in repo.check() if f.path == path]
    return finding.line, finding.rule, finding.message


def test_an_unknown_budget_key_is_an_error_at_its_line(repo: Repo) -> None:
    repo.write("budgets/test/2026.yaml", """\
        year: 2026
        approved_by: 2025-12-20-budget-vote
        lines:
          Expenses:Cleaning: 10000.00
        amendmends: []
        """)
    line, rule, message = finding_for(repo, "budgets/test/2026.yaml")
    assert (line, rule) == (5, "budget")
    assert message.startswith("unknown key 'amendmends'")


@pytest.mark.parametrize(("text", "line", "expected"), [
    ("year: 2026\napproved_by: x\nlines:\n  Expenses:Cleaning: 10000.001\n", 4, "at most two decimals"),
    ("year: 2026\napproved_by: x\nlines:\n  Expenses:Cleaning: -5.00\n", 4, "must not be negative"),
    ("year: 2026\napproved_by: x\nlines:\n  Income:Parking: 5.00\n", 4, "not an Expenses account"),
    ("year: 2025\napproved_by: x\nlines: {}\n", 1, "does not match the file name 2026.yaml"),
    ("year: 2026\napproved_by: x\ntrustee: {base_rate: 15}\nlines: {}\n", 3, "between 0 and 1"),
    ("year: 2026\napproved_by: x\ntrustee: {base_rate: 0.12, bonus_rate: 0.03}\nlines: {}\n", 3,
     "needs bonus_min_score"),
    ("year: 2026\napproved_by: x\nlines:\n  Expenses:Cleaning: [1\n", 5, "not valid YAML"),
    ("year: 2026\nyear: 2027\n", 2, "key 'year' appears twice"),
    ("year: 2026\napproved_by: x\nlines: {Expenses:Cleaning: 1.00}\namendments:\n"
     "  - {approved_by: y, lines: {Expenses:Repairs: 5.00}}\n", 5, "not a line of this budget"),
])
def test_budget_schema_errors_name_the_line(repo: Repo, text: str, line: int, expected: str) -> None:
    repo.write("budgets/test/2026.yaml", text)
    found_line, rule, message = finding_for(repo, "budgets/test/2026.yaml")
    assert (found_line, rule) == (line, "budget")
    assert expected in message


def test_budget_amounts_never_pass_through_float(repo: Repo) -> None:
    from generator.books import yamlsource
    from generator.books.budget import parse_budget

    path = repo.write("budgets/test/2026.yaml", "year: 2026\napproved_by: x\nlines:\n"
                                                "  Expenses:Cleaning: 1234567890.10\n")
    budget = parse_budget(yamlsource.parse(path.read_text(), path))
    assert str(budget.lines["Expenses:Cleaning"]) == "1234567890.10"


def test_an_amendment_citing_a_missing_vote_is_not_applied(repo: Repo) -> None:
    repo.write("budgets/test/2026.yaml", """\
        year: 2026
        approved_by: 2025-12-20-budget-vote
        lines:
          Expenses:Repairs: 5000.00
        amendments:
          - approved_by: 2026-06-01-no-such-vote
            lines: {Expenses:Repairs: 1000.00}
        """)
    line, rule, message = finding_for(repo, "budgets/test/2026.yaml")
    assert (line, rule) == (6, "budget")
    assert "'2026-06-01-no-such-vote' is not a notice" in message


@pytest.mark.parametrize(("replace", "by", "line", "expected"), [
    ("households: 100", "households: many", 4, "'households' must be a whole number"),
    ("role: treasurer", "role: boss", 10, "role must be one of treasurer, committee, supervisor"),
    ("principal: treasurer-t", "principal: Li Lei", 10, "no personal names"),
    ("trustee_fee: Expenses:TrusteeFee", "trustee_fee: trustee fee", 8, "not a Beancount account name"),
    ('key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyForTests"', 'key: "not a key"', 10,
     "SSH public key"),
    ("name_en: Test Garden\n", "", 1, "'name_en' is missing"),
])
def test_compound_profile_errors_name_the_line(repo: Repo, replace: str, by: str, line: int, expected: str) -> None:
    path = repo.compound / "compound.yaml"
    text = path.read_text()
    assert replace in text
    repo.write("ledgers/test/compound.yaml", text.replace(replace, by))
    found = [f for f in repo.check() if f.rule == "compound"]
    assert [(f.path, f.line) for f in found] == [("ledgers/test/compound.yaml", line)]
    assert expected in found[0].message


def test_a_vote_claiming_to_pass_without_quorum_is_refused(repo: Repo) -> None:
    repo.write("notices/test/2026-05-01-fee-vote.md", """\
        ---
        title: 物业费调整表决
        date: 2026-05-01
        kind: vote
        matter: fee
        households: {total: 100, voted: 60, for: 59}
        area: {total: 10000.00, voted: 9000.00, for: 8000.00}
        result: passed
        ---
        """)
    line, rule, message = finding_for(repo, "notices/test/2026-05-01-fee-vote.md")
    assert (line, rule) == (8, "notice")
    assert "fewer than two thirds of the households or of the floor area took part" in message


def test_advertising_on_common_parts_needs_three_quarters(repo: Repo) -> None:
    notice = """\
        ---
        title: 电梯广告经营表决
        date: 2026-05-01
        kind: vote
        matter: advertising
        households: {{total: 100, voted: 80, for: {for_households}}}
        area: {{total: 10000.00, voted: 8000.00, for: 6000.00}}
        result: passed
        ---
        """
    repo.write("notices/test/2026-05-01-ad-vote.md", notice.format(for_households=59))
    line, rule, message = finding_for(repo, "notices/test/2026-05-01-ad-vote.md")
    assert (line, rule) == (8, "notice") and "three quarters" in message
    repo.write("notices/test/2026-05-01-ad-vote.md", notice.format(for_households=60))
    assert repo.check() == []


@pytest.mark.parametrize(("name", "front", "line", "expected"), [
    ("2026-05-01-x.md", "title: t\ndate: 2026-05-02\nkind: report\n", 3, "does not match the file name's date"),
    ("2026-05-01-x.md", "title: t\ndate: 2026-05-01\nkind: rumour\n", 4, "kind must be one of"),
    ("2026-05-01-x.md", "title: t\ndate: 2026-05-01\nkind: report\nauthor: x\n", 5, "unknown key 'author'"),
    ("2026-05-01-x.md", "title: t\ndate: 2026-05-01\nkind: vote\n", 2, "a vote needs 'matter'"),
    ("2026-05-01-x.md", "title: t\ndate: 2026-05-01\nkind: assessment\nyear: 2025\nscore: 120\n", 6,
     "score must be from 0 to 100"),
    ("2026-05-01-x.md", "title: t\ndate: 2026-05-01\nkind: vote\nmatter: budget\n"
     "households: {total: 99, voted: 80, for: 70}\narea: {total: 10000.00, voted: 8000.00, for: 7000.00}\n"
     "result: passed\n", 6, "compound.yaml says 100"),
    ("notes.md", "title: t\ndate: 2026-05-01\nkind: report\n", 1, "YYYY-MM-DD-slug.md"),
])
def test_notice_errors_name_the_line(repo: Repo, name: str, front: str, line: int, expected: str) -> None:
    repo.write(f"notices/test/{name}", f"---\n{front}---\n正文。\n")
    found_line, rule, message = finding_for(repo, f"notices/test/{name}")
    assert (found_line, rule) == (line, "notice")
    assert expected in message
