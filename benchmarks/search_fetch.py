#!/usr/bin/env python3
"""How many bytes does one search fetch? Replays trustfund-search.js's fetch plan over a built site.

    python benchmarks/search_fetch.py SITE_DIR [--compound bench] [--query WORDS ...] [--json OUT]

SITE_DIR is a site built by `trustfund build` (e.g. from benchmarks/books/100000). For each query (by
default: a voucher, a payee, 电梯, 物业费, an amount, a month and a voucher prefix, taken from the site's own
records so they exist) it does what the search page's script does — the term shards the query's words
need, then the months they allow, newest first, until a page of results (50) or the script's byte budget
— and reports the files and their gzipped size (gzip level 6, as a web server sends them) for the first
page of results, and for every page (as a reader tapping "显示更早的结果" until the end). It also checks the
results against a scan of every month's records with the same matching rules: the same items, in the
same order, or it exits 1.

Target (issue 14): at most 150 KB gzipped fetched for the first page of any of these searches at 100k.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from generator.site.search import shard_of  # noqa: E402 — the hash the script computes the same way

TARGET_GZIP_BYTES = 150_000
SCRIPT = HERE.parent / "generator" / "site" / "overrides" / "assets" / "trustfund-search.js"


def script_constant(name: str) -> int:
    """PAGE and BUDGET as the script has them, so this replay follows the script."""
    found = re.search(rf"var {name} = (\d+);", SCRIPT.read_text(encoding="utf-8"))
    assert found, f"no {name} in {SCRIPT}"
    return int(found.group(1))


PAGE, BUDGET = script_constant("PAGE"), script_constant("BUDGET")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def amount(term: str) -> tuple[int, int] | None:
    """The script's amount(): the cents a word names, as a range, or None."""
    text = re.sub(r"^[+\-\u2212]", "", re.sub(r"[,¥元]", "", term))
    wan = text.endswith("万")
    if wan:
        text = text[:-1]
    parts = re.fullmatch(r"([0-9]{1,12})(?:\.([0-9]{1,8}))?", text)
    if not parts:
        return None
    fraction = parts[2] or ""
    shift = 6 if wan else 2
    if len(fraction) > shift:
        if re.search(r"[^0]", fraction[shift:]):
            return None
        fraction = fraction[:shift]
    digits = parts[1] + fraction
    cents = int(digits) * 10 ** (shift - len(fraction))
    exact = bool(re.search(r"[^0]", (digits + "000000")[len(parts[1]) + 4:len(parts[1]) + 6])) if wan \
        else parts[2] is not None
    return cents, cents if exact else cents + 99


def spread(text: str, size: int, most: int) -> list[str]:
    """The script's spread(): up to ``most`` runs of ``size`` characters, from the text's start to its end."""
    count = len(text) - size + 1
    taken = min(count, most)
    positions = [0] if taken == 1 else [round_half_up(i * (count - 1) / (taken - 1)) for i in range(taken)]
    return [text[at:at + size] for at in positions]


