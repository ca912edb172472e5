"""Replay the fictitious example books into a fresh git repository, as a compound would have kept them.

The example site's history page and closed-month marks are built from this
repository, so its history is real: every commit is SSH-signed with the
example keys in ``examples/keys/`` (deliberately public, fictitious):

- the root commit adopts the compounds (profiles, charts of accounts, site
  configuration), signed by a committee key;
- each notice and budget is committed on its date by the compound's committee;
- each month's journal and vouchers are committed by the treasurer on a branch
  and merged into main by a merge commit "Merge pull request #N …";
- each past month is closed by the supervisor's signed tag
  ``close/<compound>/<YYYY-MM>``; the last ``--open`` months stay open.

``trustfund verify <root>..HEAD`` passes over the whole history.

    python examples/replay_history.py build/demo
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPOUNDS = ("qingshui-garden", "hetang-court")
ROLES = ("treasurer", "committee", "supervisor")
SUFFIX = {"qingshui-garden": "qs", "hetang-court": "ht"}


@dataclass(frozen=True)
class Event:
    date: datetime.date
    order: int  # within a day: notices 0, budgets 1, months 2, closings 3
    compound: str
    kind: str
    subject: str
    payload: str


class Replay:
    def __init__(self, dest: Path, keys: Path) -> None:
        self.dest = dest
        self.keys = keys
        self.pull_requests = 0

    def git(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = subprocess.run(["git", "-C", str(self.dest), *args], capture_output=True, text=True,
                                env={**os.environ, **(env or {})}, check=False)
        if result.returncode != 0:
            raise SystemExit(f"git {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    def identity(self, compound: str, role: str, date: datetime.date) -> tuple[list[str], dict[str, str]]:
        principal = principal_of(compound, role)
        stamp = f"{date.isoformat()}T10:00:00+08:00"
        return (["-c", f"user.name=Example {role} of {compound}", "-c", f"user.email={principal}@example.invalid",
                 "-c", "gpg.format=ssh", "-c", f"user.signingkey={self.keys / compound / principal}"],
                {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp})

    def commit(self, compound: str, role: str, date: datetime.date, message: str) -> None:
        options, env = self.identity(compound, role, date)
        self.git("add", "-A")
        self.git(*options, "commit", "-q", "-S", "-m", message, env=env)

    def copy(self, relative: str) -> None:
        source, target = ROOT / relative, self.dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)

    def month(self, event: Event) -> None:
        compound, month = event.compound, event.payload
        year, number = month.split("-")
        branch = f"treasurer/{compound}/{month}"
        self.git("checkout", "-q", "-b", branch)
        self.copy(f"ledgers/{compound}/{year}/{number}.beancount")
        if (ROOT / f"ledgers/{compound}/vouchers/{year}/{number}").is_dir():
            self.copy(f"ledgers/{compound}/vouchers/{year}/{number}")
        last = last_day(month)
        self.commit(compound, "treasurer", last, f"{compound}: books of {month}")
        self.git("checkout", "-q", "main")
        self.pull_requests += 1
        options, env = self.identity(compound, "committee", event.date)
        self.git(*options, "merge", "-q", "--no-ff", "--no-edit", "-m",
                 f"Merge pull request #{self.pull_requests} from {branch}", branch, env=env)
        self.git("branch", "-q", "-d", branch)

    def close(self, event: Event) -> None:
        options, env = self.identity(event.compound, "supervisor", event.date)
        self.git(*options, "tag", "-s", "-m", f"Close {event.compound} {event.payload}: reviewed by the supervisor",
                 f"close/{event.compound}/{event.payload}", env=env)


def principal_of(compound: str, role: str) -> str:
    """The example signer's principal, as compound.yaml lists it (treasurer-qs, committee-ht …)."""
    return f"{role}-{SUFFIX[compound]}"


def last_day(month: str) -> datetime.date:
    year, number = int(month[:4]), int(month[5:])
    return datetime.date(year + (number == 12), number % 12 + 1, 1) - datetime.timedelta(days=1)


