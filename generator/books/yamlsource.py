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


def parse(text: str, path: Path, line_offset: int = 0) -> Document:
    """Parse one YAML mapping; raises YamlProblem with a 1-based line."""
    try:
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

def text(doc: Document, value: Any, *key: str | int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be text")
    return value.strip()


def amount(doc: Document, value: Any, *key: str | int, positive: bool = True) -> Decimal:
    number = parse_amount(value) if isinstance(value, str) else None
    if number is None:
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be an amount with at most two decimals, got {value!r}")
    if positive and number < 0:
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must not be negative, got {value}")
    return number


def rate(doc: Document, value: Any, *key: str | int) -> Decimal:
    try:
        number = Decimal(value) if isinstance(value, str) else None
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
        raise YamlProblem(doc.line(*key),
                          f"'{_name(key)}' must be a fraction between 0 and 1 (0.15 for 15%), got {value!r}")
    return number


def integer(doc: Document, value: Any, *key: str | int, low: int = 0, high: int | None = None) -> int:
    if not isinstance(value, str) or not re.fullmatch(r"\d+", value.strip()):
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be a whole number, got {value!r}")
    number = int(value)
    if number < low or (high is not None and number > high):
        bound = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be {bound}, got {number}")
    return number


def date(doc: Document, value: Any, *key: str | int) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value.strip()) if isinstance(value, str) else _fail()
    except (ValueError, TypeError):
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be a date like 2026-03-15, got {value!r}") from None


def mapping(doc: Document, value: Any, *key: str | int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be a mapping of keys to values")
    return value


def sequence(doc: Document, value: Any, *key: str | int) -> list[Any]:
    if not isinstance(value, list):
        raise YamlProblem(doc.line(*key), f"'{_name(key)}' must be a list")
    return value


def _fail() -> datetime.date:
    raise ValueError


def _name(key: Key) -> str:
    return ".".join(str(part) for part in key) or "file"
