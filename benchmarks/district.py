#!/usr/bin/env python3
"""What a district of many compounds costs to publish: one build, parts two at a time, parts one by one.

    python benchmarks/district.py [--compounds 100] [--transactions 10000] [--jobs 2] [--seed 1] [--compare]

A synthetic district: one compound's books from synth.py (``--transactions``; cached by check_ratio.py's
books_for under benchmarks/books/<T>/, which git ignores), laid out --compounds times under
``build/district/<N>x<T>/`` (hard links, not copies: each compound gets its own id, name and profile
but the same ledger, so every compound costs the same and the figures scale cleanly), with the project's
mkdocs.yml and site_src/. Then, in one run, with one SOURCE_DATE_EPOCH:

    bean-check --no-cache ledgers/<one compound>/main.beancount        (the unit of cost)
    (a) trustfund build --site-dir whole/                              one process, every compound
    (b) trustfund build --compound ID --part parts/ID, --jobs at a time, then trustfund assemble
    (c) the same part builds one after another, then trustfund assemble

and reports each one's wall time and its ratio to N x one compound's bean-check, the assembly's own time,
the peak RSS of the largest process, and the size of each site (bytes, and per transaction). With
--compare, the sites of (a) and (b) are compared file by file (they must be equal). Results also go to
benchmarks/results/district.json.

The measure is the ratio, not the absolute times: those depend on the machine, and the machine's other
work (alternate runs when comparing).
"""

from __future__ import annotations

import argparse
import datetime
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from check_ratio import COMPOUND, Run, _commit, books_for, timed, tool  # noqa: E402 — the sibling script

EPOCH = "1790000000"  # one build date for every process of the run, as the publish workflow gives its jobs


@dataclass
class Timing:
    seconds: float
    max_rss_kb: int


def district_for(compounds: int, transactions: int, seed: int) -> tuple[Path, list[str], int]:
    """The synthetic district's repository (made once per size), its compound ids and transactions each."""
    books, counted = books_for(transactions, seed, HERE / "books")
    root = REPO / "build" / "district" / f"{compounds}x{transactions}-seed{seed}"
    ids = [f"c{number:03d}" for number in range(compounds)]
    stamp = root / "district-stamp.json"
    wanted = {"compounds": compounds, "source": str(books), "counted": counted,
              "source_stamp": (books / "synth-stamp.json").read_text(encoding="utf-8")}
    if not (stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == wanted):
        if root.exists():
            shutil.rmtree(root)
        profile = (books / "ledgers" / COMPOUND / "compound.yaml").read_text(encoding="utf-8")
        for number, cid in enumerate(ids):
            for area in ("ledgers", "budgets", "notices"):
                source = books / area / COMPOUND
                if source.is_dir():
                    shutil.copytree(source, root / area / cid, copy_function=os.link)
            own = root / "ledgers" / cid / "compound.yaml"
            own.unlink()  # a link to the source's: written afresh
            own.write_text(_renamed(profile, number), encoding="utf-8")
        stamp.write_text(json.dumps(wanted), encoding="utf-8")
    for name in ("mkdocs.yml", "site_src"):  # afresh: the project's current configuration
        target = root / name
        if target.is_dir():
            shutil.rmtree(target)
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, target)
    return root, ids, counted


