"""Notices, ``notices/<id>/<YYYY-MM-DD>-<slug>.md``: Markdown with YAML front matter.

Budgets cite vote notices by slug in ``approved_by``; assessments release the
trustee's bonus. A vote's figures are checked against the Civil Code's
thresholds (Art. 278) so a notice cannot claim ``passed`` for a vote that
did not pass, and an assessment's scoring sheet (评分细则) must add up to
the score it claims::

    kind: assessment
    year: 2025
    score: 93
    items:
      - {name: 服务质量, name_en: Service quality, weight: 30, score: 26}
      - {name: 财务公开, name_en: Open books, weight: 25, score: 23}
      ...                                  # weights add up to 100, scores to 93
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
        "items", "summary", "summary_en"}
ITEM_KEYS = {"name", "name_en", "weight", "score"}
ITEM_EXAMPLE = "{name: 服务质量, name_en: Service quality, weight: 30, score: 26}"
FULL_MARKS = Decimal(100)
NAME_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})-[a-z0-9][a-z0-9-]*\.md$")
# Matters that need three quarters of the participating area and households (Civil Code Art. 278).
SPECIAL_MATTERS = ("maintenance-fund", "rebuild", "common-use", "advertising")


@dataclass(frozen=True)
class Tally:
    total: Decimal
    voted: Decimal
    in_favour: Decimal


@dataclass(frozen=True)
class AssessmentItem:
    """One line of an assessment's scoring sheet: full marks (``weight``) and the marks given."""

    name: str
    name_en: str | None
    weight: Decimal
    score: Decimal
    line: int


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
    items: list[AssessmentItem] = field(default_factory=list)  # an assessment's scoring sheet; empty if not given
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
        # Notices written before the scoring sheet existed have none, and a closed month's cannot be changed.
        if "items" in data:
            notice.items = _items(doc, data["items"], score)
    elif "items" in data:
        raise ys.YamlProblem(doc.line("items"), f"'items' is the scoring sheet of an assessment; a {kind} notice "
                             "has none, remove it")
    return notice


def _items(doc: ys.Document, raw: Any, score: Decimal) -> list[AssessmentItem]:
    """The scoring sheet: every item within its weight, weights adding up to 100 and scores to ``score``."""
    if not isinstance(raw, list) or not raw:
        raise ys.YamlProblem(doc.line("items"), "'items' must be a list of the scoring sheet's items, one per line "
                             f"as '- {ITEM_EXAMPLE}'")
    items: list[AssessmentItem] = []
    lines: dict[str, int] = {}  # name → line, for a repeated item
    for index, entry in enumerate(raw):
        line = doc.line("items", index)
        if not isinstance(entry, dict):
            raise ys.YamlProblem(line, f"item {index + 1} of the scoring sheet must be a mapping like {ITEM_EXAMPLE}")
        unknown = sorted(set(entry) - ITEM_KEYS)
        if unknown:
            raise ys.YamlProblem(doc.line("items", index, unknown[0]), f"unknown key '{unknown[0]}' in item "
                                 f"{index + 1} of the scoring sheet (allowed: {', '.join(sorted(ITEM_KEYS))})")
        for required in ("name", "weight", "score"):
            value = entry.get(required)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise ys.YamlProblem(line, f"item {index + 1} of the scoring sheet has no '{required}'; write it "
                                     f"like {ITEM_EXAMPLE}")
        name = ys.text(doc, entry["name"], "items", index, "name")
        if name in lines:
            raise ys.YamlProblem(line, f"item '{name}' is already on the scoring sheet at line {lines[name]}; "
                                 "list each item once")
        lines[name] = line
        name_en = ys.text(doc, entry["name_en"], "items", index, "name_en") if entry.get("name_en") is not None \
            else None
        weight = ys.amount(doc, entry["weight"], "items", index, "weight", positive=False)
        points = ys.amount(doc, entry["score"], "items", index, "score", positive=False)
        if weight <= 0:
            raise ys.YamlProblem(doc.line("items", index, "weight"), f"item '{name}' has a weight of {weight}; the "
                                 "weight is the item's full marks and must be more than 0 (leave out an item that "
                                 "carries no marks)")
        if points < 0:
            raise ys.YamlProblem(doc.line("items", index, "score"), f"item '{name}' scores {points}; an item scores "
                                 f"from 0 up to its weight of {weight}")
        if points > weight:
            raise ys.YamlProblem(doc.line("items", index, "score"), f"item '{name}' scores {points}, more than its "
                                 f"weight (full marks) of {weight}; an item cannot score more than its weight")
        items.append(AssessmentItem(name, name_en, weight, points, line))
    weights = sum((item.weight for item in items), Decimal(0))
    if weights != FULL_MARKS:
        raise ys.YamlProblem(doc.line("items"), f"the weights of the scoring sheet's items add up to {weights}, "
                             f"not {FULL_MARKS}; correct the weights so that full marks are {FULL_MARKS}")
    marks = sum((item.score for item in items), Decimal(0))
    if marks != score:
        raise ys.YamlProblem(doc.line("score"), f"score is {score} but the scoring sheet's items (from line "
                             f"{items[0].line}) add up to {marks}; the score must be the sum of the items' scores")
    return items


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
