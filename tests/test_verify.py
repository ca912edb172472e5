"""``trustfund verify`` and closed months, with real git and real ``ssh-keygen`` keys in temporary repositories."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from generator.audit.verify import verify
from generator.cli import main
from tests.conftest import PROFILE, Repo

ROLES = ("treasurer", "committee", "supervisor", "outsider")

MARCH = """\
2026-03-02 * "3号楼业主" "2026年3月物业费（3号楼）"
  voucher: "2026-0002"
  Assets:Bank:Fund   {amount} CNY
  Income:PropertyFees
"""


class Signed(Repo):
    """A compound in a git repository whose signers are real SSH keys made for the test."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.keys = root.parent / f"{root.name}-keys"
        self.keys.mkdir()
        for role in ROLES:
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", role, "-f", str(self.keys / role)],
                           check=True)
        signers = "".join(f'  - {{principal: {role}-t, role: {role}, key: "{self.public(role)}"}}\n'
                          for role in ROLES[:3])
        self.write("ledgers/test/compound.yaml", PROFILE.split("signers:")[0] + "signers:\n" + signers)
        self.journal(MARCH.format(amount="1000.00"))
        self.git("init", "-q", "-b", "main")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "The compound's books as the owners' assembly adopted them")
        self.base = self.head()

    def public(self, role: str) -> str:
        return (self.keys / f"{role}.pub").read_text().strip()

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(["git", "-C", str(self.root), "-c", "user.name=Example", "-c",
                                 "user.email=example@example.invalid", *args], capture_output=True, text=True,
                                check=True, env={**os.environ, **(env or {})})
        return result.stdout.strip()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def commit(self, role: str | None, message: str, env: dict[str, str] | None = None) -> str:
        self.git("add", "-A")
        sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys / role}", "commit", "-S"] if role \
            else ["commit"]
        self.git(*sign, "-q", "-m", message, env=env)
        return self.head()

    def close(self, month: str, role: str = "supervisor") -> None:
        self.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys / role}", "tag", "-s", "-m",
                 f"close {month}", f"close/test/{month}")

    def refusals(self, head: str = "HEAD") -> list[tuple[str, str]]:
        return [(r.rule, r.message) for r in verify(self.root, f"{self.base}..{head}")]


@pytest.fixture
def signed(tmp_path: Path) -> Signed:
    return Signed(tmp_path / "books")


def test_a_range_signed_by_the_right_roles_is_accepted(signed: Signed) -> None:
    signed.journal(MARCH.format(amount="1200.00"))
    signed.commit("treasurer", "March: property fees of building 3")
    signed.write("budgets/test/2026.yaml", (signed.root / "budgets/test/2026.yaml").read_text()
                 .replace("Expenses:Cleaning: 10000.00", "Expenses:Cleaning: 11000.00"))
    signed.commit("committee", "2026 budget as amended")
    assert signed.refusals() == []
    assert main(["--root", str(signed.root), "verify", f"{signed.base}..HEAD"]) == 0


def test_an_unsigned_commit_is_refused(signed: Signed) -> None:
    signed.journal(MARCH.format(amount="1200.00"))
    signed.commit(None, "unsigned")
    assert [rule for rule, _ in signed.refusals()] == ["verify-unsigned"]
    assert main(["--root", str(signed.root), "verify", f"{signed.base}..HEAD"]) == 1


def test_an_unknown_key_is_refused(signed: Signed) -> None:
    signed.journal(MARCH.format(amount="1200.00"))
    signed.commit("outsider", "by someone the compound does not list")
    [(rule, message)] = signed.refusals()
    assert rule == "verify-unknown-key" and "no compound's signers list" in message


def test_a_treasurers_key_on_a_budget_change_is_refused(signed: Signed) -> None:
    signed.write("budgets/test/2026.yaml", (signed.root / "budgets/test/2026.yaml").read_text()
                 .replace("Expenses:Repairs: 5000.00", "Expenses:Repairs: 50000.00"))
    signed.commit("treasurer", "more for repairs")
    [(rule, message)] = signed.refusals()
    assert rule == "verify-role"
    assert "treasurer-t (test treasurer) may not change budgets/test/2026.yaml" in message
    assert "needs the committee of test" in message


