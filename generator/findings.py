"""Findings as people and machines read them: ``path:line: rule-id: message``."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, NamedTuple

# Beancount's own error types, by the rule id trustfund reports them under.
BEANCOUNT_RULES = {
    "ParserError": "syntax", "ParserSyntaxError": "syntax", "LexerError": "syntax",
    "BalanceError": "balance",
}


class Finding(NamedTuple):
    path: str
    line: int
    rule: str
    message: str

    def text(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return self._asdict()


def from_error(error: Any, root: Path) -> Finding:
    """A finding from any Beancount-style error (ours carry the rule id in the message)."""
    source = error.source or {}
    filename = str(source.get("filename") or "<unknown>")
    line = source.get("lineno") or 0
    message = str(error.message)
    rule = getattr(type(error), "rule", None)
    if rule is not None and ": " in message:
        rule, message = message.split(": ", 1)
    elif rule is None:
        rule = BEANCOUNT_RULES.get(type(error).__name__, "beancount")
    if "Traceback" in message:
        # A plugin crashed inside Beancount; the traceback helps nobody reading the books.
        message = message.split("\n", 1)[0] + " (an internal error; please report it with the ledger change)"
    return Finding(_printable(_relative(filename, root)), int(line) if isinstance(line, int) else 0, rule,
                   _shorten(" ".join(message.split())))


MAX_MESSAGE = 600


def _shorten(message: str) -> str:
    """A message fit for one line: a 5,000-digit amount quoted in it is cut, not printed whole."""
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "…"


def _printable(path: str) -> str:
    """A path that prints on one line whatever bytes or line breaks its name holds."""
    encoded = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in encoded)


@functools.lru_cache(maxsize=4096)
def _relative(filename: str, root: Path) -> str:
    try:
        # Resolve the folder only: a finding about a symlink must name the link, not its target.
        path = Path(filename)
        return str((path.parent.resolve() / path.name).relative_to(root.resolve()))
    except (ValueError, OSError):
        return filename


def render(findings: list[Finding], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2)
    return "\n".join(f.text() for f in findings)
