"""The search index of a compound, in pieces small enough for a phone: records by month, and a term index.

The search page (templates/search.html, assets/trustfund-search.js) finds an item when every word of the
query is in its text — voucher, date (as the page writes it, in Chinese or English), payee, description, or
a category of its legs — or, for a word that is an amount, when a leg has that amount. It used to fetch
every year's records on the first search (one year of a 100,000-transaction compound is 270 KB gzipped).
Now it fetches:

1. the term shards its words need (``terms-<n>.json``): for each key, the months whose items hold it. A key
   is a piece of an item's text, folded as the script folds it (NFKC, lower case): ``t`` every run of one
   to three characters, ``d`` every run of four to eight ASCII digits (a voucher or a long number, which
   trigrams of digits cannot tell apart), ``a`` each leg's amount in whole yuan. A word's months are those
   holding all its pieces (its trigrams and its longest digit run) — a superset of the months that hold the
   word — or, for an amount, also those with that amount; a query's months hold every word;
2. then only those months' records (``YYYY-MM.json``), newest first, until it has a screenful, and more
   when the reader asks for earlier results. It still matches each word on the records themselves, by the
   same rules as before, so it finds exactly what the whole index would.

Keys go to shards by a hash (32-bit FNV-1a over code points) that the script computes the same way; there
are as many shards as keep each near ``SHARD_BYTES``. A month's postings list is two base-36 digits a
month, counted from January of the compound's first year. Nothing in any file is code: the script writes
every text with ``textContent``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

TEXT, DIGITS, AMOUNT = "t", "d", "a"
MAX_GRAM = 3
DIGIT_RUN = re.compile(r"[0-9]{4,}")
DIGITS_MIN, DIGITS_MAX = 4, 8
SHARD_BYTES = 12_000  # a shard's size before compression, about 4 KB gzipped
MAX_SHARDS = 256
VOUCHER_TAIL = re.compile(r"(.*?)([0-9]{1,15})", re.S)
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fold(text: str) -> str:
    """As the script folds text: ``text.normalize("NFKC").toLowerCase()``."""
    return unicodedata.normalize("NFKC", text).lower()


def dates(year: int, month: int, day: int) -> tuple[str, str]:
    """A date as the Chinese and the English search page write it (and match it)."""
    return f"{year}年{month}月{day}日", f"{day} {ENGLISH_MONTHS[month - 1]} {year}"


def shard_of(kind: str, key: str, shards: int) -> int:
    """32-bit FNV-1a of the kind and key, over code points, modulo the number of shards (a power of two)."""
    number = 0x811C9DC5
    for character in kind + key:
        number = ((number ^ ord(character)) * 0x01000193) & 0xFFFFFFFF
    return number % shards


def pieces(text: str) -> Iterable[tuple[str, str]]:
    """The keys of one folded field: every run of one to three characters without a space, and every run
    of four to eight digits inside a longer run of digits."""
    for size in range(1, MAX_GRAM + 1):
        for start in range(len(text) - size + 1):
            gram = text[start:start + size]
            if not any(character.isspace() for character in gram):
                yield TEXT, gram
    for run in DIGIT_RUN.findall(text):
        for size in range(DIGITS_MIN, min(len(run), DIGITS_MAX) + 1):
            for start in range(len(run) - size + 1):
                yield DIGITS, run[start:start + size]


def ordinal_code(ordinal: int) -> str:
    """A month as two base-36 digits (months since January of the first year: 108 years)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    return digits[ordinal // 36] + digits[ordinal % 36]


class TermIndex:
    """Which months hold each key, gathered month by month (in order), then split into shards."""

    def __init__(self, first_year: int) -> None:
        self.first_year = first_year
        self.months: dict[tuple[str, str], list[int]] = {}

    def add(self, year: int, month: int, texts: Iterable[str], yuans: Iterable[int]) -> None:
        ordinal = (year - self.first_year) * 12 + month - 1
        keys = {piece for text in texts for piece in pieces(fold(text))}
        keys.update((AMOUNT, str(yuan)) for yuan in yuans)
        for key in keys:
            held = self.months.setdefault(key, [])
            if not held or held[-1] != ordinal:
                held.append(ordinal)

    def shards(self) -> list[dict[str, dict[str, str]]]:
        postings = {key: "".join(ordinal_code(ordinal) for ordinal in sorted(months))
                    for key, months in self.months.items()}
        total = sum(len(kind) + len(key) * 3 + len(posting) + 8 for (kind, key), posting in postings.items())
        count = 1
        while count < MAX_SHARDS and total / count > SHARD_BYTES:
            count *= 2
        shards: list[dict[str, dict[str, str]]] = [{TEXT: {}, DIGITS: {}, AMOUNT: {}} for _ in range(count)]
        for (kind, key), posting in sorted(postings.items()):
            shards[shard_of(kind, key, count)][kind][key] = posting
        return shards


def voucher_cell(previous: str | None, voucher: str) -> str | int:
    """A voucher as the month's records hold it: the number to add to the previous voucher's trailing
    digits (same prefix, same width) when that spells it, else the voucher itself."""
    if previous is not None:
        before, now = VOUCHER_TAIL.fullmatch(previous), VOUCHER_TAIL.fullmatch(voucher)
        if before and now and before[1] == now[1] and len(now[2]) == len(before[2]):
            step = int(now[2]) - int(before[2])
            if 0 < step < 1000 and before[1] + str(int(before[2]) + step).zfill(len(before[2])) == voucher:
                return step
    return voucher


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
