#!/usr/bin/env python3
"""How much does `trustfund check` cost over Beancount's own `bean-check`?

    python benchmarks/check_ratio.py [--sizes 1000,10000,100000] [--repeat 3] [--seed 1]

For each size it writes synthetic books with benchmarks/synth.py (cached in
benchmarks/books/<size>/, regenerated when the size, seed or synth.py change), then runs, with the
synthetic repository as the working directory,

    bean-check --no-cache ledgers/bench/main.beancount     (Beancount's load + the rules plugin)
    trustfund check                                         (lint, load, rules, budgets, notices)

--repeat times each, alternating, and reports the median wall-clock time, the peak RSS of each
child (os.wait4) and the ratio trustfund / bean-check. Results also go to
benchmarks/results/check.json. Both commands must exit 0 (no findings) on the synthetic books;
otherwise the script prints the head of their output and exits 1.

The measure is the ratio, not the absolute times: those depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
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
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SYNTH = HERE / "synth.py"
COMPOUND = "bench"
TARGET_RATIO = 1.2
TARGET_SIZE = 100_000
HEAD_LINES = 20


@dataclass
class Run:
    seconds: float
    max_rss_kb: int
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Series:
    command: list[str]
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def max_rss_mb(self) -> float:
        return max(run.max_rss_kb for run in self.runs) / 1024

    def as_json(self) -> dict[str, object]:
        return {
            "command": self.command,
            "median_s": round(self.median, 3),
            "runs_s": [round(run.seconds, 3) for run in self.runs],
            "max_rss_mb": round(self.max_rss_mb, 1),
        }


def tool(name: str) -> str:
    """The console script next to this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"check_ratio: {name} not found next to {sys.executable} or on PATH")
    return found


def synth_digest() -> str:
    return hashlib.sha256(SYNTH.read_bytes()).hexdigest()


def count_transactions(root: Path) -> int:
    pattern = re.compile(rb"^\d{4}-\d\d-\d\d [*!] ", re.MULTILINE)
    ledger = root / "ledgers" / COMPOUND
    return sum(len(pattern.findall(path.read_bytes())) for path in ledger.glob("*/*.beancount"))


