"""The ``trustfund`` command line: it parses arguments and prints; the work is done in the rooms below.

Exit 0 clean, 1 findings, 2 usage or setup error.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gc
import importlib.metadata
import os
import re
import shlex
import sys
from pathlib import Path
from typing import NoReturn

from generator.adoption import AdoptionError, adopt
from generator.audit import diff as bookdiff
from generator.audit.check import CheckError, check, findings_of, select
from generator.audit.closing import ClosingError, close_month
from generator.audit.git import Git, GitError
from generator.audit.github import ANSWERED_LABEL, LABELS, FetchError, fetch, write_snapshot
from generator.audit.verify import render as render_refusals
from generator.audit.verify import verify
from generator.books import load_books
from generator.books.queries import read_snapshot
from generator.books.scaffold import ScaffoldError, scaffold
from generator.books.units import RosterError, month_of, outside, read_private, sync_roster
from generator.books.verdict import VerdictError
from generator.books.vouchers import scrub
from generator.district import PartError, assemble_into, build_part_into
from generator.findings import Finding, render
from generator.publish import (
    FavaError,
    SiteBuildError,
    build_inputs,
    build_site_into,
    configured_site_url,
    fava_app,
    fava_books,
    replace_site,
    serve_fava,
    serve_site,
)
from generator.site.bills import render_bills
from generator.site.cache import Sites, cache_folder, inputs_key
from generator.view import build_view
from generator.view.fees import bills

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


def _root(args: argparse.Namespace) -> Path:
    return Path(args.root).resolve() if args.root else find_root(Path.cwd())


def _cmd_check(args: argparse.Namespace) -> int:
    findings = check(_root(args), args.compound)
    output = render(findings, args.format)
    if output:
        print(output)
    if args.format == "text":
        count = len(findings)
        print(f"trustfund check: {count} finding{'s' if count != 1 else ''}", file=sys.stderr)
    return FINDINGS if findings else CLEAN


def _cmd_build(args: argparse.Namespace) -> int:
    root = _root(args)
    if (args.compound is None) != (args.part is None):
        raise UsageError("--compound ID and --part DIR go together: they build one compound's part of a district "
                         "site (trustfund assemble joins the parts)")
    if args.part is not None:
        return _build_part(args, root)
    site_dir = (args.site_dir or root / "site").resolve()
    queries = args.queries.resolve() if args.queries else root / "build" / "queries.json"
    cached = None if args.no_cache else rebuild_cache(root, queries)
    if cached is not None and replace_site(site_dir, functools.partial(cached[0].restore, cached[1])):
        print(f"trustfund build: unchanged inputs (cache {cached[1][:12]}): the site built from them, which passed "
              f"the check, is restored into {site_dir}", file=sys.stderr)
        if args.exit_at_once:
            _exit_now(CLEAN)
        return CLEAN
    # Left on, the garbage collector re-scans Beancount's millions of live objects again and again
    # while the site is rendered: 6-7 s of a 100k build, for no memory back (measured: same peak RSS).
    collecting = gc.isenabled()
    gc.disable()
    # The rules judge the books in a second process while this one renders the site (generator/books/
    # verdict.py); the new site replaces the old one only after their verdict, and a finding refuses it.
    books = {compound_id: load_books(root, compound_id, judge_beside=True) for compound_id in select(root, None)}

    def verdict() -> None:
        for compound_books in books.values():
            compound_books.settle()
        found = findings_of(root, books.values())
        if found:
            raise Refused(found)

    try:
        if findings_of(root, books.values()):  # the lint's, the compound files': no need to render anything
            verdict()
        _say_how_old(queries, explicit=args.queries is not None)
        try:
            build_site_into(root, site_dir, books, queries if queries.exists() else None, before_swap=verdict,
                            cache=not args.no_cache)
        except Refused:
            raise
        except (SiteBuildError, Exception) as problem:
            verdict()  # books the rules refuse may break the rendering: their findings are the answer
            if isinstance(problem, SiteBuildError):
                print(f"trustfund build: {problem}; {site_dir} is unchanged", file=sys.stderr)
                return USAGE
            raise
    except Refused as refused:
        print(render(refused.findings, "text"))
        print(f"trustfund build: {len(refused.findings)} finding(s); nothing was built, {site_dir} is unchanged",
              file=sys.stderr)
        return FINDINGS
    except VerdictError as problem:
        print(f"trustfund build: {problem}; {site_dir} is unchanged", file=sys.stderr)
        return USAGE
    finally:
        for compound_books in books.values():
            compound_books.abandon()
        if collecting:
            gc.enable()
    # Only now, after the rules' verdict let the site in: a build refused or not finished never gets here.
    if cached is not None:
        cached[0].store(cached[1], site_dir)
    print(f"trustfund build: site built into {site_dir}", file=sys.stderr)
    if args.exit_at_once:
        _exit_now(CLEAN)
    return CLEAN


def rebuild_cache(root: Path, queries: Path) -> tuple[Sites, str] | None:
    """The built sites kept outside the repository and the key of this build's inputs (None: no usable cache)."""
    folder, why = cache_folder([root])
    if folder is None:
        print(f"trustfund build: {why}", file=sys.stderr)
        return None
    return Sites(folder), inputs_key(root, *build_inputs(root, queries if queries.exists() else None))