def _renamed(profile: str, number: int) -> str:
    """The profile with the compound's own names (its first ``name:`` and ``name_en:`` lines)."""
    lines, named = [], set()
    for line in profile.splitlines():
        key = line.split(":", 1)[0]
        if key in ("name", "name_en") and key not in named and not line.startswith(" "):
            named.add(key)
            line = f"name: 合成小区{number:03d}" if key == "name" else f"name_en: Synthetic Compound {number:03d}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def run(command: list[str], cwd: Path) -> Run:
    result = timed(command, cwd)
    if result.returncode != 0:
        raise SystemExit(f"district: {' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return result


def parts(trustfund: str, root: Path, ids: list[str], out: Path, jobs: int) -> tuple[Timing, Timing]:
    """Every compound's part, ``jobs`` at a time, then the assembly: (the whole, the assembly alone)."""
    started = time.perf_counter()
    peak = 0
    waiting = list(ids)
    running: dict[int, tuple[subprocess.Popen[bytes], str, IO[bytes]]] = {}
    while waiting or running:
        while waiting and len(running) < jobs:
            cid = waiting.pop(0)
            log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 — closed when its process has ended
            process = subprocess.Popen([trustfund, "build", "--compound", cid, "--part", str(out / "parts" / cid)],
                                       cwd=root, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
            running[process.pid] = (process, cid, log)
        pid, status, usage = os.wait4(-1, 0)
        if pid not in running:
            continue
        process, cid, done = running.pop(pid)
        peak = max(peak, usage.ru_maxrss)
        with done:
            if os.waitstatus_to_exitcode(status) != 0:
                done.seek(0)
                raise SystemExit(f"district: the part of {cid} failed:\n{done.read().decode()[-2000:]}")
    assembly = run([trustfund, "assemble", *(str(out / "parts" / cid) for cid in ids), "--site-dir",
                    str(out / "site")], root)
    return (Timing(time.perf_counter() - started, max(peak, assembly.max_rss_kb)),
            Timing(assembly.seconds, assembly.max_rss_kb))


def size_of(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compounds", type=int, default=100)
    parser.add_argument("--transactions", type=int, default=10000, help="per compound")
    parser.add_argument("--jobs", type=int, default=2, help="part builds at a time in (b)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compare", action="store_true", help="compare the sites of (a) and (b) file by file")
    args = parser.parse_args(argv)
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    os.environ.setdefault("TRUSTFUND_CACHE", str(REPO / "build" / "district-cache"))
    root, ids, counted = district_for(args.compounds, args.transactions, args.seed)
    trustfund, bean_check = tool("trustfund"), tool("bean-check")
    print(f"district: {len(ids)} compounds x {counted} transactions in {root}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="district-", dir=REPO / "build") as scratch:
        out = Path(scratch)
        check = run([bean_check, "--no-cache", f"ledgers/{ids[0]}/main.beancount"], root)
        unit = check.seconds * len(ids)
        whole = run([trustfund, "build", "--site-dir", str(out / "whole")], root)
        parallel, parallel_assembly = parts(trustfund, root, ids, out / "parallel", args.jobs)
        sequential, sequential_assembly = parts(trustfund, root, ids, out / "sequential", 1)
        same = None
        if args.compare:
            same = _same(out / "whole", out / "parallel" / "site")
        sizes = {"whole": size_of(out / "whole"), "parts": size_of(out / "parallel" / "site")}
    figures = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": _commit(), "compounds": len(ids), "transactions_each": counted, "jobs": args.jobs,
        "cpus": os.cpu_count(),
        "bean_check_one_s": round(check.seconds, 3), "bean_check_times_n_s": round(unit, 2),
        "whole_s": round(whole.seconds, 2), "whole_ratio": round(whole.seconds / unit, 3),
        "whole_peak_rss_mb": round(whole.max_rss_kb / 1024, 1),
        "parallel_s": round(parallel.seconds, 2), "parallel_ratio": round(parallel.seconds / unit, 3),
        "parallel_assembly_s": round(parallel_assembly.seconds, 2),
        "parallel_peak_rss_mb": round(parallel.max_rss_kb / 1024, 1),
        "sequential_s": round(sequential.seconds, 2), "sequential_ratio": round(sequential.seconds / unit, 3),
        "sequential_assembly_s": round(sequential_assembly.seconds, 2),
        "site_bytes_whole": sizes["whole"], "site_bytes_parts": sizes["parts"],
        "site_bytes_per_transaction": round(sizes["parts"] / (counted * len(ids)), 1),
        "same_site": same,
    }
    print(f"bean-check, one compound:     {check.seconds:8.2f} s   (x {len(ids)} = {unit:.1f} s)")
    print(f"(a) one build:                {whole.seconds:8.2f} s   {whole.seconds / unit:6.2f} x N bean-check   "
          f"peak {whole.max_rss_kb / 1024:.0f} MB")
    print(f"(b) parts, {args.jobs} at a time + assemble: {parallel.seconds:8.2f} s   "
          f"{parallel.seconds / unit:6.2f} x   "
          f"(assemble {parallel_assembly.seconds:.2f} s, peak {parallel.max_rss_kb / 1024:.0f} MB)")
    print(f"(c) parts one by one + assemble: {sequential.seconds:8.2f} s   {sequential.seconds / unit:6.2f} x   "
          f"(assemble {sequential_assembly.seconds:.2f} s)")
    print(f"site: {sizes['whole'] / 1e6:.1f} MB whole, {sizes['parts'] / 1e6:.1f} MB assembled, "
          f"{figures['site_bytes_per_transaction']} B per transaction" +
          ("" if same is None else f"; assembled == whole: {same}"))
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / "district.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0 if same in (None, True) else 1


def _same(left: Path, right: Path) -> bool:
    comparison = filecmp.dircmp(left, right)
    pending = [comparison]
    while pending:
        current = pending.pop()
        if current.left_only or current.right_only or current.funny_files:
            return False
        _, mismatch, errors = filecmp.cmpfiles(current.left, current.right, current.common_files, shallow=False)
        if mismatch or errors:
            return False
        pending.extend(current.subdirs.values())
    return True


if __name__ == "__main__":
    sys.exit(main())
