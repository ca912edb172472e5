"""The ``trustfund`` command line. Exit 0 clean, 1 findings, 2 usage or setup error."""

from __future__ import annotations

import argparse
import gc
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from generator.audit import diff as bookdiff
from generator.audit.closing import ClosingError, close_month, closed_month_problems
from generator.audit.git import GitError
from generator.audit.verify import render as render_refusals
from generator.audit.verify import verify
from generator.books import compound_ids, load_books
from generator.books.scaffold import ScaffoldError, scaffold
from generator.findings import Finding, from_error, render
from generator.publish import SiteBuildError, build_site_into, serve_site

CLEAN, FINDINGS, USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def find_root(start: Path) -> Path:
    """The repository root: the nearest folder at or above ``start`` that has ``ledgers/``."""
    for folder in (start, *start.parents):
        if (folder / "ledgers").is_dir():
            return folder
    raise UsageError(f"no ledgers/ folder in {start} or above it; run trustfund inside a trustfund repository "
                     "or pass --root")


def _ids(root: Path, compound: str | None) -> list[str]:
    if not (root / "ledgers").is_dir():
        raise UsageError(f"{root} has no ledgers/ folder; pass the repository with --root")
    ids = compound_ids(root)
    if compound is not None:
        if compound not in ids:
            raise UsageError(f"no compound '{compound}' under {root / 'ledgers'} "
                             f"(there are: {', '.join(ids) or 'none'})")
        ids = [compound]
    return ids


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    # Beancount reports some errors twice when several validations see them; once is enough.
    return sorted(set(findings), key=lambda f: (f.path, f.line, f.rule, f.message))


def check(root: Path, compound: str | None) -> list[Finding]:
    findings = [from_error(error, root) for compound_id in _ids(root, compound)
                for error in load_books(root, compound_id).errors]
    findings += closed_month_findings(root, compound)
    return _sorted(findings)


def closed_month_findings(root: Path, compound: str | None) -> list[Finding]:
    try:
        return [Finding(path, line, "closed-month", message) for compound_id in _ids(root, compound)
                for path, line, message in closed_month_problems(root, compound_id)]
    except GitError as problem:
        raise UsageError(str(problem)) from None


def _cmd_check(args: argparse.Namespace) -> int:
    root = args.root.resolve() if args.root else find_root(Path.cwd())
    findings = check(root, args.compound)
    output = render(findings, args.format)
    if output:
        print(output)
    if args.format == "text":
        count = len(findings)
        print(f"trustfund check: {count} finding{'s' if count != 1 else ''}", file=sys.stderr)
    return FINDINGS if findings else CLEAN


def _cmd_build(args: argparse.Namespace) -> int:
    root = args.root.resolve() if args.root else find_root(Path.cwd())
    site_dir = (args.site_dir or root / "site").resolve()
    # Left on, the garbage collector re-scans Beancount's millions of live objects again and again
    # while the site is rendered: 6-7 s of a 100k build, for no memory back (measured: same peak RSS).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(root, site_dir)
    finally:
        if collecting:
            gc.enable()


def _build(root: Path, site_dir: Path) -> int:
    books = {compound_id: load_books(root, compound_id) for compound_id in _ids(root, None)}
    findings = _sorted([*(from_error(error, root) for b in books.values() for error in b.errors),
                        *closed_month_findings(root, None)])
    if findings:
        print(render(findings, "text"))
        print(f"trustfund build: {len(findings)} finding(s); nothing was built, {site_dir} is unchanged",
              file=sys.stderr)
        return FINDINGS
    try:
        build_site_into(root, site_dir, books)
    except SiteBuildError as problem:
        print(f"trustfund build: {problem}; {site_dir} is unchanged", file=sys.stderr)
        return USAGE
    print(f"trustfund build: site built into {site_dir}", file=sys.stderr)
    return CLEAN


def _cmd_verify(args: argparse.Namespace) -> int:
    root = args.root.resolve() if args.root else find_root(Path.cwd())
    try:
        refusals = verify(root, args.range)
    except GitError as problem:
        raise UsageError(str(problem)) from None
    output = render_refusals(refusals, args.format)
    if output:
        print(output)
    if args.format == "text":
        print(f"trustfund verify {args.range}: {len(refusals)} refusal{'s' if len(refusals) != 1 else ''}",
              file=sys.stderr)
    return FINDINGS if refusals else CLEAN