def test_a_commit_that_adds_its_own_key_to_signers_is_refused(signed: Signed) -> None:
    profile = signed.compound / "compound.yaml"
    signed.write("ledgers/test/compound.yaml", profile.read_text() +
                 f'  - {{principal: outsider-t, role: committee, key: "{signed.public("outsider")}"}}\n')
    signed.commit("outsider", "I am the committee now")
    assert [rule for rule, _ in signed.refusals()] == ["verify-unknown-key"]


def test_a_history_rewrite_is_refused(signed: Signed) -> None:
    signed.journal(MARCH.format(amount="1200.00"))
    published = signed.commit("treasurer", "March")
    signed.git("reset", "-q", "--hard", signed.base)
    signed.journal(MARCH.format(amount="999.00"))
    signed.commit("treasurer", "March, quietly rewritten")
    refusals = [(r.rule, r.message) for r in verify(signed.root, f"{published}..HEAD")]
    assert [rule for rule, _ in refusals] == ["verify-history"]


def test_a_merge_that_smuggles_a_change_is_refused_and_a_clean_merge_is_not(signed: Signed) -> None:
    signed.git("checkout", "-q", "-b", "pr")
    signed.journal(MARCH.format(amount="1200.00"))
    signed.commit("treasurer", "March")
    signed.git("checkout", "-q", "main")
    signed.git("merge", "-q", "--no-ff", "-m", "Merge pull request #1 from pr", "pr")
    assert signed.refusals() == []
    signed.git("checkout", "-q", "-b", "pr2")
    signed.write("ledgers/test/2026/04.beancount", MARCH.format(amount="5.00").replace("03-02", "04-02")
                 .replace("2026-0002", "2026-0003"))
    signed.commit("treasurer", "April")
    signed.git("checkout", "-q", "main")
    signed.git("merge", "-q", "--no-ff", "--no-commit", "pr2")
    signed.write("budgets/test/2026.yaml", (signed.root / "budgets/test/2026.yaml").read_text()
                 .replace("Expenses:Repairs: 5000.00", "Expenses:Repairs: 50000.00"))
    signed.commit("treasurer", "Merge pull request #2 from pr2")
    assert [rule for rule, _ in signed.refusals()] == ["verify-merge"]


def test_a_shallow_clone_is_refused(signed: Signed, tmp_path: Path) -> None:
    signed.journal(MARCH.format(amount="1200.00"))
    signed.commit("treasurer", "March")
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{signed.root}", str(clone)], check=True)
    refusals = verify(clone, "HEAD..HEAD")
    assert [r.rule for r in refusals] == ["verify-shallow"]


def test_symlinks_and_cache_files_in_the_range_are_refused(signed: Signed) -> None:
    (signed.compound / "2026" / "05.beancount").symlink_to(signed.compound / "2026" / "03.beancount")
    signed.write("ledgers/test/.main.beancount.picklecache", b"\x80\x04pickle")
    signed.commit("treasurer", "links and caches")
    assert sorted(rule for rule, _ in signed.refusals()) == ["verify-cache", "verify-symlink"]


def test_changes_to_a_closed_month_are_refused_even_when_backdated(signed: Signed) -> None:
    signed.close("2026-03")
    backdated = {"GIT_COMMITTER_DATE": "2026-03-20T10:00:00+08:00", "GIT_AUTHOR_DATE": "2026-03-20T10:00:00+08:00"}
    signed.journal(MARCH.format(amount="1000.01"))
    signed.commit("treasurer", "a quiet correction to March", env=backdated)
    [(rule, message)] = signed.refusals()
    assert rule == "verify-closed-month"
    assert "2026-03-02 (2026-0002) in test, closed through 2026-03 by close/test/2026-03" in message
    # trustfund check on the working tree says the same, at the entry's line.
    [finding] = [f for f in signed.check() if f.rule == "closed-month"]
    assert (finding.path, finding.line) == ("ledgers/test/2026/03.beancount", 1)
    assert "closed through 2026-03 (close/test/2026-03, signed by supervisor-t (test supervisor))" in finding.message


def test_a_new_entry_dated_in_a_closed_month_is_refused_wherever_it_is_filed(signed: Signed) -> None:
    signed.close("2026-03")
    signed.journal(MARCH.format(amount="7.00").replace("2026-0002", "2026-0009"), month="2026/04")
    signed.commit("treasurer", "an entry for March filed under April")
    assert [rule for rule, _ in signed.refusals()] == ["verify-closed-month"]


