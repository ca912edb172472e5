#!/usr/bin/env python3
"""How much does `trustfund build` cost over Beancount's own `bean-check`, and how big is the site?

    python benchmarks/build_ratio.py [--sizes 10000,100000] [--repeat 3] [--seed 1] [--profile] [--keep]

For each size it reuses the synthetic books of check_ratio.py (benchmarks/books/<size>/, written by
synth.py and regenerated when the size, seed or synth.py change), copies the project's mkdocs.yml
and site_src/ into them (afresh on every run, so the site is built with the project's current
configuration), then runs, with the synthetic repository as the working directory,

    bean-check --no-cache ledgers/bench/main.beancount     (Beancount's load + the rules plugin)
    trustfund build --site-dir <fresh temporary folder>     (check, then MkDocs + material)

--repeat times each, alternating, and reports the median wall-clock and CPU time, the peak RSS of
each child (os.wait4), their ratios, and the site that was built: pages, the largest HTML page, total
bytes and bytes per transaction (split into HTML, downloads, vouchers, search indexes and theme
assets) and the per-year search index sizes. Results also go to benchmarks/results/build.json.

Targets (at 100,000 transactions): time ratio <= 1.5, peak memory <= 2x bean-check's, no HTML
page over 1 MB (10^6 bytes), the whole site <= 3 KB (3,000 bytes) per transaction. A missed target
is reported, not fatal, unless --strict; a build that fails (or a bean-check that fails) exits 1.

The measure is the ratio, not the absolute times: those depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from check_ratio import (  # noqa: E402 — the sibling script: its books, its result records
    COMPOUND,
    Run,
    Series,
    _commit,
    _version,
    books_for,
    head,
    tool,
)

TARGET_SIZE = 100_000
TARGET_RATIO = 1.5
TARGET_RSS_RATIO = 2.0
TARGET_PAGE_BYTES = 1_000_000
TARGET_BYTES_PER_TRANSACTION = 3_000
CATEGORIES = ("html", "downloads", "vouchers", "search", "assets")
SEARCH_INDEX = re.compile(r"^[^/]+/search/(\d{4}-\d{2}|terms-\d+)\.json$")  # months' records, term shards


@dataclass
class CpuRun(Run):
    cpu_seconds: float = 0.0  # the child's user + system time: steadier than wall clock on a busy machine


def timed(command: list[str], cwd: Path) -> CpuRun:
    """Run a command; wall-clock time, CPU time and the child's own peak RSS (os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return CpuRun(seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
                      out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                      usage.ru_utime + usage.ru_stime)


def cpu_median(series: Series) -> float:
    return statistics.median(run.cpu_seconds for run in series.runs if isinstance(run, CpuRun))


def sync_site_sources(root: Path) -> None:
    """The project's mkdocs.yml and site_src/, copied afresh into the synthetic repository."""
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    target = root / "site_src"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / "site_src", target)


def category(relative: str) -> str:
    parts = relative.split("/")
    if relative.endswith(".html"):
        return "html"
    if len(parts) >= 3 and parts[1] == "data":
        return "downloads"
    if len(parts) >= 3 and parts[1] == "vouchers":
        return "vouchers"
    if SEARCH_INDEX.match(relative):
        return "search"
    return "assets"  # the theme's assets, our CSS and script, sitemap, …


def measure_site(site: Path, transactions: int) -> dict[str, Any]:
    """Pages, the largest page, and where the bytes are."""
    files = sorted((path.relative_to(site).as_posix(), path.stat().st_size)
                   for path in site.rglob("*") if path.is_file())
    total = sum(size for _, size in files)
    by_category: dict[str, dict[str, Any]] = {name: {"files": 0, "bytes": 0} for name in CATEGORIES}
    for relative, size in files:
        entry = by_category[category(relative)]
        entry["files"] += 1
        entry["bytes"] += size
    for entry in by_category.values():
        entry["bytes_per_transaction"] = round(entry["bytes"] / transactions, 1) if transactions else None
    pages = [(relative, size) for relative, size in files if relative.endswith(".html")]
    largest = sorted(pages, key=lambda page: -page[1])[:5]
    downloads = {relative.split("/data/", 1)[1]: size for relative, size in files
                 if category(relative) == "downloads" and "/data/ledger/" not in relative}
    downloads["ledger/ (raw ledger copies)"] = sum(size for relative, size in files if "/data/ledger/" in relative)
    search = {}
    for relative, size in files:
        match = SEARCH_INDEX.match(relative)
        if match:
            search[relative] = size
    return {
        "files": len(files),
        "pages": len(pages),
        "largest_pages": [{"path": relative, "bytes": size} for relative, size in largest],
        "pages_over_1mb": sum(1 for _, size in pages if size > TARGET_PAGE_BYTES),
        "total_bytes": total,
        "bytes_per_transaction": round(total / transactions, 1) if transactions else None,
        "by_category": by_category,
        "downloads": downloads,
        "search_indexes": search,
    }


