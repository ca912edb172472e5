"""Typed findings that Beancount, Fava and ``trustfund check`` all understand.

Every error is a Beancount-style ``(source, message, entry)`` tuple whose
``source`` holds ``filename`` and ``lineno``. The message starts with the
rule id, so ``bean-check`` and Fava show which rule refused the books.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, NamedTuple, Protocol

Source = dict[str, Any]


class BookError(Protocol):
    """Any Beancount-style error: Beancount's own and ours."""

    @property
    def source(self) -> Source | None: ...

    @property
    def message(self) -> str: ...

    @property
    def entry(self) -> Any: ...


class RuleError(NamedTuple):
    source: Source
    message: str
    entry: Any


class VoucherError(RuleError):
    rule: ClassVar[str] = "voucher"


class EvidenceError(RuleError):
    rule: ClassVar[str] = "evidence"


class ItemisedError(RuleError):
    rule: ClassVar[str] = "itemised"


class BudgetCapError(RuleError):
    rule: ClassVar[str] = "budget-cap"


class UnbudgetedError(RuleError):
    rule: ClassVar[str] = "unbudgeted"


class TrusteeFeeError(RuleError):
    rule: ClassVar[str] = "trustee-fee"


class AccountsError(RuleError):
    rule: ClassVar[str] = "accounts"


class PrivacyError(RuleError):
    rule: ClassVar[str] = "privacy"


class CurrencyError(RuleError):
    rule: ClassVar[str] = "currency"


class OutflowError(RuleError):
    rule: ClassVar[str] = "outflow"


class IncomeError(RuleError):
    rule: ClassVar[str] = "income"


class PublishError(RuleError):
    rule: ClassVar[str] = "publish"


class FeesError(RuleError):
    rule: ClassVar[str] = "fees"


class BudgetFileError(RuleError):
    rule: ClassVar[str] = "budget"


class CompoundFileError(RuleError):
    rule: ClassVar[str] = "compound"


class NoticeFileError(RuleError):
    rule: ClassVar[str] = "notice"


class LintError(RuleError):
    """A source-lint finding; ``rule`` is taken from the message prefix (``lint-pad`` …)."""

    rule: ClassVar[str] = "lint"


def source(filename: str | Path, lineno: int) -> Source:
    return {"filename": str(filename), "lineno": lineno}


def make(kind: type[RuleError], where: Source | None, message: str, entry: Any = None) -> RuleError:
    """An error of ``kind`` at ``where`` whose message begins with the rule id."""
    rule: str = getattr(kind, "rule")  # noqa: B009 — set by every subclass; a NamedTuple base cannot declare it
    where = where or {}
    return kind({"filename": where.get("filename", "<unknown>"), "lineno": where.get("lineno", 0)},
                f"{rule}: {message}", entry)


def lint(rule: str, filename: str | Path, lineno: int, message: str) -> LintError:
    return LintError(source(filename, lineno), f"{rule}: {message}", None)
