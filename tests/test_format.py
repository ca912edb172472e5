"""Reformatting is not a change: ``bean-format`` over every example ledger file leaves the closed-month
comparison with nothing to report, while a changed figure in the same file is reported; and at Fava's
currency column the example books and a new compound are already as ``bean-format`` writes them."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

from beancount.scripts.format import align_beancount

from generator.audit.entries import changes, dated
from generator.books.scaffold import CURRENCY_COLUMN, scaffold
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


def bean_format_in_place(files: list[Path]) -> None:
    """The real ``bean-format`` at Fava's column over copies of the files (it takes many only with -i)."""
    subprocess.run([str(BEAN_FORMAT), "-i", "-c", str(CURRENCY_COLUMN), *map(str, files)],
                   capture_output=True, text=True, check=True)


def test_bean_format_at_favas_column_changes_nothing_in_the_example_books(tmp_path: Path) -> None:
    """The example books are laid out as ``bean-format -c 61`` and Fava's editor lay them out (Fava's
    ``currency-column``): formatting them, or saving them from Fava, changes no byte."""
    files = sorted((PROJECT / "ledgers").rglob("*.beancount"))
    assert len(files) > 40
    copies = []
    for path in files:
        copy = tmp_path / path.relative_to(PROJECT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    bean_format_in_place(copies)
    changed = [path.relative_to(PROJECT).as_posix() for path, copy in zip(files, copies, strict=True)
               if copy.read_bytes() != path.read_bytes()]
    assert changed == [], f"bean-format -c {CURRENCY_COLUMN} changes these; run examples/make_examples.py"


def test_a_new_compound_is_bean_format_clean(tmp_path: Path) -> None:
    made = scaffold(tmp_path / "repo", "new-compound", "新花园", "New Garden", datetime.date(2026, 3, 1))
    files = sorted(path for path in made if path.suffix == ".beancount")
    assert len(files) == 3
    before = [path.read_bytes() for path in files]
    bean_format_in_place(files)
    assert [path.read_bytes() for path in files] == before