class Refused(Exception):
    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} finding(s)")
        self.findings = findings


def _build_part(args: argparse.Namespace, root: Path) -> int:
    """One compound's part of a district site: only its books are loaded and checked."""
    part_dir = args.part.resolve()
    compound = select(root, args.compound)[0]
    collecting = gc.isenabled()
    gc.disable()
    try:
        books = load_books(root, compound)
        findings = findings_of(root, [books])
        if findings:
            print(render(findings, "text"))
            print(f"trustfund build: {len(findings)} finding(s) in {compound}; no part was built, {part_dir} is "
                  "unchanged", file=sys.stderr)
            return FINDINGS
        queries = args.queries.resolve() if args.queries else root / "build" / "queries.json"
        _say_how_old(queries, explicit=args.queries is not None)
        try:
            build_part_into(root, part_dir, compound, books, queries if queries.exists() else None)
        except SiteBuildError as problem:
            print(f"trustfund build: {problem}; {part_dir} is unchanged", file=sys.stderr)
            return USAGE
    finally:
        if collecting:
            gc.enable()
    print(f"trustfund build: {compound}'s part built into {part_dir}", file=sys.stderr)
    if args.exit_at_once:
        _exit_now(CLEAN)
    return CLEAN


def _cmd_assemble(args: argparse.Namespace) -> int:
    root = _root(args)
    site_dir = (args.site_dir or root / "site").resolve()
    try:
        notes = assemble_into(root, [Path(part).resolve() for part in args.parts], site_dir, args.keep_older)
    except PartError as problem:
        print(f"trustfund assemble: {problem}; {site_dir} is unchanged", file=sys.stderr)
        return USAGE
    except SiteBuildError as problem:
        print(f"trustfund assemble: {problem}; {site_dir} is unchanged", file=sys.stderr)
        return USAGE
    for note in notes:
        print(f"trustfund assemble: {note}", file=sys.stderr)
    print(f"trustfund assemble: {len(args.parts)} part(s) joined into {site_dir}", file=sys.stderr)
    return CLEAN