def _cmd_diff(args: argparse.Namespace) -> int:
    root = args.root.resolve() if args.root else find_root(Path.cwd())
    try:
        diffs = bookdiff.diff(root, args.base, args.head)
    except GitError as problem:
        raise UsageError(str(problem)) from None
    print(bookdiff.to_json(diffs) if args.format == "json" else bookdiff.to_markdown(diffs, args.base, args.head),
          end="" if args.format == "text" else "\n")
    return CLEAN


def _cmd_close(args: argparse.Namespace) -> int:
    root = args.root.resolve() if args.root else find_root(Path.cwd())
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month):
        raise UsageError(f"month '{args.month}' must be YYYY-MM, e.g. 2026-03")
    findings = check(root, args.compound)
    if findings:
        print(render(findings, "text"))
        print("trustfund close: the books have findings; a month is closed only on clean books", file=sys.stderr)
        return FINDINGS
    try:
        tag = close_month(root, args.compound, args.month)
    except (GitError, ClosingError) as problem:
        raise UsageError(str(problem)) from None
    print(f"trustfund close: {tag} created; push it with: git push origin {tag}", file=sys.stderr)
    return CLEAN


def _cmd_serve(args: argparse.Namespace) -> int:
    root = args.root.resolve() if args.root else find_root(Path.cwd())
    serve_site(root, args.dev_addr)
    return CLEAN


def _cmd_new(args: argparse.Namespace) -> int:
    root = args.root.resolve() if args.root else Path.cwd()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.id):
        raise UsageError(f"compound id '{args.id}' must be lowercase letters, digits and hyphens, e.g. qingshui-garden")
    try:
        written = scaffold(root, args.id, name=args.name, name_en=args.name_en)
    except ScaffoldError as problem:
        raise UsageError(str(problem)) from None
    for path in written:
        print(path.relative_to(root))
    print(f"trustfund new: compound '{args.id}' created; edit ledgers/{args.id}/compound.yaml, then run "
          "trustfund check", file=sys.stderr)
    return CLEAN


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="trustfund", description="Open books for trust-model property management.")
    top.add_argument("--root", type=Path, help="the repository (default: the folder with ledgers/ at or above here)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check_cmd = commands.add_parser("check", help="lint, load every compound, run every rule")
    check_cmd.add_argument("--compound", metavar="ID", help="check only this compound")
    check_cmd.add_argument("--format", choices=("text", "json"), default="text")
    check_cmd.set_defaults(run=_cmd_check)
    build_cmd = commands.add_parser("build", help="check, then build the site; a failed check builds nothing")
    build_cmd.add_argument("--site-dir", type=Path, help="where the site goes (default: site/)")
    build_cmd.set_defaults(run=_cmd_build)
    verify_cmd = commands.add_parser("verify", help="every commit in BASE..HEAD signed by a key allowed to make it")
    verify_cmd.add_argument("range", metavar="BASE..HEAD")
    verify_cmd.add_argument("--format", choices=("text", "json"), default="text")
    verify_cmd.set_defaults(run=_cmd_verify)
    diff_cmd = commands.add_parser("diff", help="what changed in the books between two revisions, as Markdown")
    diff_cmd.add_argument("base", metavar="BASE")
    diff_cmd.add_argument("head", metavar="HEAD", nargs="?", help="default: the working tree")
    diff_cmd.add_argument("--format", choices=("text", "json"), default="text")
    diff_cmd.set_defaults(run=_cmd_diff)
    close_cmd = commands.add_parser("close", help="a supervisor closes a month with a signed tag")
    close_cmd.add_argument("compound", metavar="ID")
    close_cmd.add_argument("month", metavar="YYYY-MM")
    close_cmd.set_defaults(run=_cmd_close)
    serve_cmd = commands.add_parser("serve", help="live preview that rebuilds when the books change")
    serve_cmd.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on")
    serve_cmd.set_defaults(run=_cmd_serve)
    new_cmd = commands.add_parser("new", help="scaffold a compound that passes check")
    new_cmd.add_argument("id", help="the compound id: lowercase letters, digits, hyphens")
    new_cmd.add_argument("--name", help="Chinese name (default: the id)")
    new_cmd.add_argument("--name-en", help="English name (default: the id)")
    new_cmd.set_defaults(run=_cmd_new)
    return top


def main(argv: list[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return USAGE if exit_.code not in (0, None) else CLEAN
    try:
        result: int = args.run(args)
        return result
    except UsageError as problem:
        print(f"trustfund: {problem}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return USAGE
