#!/usr/bin/env python3
"""How long the history page's git reading takes, cold and warm, against the full build of the same repository.

    python benchmarks/history.py [--commits 2000] [--transactions 100000] [--repeat 1]

makes (once; kept under build/history-bench/) a git repository of synthetic books (benchmarks/synth.py)
with a signed history, as a compound would keep it:

- a root commit with the profile, chart of accounts, roster, budgets and budget votes, signed by the
  committee, whose keys are made here with ssh-keygen (the profile lists them; nothing personal);
- each month on a branch ``treasurer/<YYYY-MM>``: the month's journal written in about
  (commits - 1) / months - 1 signed commits by the treasurer, each adding the next entries to the file (the
  first also adds the month's vouchers), merged into main by the committee as "Merge pull request #N";
- every month but the last closed by the supervisor's signed tag ``close/bench/<YYYY-MM>``.

Then, in fresh processes, it times ``load_history`` (the reading of git behind /<compound>/history/, closed
months and the "entered / last changed" dates) with an empty cache folder (cold) and again with the folder
that run filled (warm), the full ``trustfund build`` of the repository (its history warm) and, for scale,
``bean-check``, and reports history / build for both. Timings on a shared machine are noisy: runs alternate
cold and warm, and the ratios are what to compare. Targets (issue 14): warm <= 0.1x, cold <= 1.0x of the build.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
COMPOUND = "bench"
ROLES = ("treasurer", "committee", "supervisor")
ENTRY = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) ", re.M)

MEASURE = """
import json, sys, time
from pathlib import Path
from generator.audit import git
from generator.audit.history import load_history
processes = 0
run = git.Git._run
def counted(self, *args, **kwargs):
    global processes
    processes += 1
    return run(self, *args, **kwargs)
git.Git._run = counted
started = time.perf_counter()
history = load_history(Path(sys.argv[1]), sys.argv[2])
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "processes": processes, "changes": len(history.changes),
                  "signed": sum(1 for c in history.changes if c.verified),
                  "closed": sum(1 for c in history.closed if c.supervisor)}))
