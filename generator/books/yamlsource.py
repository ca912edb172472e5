"""YAML read as plain data with the line of every key, and nothing guessed.

PyYAML would turn ``180000.00`` into a float and ``2025-12-20`` into a date.
Here every scalar stays the text the treasurer wrote; the schemas in
``profile``, ``budget`` and ``notices`` decide what it means, so money never
passes through float. Each value's line is kept under its key path, so a
finding can name ``budgets/x/2026.yaml:14``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from generator.money import parse_amount

Key = tuple[str | int, ...]
INTEGER = re.compile(r"[0-9]{1,12}", re.ASCII)
RATE = re.compile(r"[01](\.[0-9]{1,6})?", re.ASCII)
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class YamlProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Document:
    """A YAML mapping whose scalars are strings (or None), with lines per key path."""

    path: Path
    data: dict[str, Any]
    lines: dict[Key, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, *key: str | int) -> int:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.first_line


MAX_DEPTH = 16
MAX_BYTES = 1_000_000


def parse(text: str, path: Path, line_offset: int = 0) -> Document:
    """Parse one YAML mapping; raises YamlProblem with a 1-based line.

    Anchors and aliases are refused before anything is built (a self-referencing or nested alias
    would otherwise recurse or multiply the work), and so is nesting deeper than any schema needs.
    """
    if len(text) > MAX_BYTES:
        raise YamlProblem(1 + line_offset, f"the file is larger than {MAX_BYTES // 1000} kB")
    try:
        _refuse_aliases(text, line_offset)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        raise YamlProblem(line, f"not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1 + line_offset, f"not valid YAML: {exc}") from None
    if node is None:
        return Document(path, {}, {}, 1 + line_offset)
    if not isinstance(node, yaml.MappingNode):
        raise YamlProblem(node.start_mark.line + 1 + line_offset, "the file must be a mapping of keys to values")
    lines: dict[Key, int] = {}
    data = _plain(node, (), lines, line_offset)
    assert isinstance(data, dict)
    return Document(path, data, lines, node.start_mark.line + 1 + line_offset)


def _refuse_aliases(text: str, line_offset: int) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = (event.start_mark.line if event.start_mark else 0) + 1 + line_offset
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem(line, "anchors and aliases (& and *) are not allowed; write each value out")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(line, f"nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _plain(node: yaml.Node, key: Key, lines: dict[Key, int], offset: int) -> Any:
    lines.setdefault(key, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" and node.style is None:
            return None
        return str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*key, index), lines, offset) for index, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(key_node.start_mark.line + 1 + offset, "keys must be plain text")
            name = str(key_node.value)
            if name in mapping:
                raise YamlProblem(key_node.start_mark.line + 1 + offset, f"key '{name}' appears twice")
            lines[(*key, name)] = key_node.start_mark.line + 1 + offset
            mapping[name] = _plain(value_node, (*key, name), lines, offset)
        return mapping
    raise YamlProblem(node.start_mark.line + 1 + offset, "unsupported YAML node")


# Conversions used by the schemas: each raises YamlProblem naming the key's line.

def keys(doc: Document, data: dict[str, Any], allowed: set[str], required: tuple[str, ...] = ()) -> None:
    """Refuse a key the schema does not know (a misspelt key must not silently drop what it held) and name
    the first required key that is missing."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise YamlProblem(doc.line(unknown[0]), f"unknown key '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in data:
            raise YamlProblem(doc.first_line, f"'{key}' is missing")


def text(doc: Document, value: Any, *key: str | int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be text")
    return value.strip()


def amount(doc: Document, value: Any, *key: str | int, positive: bool = True) -> Decimal:
    number = parse_amount(value) if isinstance(value, str) else None
    if number is None:
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be an amount with at most two decimals and twelve "
                          f"integer digits, such as 1234.56, got {value!r}")
    if positive and number < 0:
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must not be negative, got {value}")
    return number


def rate(doc: Document, value: Any, *key: str | int) -> Decimal:
    number = Decimal(value.strip()) if isinstance(value, str) and RATE.fullmatch(value.strip()) else None
    if number is None or not Decimal(0) <= number <= Decimal(1):
        raise YamlProblem(doc.line(*key),
                          f"'{_name(key)}' must be a fraction between 0 and 1 (0.15 for 15%), got {value!r}")
    return number


def integer(doc: Document, value: Any, *key: str | int, low: int = 0, high: int | None = None) -> int:
    if not isinstance(value, str) or not INTEGER.fullmatch(value.strip()):
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be a whole number, got {value!r}")
    number = int(value)
    if number < low or (high is not None and number > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be {bound}, got {number}")
    return number


def date(doc: Document, value: Any, *key: str | int) -> datetime.date:
    try:
        if not isinstance(value, str) or not DATE.fullmatch(value.strip()):
            raise ValueError(value)
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be a date like 2026-03-15, got {value!r}") from None


def mapping(doc: Document, value: Any, *key: str | int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be a mapping of keys to values")
    return value


def sequence(doc: Document, value: Any, *key: str | int) -> list[Any]:
    if not isinstance(value, list):
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be a list")
    return value


def _name(key: Key) -> str:
    return ".".join(str(part) for part in key) or "file"
