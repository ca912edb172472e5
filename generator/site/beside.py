"""Files written in a second process while this one renders the pages.

The downloads, the search indexes and the unit pages are plain files that need only the owners' views, and
nothing else on the site needs them but their sizes. With the books loaded and the views built, a forked
child writes them into the spool folder while the parent renders the month, year and budget pages: on a
machine with two cores (a CI runner, a laptop) that takes about 2 s off a build of 100,000 transactions.
The child shares the parent's memory copy-on-write and only writes files; it reports each file it wrote
and its size through a pipe, and a problem as its message (``generator.books.forked``).

Where there is no spool folder (the site kept in memory), no ``os.fork`` or more than one thread (a fork
would copy locks held by threads it does not copy), the same work runs here, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.books.forked import ChildFailed, Forked, can_fork

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
        self.child: Forked[Written] | None = None
        self.written: Written | None = None

    def start(self, work: Callable[[], Written]) -> None:
        """Run ``work`` in a forked child if this process can fork safely, else right here."""
        if self.spool is None or not can_fork():
            self.written = work()
            return
        self.child = Forked(work)

    def finish(self) -> Written:
        """Wait for the work and return what it wrote; a failure of the child is raised here."""
        if self.written is not None:
            return self.written
        assert self.child is not None, "finish() before start()"
        try:
            self.written = self.child.result()
        except ChildFailed as failed:
            raise BesideError(failed.details) from None
        self.child = None
        return self.written

    def abandon(self) -> None:
        """Stop the child when the parent's own work failed: nothing it writes will be used."""
        if self.child is not None:
            self.child.abandon()
            self.child = None