"""


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, check=False)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args[:3])} failed: {done.stderr.strip()}")
    return done.stdout.strip()


class Maker:
    """Writes the signed history of the synthetic books into a fresh repository."""

    def __init__(self, repo: Path, keys: Path) -> None:
        self.repo = repo
        self.keys = keys
        self.pull_requests = 0
        self.commits = 0

    def identity(self, role: str, day: str) -> tuple[list[str], dict[str, str]]:
        stamp = f"{day}T18:00:00+08:00"
        return (["-c", f"user.name=Benchmark {role}", "-c", f"user.email={role}@bench.invalid", "-c", "gpg.format=ssh",
                 "-c", f"user.signingkey={self.keys / role}"],
                {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})

    def commit(self, role: str, day: str, message: str, *paths: str) -> None:
        options, env = self.identity(role, day)
        git(self.repo, "add", "--", *paths)
        git(self.repo, *options, "commit", "-q", "-S", "--no-verify", "-m", message, env=env)
        self.commits += 1

    def month(self, year: str, month: str, text: str, commits: int, close: bool) -> None:
        entries = text.rstrip("\n").split("\n\n")
        journal = f"ledgers/{COMPOUND}/{year}/{month}.beancount"
        vouchers = f"ledgers/{COMPOUND}/vouchers/{year}/{month}"
        branch = f"treasurer/{year}-{month}"
        git(self.repo, "checkout", "-q", "-b", branch)
        (self.repo / journal).parent.mkdir(parents=True, exist_ok=True)
        parts = max(1, min(commits, len(entries)))
        written = 0
        day = f"{year}-{month}-01"
        for part in range(parts):
            upto = round(len(entries) * (part + 1) / parts)
            chunk = entries[written:upto]
            written = upto
            days = [match.group(0).strip() for entry in chunk if (match := ENTRY.match(entry))]
            day = max(days, default=day)
            with (self.repo / journal).open("a", encoding="utf-8") as out:
                out.write(("\n\n" if part else "") + "\n\n".join(chunk) + ("\n" if part == parts - 1 else ""))
            paths = [journal, vouchers] if part == 0 and (self.repo / vouchers).exists() else [journal]
            self.commit("treasurer", day, f"{year}-{month}: entries {written - len(chunk) + 1}-{written}", *paths)
        git(self.repo, "checkout", "-q", "main")
        self.pull_requests += 1
        options, env = self.identity("committee", day)
        git(self.repo, *options, "merge", "-q", "--no-ff", "--no-edit", "-m",
            f"Merge pull request #{self.pull_requests} from {branch}", branch, env=env)
        git(self.repo, "branch", "-q", "-D", branch)
        self.commits += 1
        if close:
            options, env = self.identity("supervisor", day)
            git(self.repo, *options, "tag", "-s", "-m", f"Close {COMPOUND} {year}-{month}",
                f"close/{COMPOUND}/{year}-{month}", env=env)


def make_repository(place: Path, commits: int, transactions: int) -> Path:
    """The benchmark repository for these sizes, made once and reused while its marker matches."""
    repo = place / "repo"
    marker = place / "made.json"
    wanted = {"commits": commits, "transactions": transactions, "version": 1}
    if marker.is_file() and json.loads(marker.read_text()) == wanted and (repo / ".git").is_dir():
        return repo
    if place.exists():
        shutil.rmtree(place)
    keys = place / "keys"
    keys.mkdir(parents=True)
    started = time.perf_counter()
    for role in ROLES:
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{role}-bench", "-f", str(keys / role)],
                       check=True)
    books = place / "books"
    subprocess.run([sys.executable, str(HERE / "synth.py"), "--transactions", str(transactions), "--out", str(books)],
                   check=True)
    repo.mkdir()
    ledger = books / "ledgers" / COMPOUND
    journals = sorted(ledger.glob("20[0-9][0-9]/[01][0-9].beancount"))
    months = len(journals)
    per_month = max(1, (commits - 1 - months) // months)
    extra = max(0, commits - 1 - months - per_month * months)
    # The profile lists the keys made here instead of synth's fixed ones.
    profile = (ledger / "compound.yaml").read_text(encoding="utf-8").split("signers:")[0] + "signers:\n" + "".join(
        f'  - {{principal: {role}-bench, role: {role}, key: "{(keys / f"{role}.pub").read_text().split()[0]} '
        f'{(keys / f"{role}.pub").read_text().split()[1]}"}}\n' for role in ROLES)
    target = repo / "ledgers" / COMPOUND
    target.mkdir(parents=True)
    (target / "compound.yaml").write_text(profile, encoding="utf-8")
    for name in ("main.beancount", "accounts.beancount", "units.csv"):
        shutil.copy2(ledger / name, target / name)
    shutil.copytree(books / "budgets", repo / "budgets")
    shutil.copytree(books / "notices", repo / "notices")
    shutil.copy2(REPO / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(REPO / "site_src", repo / "site_src")
    (repo / ".gitignore").write_text("*.picklecache\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    maker = Maker(repo, keys)
    maker.commit("committee", journals[0].parent.name + "-01-01", "The compound's books as the assembly adopted them",
                 ".")
    for index, journal in enumerate(journals):
        year, month = journal.parent.name, journal.stem
        shutil.copytree(ledger / "vouchers" / year / month, target / "vouchers" / year / month)
        maker.month(year, month, journal.read_text(encoding="utf-8"), per_month + (1 if index < extra else 0),
                    close=index < months - 1)
        print(f"  {year}-{month}: {maker.commits} commits, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    shutil.rmtree(books)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    print(f"made {repo}: {maker.commits} commits, {maker.pull_requests} merged pull requests, {months - 1} closed "
          f"months in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return repo


def history_run(repo: Path, cache: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(repo), COMPOUND], capture_output=True, text=True,
                          env={**os.environ, "TRUSTFUND_CACHE": str(cache)}, cwd=REPO, check=False)
    if done.returncode != 0:
        raise SystemExit(f"load_history failed: {done.stderr.strip()[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def build_run(repo: Path, cache: Path, site: Path) -> float:
    trustfund = Path(sys.executable).parent / "trustfund"
    started = time.perf_counter()
    done = subprocess.run([str(trustfund), "--root", str(repo), "build", "--site-dir", str(site)],
                          capture_output=True, text=True, env={**os.environ, "TRUSTFUND_CACHE": str(cache)},
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"trustfund build failed: {(done.stdout + done.stderr).strip()[-2000:]}")
    return seconds


def bean_check_run(repo: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "bean-check"), "--no-cache",
                           str(repo / "ledgers" / COMPOUND / "main.beancount")], capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bean-check failed: {(done.stdout + done.stderr).strip()[-2000:]}")
    return seconds


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=2000, help="commits in the history (default 2000)")
    parser.add_argument("--transactions", type=int, default=100_000, help="transactions in the books (default 100k)")
    parser.add_argument("--repeat", type=int, default=1, help="cold and warm history runs each (median taken)")
    parser.add_argument("--place", type=Path, default=None,
                        help="where the repository is kept (default build/history-bench/<transactions>-<commits>)")
    parser.add_argument("--no-build", action="store_true", help="time the history only, not the full build")
    args = parser.parse_args(argv)
    place = (args.place or REPO / "build" / "history-bench" / f"{args.transactions}-{args.commits}").resolve()
    repo = make_repository(place, args.commits, args.transactions)
    scratch = Path(tempfile.mkdtemp(prefix="tf-history-"))
    try:
        cold: list[float] = []
        warm: list[float] = []
        facts: dict[str, float] = {}
        for attempt in range(args.repeat):
            cache = scratch / f"cache-{attempt}"
            first = history_run(repo, cache)
            second = history_run(repo, cache)
            cold.append(first["seconds"])
            warm.append(second["seconds"])
            facts = {"cold processes": first["processes"], "warm processes": second["processes"],
                     "changes": first["changes"], "signed": first["signed"], "closed": first["closed"]}
            if first != {**second, "seconds": first["seconds"], "processes": first["processes"]}:
                raise SystemExit(f"the warm history differs from the cold one: {first} / {second}")
            print(f"  history cold {first['seconds']:.2f} s ({first['processes']:.0f} git processes), "
                  f"warm {second['seconds']:.2f} s ({second['processes']:.0f})", file=sys.stderr)
        build = bean_check = None
        if not args.no_build:
            build = build_run(repo, scratch / f"cache-{args.repeat - 1}", scratch / "site")
            print(f"  trustfund build (history warm): {build:.2f} s", file=sys.stderr)
            bean_check = bean_check_run(repo)
            print(f"  bean-check: {bean_check:.2f} s", file=sys.stderr)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    commits = int(git(repo, "rev-list", "--count", "HEAD"))
    print(f"\nhistory of {commits} commits, {args.transactions} transactions "
          f"({facts['changes']:.0f} changes shown, {facts['signed']:.0f} signed, {facts['closed']:.0f} closed months)")
    print("| measure | seconds | ratio to build | target |\n| --- | --- | --- | --- |")
    ratio = (lambda seconds: f"{seconds / build:.3f}") if build else (lambda seconds: "-")
    print(f"| history cold ({facts['cold processes']:.0f} git processes) | {median(cold):.2f} | "
          f"{ratio(median(cold))} | <= 1.0 |")
    print(f"| history warm ({facts['warm processes']:.0f} git processes) | {median(warm):.2f} | "
          f"{ratio(median(warm))} | <= 0.1 |")
    if build and bean_check:
        print(f"| trustfund build | {build:.2f} | 1 | |")
        print(f"| bean-check (for scale) | {bean_check:.2f} | {bean_check / build:.3f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
