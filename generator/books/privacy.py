"""Personal numbers in published text: phones, ID cards, bank cards — however they are written.

A number is recognised after the text is normalised the way a reader's eye
does it: NFKC (full-width and mathematical digits become ASCII), invisible
characters removed (zero-width spaces, joiners, soft hyphens, BOMs), and a
single separator between two digits dropped (space, hyphen, dot, slash,
middle dot, underscore), so ``139 1234 5678``, ``139.1234.5678``,
``１３９１２３４５６７８`` and ``139\u200b12345678`` are all the same mobile
number. Commas are not separators (they divide CSV cells) and neither are two
separators in a row (``2026-03..2026-05`` is a range, not a number).

ID cards are recognised by their check digit, bank cards by the Luhn check
and the issuer ranges cards start with, so dates, voucher numbers and
amounts are not mistaken for them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\u00ad\ufeff\u180e\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SEP = "[ \t\u00a0\u3000\\-./_\u00b7\u2010-\u2014\u2212]"
# Ten or more digits with at most one separator between any two: the only places a personal number hides.
CANDIDATE = re.compile(f"(?<![0-9])[0-9](?:{SEP}?[0-9]){{9,}}[Xx]?", re.ASCII)
SPACE = re.compile("[ \\t\\u00a0\\u3000]")
GROUP_SEP = re.compile("[\\-./_\\u00b7\\u2010-\\u2014\\u2212]")
MOBILE = re.compile(r"(?:86)?1[3-9][0-9]{9}", re.ASCII)
LANDLINE = re.compile(r"0[1-9][0-9]{8,10}", re.ASCII)
ID_CARD = re.compile(r"[1-8][0-9]{16}[0-9Xx]", re.ASCII)
BANK_CARD = re.compile(r"[3-69][0-9]{15,18}", re.ASCII)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
LONGEST = 19


def normalise(text: str) -> str:
    """The text as a reader sees it: NFKC (full-width and other digits become ASCII), no invisible characters."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def personal_number(text: str) -> str | None:
    """What kind of personal number ``text`` holds, if any."""
    for _, kind in _found(normalise(text)):
        return kind
    return None


def scan_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, kind) for each line of a text that holds a personal number, in order."""
    normal = normalise(text)
    last_line = 0
    for offset, kind in _found(normal):
        line = normal.count("\n", 0, offset) + 1
        if line != last_line:
            last_line = line
            yield line, kind


def _found(normal: str) -> Iterator[tuple[int, str]]:
    """(offset, kind) of every personal number in normalised text.

    A run's parts are what spaces divide; a part's digits are joined across hyphens, dots and
    slashes. Every span of consecutive parts is tried, so ``139 1234 5678`` is one number and
    ``2026-03-05 13912345678`` holds one, while ``2026-03-01 2026-03-31`` holds none. A number
    glued to others by hyphens, dots or slashes (``2026-0031-13912345678``) is found too: each group
    those divide is tried on its own for an ID or bank card, and every span of groups for a mobile
    number (whose prefix and length dates and voucher numbers do not make) — not for a landline,
    which the digits after a month's ``03`` would resemble, nor a card, whose check digit one span
    of dates in ten would pass.
    """
    for match in CANDIDATE.finditer(normal):
        found = _candidate_kind(match.group())
        if found is not None:
            yield match.start(), found


@functools.lru_cache(maxsize=65536)
def _candidate_kind(candidate: str) -> str | None:
    """The kind of personal number a run of digit groups holds; books repeat the same runs (unit codes
    beside years, file names) thousands of times, so each is judged once."""
    found = _in_spans([GROUP_SEP.sub("", part) for part in SPACE.split(candidate)])
    if found is None and len(groups := GROUP_SEP.split(candidate)) > 1 and any(
            group.startswith(("1", "86")) or len(group) >= 15 for group in groups):
        found = _glued(groups)
    return found


def _in_spans(pieces: list[str]) -> str | None:
    """The kind of the first span of consecutive pieces, joined, that is a personal number."""
    for first in range(len(pieces)):
        joined = ""
        for piece in pieces[first:]:
            joined += piece
            if len(joined) > LONGEST:
                break
            if len(joined) >= 10 and (found := _kind(joined)) is not None:
                return found
    return None


def _glued(groups: list[str]) -> str | None:
    """A mobile number in a span of groups, or an ID or bank card as one group (groups may hold spaces)."""
    groups = [SPACE.sub("", group) for group in groups]
    for first, group in enumerate(groups):
        if len(group) >= 15 and (kind := _kind(group)) in ("an ID-card number", "a bank-card number"):
            return kind
        if not group.startswith(("1", "86")):
            continue  # no mobile number starts here
        joined = ""
        for piece in groups[first:]:
            joined += piece
            if len(joined) > 13:
                break
            if MOBILE.fullmatch(joined):
                return "a mobile phone number"
    return None


def _kind(run: str) -> str | None:
    if MOBILE.fullmatch(run):
        return "a mobile phone number"
    if LANDLINE.fullmatch(run):
        return "a phone number"
    if ID_CARD.fullmatch(run) and ID_CHECK[sum(int(d) * w for d, w in zip(run, ID_WEIGHTS, strict=False)) % 11] \
            == run[-1].upper():
        return "an ID-card number"
    if BANK_CARD.fullmatch(run) and _luhn(run):
        return "a bank-card number"
    return None


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def is_mobile(text: str) -> bool:
    """Whether ``text`` holds a mobile phone number, however it is written."""
    return any(kind == "a mobile phone number" for _, kind in _found(normalise(text)))
