"""The example site's history is real: the books replayed into a repository with signed commits."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from markupsafe import escape

from generator.audit.verify import verify
from generator.cli import main
from tests.test_site import PROJECT

PLAIN_CHANGE = (r"(新增|修改|删除) \d+ 笔收支(，(新增|修改|删除) \d+ 笔收支)*|合并第 \d+ 号变更请求|"
                r"更新了(预算|公告|小区资料|科目表|住户编号表|凭证文件|账本)(、[^，。]+)*|其他文件变更")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("demo") / "repo"
    subprocess.run([sys.executable, str(PROJECT / "examples" / "replay_history.py"), str(dest)], check=True)
    return dest


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_verify_passes_over_the_whole_replayed_history(demo: Path) -> None:
    root = git(demo, "rev-list", "--max-parents=0", "HEAD")
    assert verify(demo, f"{root}..HEAD") == []
    merges = git(demo, "log", "--merges", "--format=%s").split("\n")
    assert len(merges) == 44 and all(re.match(r"Merge pull request #\d+ from treasurer/", m) for m in merges)
    assert len(git(demo, "tag", "-l", "close/*").split()) == 40
    assert main(["--root", str(demo), "check"]) == 0


def test_the_history_page_and_closed_months_come_from_the_repository(demo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert main(["--root", str(demo), "build", "--site-dir", str(site)]) == 0
    history = (site / "hetang-court" / "history" / "index.html").read_text(encoding="utf-8")
    assert history.count("签名已验证") >= 30 and "签名未验证" not in history
    # Owners see the signer's role, never the key's id.
    assert "签名人：出纳" in history and "签名人：业委会" in history and "treasurer-ht" not in history
    assert "合并请求 #" in history
    assert re.search(r'新增 <a href="\.\./2026/03/#2026-\d{4}">2026-\d{4}</a>', history)
    # Each change in plain words first; the commit's code and message only in small print after it.
    changes = re.findall(r'<li id="([0-9a-f]{40})"><p><b>([^<]+)</b> · ([^<]+)<br>(.*?)</p>', history, re.S)
    assert len(changes) >= 30
    log = dict(line.split(" ", 1) for line in git(demo, "log", "--format=%H %s", "--", "ledgers/hetang-court",
                                                   "budgets/hetang-court", "notices/hetang-court").splitlines())
    for sha, _date, plain, rest in changes:
        assert re.fullmatch(PLAIN_CHANGE, plain), plain
        assert f"<small>校验码：<code>{sha[:12]}</code>" in rest
        if sha in log:
            assert str(escape(log[sha])) in rest
        assert not re.search(r"[A-Za-z]{4,}", plain), plain  # no commit message or file path in the words
    closed = (site / "hetang-court" / "2026" / "03" / "index.html").read_text(encoding="utf-8")
    assert "本月已结账：监察人 于 2026年4月10日 签名（close/hetang-court/2026-03）" in closed
    assert "录入 2026年3月31日" in closed
    still_open = (site / "hetang-court" / "2026" / "10" / "index.html").read_text(encoding="utf-8")
    assert "本月尚未结账" in still_open