def books_for(size: int, seed: int, books_dir: Path) -> tuple[Path, int]:
    """Synthetic books of about `size` transactions, generated unless cached."""
    root = books_dir / str(size)
    stamp_path = root / "synth-stamp.json"
    wanted = {"transactions": size, "seed": seed, "synth_sha256": synth_digest()}
    if stamp_path.exists():
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        if all(stamp.get(key) == value for key, value in wanted.items()):
            return root, int(stamp["counted"])
    if root.exists():
        shutil.rmtree(root)
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(SYNTH),
            "--transactions",
            str(size),
            "--out",
            str(root),
            "--seed",
            str(seed),
        ],
        check=True,
    )
    counted = count_transactions(root)
    print(
        f"  generated {counted} transactions in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    stamp_path.write_text(json.dumps({**wanted, "counted": counted}, indent=2), encoding="utf-8")
    return root, counted


def timed(command: list[str], cwd: Path) -> Run:
    """Run a command; wall-clock time and the child's own peak RSS (os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            usage.ru_maxrss,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


def head(text: str) -> str:
    lines = text.splitlines()
    shown = "\n".join(f"    {line}" for line in lines[:HEAD_LINES])
    more = f"\n    ... ({len(lines) - HEAD_LINES} more lines)" if len(lines) > HEAD_LINES else ""
    return shown + more


def profile(root: Path, command: list[str], out: Path) -> str:
    """Run `trustfund check` once under cProfile; the top of the cumulative profile."""
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "generator", *command[1:]],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if not out.exists():
        return f"  profiling failed (exit {done.returncode}):\n{head(done.stderr)}"
    stream = io.StringIO()
    stats = pstats.Stats(str(out), stream=stream)
    stats.sort_stats("cumulative").print_stats(30)
    stats.sort_stats("tottime").print_stats(20)
    return stream.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        help="comma-separated transaction counts (default: 1000,10000,100000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median taken)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--books", type=Path, default=HERE / "books", help="where the synthetic books are cached")
    parser.add_argument("--results", type=Path, default=HERE / "results" / "check.json")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also run trustfund check once under cProfile per size "
        "(benchmarks/results/check-<size>.prof) and print the top",
    )
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=None,
        help="exit 1 if a ratio exceeds this (default: only report)",
    )
    args = parser.parse_args(argv)
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
        main_file = f"ledgers/{COMPOUND}/main.beancount"
        series = {
            "bean-check": Series([bean_check, "--no-cache", main_file]),
            "trustfund check": Series([trustfund, "check"]),
        }
        for attempt in range(args.repeat):
            # Alternate the order so that neither command always runs on a warmer machine.
            order = list(series.items()) if attempt % 2 == 0 else list(series.items())[::-1]
            for name, measured in order:
                run = timed(measured.command, root)
                print(
                    f"  {name}: {run.seconds:.2f} s, {run.max_rss_kb / 1024:.0f} MB, exit {run.returncode}",
                    file=sys.stderr,
                )
                if run.returncode != 0:
                    failed = True
                    print(
                        f"  {name} ({' '.join(measured.command)}) in {root} exited {run.returncode}",
                        file=sys.stderr,
                    )
                    if run.stderr.strip():
                        print(f"  stderr:\n{head(run.stderr)}", file=sys.stderr)
                    if run.stdout.strip():
                        print(f"  stdout:\n{head(run.stdout)}", file=sys.stderr)
                measured.runs.append(run)
            if failed:
                break
        if failed:
            break
        check, ours = series["bean-check"], series["trustfund check"]
        ratio = ours.median / check.median
        results.append(
            {
                "size": size,
                "transactions": transactions,
                "bean_check": check.as_json(),
                "trustfund_check": ours.as_json(),
                "ratio": round(ratio, 3),
                "rss_ratio": round(ours.max_rss_mb / check.max_rss_mb, 3),
            }
        )
        if args.profile:
            args.results.parent.mkdir(parents=True, exist_ok=True)
            prof = args.results.parent / f"check-{size}.prof"
            print(profile(root, ours.command, prof), file=sys.stderr)

    if results:
        print()
        print(
            f"{'size':>8} {'transactions':>12} {'bean-check s':>13} {'trustfund check s':>18} "
            f"{'ratio':>6} {'bean-check MB':>14} {'trustfund MB':>13}"
        )
        for row in results:
            check_json, ours_json = row["bean_check"], row["trustfund_check"]
            print(
                f"{row['size']:>8} {row['transactions']:>12} {check_json['median_s']:>13.2f} "
                f"{ours_json['median_s']:>18.2f} {row['ratio']:>6.2f} "
                f"{check_json['max_rss_mb']:>14.0f} {ours_json['max_rss_mb']:>13.0f}"
            )
        target = [row for row in results if row["size"] == TARGET_SIZE]
        if target:
            verdict = "met" if target[0]["ratio"] <= TARGET_RATIO else "NOT met"
            print(f"\ntarget ratio <= {TARGET_RATIO} at {TARGET_SIZE}: {verdict} ({target[0]['ratio']:.2f})")
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(
            json.dumps(
                {
                    "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                    "machine": {
                        "platform": platform.platform(),
                        "python": platform.python_version(),
                        "cpus": os.cpu_count(),
                    },
                    "beancount": _version("beancount"),
                    "trustfund": _version("trustfund"),
                    "commit": _commit(),
                    "seed": args.seed,
                    "repeat": args.repeat,
                    "results": results,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"results: {args.results}", file=sys.stderr)

    if failed:
        return 1
    if args.max_ratio is not None and any(row["ratio"] > args.max_ratio for row in results):
        return 1
    return 0


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() or None


if __name__ == "__main__":
    sys.exit(main())
