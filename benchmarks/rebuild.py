#!/usr/bin/env python3
"""What does a rebuild cost with the rebuild cache, against a full build and against bean-check?

    python benchmarks/rebuild.py [--sizes 10000,100000] [--repeat 1] [--seed 1]

For each size it copies the synthetic books of check_ratio.py (benchmarks/books/<size>/, written by
synth.py) and the project's mkdocs.yml and site_src/ into a temporary repository outside this one
(so the footer names no commit and the cache folder may live beside it), and runs, --repeat times:

    bean-check --no-cache ledgers/bench/main.beancount            the reference
    trustfund build --no-cache                                    full: a cold build, as without a cache
    trustfund build  (twice, the books unchanged)                 the second is "rebuild unchanged"
    trustfund build  (the books without their last month, then    "one new month": the load and the
                      with it)                                     rules run, pages are replayed

each with its own cache folder ($TRUSTFUND_CACHE), and reads the plugin's phase times
($TRUSTFUND_PHASES: gather, render, mkdocs). It reports, as ratios in the same run:

    rebuild unchanged / full build                 target <= 0.35
    one new month: render with cache / full render target <= 0.2
    one new month: whole rebuild / full build
    full build / bean-check

and checks that the one-new-month rebuild's site equals the cold build's, file by file (the pages'
build date and the sitemap's aside). Results go to benchmarks/results/rebuild.json. The measure is
the ratio, not the seconds: the machine has 2 cores and is shared.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_ratio import sync_site_sources  # noqa: E402 — the sibling scripts: their books and helpers
from check_ratio import COMPOUND, books_for, head, timed, tool  # noqa: E402

MAIN_FILE = f"ledgers/{COMPOUND}/main.beancount"


def last_month(root: Path) -> Path:
    return sorted((root / "ledgers" / COMPOUND).glob("[0-9][0-9][0-9][0-9]/[01][0-9].beancount"))[-1]


def phases(log: Path) -> dict[str, float]:
    """The last build's phase times from the plugin's log (a restored site runs no plugin: empty)."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return json.loads(lines[-1]) if lines else {}


def build(trustfund: str, root: Path, site: Path, cache: Path, log: Path,
          *options: str) -> tuple[float, dict[str, float]]:
    os.environ["TRUSTFUND_CACHE"], os.environ["TRUSTFUND_PHASES"] = str(cache), str(log)  # for the child
    shutil.rmtree(site, ignore_errors=True)
    run = timed([trustfund, "build", "--site-dir", str(site), *options], root)
    if run.returncode != 0:
        raise SystemExit(f"rebuild: trustfund build failed (exit {run.returncode}):\n{head(run.stderr)}")
    return run.seconds, phases(log)


def differences(one: Path, other: Path) -> list[str]:
    """Files that differ between two built sites, besides the build stamps (footer date, sitemap)."""
    stamps = {"sitemap.xml", "sitemap.xml.gz"}
    found = []
    compared = filecmp.dircmp(one, other)

    def walk(node: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in node.left_only + node.right_only)
        for name in node.diff_files:
            if name not in stamps:
                found.append(prefix + name)
        for name, child in node.subdirs.items():
            walk(child, f"{prefix}{name}/")

    walk(compared, "")
    return found


def measure(size: int, seed: int, books: Path, repeat: int, work: Path) -> dict[str, Any]:
    source, transactions = books_for(size, seed, books)
    root = work / "repo"
    shutil.copytree(source, root, ignore=shutil.ignore_patterns("synth-stamp.json"))
    sync_site_sources(root)
    newest = last_month(root)
    held = work / "held.beancount"
    trustfund, bean_check = tool("trustfund"), tool("bean-check")
    log = work / "phases.jsonl"
    series: dict[str, list[float]] = {name: [] for name in (
        "bean-check", "full", "full render", "rebuild unchanged", "new month", "new month render")}
    mismatched: list[str] = []
    for attempt in range(repeat):
        cache = work / f"cache-{attempt}"
        steps = ["bean-check", "builds"] if attempt % 2 == 0 else ["builds", "bean-check"]
        for step in steps:
            if step == "bean-check":
                run = timed([bean_check, "--no-cache", MAIN_FILE], root)
                series["bean-check"].append(run.seconds)
                print(f"  bean-check: {run.seconds:.2f} s", file=sys.stderr)
                continue
            seconds, times = build(trustfund, root, work / "cold", cache, log, "--no-cache")
            series["full"].append(seconds)
            series["full render"].append(times["render"])
            build(trustfund, root, work / "warm", cache, log)  # fills the cache
            seconds, _ = build(trustfund, root, work / "warm", cache, log)
            series["rebuild unchanged"].append(seconds)
            # One new month: the books without their last month are built with a cache of their own (which
            # then remembers their pages but has no site of the whole books), then the month comes back.
            shutil.move(newest, held)
            try:
                build(trustfund, root, work / "month", work / f"cache-month-{attempt}", log)
            finally:
                shutil.move(held, newest)
            seconds, times = build(trustfund, root, work / "month", work / f"cache-month-{attempt}", log)
            series["new month"].append(seconds)
            series["new month render"].append(times["render"])
            mismatched = differences(work / "cold", work / "month")
            print(f"  full {series['full'][-1]:.2f} s (render {series['full render'][-1]:.2f} s), rebuild unchanged "
                  f"{series['rebuild unchanged'][-1]:.2f} s, new month {seconds:.2f} s "
                  f"(render {times['render']:.2f} s), {len(mismatched)} files differ from the cold build",
                  file=sys.stderr)
            shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(work / f"cache-month-{attempt}", ignore_errors=True)
    median = {name: statistics.median(values) for name, values in series.items()}
    return {
        "transactions": transactions,
        "median_s": {name: round(value, 3) for name, value in median.items()},
        "runs_s": {name: [round(value, 3) for value in values] for name, values in series.items()},
        "ratios": {
            "rebuild unchanged / full build": round(median["rebuild unchanged"] / median["full"], 3),
            "new month render / full render": round(median["new month render"] / median["full render"], 3),
            "new month rebuild / full build": round(median["new month"] / median["full"], 3),
            "full build / bean-check": round(median["full"] / median["bean-check"], 3),
        },
        "new month site differs from cold build in": mismatched[:20],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated transaction counts")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement (median taken)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--books", type=Path, default=HERE / "books", help="where the synthetic books are cached")
    parser.add_argument("--results", type=Path, default=HERE / "results" / "rebuild.json")
    args = parser.parse_args(argv)
    results = []
    failed = False
    for size in (int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()):
        print(f"size {size}:", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="trustfund-rebuild-") as work:
            result = measure(size, args.seed, args.books.resolve(), args.repeat, Path(work))
        results.append(result)
        for name, ratio in result["ratios"].items():
            print(f"  {name}: {ratio:.3f}", file=sys.stderr)
        if result["new month site differs from cold build in"]:
            failed = True
            print("  the new-month site differs from a cold build: "
                  f"{result['new month site differs from cold build in']}", file=sys.stderr)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps([r["ratios"] for r in results], indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