def report_failure(name: str, command: list[str], root: Path, run: Run) -> None:
    print(f"  {name} ({' '.join(command)}) in {root} exited {run.returncode}", file=sys.stderr)
    if run.stderr.strip():
        print(f"  stderr:\n{head(run.stderr)}", file=sys.stderr)
    if run.stdout.strip():
        print(f"  stdout:\n{head(run.stdout)}", file=sys.stderr)


def profile_build(root: Path, out: Path, site_parent: Path) -> str:
    """Run `trustfund build` once under cProfile; the top of the profile."""
    site = site_parent / "profiled-site"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), str(HERE / "profile_build.py"), "build", "--site-dir",
         str(site)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    shutil.rmtree(site, ignore_errors=True)
    if not out.exists():
        return f"  profiling failed (exit {done.returncode}):\n{head(done.stderr)}"
    stream = io.StringIO()
    stats = pstats.Stats(str(out), stream=stream)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    return stream.getvalue()


def mb(kb: float) -> str:
    return f"{kb / 1024:.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="comma-separated transaction counts (default: 10000,100000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median taken)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--books", type=Path, default=HERE / "books", help="where the synthetic books are cached")
    parser.add_argument("--results", type=Path, default=HERE / "results" / "build.json")
    parser.add_argument("--profile", action="store_true",
                        help="also run trustfund build once under cProfile per size "
                        "(benchmarks/results/build-<size>.prof) and print the top")
    parser.add_argument("--keep", action="store_true",
                        help="keep the last site built per size (its folder is printed) instead of deleting it")
    parser.add_argument("--strict", action="store_true", help="also exit 1 when a target is missed at 100,000")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    args.books = args.books.resolve()
    args.results = args.results.resolve()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    bean_check = tool("bean-check")
    trustfund = tool("trustfund")

    results: list[dict[str, Any]] = []
    failed = False
    for size in sizes:
        print(f"size {size}:", file=sys.stderr)
        root, transactions = books_for(size, args.seed, args.books)
        sync_site_sources(root)
        scratch = Path(tempfile.mkdtemp(prefix=f"tf-build-{size}-"))
        series = {
            "bean-check": Series([bean_check, "--no-cache", f"ledgers/{COMPOUND}/main.beancount"]),
            "trustfund build": Series([trustfund, "build", "--site-dir", "<tmp>"]),
        }
        site_facts: dict[str, Any] | None = None
        kept: Path | None = None
        try:
            for attempt in range(args.repeat):
                # Alternate the order so that neither command always runs on a warmer machine.
                order = list(series.items()) if attempt % 2 == 0 else list(series.items())[::-1]
                for name, measured in order:
                    command = list(measured.command)
                    site = scratch / f"site-{attempt}"
                    if name == "trustfund build":
                        command[-1] = str(site)
                    run = timed(command, root)
                    print(f"  {name}: {run.seconds:.2f} s (cpu {run.cpu_seconds:.2f} s), "
                          f"{run.max_rss_kb / 1024:.0f} MB, exit {run.returncode}", file=sys.stderr)
                    measured.runs.append(run)
                    if run.returncode != 0:
                        failed = True
                        report_failure(name, command, root, run)
                        break
                    if name == "trustfund build":
                        if site_facts is None:
                            site_facts = measure_site(site, transactions)
                        if args.keep and attempt == args.repeat - 1:
                            kept = site
                        else:
                            shutil.rmtree(site, ignore_errors=True)
                if failed:
                    break
            if not failed and args.profile:
                args.results.parent.mkdir(parents=True, exist_ok=True)
                prof = args.results.parent / f"build-{size}.prof"
                print(profile_build(root, prof, scratch), file=sys.stderr)
        finally:
            if kept is None:
                shutil.rmtree(scratch, ignore_errors=True)
        if failed:
            break
        assert site_facts is not None
        check, build = series["bean-check"], series["trustfund build"]
        results.append({
            "size": size,
            "transactions": transactions,
            "bean_check": check.as_json(),
            "trustfund_build": build.as_json(),
            "ratio": round(build.median / check.median, 3),
            "cpu_s": {"bean_check": round(cpu_median(check), 3), "trustfund_build": round(cpu_median(build), 3)},
            "cpu_ratio": round(cpu_median(build) / cpu_median(check), 3),
            "rss_ratio": round(build.max_rss_mb / check.max_rss_mb, 3),
            "site": site_facts,
            **({"kept_site": str(kept)} if kept else {}),
        })
        if kept:
            print(f"  site kept in {kept}", file=sys.stderr)

    if results:
        print_table(results)
        write_results(args, results)

    if failed:
        return 1
    if args.strict and any(not all(verdicts(row).values()) for row in results if row["size"] == TARGET_SIZE):
        return 1
    return 0


