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
fails for any reason (raises, is killed, sends a report that cannot be read: ``generator.books.forked``) is
not trusted: the parent then runs the rules and validations itself. ``trustfund check``, ``serve`` and Fava
load in one process, in order, as before.

Where ``os.fork`` is missing or another thread runs (a fork would copy locks held by threads it does not
copy), the pipeline runs here, in order.
"""

from __future__ import annotations

import functools
import hashlib
import os
from typing import Any

from beancount import loader
from beancount.core import data
from beancount.ops import validation

from generator.books import forked
from generator.books.forked import ChildFailed, Forked
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
        self.options = options
        self.booked = list(entries)  # as booked, for judging here if the child fails
        self.booking_errors = list(booking_errors)
        self.child: Forked[Verdict] | None = Forked(functools.partial(verdict_of, entries, booking_errors, options))

    def settle(self, entries: list[data.Directive]) -> list[BookError]:
        """Every error the pipeline reports on these books (the parent's entries, built without the rules)."""
        assert self.child is not None, "settled twice"
        child, self.child = self.child, None
        try:
            errors, theirs = child.result()
        except ChildFailed:  # not trusted: judge here, in order, as trustfund check does (booked before the fork)
            return full_pipeline(self.booked, self.booking_errors, self.options)[1]
        finally:
            child.abandon()  # reaped already, unless waiting for it was interrupted
        if theirs != fingerprint(entries):
            raise VerdictError("the rules changed the entries they were given, so the site was built from "
                               "different entries than the check judged; build again with "
                               "TRUSTFUND_IN_ORDER=1 and report this as a bug")
        return errors

    def abandon(self) -> None:
        if self.child is not None:
            self.child.abandon()
            self.child = None


def verdict_of(entries: list[data.Directive], booking_errors: list[Any], options: dict[str, Any]) -> Verdict:
    """The child's work: the whole pipeline's errors and the fingerprint of the entries it ended with."""
    final, errors = full_pipeline(entries, booking_errors, options)
    return list(errors), fingerprint(final)


class VerdictError(RuntimeError):
    pass


def can_fork() -> bool:
    return forked.can_fork() and not os.environ.get("TRUSTFUND_IN_ORDER")


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

