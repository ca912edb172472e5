"""Files written in a second process while this one renders the pages.

The downloads, the search indexes and the unit pages are plain files that need only the owners' views, and
nothing else on the site needs them but their sizes. With the books loaded and the views built, a forked
child writes them into the spool folder while the parent renders the month, year and budget pages: on a
machine with two cores (a CI runner, a laptop) that takes about 2 s off a build of 100,000 transactions.
The child shares the parent's memory copy-on-write and only writes files; it reports each file it wrote
and its size through a pipe, and a problem as its message.

Where there is no spool folder (the site kept in memory), no ``os.fork`` or more than one thread (a fork
would copy locks held by threads it does not copy), the same work runs here, in order.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

Written = dict[str, int]  # a file's URI on the site → its size in bytes


class BesideError(RuntimeError):
    """The second process failed: the message is its last line (e.g. ``OSError: [Errno 28] No space left on
    device``), ``details`` its whole report."""

    def __init__(self, details: str) -> None:
        lines = details.strip().splitlines()
        super().__init__(f"writing the downloads, search indexes and unit pages failed: {lines[-1] if lines else '?'}")
        self.details = details


class Beside:
    def __init__(self, spool: Path | None) -> None:
        self.spool = spool
        self.child: int | None = None
        self.reader: int | None = None
        self.written: Written | None = None

    def start(self, work: Callable[[], Written]) -> None:
        """Run ``work`` in a forked child if this process can fork safely, else right here."""
        if self.spool is None or not hasattr(os, "fork") or threading.active_count() > 1:
            self.written = work()
            return
        reader, writer = os.pipe()
        child = os.fork()
        if child == 0:  # the child: do the work, report, and end without running the parent's exit handlers
            os.close(reader)
            code, report = 0, b""
            try:
                report = json.dumps(work()).encode("utf-8")
            except BaseException:  # noqa: BLE001 — any failure goes to the parent as text, which raises it
                code, report = 1, traceback.format_exc().encode("utf-8")
            try:
                with os.fdopen(writer, "wb") as out:
                    out.write(report)
            finally:
                os._exit(code)
        os.close(writer)
        self.child, self.reader = child, reader

    def finish(self) -> Written:
        """Wait for the work and return what it wrote; a failure of the child is raised here."""
        if self.written is not None:
            return self.written
        assert self.child is not None and self.reader is not None, "finish() before start()"
        with os.fdopen(self.reader, "rb") as report_file:
            report = report_file.read()  # read before waiting: a full pipe would block the child
        _, status = os.waitpid(self.child, 0)
        self.child = self.reader = None
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            raise BesideError(report.decode("utf-8", "replace") or f"the process ended with status {status}")
        self.written = json.loads(report)
        return self.written

    def abandon(self) -> None:
        """Stop the child when the parent's own work failed: nothing it writes will be used."""
        if self.child is not None:
            os.kill(self.child, signal.SIGKILL)
            os.waitpid(self.child, 0)
            self.child = None
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