def events(open_months: int) -> list[Event]:
    found: list[Event] = []
    for compound in COMPOUNDS:
        for path in sorted((ROOT / "notices" / compound).glob("*.md")):
            found.append(Event(datetime.date.fromisoformat(path.name[:10]), 0, compound, "notice",
                               f"{compound}: notice {path.stem}", path.name))
        for path in sorted((ROOT / "budgets" / compound).glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            approved_by = next(line.split(":", 1)[1].strip() for line in text.split("\n")
                               if line.startswith("approved_by:"))
            found.append(Event(datetime.date.fromisoformat(approved_by[:10]), 1, compound, "budget",
                               f"{compound}: budget {path.stem} as approved by {approved_by}", path.name))
            for line in text.split("\n"):
                if line.strip().startswith("- approved_by:"):
                    vote = line.split(":", 1)[1].strip()
                    found.append(Event(datetime.date.fromisoformat(vote[:10]), 1, compound, "amendment",
                                       f"{compound}: budget {path.stem} amended by {vote}", path.name))
        months = sorted(f"{p.parent.name}-{p.stem}" for p in (ROOT / "ledgers" / compound).glob("20*/*.beancount"))
        for index, month in enumerate(months):
            merged = last_day(month) + datetime.timedelta(days=3)
            found.append(Event(merged, 2, compound, "month", f"{compound}: books of {month}", month))
            if index < len(months) - open_months:
                found.append(Event(merged + datetime.timedelta(days=7), 3, compound, "close", month, month))
    return sorted(found, key=lambda e: (e.date, e.order, e.compound, e.payload))


def replay(dest: Path, open_months: int) -> Replay:
    if dest.exists() and any(dest.iterdir()):
        raise SystemExit(f"{dest} is not empty; give a new folder")
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        keys = Path(folder)
        for compound in COMPOUNDS:
            for role in ROLES:
                principal = principal_of(compound, role)
                (keys / compound).mkdir(exist_ok=True)
                shutil.copy(ROOT / "examples" / "keys" / compound / principal, keys / compound / principal)
                os.chmod(keys / compound / principal, 0o600)  # ssh-keygen refuses a readable private key
        run = Replay(dest, keys)
        run.git("init", "-q", "-b", "main")
        for relative in ("mkdocs.yml", "site_src"):
            run.copy(relative)
        (dest / "README.md").write_text(
            "# 示例账本仓库 · Example books repository\n\n虚构示例：由 examples/replay_history.py 生成。\n"
            "Fictitious example, made by examples/replay_history.py.\n", encoding="utf-8")
        for compound in COMPOUNDS:
            for name in ("compound.yaml", "main.beancount", "accounts.beancount"):
                run.copy(f"ledgers/{compound}/{name}")
        first = min(e.date for e in events(open_months)) - datetime.timedelta(days=1)
        run.commit(COMPOUNDS[0], "committee", first, "Adopt the compounds' books: profiles, signers, accounts, site")
        for event in events(open_months):
            if event.kind == "notice":
                run.copy(f"notices/{event.compound}/{event.payload}")
                run.commit(event.compound, "committee", event.date, event.subject)
            elif event.kind in ("budget", "amendment"):
                source = (ROOT / "budgets" / event.compound / event.payload).read_text(encoding="utf-8")
                text = source if event.kind == "amendment" else source.split("\namendments:")[0].rstrip() + "\n"
                target = dest / "budgets" / event.compound / event.payload
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
                run.commit(event.compound, "committee", event.date, event.subject)
            elif event.kind == "month":
                run.month(event)
            else:
                run.close(event)
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="a new folder for the repository")
    parser.add_argument("--open", type=int, default=2, help="how many of the latest months stay open")
    args = parser.parse_args()
    run = replay(args.dest.resolve(), args.open)
    commits = run.git("rev-list", "--count", "HEAD")
    tags = len(run.git("tag", "-l", "close/*").split())
    print(f"replayed the example books into {args.dest}: {commits} commits, {run.pull_requests} merged pull "
          f"requests, {tags} closed months", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
