"""The rules' verdict on loaded books, reached in a second process while ``trustfund build`` renders the site.

Beancount's load is one long computation on one core; about a third of it is trustfund's own rules
(``plugin "generator.rules"``) and Beancount's validations, which only judge the entries: under trustfund's
own load (the source linted first) the rules return the entries they were given, unchanged. So ``trustfund
build`` books the entries, forks, and:

- the child runs the whole of Beancount's pipeline exactly as ``trustfund check`` does — every plugin in the
  ledger's order, the rules among them, then the validations — and sends back every error and a fingerprint
  of the entries it ended with;
- the parent runs the same pipeline with the rules told to add their entries only (Fava's budgets), judge
  nothing, and goes on to build the views and render the site into a folder beside the published one, on
  the other core.

Before the new site may replace the old one the parent waits for the verdict: a finding refuses the build
exactly as before (nothing is published, the findings are printed), and entries that differ from the
child's by the fingerprint (a rule that changed them) refuse it too, as an internal error. A child that
fails for any reason is not trusted: the parent then runs the rules and validations itself. ``trustfund
check``, ``serve`` and Fava load in one process, in order, as before.

Where ``os.fork`` is missing or another thread runs (a fork would copy locks held by threads it does not
copy), the pipeline runs here, in order.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from typing import Any

from beancount import loader
from beancount.core import data
from beancount.ops import validation

from generator.errors import BookError

RULES_PLUGIN = "generator.rules"


class EntriesOnly:
    """The rules plugin's ``config`` in the parent: add the entries it adds (Fava's budgets), judge nothing.
    An object, not a string, so that no ledger can ask for it."""


ENTRIES_ONLY = EntriesOnly()

Verdict = tuple[list[BookError], str]  # every error of the pipeline, the fingerprint of its entries


def full_pipeline(entries: list[data.Directive], booking_errors: list[Any],
                  options: dict[str, Any]) -> tuple[list[data.Directive], list[BookError]]:
    """Beancount's plugins and validations, as its loader runs them (the rules among the plugins)."""
    entries, found = loader.run_transformations(entries, booking_errors, options, None)
    errors: list[BookError] = [*found, *validation.validate(entries, options, None, validation.HARDCORE_VALIDATIONS)]
    return entries, errors


def fingerprint(entries: list[data.Directive]) -> str:
    """What the entries are, compactly: their kinds, dates and places in the files, in order."""
    digest = hashlib.sha256()
    for entry in entries:
        meta = entry.meta or {}
        digest.update(f"{type(entry).__name__}|{entry.date}|{meta.get('filename')}|{meta.get('lineno')}\n"
                      .encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


class PendingVerdict:
    """The verdict of a forked child on booked entries (see the module's description)."""

    def __init__(self, entries: list[data.Directive], booking_errors: list[Any], options: dict[str, Any]) -> None:
        self.child: int | None = None
        self.reader: int | None = None
        self.options = options
        self.booked = list(entries)  # as booked, for judging here if the child fails
        self.booking_errors = list(booking_errors)
        reader, writer = os.pipe()
        child = os.fork()
        if child == 0:  # the child: judge, report, end without the parent's exit handlers
            os.close(reader)
            code = 0
            try:
                final, errors = full_pipeline(entries, booking_errors, options)
                report = pickle.dumps((list(errors), fingerprint(final)), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # the parent judges the books itself when this fails
                code, report = 1, b""
            try:
                with os.fdopen(writer, "wb") as out:
                    out.write(report)
            finally:
                os._exit(code)
        os.close(writer)
        self.child, self.reader = child, reader

    def settle(self, entries: list[data.Directive]) -> list[BookError]:
        """Every error the pipeline reports on these books (the parent's entries, built without the rules)."""
        assert self.child is not None and self.reader is not None, "settled twice"
        with os.fdopen(self.reader, "rb") as report_file:
            report = report_file.read()  # read before waiting: a full pipe would block the child
        _, status = os.waitpid(self.child, 0)
        self.child = self.reader = None
        verdict: Verdict | None = None
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            try:
                verdict = pickle.loads(report)  # written by our own forked child a moment ago
            except Exception:  # a damaged report is not trusted: judge here instead
                verdict = None
        if verdict is None:  # judge here, in order, as trustfund check does: the books were booked before the fork
            return full_pipeline(self.booked, self.booking_errors, self.options)[1]
        errors, theirs = verdict
        if theirs != fingerprint(entries):
            raise VerdictError("the rules changed the entries they were given, so the site was built from "
                               "different entries than the check judged; build again with "
                               "TRUSTFUND_IN_ORDER=1 and report this as a bug")
        return errors

    def abandon(self) -> None:
        if self.child is not None:
            os.kill(self.child, 9)
            os.waitpid(self.child, 0)
            self.child = None
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None


class VerdictError(RuntimeError):
    pass


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1 and not os.environ.get("TRUSTFUND_IN_ORDER")


def judge(entries: list[data.Directive], booking_errors: list[Any], options: dict[str, Any], beside: bool,
          ) -> tuple[list[data.Directive], list[BookError], PendingVerdict | None]:
    """(the entries, the errors known now, the verdict still to come or None)."""
    if not (beside and can_fork() and any(name == RULES_PLUGIN for name, _ in options.get("plugin", []))):
        entries, errors = full_pipeline(entries, booking_errors, options)
        return entries, errors, None
    pending = PendingVerdict(entries, booking_errors, options)
    entries_only = dict(options, plugin=[(name, ENTRIES_ONLY) if name == RULES_PLUGIN else (name, config)
                                         for name, config in options["plugin"]])
    entries, _ = loader.run_transformations(entries, [], entries_only, None)  # the child reports these errors too
    return entries, [], pending

