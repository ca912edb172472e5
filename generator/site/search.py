"""The search index of a compound, in pieces small enough for a phone: records by month, and a term index.

The search page (templates/search.html, assets/trustfund-search.js) finds an item when every word of the
query is in its text — voucher, date (as the page writes it, in Chinese or English), payee, description, or
a category of its legs — or, for a word that is an amount, when a leg has that amount. It used to fetch
every year's records on the first search (one year of a 100,000-transaction compound is 270 KB gzipped).
Now it fetches:

1. the term shards its words need (``terms-<n>.json``): for each key, the months whose items hold it. A key
   is a piece of an item's text, folded as the script folds it (NFKC, lower case): ``t`` every run of one
   to three characters, ``d`` every run of four ASCII digits (of vouchers and long numbers, which trigrams
   of digits cannot tell apart), ``a`` each leg's amount in whole yuan. A word's months are those holding
   all its pieces (up to eight of its trigrams and four of the four-digit runs in each of its numbers) — a
   superset of the months that hold the word — or, for an amount, also those with that amount; a query's
   months hold every word;
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
from collections import defaultdict
from collections.abc import Iterable

TEXT, DIGITS, AMOUNT = "t", "d", "a"
MAX_GRAM = 3
DIGIT_RUN = re.compile(r"[0-9]{4,}")
DIGIT_GRAM = 4  # 10,000 keys at most: a voucher's number is found by the runs it holds together
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


def runs(text: str, size: int) -> set[str]:
    """Every run of ``size`` characters of the text, each once (the distinct ones found in C, then joined)."""
    return {"".join(run) for run in set(zip(*(text[start:] for start in range(size)), strict=False))}


def pieces(text: str) -> tuple[set[str], set[str]]:
    """The keys of a folded text: every run of one to three characters (``t``), and every run of four digits
    inside a longer run of digits (``d``). A run across a line break is a key no word finds."""
    if len(text) < MAX_GRAM:
        grams = {text[start:start + size] for size in (1, 2) for start in range(len(text) - size + 1)}
    else:  # every shorter run is the start or the end of a run of three
        grams = runs(text, MAX_GRAM)
        pairs = {gram[:2] for gram in grams} | {gram[1:] for gram in grams}
        grams |= pairs | {pair[:1] for pair in pairs} | {pair[1:] for pair in pairs}
    numbers = "\n".join(DIGIT_RUN.findall(text))
    digits = {run for run in runs(numbers, DIGIT_GRAM) if "\n" not in run}
    return grams, digits


def ordinal_code(ordinal: int) -> str:
    """A month as two base-36 digits (months since January of the first year: 108 years)."""
    return CODES[ordinal]


CODES = [a + b for a in "0123456789abcdefghijklmnopqrstuvwxyz" for b in "0123456789abcdefghijklmnopqrstuvwxyz"]


class TermIndex:
    """Which months hold each key, gathered month by month (in order), then split into shards."""

    def __init__(self, first_year: int) -> None:
        self.first_year = first_year
        self.months: dict[str, defaultdict[str, list[int]]] = {kind: defaultdict(list) for kind in (TEXT, DIGITS, AMOUNT)}

    def add(self, year: int, month: int, texts: Iterable[str], yuans: Iterable[int]) -> None:
        """A month's keys: the texts its items are found by (each once) and their amounts in whole yuan."""
        ordinal = (year - self.first_year) * 12 + month - 1
        # One string, folded once: no piece crosses a line (the script's words never hold one), and NFKC
        # changes nothing across a line break. A piece a time would cost ten times as much.
        grams, digits = pieces(fold("\n".join(texts)))
        for kind, found in ((TEXT, {gram for gram in grams if "\n" not in gram}), (DIGITS, digits),
                            (AMOUNT, {str(yuan) for yuan in yuans})):
            held = self.months[kind]
            for key in found:
                held[key].append(ordinal)

    def shards(self) -> list[dict[str, dict[str, str]]]:
        # Months were added in order: each list is sorted already.
        postings = {(kind, key): "".join(map(CODES.__getitem__, months))
                    for kind, held in self.months.items() for key, months in held.items()}
        total = sum(len(kind) + len(key) * 3 + len(posting) + 8 for (kind, key), posting in postings.items())
        count = 1
        while count < MAX_SHARDS and total / count > SHARD_BYTES:
            count *= 2
        shards: list[dict[str, dict[str, str]]] = [{TEXT: {}, DIGITS: {}, AMOUNT: {}} for _ in range(count)]
        for (kind, key), posting in sorted(postings.items()):
            shards[shard_of(kind, key, count)][kind][key] = posting
        return shards


def voucher_cells(vouchers: Iterable[str]) -> list[str | int]:
    """Vouchers as a month's records hold them: each the number to add to the previous voucher's trailing
    digits (same prefix, same width) when that spells it, else the voucher itself."""
    cells: list[str | int] = []
    before = None
    for voucher in vouchers:
        now = VOUCHER_TAIL.fullmatch(voucher)
        cell: str | int = voucher
        if before and now and before[1] == now[1] and len(now[2]) == len(before[2]):
            step = int(now[2]) - int(before[2])
            if 0 < step < 1000 and before[1] + str(int(before[2]) + step).zfill(len(before[2])) == voucher:
                cell = step
        cells.append(cell)
        before = now
    return cells


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
