"""The snapshot of owners' queries (质询) and work orders (工单), read as untrusted input.

The snapshot is written from GitHub issues, which anyone can open, so every
field is checked for its type and shape, and a bad item or file never stops a
publication: what cannot be read is left out, with a note the build prints as
a warning. Nothing here decides what owners may see (titles, logins): the
view does.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("query", "work-order")
VOUCHER = re.compile(r"[0-9]{4}-[0-9]{4,12}", re.ASCII)
LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})", re.ASCII)
MAX_BYTES = 20_000_000
HTTPS = re.compile(r"https://[^\s\"'<>\\`]{1,500}")  # a thread: https, no space, quote or bracket
YEARS = range(2000, 3000)  # a date outside these is not GitHub's (and far ends overflow Asia/Shanghai's)


@dataclass(frozen=True)
class Reply:
    login: str
    at: datetime.datetime


@dataclass(frozen=True)
class Query:
    number: int
    kind: str  # query | work-order
    compound: str | None
    voucher: str | None
    place: str | None
    title: str | None
    state: str  # open | closed
    state_reason: str | None  # completed | not_planned | reopened | None
    created: datetime.datetime
    closed: datetime.datetime | None
    answered_label: bool
    url: str | None
    author: str | None
    replies: tuple[Reply, ...]


@dataclass
class Snapshot:
    path: Path | None
    fetched_at: datetime.datetime | None = None
    repo: str | None = None
    items: list[Query] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_snapshot(path: Path | None) -> Snapshot:
    """The snapshot at ``path``; an empty one (with a note) when there is none or it cannot be read."""
    snapshot = Snapshot(path)
    if path is None:
        return snapshot
    try:
        raw = path.read_bytes()
        if len(raw) > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES // 1_000_000} MB")
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        snapshot.problems.append(f"{path} does not exist; no queries are shown")
        return snapshot
    except (OSError, ValueError, UnicodeDecodeError, RecursionError) as problem:
        snapshot.problems.append(f"{path} cannot be read ({problem}); no queries are shown")
        return snapshot
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        snapshot.problems.append(f"{path} is not a queries snapshot; no queries are shown")
        return snapshot
    snapshot.fetched_at = _time(data.get("fetched_at"))
    snapshot.repo = data["repo"] if isinstance(data.get("repo"), str) else None
    for index, raw_item in enumerate(data["items"]):
        item = _query(raw_item)
        if item is None:
            snapshot.problems.append(f"{path}: item {index} is not a query or work order that can be read; left out")
        else:
            snapshot.items.append(item)
    return snapshot


def _query(raw: Any) -> Query | None:
    if not isinstance(raw, dict):
        return None
    number, kind, created = raw.get("number"), raw.get("kind"), _time(raw.get("created_at"))
    if type(number) is not int or number <= 0 or kind not in KINDS or created is None:
        return None
    state = "closed" if raw.get("state") == "closed" else "open"
    reason = raw.get("state_reason") if raw.get("state_reason") in ("completed", "not_planned", "reopened") else None
    url = raw["url"] if isinstance(raw.get("url"), str) and HTTPS.fullmatch(raw["url"]) else None
    replies = []
    for comment in raw["comments"] if isinstance(raw.get("comments"), list) else []:
        if isinstance(comment, dict) and isinstance(comment.get("login"), str) and LOGIN.fullmatch(comment["login"]):
            at = _time(comment.get("created_at"))
            if at is not None:
                replies.append(Reply(comment["login"], at))
    author = raw.get("author") if isinstance(raw.get("author"), str) and LOGIN.fullmatch(raw["author"]) else None
    return Query(number, kind, _text(raw.get("compound")), _matching(raw.get("voucher"), VOUCHER),
                 _text(raw.get("place")), _text(raw.get("title")), state, reason, created,
                 _time(raw.get("closed_at")) if state == "closed" else None, raw.get("answered_label") is True, url,
                 author, tuple(sorted(replies, key=lambda r: r.at)))


def _matching(value: Any, pattern: re.Pattern[str]) -> str | None:
    return value.strip() if isinstance(value, str) and pattern.fullmatch(value.strip()) else None


def _text(value: Any) -> str | None:
    return " ".join(value.split())[:200] or None if isinstance(value, str) else None


def _time(value: Any) -> datetime.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.year not in YEARS:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=datetime.UTC)