def keys(term: str, cents: tuple[int, int] | None) -> dict[str, list[str]]:
    """The script's keys(): a word's text pieces, four-digit runs and amounts in yuan."""
    text = [term] if len(term) <= 3 else spread(term, 3, 8)
    digits = [run for number in re.findall(r"[0-9]{4,}", term) for run in spread(number, 4, 4)]
    yuans = [str(yuan) for yuan in range(cents[0] // 100, cents[1] // 100 + 1)] if cents else []
    return {"t": text, "d": digits, "a": yuans}


def round_half_up(value: float) -> int:
    return int(value + 0.5)  # Math.round for the non-negative positions


@dataclass
class Index:
    folder: Path
    first: int
    shards: int
    months: list[str]  # newest first
    sizes: dict[str, int]
    fetched: dict[str, int] = field(default_factory=dict)  # file → gzipped bytes

    @classmethod
    def of(cls, site: Path, compound: str) -> Index:
        page = (site / compound / "search" / "index.html").read_text(encoding="utf-8")
        form = re.search(r'<form class="tf-search"([^>]*)>', page)
        assert form, "no search form"
        attributes = dict(re.findall(r'data-([a-z]+)="([^"]*)"', form.group(1)))
        months = [month.split(":") for month in attributes["months"].split()]
        return cls(site / compound / "search", int(attributes["first"]), int(attributes["shards"]),
                   [name for name, _ in months], {name: int(size) for name, size in months})

    def get(self, name: str) -> Any:
        data = (self.folder / name).read_bytes()
        self.fetched.setdefault(name, len(gzip.compress(data, compresslevel=6, mtime=0)))
        return json.loads(data)

    def month_name(self, ordinal: int) -> str:
        return f"{self.first + ordinal // 12}-{ordinal % 12 + 1:02d}"

    def months_of(self, posting: str) -> set[str]:
        return {self.month_name(int(posting[at:at + 2], 36)) for at in range(0, len(posting) - 1, 2)}

    def plan(self, terms: list[tuple[str, tuple[int, int] | None]]) -> list[str]:
        if not self.shards:
            return []
        wanted = [keys(text, cents) for text, cents in terms]
        needed = sorted({shard_of(kind, value, self.shards) for key in wanted for kind in "tda" for value in key[kind]})
        loaded = {number: self.get(f"terms-{number}.json") for number in needed}

        def lookup(kind: str, value: str) -> set[str]:
            return self.months_of(loaded[shard_of(kind, value, self.shards)].get(kind, {}).get(value, ""))

        allowed = []
        for key in wanted:
            pieces = [lookup("t", value) for value in key["t"]] + [lookup("d", value) for value in key["d"]]
            amounts = [lookup("a", value) for value in key["a"]]
            allowed.append((pieces, amounts))
        return [month for month in self.months
                if all(all(month in s for s in pieces) or any(month in s for s in amounts)
                       for pieces, amounts in allowed)]


def entries(records: dict[str, Any]) -> list[tuple[str, str, list[int]]]:
    """A month's items, newest first: voucher, folded text (Chinese date), legs' cents."""
    categories = records["categories"]

    def path(number: int) -> list[str]:
        names: list[str] = []
        at: int | None = number
        while at is not None and len(names) < 8:
            names.insert(0, str(categories[at][0]))
            at = categories[at][1] if len(categories[at]) > 1 else None
        return names

    texts = records["texts"]
    found = []
    previous = ""
    for row in records["items"]:
        if isinstance(row[0], int):
            tail = re.fullmatch(r"(.*?)([0-9]{1,15})", previous, re.S)
            assert tail
            voucher = tail[1] + str(int(tail[2]) + row[0]).zfill(len(tail[2]))
        else:
            voucher = row[0]
        previous = voucher
        date = f"{records['year']}年{records['month']}月{row[1]}日"
        legs = [" ".join(path(leg[0])) for leg in row[4]]
        text = fold("\n".join([voucher, date, texts[row[2]], texts[row[3]], *legs]))
        found.append((voucher, text, [abs(leg[1]) for leg in row[4]]))
    return found[::-1]


def matches(terms: list[tuple[str, tuple[int, int] | None]], text: str, cents: list[int]) -> bool:
    return all(word in text or (rng is not None and any(rng[0] <= c <= rng[1] for c in cents)) for word, rng in terms)


def search(index: Index, query: str) -> dict[str, Any]:
    terms = [(word, amount(word)) for word in fold(query).split()]
    remaining = index.plan(terms)
    candidates = len(remaining)
    found: list[str] = []
    pages = []
    shown = 0
    while True:
        wanted, spent = shown + PAGE, 0
        while remaining and len(found) < wanted and not (spent and spent + index.sizes[remaining[0]] > BUDGET):
            spent += index.sizes[remaining[0]]
            records = index.get(remaining.pop(0) + ".json")
            found += [voucher for voucher, text, cents in entries(records) if matches(terms, text, cents)]
        shown = min(len(found), wanted)
        pages.append({"files": len(index.fetched), "gzip_bytes": sum(index.fetched.values()), "found": len(found)})
        if not remaining and shown >= len(found):
            break
    everything = [voucher for month in index.months
                  for voucher, text, cents in entries(json.loads((index.folder / f"{month}.json").read_bytes()))
                  if matches(terms, text, cents)]
    return {"query": query, "candidate_months": candidates, "months": len(index.months), "first_page": pages[0],
            "all_pages": pages[-1], "pages": len(pages), "same_as_full_scan": found == everything,
            "results": len(everything)}


def typical_queries(index: Index) -> list[str]:
    """A voucher, a payee, 电梯, 物业费, an amount, a month and a voucher prefix, from the site's records."""
    middle = index.months[len(index.months) // 2]
    records = json.loads((index.folder / f"{middle}.json").read_bytes())
    items = entries(records)
    voucher = items[len(items) // 2][0]
    payees = [records["texts"][row[2]] for row in records["items"]]
    payee = max(set(payees), key=payees.count)
    cents = next(c for _, _, legs in items for c in legs if c % 100 and c > 100_00)
    year, month = middle.split("-")
    return [voucher, payee, "电梯", "物业费", f"{cents // 100}.{cents % 100:02d}", str(cents // 100),
            f"{int(year)}年{int(month)}月", voucher[:-2], "电梯 维修"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--compound", default="bench")
    parser.add_argument("--query", action="append", help="a query (repeatable); default: typical ones")
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args(argv)
    queries = args.query or typical_queries(Index.of(args.site, args.compound))
    rows = []
    ok = True
    print(f"{'query':<24} {'months':>9} {'first page: files':>18} {'gzip KB':>8} {'found':>6}  "
          f"{'all pages':>9} {'gzip KB':>8} {'results':>7}  same")
    for query in queries:
        row = search(Index.of(args.site, args.compound), query)
        rows.append(row)
        first, last = row["first_page"], row["all_pages"]
        over = first["gzip_bytes"] > TARGET_GZIP_BYTES
        ok = ok and row["same_as_full_scan"] and not over
        print(f"{query:<24} {row['candidate_months']:>4}/{row['months']:<4} {first['files']:>18} "
              f"{first['gzip_bytes'] / 1000:>8.1f} {first['found']:>6}  {row['pages']:>9} "
              f"{last['gzip_bytes'] / 1000:>8.1f} {row['results']:>7}  {'yes' if row['same_as_full_scan'] else 'NO'}"
              f"{'  over target' if over else ''}")
    total = sum(path.stat().st_size for path in (args.site / args.compound / "search").glob("*.json"))
    print(f"index: {total / 1e6:.2f} MB in {len(list((args.site / args.compound / 'search').glob('*.json')))} files; "
          f"target {TARGET_GZIP_BYTES / 1000:.0f} KB gzipped for a first page: {'met' if ok else 'NOT met'}")
    if args.json:
        args.json.write_text(json.dumps({"queries": rows, "index_bytes": total}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