def verdicts(row: dict[str, Any]) -> dict[str, bool]:
    site = row["site"]
    return {
        f"time ratio <= {TARGET_RATIO}": row["ratio"] <= TARGET_RATIO,
        f"peak RSS <= {TARGET_RSS_RATIO:g}x bean-check": row["rss_ratio"] <= TARGET_RSS_RATIO,
        "no page over 1 MB": site["pages_over_1mb"] == 0,
        f"site <= {TARGET_BYTES_PER_TRANSACTION} bytes per transaction":
            site["bytes_per_transaction"] <= TARGET_BYTES_PER_TRANSACTION,
    }


def print_table(results: list[dict[str, Any]]) -> None:
    print()
    print(f"{'size':>8} {'bean-check s':>13} {'build s':>8} {'ratio':>6} {'cpu ratio':>9} {'bean-check MB':>14} "
          f"{'build MB':>9} {'RSS ratio':>9} {'pages':>6} {'largest page':>13} {'site MB':>8} {'B/txn':>7}")
    for row in results:
        check, build, site = row["bean_check"], row["trustfund_build"], row["site"]
        print(f"{row['size']:>8} {check['median_s']:>13.2f} {build['median_s']:>8.2f} {row['ratio']:>6.2f} "
              f"{row['cpu_ratio']:>9.2f} "
              f"{check['max_rss_mb']:>14.0f} {build['max_rss_mb']:>9.0f} {row['rss_ratio']:>9.2f} "
              f"{site['pages']:>6} {site['largest_pages'][0]['bytes'] / 1e3:>11.0f}kB "
              f"{site['total_bytes'] / 1e6:>8.1f} {site['bytes_per_transaction']:>7.0f}")
    for row in results:
        site = row["site"]
        print(f"\n{row['size']} transactions: site {site['total_bytes']:,} bytes in {site['files']} files, "
              f"{site['bytes_per_transaction']:,} bytes per transaction")
        for name, entry in site["by_category"].items():
            print(f"  {name:<10} {entry['files']:>6} files {entry['bytes']:>13,} bytes "
                  f"{entry['bytes_per_transaction']:>8,} B/txn")
        print("  largest pages: " + ", ".join(f"{page['path']} ({page['bytes']:,} B)"
                                               for page in site["largest_pages"][:3]))
        print("  downloads: " + ", ".join(f"{name} {size:,} B" for name, size in site["downloads"].items()))
        shards = [size for path, size in site["search_indexes"].items() if "/terms-" in path]
        months = [size for path, size in site["search_indexes"].items() if "/terms-" not in path]
        print(f"  search index: {len(months)} months {sum(months):,} B (largest {max(months, default=0):,} B), "
              f"{len(shards)} term shards {sum(shards):,} B (benchmarks/search_fetch.py: bytes per search)")
    for row in results:
        if row["size"] == TARGET_SIZE:
            print(f"\ntargets at {TARGET_SIZE}:")
            for name, met in verdicts(row).items():
                print(f"  {'met    ' if met else 'NOT met'}  {name}")


def write_results(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    args.results.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "versions": {name: _version(name) for name in ("beancount", "trustfund", "mkdocs", "mkdocs-material",
                                                        "Markdown", "Jinja2")},
        "commit": _commit(),
        "seed": args.seed,
        "repeat": args.repeat,
        "targets": {"size": TARGET_SIZE, "ratio": TARGET_RATIO, "rss_ratio": TARGET_RSS_RATIO,
                    "page_bytes": TARGET_PAGE_BYTES, "bytes_per_transaction": TARGET_BYTES_PER_TRANSACTION},
        "results": [{**row, "targets_met": verdicts(row)} for row in results],
    }
    args.results.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results: {args.results}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
