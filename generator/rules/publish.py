"""publish: only what can be shown to every owner is kept under ``vouchers/``.

Every file under a compound's ``vouchers/`` is published as it is. So each
one must be, by its content and not only its name, a PDF, JPEG, PNG (evidence)
or UTF-8 CSV (detail sheets) — an HTML, SVG or Markdown file would become a
page of the site, with whatever script it carries. An image with location
data (EXIF GPS) or a PDF that names its author publishes more than the
voucher: ``trustfund scrub FILE`` removes it. A detail sheet is evidence, so
a cell that a spreadsheet would run as a formula (``=HYPERLINK(…)``) is
refused rather than rewritten::

    vouchers/2026/03/receipt.pdf     ; refused if it is really an HTML page
    vouchers/2026/03/photo.jpg       ; refused while it carries GPS coordinates
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from generator import errors as err
from generator.books.vouchers import formula_cells, kind_problem, metadata_problem, private_columns
from generator.rules.context import compound_for

__plugins__ = ("rule",)


def rule(entries: list[data.Directive], options_map: dict[str, Any],
         config: object = None) -> tuple[list[data.Directive], list[err.RuleError]]:
    compound = compound_for(options_map, config)
    errors: list[err.RuleError] = []
    if not compound.vouchers.is_dir() or compound.vouchers.is_symlink():
        return entries, errors
    for path in sorted(compound.vouchers.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue  # the source lint names links
        raw = path.read_bytes()
        name = compound.relative(path)
        problem = kind_problem(path, raw)
        if problem is not None:
            errors.append(err.make(err.PublishError, err.source(path, 0), f"{name} {problem}"))
            continue
        if path.suffix.lower() == ".csv":
            private = private_columns(raw.decode("utf-8-sig"))
            if private:
                errors.append(err.make(err.PublishError, err.source(path, 1),
                                       f"{name} has the column(s) {', '.join(private)}: door numbers, names and "
                                       "contacts belong only in the committee's private roster, outside the "
                                       "repository; remove the file"))
            for line, cell in formula_cells(raw.decode("utf-8-sig"))[:3]:
                errors.append(err.make(err.PublishError, err.source(path, line),
                                       f"{name} line {line}: the cell {cell[:40]!r} would run as a spreadsheet "
                                       "formula; a detail sheet holds plain text and numbers"))
            continue
        kind = {".pdf": "PDF", ".png": "PNG"}.get(path.suffix.lower(), "JPEG")
        problem = metadata_problem(kind, raw)
        if problem is not None:
            errors.append(err.make(err.PublishError, err.source(path, 0),
                                   f"{name} {problem}; run trustfund scrub {name} and commit the result"))
    return entries, errors
