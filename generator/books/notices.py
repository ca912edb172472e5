"""Notices, ``notices/<id>/<YYYY-MM-DD>-<slug>.md``: Markdown with YAML front matter.

Budgets cite vote notices by slug in ``approved_by``; assessments release the
trustee's bonus. A vote's figures are checked against the Civil Code's
thresholds (Art. 278) so a notice cannot claim ``passed`` for a vote that
did not pass.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.books import yamlsource as ys

KINDS = ("announcement", "minutes", "vote", "assessment", "report")
KEYS = {"title", "title_en", "date", "kind", "matter", "households", "area", "result", "year", "score",
        "summary", "summary_en"}
NAME_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})-[a-z0-9][a-z0-9-]*\.md$")
# Matters that need three quarters of the participating area and households (Civil Code Art. 278).
SPECIAL_MATTERS = ("maintenance-fund", "rebuild", "common-use", "advertising")


@dataclass(frozen=True)
class Tally:
    total: Decimal
    voted: Decimal
    in_favour: Decimal


@dataclass
class Notice:
    path: Path
    slug: str
    title: str
    date: datetime.date
    kind: str
    body: str
    body_line: int
    front: ys.Document
    matter: str | None = None
    households: Tally | None = None
    area: Tally | None = None
    result: str | None = None
    year: int | None = None
    score: Decimal | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.kind == "vote" and self.result == "passed"


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, body's first line) or None when there is no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return None


def parse_notice(path: Path, text: str, households: int | None, floor_area: Decimal | None) -> Notice:
    match = NAME_PATTERN.match(path.name)
    if not match:
        raise ys.YamlProblem(1, "the file name must be YYYY-MM-DD-slug.md (lowercase letters, digits, hyphens)")
    parts = split_front_matter(text)
    if parts is None:
        raise ys.YamlProblem(1, "a notice starts with YAML front matter between two '---' lines")
    front_text, body, body_line = parts
    doc = ys.parse(front_text, path, line_offset=1)
    data = doc.data
    ys.keys(doc, data, KEYS, ("title", "date", "kind"))
    date = ys.date(doc, data["date"], "date")
    if date.isoformat() != match.group(1):
        raise ys.YamlProblem(doc.line("date"), f"date {date} does not match the file name's date {match.group(1)}")
    kind = ys.text(doc, data["kind"], "kind")
    if kind not in KINDS:
        raise ys.YamlProblem(doc.line("kind"), f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    notice = Notice(path=path, slug=path.name[:-3], title=ys.text(doc, data["title"], "title"), date=date,
                    kind=kind, body=body, body_line=body_line, front=doc)
    if kind == "vote":
        for required in ("matter", "households", "area", "result"):
            if required not in data:
                raise ys.YamlProblem(doc.first_line, f"a vote needs '{required}'")
        notice.matter = ys.text(doc, data["matter"], "matter")
        notice.result = ys.text(doc, data["result"], "result")
        if notice.result not in ("passed", "rejected"):
            raise ys.YamlProblem(doc.line("result"), f"result must be passed or rejected, got {notice.result!r}")
        notice.households = _tally(doc, data, "households", households)
        notice.area = _tally(doc, data, "area", floor_area)
        _check_vote(doc, notice)
    if kind == "assessment":
        for required in ("year", "score"):
            if required not in data:
                raise ys.YamlProblem(doc.first_line, f"an assessment needs '{required}'")
        notice.year = ys.integer(doc, data["year"], "year", low=1900, high=2999)
        score = ys.amount(doc, data["score"], "score")
        if score > 100:
            raise ys.YamlProblem(doc.line("score"), f"score must be from 0 to 100, got {score}")
        notice.score = score
    return notice


def _tally(doc: ys.Document, data: dict[str, Any], key: str, expected_total: int | Decimal | None) -> Tally:
    raw = ys.mapping(doc, data[key], key)
    values = {}
    for part in ("total", "voted", "for"):
        if part not in raw:
            raise ys.YamlProblem(doc.line(key), f"'{key}.{part}' is missing")
        values[part] = ys.amount(doc, raw[part], key, part)
    if not values["for"] <= values["voted"] <= values["total"]:
        raise ys.YamlProblem(doc.line(key), f"'{key}' must have for <= voted <= total")
    if expected_total is not None and values["total"] != Decimal(expected_total):
        raise ys.YamlProblem(doc.line(key, "total"),
                             f"'{key}.total' is {values['total']} but compound.yaml says {expected_total}")
    return Tally(values["total"], values["voted"], values["for"])


def _check_vote(doc: ys.Document, notice: Notice) -> None:
    assert notice.households is not None and notice.area is not None
    valid = all(t.voted * 3 >= t.total * 2 for t in (notice.households, notice.area))
    share = Decimal(3) / 4 if notice.matter in SPECIAL_MATTERS else Decimal(1) / 2
    if notice.matter in SPECIAL_MATTERS:
        carried = all(t.in_favour >= t.voted * share for t in (notice.households, notice.area))
    else:
        carried = all(t.in_favour > t.voted * share for t in (notice.households, notice.area))
    if notice.result == "passed" and not valid:
        raise ys.YamlProblem(doc.line("result"), "result is 'passed' but fewer than two thirds of the households "
                             "or of the floor area took part (Civil Code Art. 278)")
    if notice.result == "passed" and not carried:
        needed = "three quarters" if notice.matter in SPECIAL_MATTERS else "more than half"
        raise ys.YamlProblem(doc.line("result"), f"result is 'passed' but {needed} of the participating households "
                             f"and area is needed for matter '{notice.matter}' (Civil Code Art. 278)")
