"""Reformatting is not a change: ``bean-format`` over every example ledger file leaves the closed-month
comparison with nothing to report, while a changed figure in the same file is reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from beancount.scripts.format import align_beancount

from generator.audit.entries import changes, dated
from tests.test_site import PROJECT

BEAN_FORMAT = Path(sys.executable).parent / "bean-format"


def formatted(text: str, column: int | None = None) -> str:
    """What ``bean-format`` (``-c COLUMN``) writes: its own function, in-process."""
    return str(align_beancount(text, currency_column=column))


def test_bean_format_changes_nothing_the_closed_month_check_reports() -> None:
    files = sorted((PROJECT / "ledgers").rglob("*.beancount"))
    assert len(files) > 40
    for path in files:
        name = path.relative_to(PROJECT).as_posix()
        original = path.read_text(encoding="utf-8")
        for column in (None, 40, 80):
            text = formatted(original, column)
            assert changes(dated(name, original), dated(name, text)) == [], f"{name} at column {column}"


def test_a_changed_figure_is_still_a_change_after_formatting() -> None:
    path = PROJECT / "ledgers" / "qingshui-garden" / "2026" / "03.beancount"
    name = path.relative_to(PROJECT).as_posix()
    original = path.read_text(encoding="utf-8")
    first_amount = next(line for line in original.split("\n") if line.strip().endswith(" CNY") and "  " in line)
    changed = original.replace(first_amount, first_amount.replace(" CNY", "1 CNY"), 1)
    found = changes(dated(name, original), dated(name, changed))
    assert [what for what, _ in found] == ["changed"]


def test_the_command_formats_as_the_function_does() -> None:
    path = PROJECT / "ledgers" / "hetang-court" / "2026" / "03.beancount"
    command = subprocess.run([str(BEAN_FORMAT), "-c", "60", str(path)], capture_output=True, text=True, check=True)
    assert command.stdout == formatted(path.read_text(encoding="utf-8"), 60)
