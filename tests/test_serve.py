"""``trustfund serve``: a live preview that rebuilds when the books change."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import Repo
from tests.test_site import PROJECT

JOURNAL = """\
2026-03-02 * "示例保洁公司" "{narration}"
  voucher: "2026-0002"
  Expenses:Cleaning   100.00 CNY
  Assets:Bank:Fund
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch_until(url: str, expected: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                last = response.read().decode("utf-8")
            if expected in last:
                return last
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} never showed {expected!r}; last seen: {last[:200]!r}")


def test_serve_rebuilds_when_a_ledger_changes(repo: Repo) -> None:
    shutil.copytree(PROJECT / "site_src", repo.root / "site_src")
    shutil.copy(PROJECT / "mkdocs.yml", repo.root / "mkdocs.yml")
    repo.journal(JOURNAL.format(narration="三月保洁"))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(repo.root), "serve", "--dev-addr",
                               f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}/test/2026/03/"
        fetch_until(url, "三月保洁")
        time.sleep(1)  # let the watcher settle before the change
        Path(repo.compound / "2026" / "03.beancount").write_text(JOURNAL.format(narration="三月保洁（更正）"),
                                                                   encoding="utf-8")
        fetch_until(url, "三月保洁（更正）")
    finally:
        server.terminate()
        server.wait(timeout=20)
