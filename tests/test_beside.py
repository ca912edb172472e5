"""The downloads, search indexes and unit pages written by a second process while the pages are rendered
(generator/site/beside.py): the same site as written in order, and a failure there is a clear error that
leaves the published site as it was."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import PROJECT, Repo

# Each build runs in a fresh interpreter with no threads, as `trustfund build` does; os.fork is wrapped so
# the test knows whether the second process ran.
BUILD = """\
import os, sys
from generator.site import beside
forks = []
real_fork = os.fork
def counting_fork():
    pid = real_fork()
    if pid:
        forks.append(pid)
    return pid
os.fork = counting_fork
{patch}
from generator.cli import main
code = main(["--root", sys.argv[1], "build", "--site-dir", sys.argv[2], "--no-cache"])  # the code is patched
print("forks", len(forks))
sys.exit(code)
"""
IN_ORDER = "import threading; threading.active_count = lambda: 2  # as if another thread ran: no fork"


def run_build(root: Path, site: Path, patch: str = "") -> subprocess.CompletedProcess[str]:
    script = BUILD.format(patch=textwrap.dedent(patch))
    return subprocess.run([sys.executable, "-c", script, str(root), str(site)], capture_output=True, text=True,
                          timeout=600, cwd=PROJECT)


def differences(left: Path, right: Path) -> list[str]:
    """Files that are in one site only or differ in their bytes, below both folders."""
    found: list[str] = []

    def walk(comparison: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in comparison.left_only + comparison.right_only + comparison.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(comparison.left, comparison.right, comparison.common_files,
                                               shallow=False)
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


def test_the_site_written_beside_the_pages_is_the_site_written_in_order(tmp_path: Path) -> None:
    beside_site, ordered_site = tmp_path / "beside", tmp_path / "ordered"
    forked = run_build(PROJECT, beside_site)
    assert forked.returncode == 0, forked.stderr
    # One process a compound for the rules' verdict (generator/books/verdict.py), one for the downloads.
    assert "forks 3" in forked.stdout, "the downloads were not written by a second process"
    in_order = run_build(PROJECT, ordered_site, IN_ORDER)
    assert in_order.returncode == 0, in_order.stderr
    assert "forks 0" in in_order.stdout
    assert differences(beside_site, ordered_site) == []
    for compound in ("qingshui-garden", "hetang-court"):  # what the second process writes is really there
        assert list((beside_site / compound / "data").glob("transactions-*.zip"))
        assert list((beside_site / compound / "data").glob("ledger-*.zip"))
        assert list((beside_site / compound / "search").glob("20*.json"))
        assert list((beside_site / compound / "search").glob("terms-*.json"))
    assert len(list((beside_site / "qingshui-garden" / "unit").glob("*/index.html"))) == 439


def test_a_failure_in_the_second_process_is_one_clear_line_and_the_site_stays(books: Repo, tmp_path: Path) -> None:
    """
    2026-03-05 * "保洁公司" "3月保洁"
      voucher: "2026-0101"
      Expenses:Cleaning   300.00 CNY
      Assets:Bank:Fund
    """
    shutil.copytree(PROJECT / "site_src", books.root / "site_src")
    shutil.copy(PROJECT / "mkdocs.yml", books.root / "mkdocs.yml")
    good = run_build(books.root, tmp_path / "good")
    assert good.returncode == 0, good.stderr
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("the good site of yesterday", encoding="utf-8")
    disk_full = """\
    from generator.site.pages import SiteBuilder
    def no_space(self, view):
        raise OSError(28, "No space left on device")
    SiteBuilder.search_index = no_space
    """
    killed = """\
    import signal
    from generator.site.pages import SiteBuilder
    def out_of_memory(self, view):
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    SiteBuilder.search_index = out_of_memory
    """
    for patch, reason in ((disk_full, "OSError: [Errno 28] No space left on device"),
                          (killed, "the process ended with status 9")):
        result = run_build(books.root, site, patch)
        assert result.returncode != 0
        assert "forks 2" in result.stdout  # the rules' verdict, the downloads
        assert reason in result.stderr, result.stderr
        assert "writing the downloads, search indexes and unit pages failed" in result.stderr
        assert "Traceback" not in result.stderr
        assert "is unchanged" in result.stderr
        assert [p.name for p in site.iterdir()] == ["index.html"]
        assert (site / "index.html").read_text(encoding="utf-8") == "the good site of yesterday"
        assert not list(site.parent.glob(".site.new-*")), "no half-built site is left behind"
