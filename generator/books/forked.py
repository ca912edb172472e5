"""Work done in a forked child while this process goes on with its own, its result sent back through a pipe.

``trustfund build`` runs two kinds of work beside its own: the rules' verdict on the books
(``generator.books.verdict``) and the downloads, search indexes and unit pages
(``generator.site.beside``). Both go the same way::

    if can_fork():
        child = Forked(work)      # work() runs in the child from here on
        ...                       # the parent's own work, on the other core
        try:
            done = child.result()
        except ChildFailed as failed:
            ...                   # do the work here instead, or report ``failed.details``

The child shares the parent's memory copy-on-write, runs the work, pickles what it returns and writes it into
the pipe; a failure there goes back as its traceback. Either way it ends with ``os._exit``: it never returns
into the parent's code, never runs the parent's exit handlers and never flushes the parent's output buffers a
second time. The parent reads the whole report before it waits for the child (a report larger than the pipe
holds would otherwise block both), and always reaps it: no child is left a zombie.

Only a process with one thread may fork: a fork copies locks held by threads it does not copy.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable
from typing import Generic, NoReturn, TypeVar, cast

Result = TypeVar("Result")
RAISED, UNREPORTED = 1, 2  # the child's exit codes when the work raised (its traceback sent) or nothing was sent


def can_fork() -> bool:
    """Whether this process may fork safely: ``os.fork`` exists and no other thread runs."""
    return hasattr(os, "fork") and threading.active_count() == 1


class ChildFailed(RuntimeError):
    """The child did not send back a result: ``details`` is its traceback (whose last line says what failed,
    e.g. ``OSError: [Errno 28] No space left on device``) or how it ended (killed by a signal …)."""

    def __init__(self, details: str) -> None:
        super().__init__(details)
        self.details = details


class Forked(Generic[Result]):
    """``work()`` running in a forked child from the moment this is made; ``result()`` waits for what it
    returned, ``abandon()`` stops it when nothing it does will be used."""

    def __init__(self, work: Callable[[], Result]) -> None:
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except BaseException:
            os.close(reader)
            os.close(writer)
            raise
        if pid == 0:
            _report_and_end(work, reader, writer)
        os.close(writer)
        self.pid: int | None = pid
        self.reader: int | None = reader

    def result(self) -> Result:
        """What ``work()`` returned in the child; ``ChildFailed`` if it raised, was killed or sent nothing."""
        assert self.pid is not None and self.reader is not None, "the result was asked for twice or abandoned"
        reader, self.reader = self.reader, None  # owned by the file from here on, closed with it
        with os.fdopen(reader, "rb") as report_file:
            report = report_file.read()  # read before waiting: a full pipe would block the child
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            raised = os.WIFEXITED(status) and os.WEXITSTATUS(status) == RAISED  # then the report is its traceback
            details = report.decode("utf-8", "replace") if raised else ""
            raise ChildFailed(details or f"the process ended with status {status}")
        try:
            return cast(Result, pickle.loads(report))  # written by our own forked child a moment ago
        except Exception as problem:  # a damaged report is not trusted
            raise ChildFailed(f"the process's report could not be read: {problem!r}") from None

    def abandon(self) -> None:
        """Stop the child and reap it (when the parent's own work failed); nothing after ``result()``."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None


def _report_and_end(work: Callable[[], object], reader: int, writer: int) -> NoReturn:
    """The child's whole life after the fork: work, report, ``os._exit`` — whatever is raised on the way."""
    code = UNREPORTED
    try:
        os.close(reader)
        try:
            report, returned = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL), True
        except BaseException:  # any failure goes to the parent as text
            report, returned = traceback.format_exc().encode("utf-8", "replace"), False
        with os.fdopen(writer, "wb") as out:
            out.write(report)
        code = 0 if returned else RAISED
    except BaseException:  # e.g. the parent stopped reading: the exit code says it
        code = UNREPORTED
    finally:
        os._exit(code)