def _exit_now(code: int) -> NoReturn:
    """End the process without freeing the books object by object: at 100k transactions that took a
    second after the site was already in place. Only the ``trustfund`` command does this; ``main()``
    called from Python returns as usual."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _say_how_old(path: Path, explicit: bool) -> None:
    """The queries snapshot a build uses, and how old it is (it is never a reason not to build)."""
    if not path.exists():
        if explicit:
            print(f"trustfund build: {path} does not exist; the site shows no queries", file=sys.stderr)
        return
    snapshot = read_snapshot(path)
    for problem in snapshot.problems:
        print(f"trustfund build: {problem}", file=sys.stderr)
    if snapshot.fetched_at is not None:
        age = datetime.datetime.now(datetime.UTC) - snapshot.fetched_at
        print(f"trustfund build: queries as of {snapshot.fetched_at:%Y-%m-%d %H:%M} UTC "
              f"({age.days} day{'s' if age.days != 1 else ''} old), from {path}", file=sys.stderr)


def _cmd_verify(args: argparse.Namespace) -> int:
    refusals = verify(_root(args), args.range)
    output = render_refusals(refusals, args.format)
    if output:
        print(output)
    if args.format == "text":
        print(f"trustfund verify {args.range}: {len(refusals)} refusal{'s' if len(refusals) != 1 else ''}",
              file=sys.stderr)
    return FINDINGS if refusals else CLEAN


def _cmd_diff(args: argparse.Namespace) -> int:
    diffs = bookdiff.diff(_root(args), args.base, args.head)
    print(bookdiff.to_json(diffs) if args.format == "json" else bookdiff.to_markdown(diffs, args.base, args.head),
          end="" if args.format == "text" else "\n")
    return CLEAN


def _cmd_close(args: argparse.Namespace) -> int:
    root = _root(args)
    if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", args.month):
        raise UsageError(f"month '{args.month}' must be YYYY-MM, e.g. 2026-03")
    findings = check(root, args.compound)
    if findings:
        print(render(findings, "text"))
        print("trustfund close: the books have findings; a month is closed only on clean books", file=sys.stderr)
        return FINDINGS
    tag = close_month(root, args.compound, args.month)
    print(f"trustfund close: {tag} created; push it with: git push origin {tag}", file=sys.stderr)
    return CLEAN


def _cmd_serve(args: argparse.Namespace) -> int:
    serve_site(_root(args), args.dev_addr)
    return CLEAN


def _cmd_fava(args: argparse.Namespace) -> int:
    root = _root(args)
    ledgers, refused = fava_books(root, select(root, args.compound))
    if refused:
        print(render(refused, "text"))
        print("trustfund fava: the source lint refuses these books, and Fava would run what it refuses; fix them "
              "(trustfund check says the same), then start Fava again", file=sys.stderr)
        return FINDINGS
    app = fava_app(ledgers)
    shown = "127.0.0.1" if args.host in ("localhost", "0.0.0.0") else args.host
    print(f"trustfund fava: open http://{shown}:{args.port}/ in a browser (Ctrl-C stops Fava)", flush=True)
    try:
        serve_fava(app, args.host, args.port)
    except FavaError as problem:
        print(f"trustfund fava: {problem}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        print("trustfund fava: stopped", file=sys.stderr)
    return CLEAN


def _cmd_new(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else Path.cwd()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.id):
        raise UsageError(f"compound id '{args.id}' must be lowercase letters, digits and hyphens, e.g. qingshui-garden")
    written = scaffold(root, args.id, name=args.name, name_en=args.name_en)
    for path in written:
        print(path.relative_to(root))
    print(f"trustfund new: compound '{args.id}' created; edit ledgers/{args.id}/compound.yaml, then run "
          "trustfund check", file=sys.stderr)
    return CLEAN


def _cmd_init(args: argparse.Namespace) -> int:
    target = Path(args.dir).resolve()
    compound_id = args.compound or target.name
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", compound_id):
        raise UsageError(f"compound id '{compound_id}' must be lowercase letters, digits and hyphens; "
                         "pass --compound ID, e.g. --compound qingshui-garden")
    written, commit = adopt(target, compound_id, name=args.name, name_en=args.name_en, site_url=args.site_url,
                            repo=args.repo)
    for path in written:
        print(path.relative_to(target))
    print(f"trustfund init: repository for '{compound_id}' created in {target} (adoption commit {commit[:12]}); "
          "read its README.md before the first push", file=sys.stderr)
    return CLEAN


# The labels the issue forms and the queries snapshot use, by what they mark: colour, description.
LABEL_LOOKS = {
    "query": ("d93f0b", "业主质询 · An owner's query about an item"),
    "work-order": ("0e8a16", "报修或隐患 · A repair or hazard report"),
    "answered": ("c5def5", "已答复 · Answered by the trustee or the committee"),
}


def _cmd_labels(args: argparse.Namespace) -> int:
    """The ``gh label create`` commands, printed to be read and then run: no token passes through trustfund."""
    repo = f" --repo {shlex.quote(args.repo)}" if args.repo else ""
    for name, marks in [*LABELS.items(), (ANSWERED_LABEL, "answered")]:
        colour, description = LABEL_LOOKS[marks]
        print(f"gh label create {shlex.quote(name)}{repo} --color {colour} "
              f"--description {shlex.quote(description)} --force")
    return CLEAN


def _cmd_scrub(args: argparse.Namespace) -> int:
    for name in args.files:
        path = Path(name)
        if not path.is_file() or path.is_symlink():
            raise UsageError(f"{name} is not a file")
        try:
            changed = scrub(path)
        except Exception as problem:  # a damaged file: say which, change nothing
            raise UsageError(f"{name} could not be read as an image or PDF ({type(problem).__name__}); "
                             "it was not changed") from None
        print(f"{name}: {'location and author metadata removed' if changed else 'nothing to remove'}",
              file=sys.stderr)
    return CLEAN


def _cmd_queries_fetch(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve() if args.root else Path.cwd()
    out = args.out or root / "build" / "queries.json"
    try:
        snapshot = fetch(args.repo)
    except FetchError as problem:
        age = ""
        if out.is_file():
            days = (datetime.datetime.now().timestamp() - out.stat().st_mtime) / 86400
            age = f"; the build keeps using {out}, fetched {days:.1f} days ago"
        print(f"trustfund queries fetch: {problem}{age}", file=sys.stderr)
        return USAGE
    write_snapshot(snapshot, out)
    print(f"trustfund queries fetch: {len(snapshot['items'])} queries and work orders written to {out}",
          file=sys.stderr)
    return CLEAN


def _private(path: Path, root: Path) -> bool:
    """Door numbers may be written only outside the repository, or where git will never take them in."""
    return outside(path, root) or Git(root).ignores(path.resolve())


def _cmd_units(args: argparse.Namespace) -> int:
    root = _root(args)
    select(root, args.compound)
    roster = Path(args.roster)
    if not _private(roster, root):
        raise UsageError(f"{roster} is inside the repository; the private roster (door numbers) must be kept "
                         "outside it (or in a folder git ignores, such as build/)")
    given, published = sync_roster(roster, root / "ledgers" / args.compound / "units.csv")
    print(f"trustfund units: {given} new unit code(s) in {roster}; ledgers/{args.compound}/units.csv lists "
          f"{published} unit(s)", file=sys.stderr)
    return CLEAN


def _cmd_bills(args: argparse.Namespace) -> int:
    root = _root(args)
    select(root, args.compound)
    month = month_of(args.month)
    if month is None:
        raise UsageError(f"month '{args.month}' must be YYYY-MM, e.g. 2026-03")
    for path, what in ((Path(args.roster), "the private roster"), (Path(args.out), "the bills")):
        if not _private(path, root):
            raise UsageError(f"{path} is inside the repository; {what} (with door numbers) must stay outside it "
                             "(or in a folder git ignores, such as build/)")
    site_url = args.site_url or configured_site_url(root)
    if not site_url:
        raise UsageError("the bills' QR codes need the site's address: set site_url in mkdocs.yml or pass --site-url")
    books = load_books(root, args.compound)
    view = build_view(books)
    if view.fees is None:
        raise UsageError(f"{args.compound} keeps no unit roster (ledgers/{args.compound}/units.csv)")
    found = bills(view.fees, books.compound, read_private(Path(args.roster)), month)
    profile = books.compound.profile
    name = (profile.name_en if args.language == "en" else profile.name) if profile else args.compound
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"bills-{args.compound}-{args.month}.html"
    target.write_text(render_bills(found, name, month, args.language, site_url, args.compound),
                      encoding="utf-8")
    print(f"trustfund bills: {len(found)} bill(s), one A4 page each, in {target}", file=sys.stderr)
    return CLEAN


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="trustfund", description="Open books for trust-model property management.")
    top.add_argument("--root", type=Path, help="the repository (default: the folder with ledgers/ at or above here)")
    top.add_argument("--version", action="version", version=f"trustfund {_version()}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check_cmd = commands.add_parser("check", help="lint, load every compound, run every rule")
    check_cmd.add_argument("--compound", metavar="ID", help="check only this compound")
    check_cmd.add_argument("--format", choices=("text", "json"), default="text")
    check_cmd.set_defaults(run=_cmd_check)
    build_cmd = commands.add_parser("build", help="check, then build the site; a failed check builds nothing")
    build_cmd.add_argument("--site-dir", type=Path, help="where the site goes (default: site/)")
    build_cmd.add_argument("--queries", type=Path, metavar="FILE",
                           help="the queries snapshot (default: build/queries.json, if it exists)")
    build_cmd.add_argument("--no-cache", action="store_true",
                           help="build from scratch: neither reuse nor keep a built site or rendered pages")
    build_cmd.add_argument("--compound", metavar="ID", help="with --part: build only this compound's part")
    build_cmd.add_argument("--part", type=Path, metavar="DIR",
                           help="with --compound: where the part goes (its pages and a manifest for assemble)")
    build_cmd.set_defaults(run=_cmd_build)
    assemble_cmd = commands.add_parser("assemble", help="join compounds' parts into one site, atomically")
    assemble_cmd.add_argument("parts", metavar="PART", nargs="+", help="a folder written by build --part")
    assemble_cmd.add_argument("--site-dir", type=Path, help="where the site goes (default: site/)")
    assemble_cmd.add_argument("--keep-older", action="store_true",
                              help="accept parts built from an older commit (a compound's last good part)")
    assemble_cmd.set_defaults(run=_cmd_assemble)
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
    fava_cmd = commands.add_parser("fava", help="Fava on the books, in Chinese (every compound, or one)")
    fava_cmd.add_argument("compound", metavar="ID", nargs="?", help="only this compound")
    fava_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    fava_cmd.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    fava_cmd.set_defaults(run=_cmd_fava)
    new_cmd = commands.add_parser("new", help="scaffold a compound that passes check")
    new_cmd.add_argument("id", help="the compound id: lowercase letters, digits, hyphens")
    new_cmd.add_argument("--name", help="Chinese name (default: the id)")
    new_cmd.add_argument("--name-en", help="English name (default: the id)")
    new_cmd.set_defaults(run=_cmd_new)
    init_cmd = commands.add_parser("init", help="a new compound repository from the installed package")
    init_cmd.add_argument("dir", metavar="DIR", help="an empty or new folder")
    init_cmd.add_argument("--compound", metavar="ID", help="the first compound's id (default: DIR's name)")
    init_cmd.add_argument("--name", help="its Chinese name (default: the id)")
    init_cmd.add_argument("--name-en", help="its English name (default: the id)")
    init_cmd.add_argument("--site-url", metavar="URL", help="the site's public address (site_url in mkdocs.yml)")
    init_cmd.add_argument("--repo", metavar="OWNER/NAME", help="its GitHub repository (repo_url in mkdocs.yml)")
    init_cmd.set_defaults(run=_cmd_init)
    labels_cmd = commands.add_parser("labels", help="print the gh commands that create the 质询/工单 issue labels")
    labels_cmd.add_argument("--repo", metavar="OWNER/NAME", help="the repository (default: gh's current one)")
    labels_cmd.set_defaults(run=_cmd_labels)
    scrub_cmd = commands.add_parser("scrub", help="remove location and author metadata from voucher images and PDFs")
    scrub_cmd.add_argument("files", metavar="FILE", nargs="+")
    scrub_cmd.set_defaults(run=_cmd_scrub)
    units_cmd = commands.add_parser("units", help="give new units codes in the private roster and write units.csv")
    units_cmd.add_argument("compound", metavar="ID")
    units_cmd.add_argument("--roster", required=True, metavar="FILE",
                           help="the committee's private roster (door,building,area,since), outside the repository")
    units_cmd.set_defaults(run=_cmd_units)
    bills_cmd = commands.add_parser("bills", help="printable A4 fee bills, one per unit, with a QR code to its page")
    bills_cmd.add_argument("compound", metavar="ID")
    bills_cmd.add_argument("month", metavar="YYYY-MM")
    bills_cmd.add_argument("--roster", required=True, metavar="FILE", help="the private roster with door numbers")
    bills_cmd.add_argument("--out", required=True, metavar="DIR", help="where the bills go (outside the repository)")
    bills_cmd.add_argument("--site-url", metavar="URL",
                           help="the site's address, for the QR codes (default: site_url in mkdocs.yml)")
    bills_cmd.add_argument("--language", choices=("zh", "en"), default="zh")
    bills_cmd.set_defaults(run=_cmd_bills)
    queries_cmd = commands.add_parser("queries", help="the owners' queries and work orders")
    queries_commands = queries_cmd.add_subparsers(dest="queries_command", required=True, metavar="COMMAND")
    fetch_cmd = queries_commands.add_parser("fetch", help="snapshot the repository's 质询 and 工单 issues from GitHub")
    fetch_cmd.add_argument("--repo", required=True, metavar="OWNER/NAME")
    fetch_cmd.add_argument("--out", type=Path, metavar="FILE", help="default: build/queries.json")
    fetch_cmd.set_defaults(run=_cmd_queries_fetch)
    return top


def _version() -> str:
    try:
        return importlib.metadata.version("trustfund")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def run() -> NoReturn:
    """The ``trustfund`` command."""
    sys.exit(main(exit_at_once=True))


def main(argv: list[str] | None = None, *, exit_at_once: bool = False) -> int:
    try:
        args = parser().parse_args(argv)
    except SystemExit as exit_:
        return USAGE if exit_.code not in (0, None) else CLEAN
    args.exit_at_once = exit_at_once
    try:
        result: int = args.run(args)
        return result
    except (UsageError, CheckError, GitError, ClosingError, ScaffoldError, RosterError, AdoptionError) as problem:
        print(f"trustfund: {problem}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return USAGE