def test_a_branch_made_before_the_close_cannot_be_merged_into_a_closed_month(signed: Signed) -> None:
    signed.git("checkout", "-q", "-b", "pr")
    signed.journal(MARCH.format(amount="1200.00"))
    signed.commit("treasurer", "March, late")
    signed.git("checkout", "-q", "main")
    signed.close("2026-03")
    signed.git("merge", "-q", "--no-ff", "-m", "Merge pull request #3 from pr", "pr")
    refusals = signed.refusals()
    assert {rule for rule, _ in refusals} == {"verify-closed-month"}
    assert "changed an entry dated 2026-03-02 (2026-0002)" in refusals[-1][1]


def test_a_close_tag_not_signed_by_a_supervisor_closes_nothing(signed: Signed) -> None:
    signed.close("2026-03", role="treasurer")
    signed.journal(MARCH.format(amount="1200.00"))
    signed.commit("treasurer", "March")
    assert signed.refusals() == []


def test_trustfund_close_makes_the_supervisors_tag_and_refuses_anyone_else(signed: Signed) -> None:
    def close(role: str) -> int:
        signed.git("config", "gpg.format", "ssh")
        signed.git("config", "user.signingkey", str(signed.keys / role))
        signed.git("config", "user.name", "Example")
        signed.git("config", "user.email", "example@example.invalid")
        return main(["--root", str(signed.root), "close", "test", "2026-03"])

    assert close("treasurer") == 2
    assert signed.git("tag", "-l", "close/*") == ""
    assert close("supervisor") == 0
    assert signed.git("tag", "-l", "close/*") == "close/test/2026-03"


def test_diff_names_added_changed_and_removed_items_by_voucher(signed: Signed) -> None:
    signed.voucher_file("r.pdf")
    signed.journal(MARCH.format(amount="1000.00") + """
2026-03-05 * "示例保洁公司" "3月保洁"
  voucher: "2026-0003"
  evidence: "r.pdf"
  Expenses:Cleaning   4000.00 CNY
  Assets:Bank:Fund
""")
    signed.commit("treasurer", "March cleaning")
    base = signed.head()
    signed.journal("""
2026-03-05 * "示例保洁公司" "3月保洁（含加班）"
  voucher: "2026-0003"
  evidence: "r.pdf"
  Expenses:Cleaning   4500.00 CNY
  Assets:Bank:Fund

2026-03-09 * "示例五金店" "灯泡 <b>|x|</b>"
  voucher: "2026-0004"
  Expenses:Repairs   120.00 CNY
  Assets:Bank:Fund
""")
    signed.commit("treasurer", "March: cleaning overtime, bulbs; building 3 fees moved")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--root", str(signed.root), "diff", base, "HEAD"]) == 0
    markdown = out.getvalue()
    assert "### 新增 Added (1)" in markdown
    assert "| 2026-0004 | 2026-03-09 | 示例五金店 | 灯泡 &lt;b&gt;\\|x\\|&lt;/b&gt; | 维修费 −120.00 |" in markdown
    assert "### 删除 Removed (1)" in markdown and "| 2026-0002 | 2026-03-02 | 3号楼业主 |" in markdown
    assert "| 2026-0003 | 之前 before | 2026-03-05 | 示例保洁公司 | 3月保洁 | 保洁费 −4,000.00 |" in markdown
    assert "| 2026-0003 | 之后 after | 2026-03-05 | 示例保洁公司 | 3月保洁（含加班） | 保洁费 −4,500.00 |" in markdown
    assert "| 2026 | 保洁费 | 4,000.00 / 10,000.00 (40.0%) | 4,500.00 / 10,000.00 (45.0%) |" in markdown
    assert "| 2026 | 维修费 | 0.00 / 5,000.00 (0.0%) | 120.00 / 5,000.00 (2.4%) |" in markdown
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--root", str(signed.root), "diff", base, "HEAD", "--format", "json"]) == 0
    [compound] = json.loads(out.getvalue())["compounds"]
    assert [i["voucher"] for i in compound["added"]] == ["2026-0004"]
    assert [i["voucher"] for i in compound["removed"]] == ["2026-0002"]
    assert [c["voucher"] for c in compound["changed"]] == ["2026-0003"]
