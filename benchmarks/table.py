#!/usr/bin/env python3
"""Every figure of the performance goals in one table, from one run of the benchmark scripts.

    python benchmarks/table.py [--sizes 20000,100000] [--repeat 2] [--compounds 100] [--skip-run]

runs, one after another on the same machine (nothing else should run meanwhile):

    check_ratio.py --sizes S --repeat R          trustfund check / bean-check
    build_ratio.py --sizes S --repeat R --keep   build / bean-check, peak memory, largest page, site per txn
    rebuild.py --sizes S                         rebuild unchanged, one new month (render and whole)
    history.py                                   a 2,000-commit, 100k-transaction signed history, cold and warm
    search_fetch.py <the kept 100k site>         gzipped bytes one search fetches
    district.py --compounds N                    N compounds x 10k transactions: one build, parts + assemble

and prints the table (Markdown) that benchmarks/README.md keeps, with the command that made it. With
--skip-run it only reads the scripts' last results in benchmarks/results/. Every figure is a ratio against
bean-check (or against the full build) measured in the same run: seconds depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def run(script: str, *args: str) -> None:
    command = [sys.executable, str(HERE / script), *args]
    print("$ " + " ".join(command[1:]), file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stderr[-3000:])
    if done.returncode != 0:
        print(f"{script} exited {done.returncode}", file=sys.stderr)


def load(name: str) -> Any:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def by_size(rows: list[dict[str, Any]] | dict[str, Any] | None) -> dict[Any, dict[str, Any]]:
    """A script's results by size (its file holds them under "results", beside when and where it ran)."""
    if isinstance(rows, dict):
        rows = rows.get("results")
    return {row.get("size", row.get("transactions")): row for row in rows or []}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,100000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--compounds", type=int, default=100)
    parser.add_argument("--skip-run", action="store_true", help="only read the last results")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    kept: Path | None = None
    if not args.skip_run:
        run("check_ratio.py", "--sizes", args.sizes, "--repeat", str(args.repeat))
        run("build_ratio.py", "--sizes", args.sizes, "--repeat", str(args.repeat), "--keep")
        largest = by_size((load("build.json") or {}).get("results")).get(max(sizes), {})
        kept = Path(largest["kept_site"]) if "kept_site" in largest else None
        run("rebuild.py", "--sizes", args.sizes)
        run("history.py")
        if kept is not None:
            run("search_fetch.py", str(kept), "--json", str(RESULTS / "search.json"))
            shutil.rmtree(kept.parent, ignore_errors=True)
        run("district.py", "--compounds", str(args.compounds), "--transactions", "10000", "--jobs", "2")
    checks, builds = by_size(load("check.json")), by_size((load("build.json") or {}).get("results"))
    rebuilds, history = by_size(load("rebuild.json")), load("history.json")
    search, district = load("search.json"), load("district.json")

    def cell(value: Any, form: str = "{:.2f}") -> str:
        return "–" if value is None else form.format(value)

    lines = ["| measure | goal | " + " | ".join(f"{size:,} transactions" for size in sizes) + " |",
             "| --- | --- | " + " | ".join("---:" for _ in sizes) + " |"]

    def row(name: str, goal: str, values: list[str]) -> None:
        lines.append(f"| {name} | {goal} | " + " | ".join(values) + " |")

    row("check / bean-check", "≤ 1.2", [cell(checks.get(s, {}).get("ratio")) for s in sizes])
    row("build / bean-check (wall)", "≤ 1.3 (20k), ≤ 1.15 (100k)",
        [cell(builds.get(s, {}).get("ratio")) for s in sizes])
    row("build / bean-check (CPU, all processes)", "–", [cell(builds.get(s, {}).get("cpu_ratio")) for s in sizes])
    row("peak RSS / bean-check's", "≤ 1.5", [cell(builds.get(s, {}).get("rss_ratio")) for s in sizes])
    row("rebuild unchanged / full build", "≤ 0.35",
        [cell(rebuilds.get(s, {}).get("ratios", {}).get("rebuild unchanged / full build")) for s in sizes])
    row("one new month: rendering / full rendering", "≤ 0.2",
        [cell(rebuilds.get(s, {}).get("ratios", {}).get("new month render / full render")) for s in sizes])
    row("one new month: whole rebuild / full build", "–",
        [cell(rebuilds.get(s, {}).get("ratios", {}).get("new month rebuild / full build")) for s in sizes])
    row("largest page", "≤ 300 KB",
        [cell((builds.get(s, {}).get("site", {}).get("largest_pages") or [{}])[0].get("bytes"), "{:,} B")
         for s in sizes])
    row("site per transaction (both languages)", "≤ 600 B",
        [cell(builds.get(s, {}).get("site", {}).get("bytes_per_transaction"), "{:,.0f} B") for s in sizes])
    if search:
        worst = max((query["first_page"]["gzip_bytes"] for query in search.get("queries", [])
                     if "first_page" in query), default=None)
        lines.append(f"| one search, first page of results, gzipped (worst of {len(search.get('queries', []))} "
                     f"queries, 100k) | ≤ 150 KB | {cell(worst, '{:,} B')} |")
    if history:
        lines.append(f"| history of {history['commits']:,} commits at {history['transactions']:,} transactions, "
                     f"cold / build | ≤ 1.0 | {cell(history.get('cold_ratio'))} ({history['cold_s']:.1f} s) |")
        lines.append(f"| the same, warm / build | ≤ 0.1 | {cell(history.get('warm_ratio'), '{:.3f}')} "
                     f"({history['warm_s']:.2f} s) |")
    if district:
        n, each = district["compounds"], district["transactions_each"]
        lines.append(f"| district of {n} × {each:,}: one build / {n} × bean-check | – | "
                     f"{district['whole_ratio']:.2f} ({district['whole_s']:.0f} s) |")
        lines.append(f"| the same as parts, {district['jobs']} at a time, + assemble | – | "
                     f"{district['parallel_ratio']:.2f} ({district['parallel_s']:.0f} s, assemble "
                     f"{district['parallel_assembly_s']:.1f} s) |")
        lines.append(f"| the same as parts one by one + assemble | – | {district['sequential_ratio']:.2f} "
                     f"({district['sequential_s']:.0f} s) |")
        lines.append(f"| district site | – | {district['site_bytes_parts'] / 1e6:,.0f} MB, "
                     f"{district['site_bytes_per_transaction']:,.0f} B per transaction |")
    table = "\n".join(lines)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "table.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
