"""Work in a forked child (generator/books/forked.py), with real forks: what the child returns comes back, what
it raises or what kills it is a ``ChildFailed`` with a reason, a report larger than a pipe holds does not
block either process, and every child is reaped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from types import FrameType
from typing import NoReturn

import pytest

from generator.books.forked import ChildFailed, Forked, can_fork
from tests.conftest import PROJECT

PIPE_BUFFER = 64 * 1024  # Linux's default; the report below is a thousand times that


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    """A test that would hang (a child and its parent blocked on a full pipe) fails after a minute instead."""

    def too_long(signum: int, frame: FrameType | None) -> NoReturn:
        raise TimeoutError("the forked work did not come back within a minute")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def reaped(pid: int) -> bool:
    """Whether the child is gone, zombie included: waiting for it finds no such child."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def failure_of(child: Forked[object]) -> str:
    with pytest.raises(ChildFailed) as failed:
        child.result()
    return failed.value.details


def test_what_the_child_returns_comes_back() -> None:
    parent = os.getpid()
    child = Forked(lambda: (os.getpid(), {"2026-03": Decimal("1234.56")}))
    pid = child.pid
    assert pid is not None
    ran_in, totals = child.result()
    assert ran_in == pid != parent  # the work ran in the child, not here
    assert totals == {"2026-03": Decimal("1234.56")}
    assert reaped(pid)
    child.abandon()  # nothing left to stop


def test_what_the_child_raises_is_its_traceback_here() -> None:
    def disk_full() -> NoReturn:
        raise OSError(28, "No space left on device")

    child = Forked(disk_full)
    pid = child.pid
    assert pid is not None
    details = failure_of(child)
    assert details.startswith("Traceback (most recent call last):")
    assert details.strip().splitlines()[-1] == "OSError: [Errno 28] No space left on device"
    assert "disk_full" in details
    assert reaped(pid)


def test_a_child_that_exits_never_returns_into_the_parents_code() -> None:
    # sys.exit in the work is a SystemExit like any other failure: the child still ends at os._exit, so it
    # never unwinds into pytest (which would go on running this test session in a second process).
    child = Forked(lambda: sys.exit(3))
    assert failure_of(child).strip().splitlines()[-1] == "SystemExit: 3"


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_a_child_killed_by_a_signal_is_a_failure_with_its_status(signum: int) -> None:
    def killed() -> NoReturn:
        os.kill(os.getpid(), signum)  # as the kernel's out-of-memory killer, or a stop of the build, would
        time.sleep(60)
        raise AssertionError("not killed")

    child = Forked(killed)
    pid = child.pid
    assert pid is not None
    assert failure_of(child) == f"the process ended with status {int(signum)}"
    assert reaped(pid)


def test_a_report_larger_than_the_pipe_holds_does_not_block_either_process() -> None:
    report = os.urandom(PIPE_BUFFER * 1000)
    child = Forked(lambda: report)
    pid = child.pid
    assert pid is not None
    try:
        assert child.result() == report
    finally:
        child.abandon()  # when the deadline struck: no child left blocked on the pipe
    assert reaped(pid)


def test_a_result_that_cannot_be_sent_is_a_failure() -> None:
    unpicklable = threading.Lock()
    assert "pickle" in failure_of(Forked(lambda: unpicklable)).strip().splitlines()[-1]
    # A child that ends "well" without a report (os._exit in the work) is not trusted either.
    assert failure_of(Forked(lambda: os._exit(0))).startswith("the process's report could not be read")


def test_an_abandoned_child_is_stopped_and_reaped() -> None:
    child = Forked(lambda: time.sleep(600))
    pid = child.pid
    assert pid is not None
    started = time.monotonic()
    child.abandon()
    assert reaped(pid)
    assert time.monotonic() - started < 30  # killed, not waited for
    child.abandon()  # twice is harmless
    with pytest.raises(AssertionError):
        child.result()


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        other.join()
    alone = subprocess.run([sys.executable, "-c", "from generator.books.forked import can_fork; print(can_fork())"],
                           capture_output=True, text=True, timeout=60, cwd=PROJECT)
    assert alone.stdout == "True\n", alone.stderr


def test_the_child_runs_no_exit_handler_and_flushes_no_buffer_of_the_parent() -> None:
    # stdout is a pipe here, so Python buffers it: what the parent printed before the fork is still in the
    # buffer the child inherits. Only the parent may flush it, and only the parent runs its exit handlers.
    script = textwrap.dedent("""\
        import atexit, os, sys
        from generator.books.forked import ChildFailed, Forked
        atexit.register(lambda: print("exit handler", os.getpid() == parent))
        parent = os.getpid()
        print("before the fork")
        print("returned", Forked(lambda: 42).result())
        def fails():
            raise ValueError("no")
        try:
            Forked(fails).result()
        except ChildFailed as failed:
            print("failed", failed.details.splitlines()[-1])
        """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=PROJECT)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "before the fork\nreturned 42\nfailed ValueError: no\nexit handler True\n"
    assert run.stderr == ""
