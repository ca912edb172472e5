"""The rebuild cache (generator/site/cache.py): each kind of change invalidates what it must, and no more.

Each test builds a small compound (three months of 2026, committed to git) into a temporary folder with a
cache of its own, changes one kind of input, rebuilds with the cache, and compares that site file by file
with a cold build (``--no-cache``) of the same books: the comparison is the proof that nothing stale was
replayed. The plugin's phase log ($TRUSTFUND_PHASES) says which units of rendering ran again, which shows
that the cache did not simply miss everything.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import main
from generator.site import cache
from tests.conftest import PROFILE, PROJECT, REBUILD_CACHE, Repo

JANUARY = """\
2026-01-01 * "示例银行" "期初结余"
  voucher: "2026-0001"
  Assets:Bank:Fund   100000.00 CNY
  Equity:Opening

2026-01-15 * "清洁公司" "一月保洁"
  voucher: "2026-0002"
  Expenses:Cleaning   300.00 CNY
  Assets:Bank:Fund
"""

FEBRUARY = """\
2026-02-12 * "清洁公司" "二月保洁"
  voucher: "2026-0003"
  Expenses:Cleaning   320.00 CNY
  Assets:Bank:Fund

2026-02-20 * "电梯公司" "电梯小修"
  voucher: "2026-0004"
  Expenses:Repairs:Elevator   450.00 CNY
  Assets:Bank:Fund
"""

MARCH = """\
2026-03-10 * "清洁公司" "三月保洁"
  voucher: "2026-0005"
  Expenses:Cleaning   310.00 CNY
  Assets:Bank:Fund
"""

APRIL = """\
2026-04-09 * "清洁公司" "四月保洁"
  voucher: "2026-0006"
  Expenses:Cleaning   305.00 CNY
  Assets:Bank:Fund
"""

MONTHS = {"zh month test 2026-01", "zh month test 2026-02", "zh month test 2026-03",
          "en month test 2026-01", "en month test 2026-02", "en month test 2026-03"}
STAMPS = {"sitemap.xml", "sitemap.xml.gz"}  # the build date; the footers say it too, but a test runs in one day


@pytest.fixture(scope="module", autouse=True)
def rebuild_cache_on() -> Iterator[None]:
    """The cache, off elsewhere in the test process (tests/conftest.py), is what these tests are about."""
    REBUILD_CACHE[0] = True
    yield
    REBUILD_CACHE[0] = False


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


class Books:
    """The compound in git, its cache and its phase log, and builds of it."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = folder / "repo"
        self.repo = Repo(self.root)
        self.repo.journal(JANUARY, "2026/01")
        self.repo.journal(FEBRUARY, "2026/02")
        self.repo.journal(MARCH, "2026/03")
        self.key = folder / "supervisor"  # a supervisor's real SSH key, who closes months with signed tags
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "supervisor", "-f", str(self.key)],
                       check=True)
        public = Path(f"{self.key}.pub").read_text(encoding="utf-8").strip()
        self.repo.write("ledgers/test/compound.yaml", PROFILE.split("signers:")[0] + "signers:\n"
                        f'  - {{principal: supervisor-t, role: supervisor, key: "{public}"}}\n')
        shutil.copy2(PROJECT / "mkdocs.yml", self.root / "mkdocs.yml")
        shutil.copytree(PROJECT / "site_src", self.root / "site_src")
        git(self.root, "init", "--quiet", "--initial-branch=main")
        git(self.root, "add", "--all")
        git(self.root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "--quiet",
            "--no-gpg-sign", "-m", "books")
        self.cache = folder / "cache"
        self.log = folder / "phases.jsonl"
        self.folder = folder
        self.builds = 0
        monkeypatch.setenv("TRUSTFUND_CACHE", str(self.cache))
        monkeypatch.setenv("TRUSTFUND_PHASES", str(self.log))

    def build(self, *options: str) -> tuple[int, Path, dict[str, object]]:
        """A build into a fresh folder: its exit code, the site, and the plugin's phases (empty: no plugin ran)."""
        self.builds += 1
        site = self.folder / f"site-{self.builds}"
        self.log.unlink(missing_ok=True)
        code = main(["--root", str(self.root), "build", "--site-dir", str(site), *options])
        lines = self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []
        return code, site, json.loads(lines[-1]) if lines else {}

    def rebuilt(self) -> tuple[Path, set[str]]:
        """A rebuild with the cache, checked against a cold build: the site and the units rendered again."""
        code, site, phases = self.build()
        assert code == 0
        cold_code, cold, _ = self.build("--no-cache")
        assert cold_code == 0
        assert differences(site, cold) == []
        rendered = phases.get("rendered", [])
        assert isinstance(rendered, list)
        return site, set(rendered)


def differences(one: Path, other: Path) -> list[str]:
    found: list[str] = []

    def walk(node: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in node.left_only + node.right_only)
        _, mismatch, errors = filecmp.cmpfiles(node.left, node.right, node.common_files, shallow=False)
        found.extend(prefix + name for name in mismatch + errors if name not in STAMPS)
        for name, child in node.subdirs.items():
            walk(child, f"{prefix}{name}/")

    walk(filecmp.dircmp(one, other), "")
    return found


@pytest.fixture
def books(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Books:
    """The compound, built once with its cache (every unit rendered and recorded)."""
    made = Books(tmp_path, monkeypatch)
    code, _, phases = made.build()
    assert code == 0
    assert set(phases["rendered"]) >= MONTHS  # type: ignore[arg-type]
    return made


def month_units(rendered: set[str]) -> set[str]:
    return {unit for unit in rendered if " month " in unit}


def test_unchanged_books_are_restored_without_loading_them(books: Books, capsys: pytest.CaptureFixture[str]) -> None:
    code, site, phases = books.build()
    assert code == 0
    assert phases == {}  # MkDocs never ran: the site was restored
    assert "unchanged inputs" in capsys.readouterr().err
    _, cold, _ = books.build("--no-cache")
    assert differences(site, cold) == []


def test_a_changed_entry_renders_its_month_and_its_year_again_and_no_other_month(books: Books) -> None:
    books.repo.journal(FEBRUARY.replace("电梯小修", "电梯门机小修"), "2026/02")
    _, rendered = books.rebuilt()
    assert month_units(rendered) == {"zh month test 2026-02", "en month test 2026-02"}
    assert {"zh year test 2026", "en year test 2026"} <= rendered


def test_one_new_month_renders_it_and_its_neighbour_only(books: Books) -> None:
    books.repo.journal(APRIL, "2026/04")
    site, rendered = books.rebuilt()
    assert month_units(rendered) == {"zh month test 2026-04", "en month test 2026-04",
                                     "zh month test 2026-03", "en month test 2026-03"}  # its "next month" link
    assert "2026-0006" in (site / "test" / "2026" / "04" / "index.html").read_text(encoding="utf-8")


def test_a_changed_budget_or_notice_is_shown_and_renders_no_month_again(books: Books) -> None:
    budget = books.root / "budgets" / "test" / "2026.yaml"
    budget.write_text(budget.read_text(encoding="utf-8").replace("Expenses:Repairs: 5000.00",
                                                                 "Expenses:Repairs: 6000.00"), encoding="utf-8")
    site, rendered = books.rebuilt()
    assert month_units(rendered) == set()
    assert "6,000.00" in (site / "test" / "budget" / "2026" / "index.html").read_text(encoding="utf-8")
    vote = books.root / "notices" / "test" / "2025-12-20-budget-vote.md"
    vote.write_text(vote.read_text(encoding="utf-8").replace("预算通过。", "预算获得通过。"), encoding="utf-8")
    site, rendered = books.rebuilt()
    assert month_units(rendered) == set()
    assert "预算获得通过" in (site / "test" / "notices" / "2025-12-20-budget-vote" / "index.html").read_text(
        encoding="utf-8")


def test_a_close_tag_renders_the_months_it_closes_again(books: Books) -> None:
    git(books.root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "gpg.format=ssh", "-c",
        f"user.signingkey={books.key}", "tag", "-s", "-m", "close 2026-02", "close/test/2026-02")
    site, rendered = books.rebuilt()
    assert month_units(rendered) == {"zh month test 2026-01", "en month test 2026-01",  # closed with February
                                     "zh month test 2026-02", "en month test 2026-02"}
    assert "close/test/2026-02" in (site / "test" / "2026" / "02" / "index.html").read_text(encoding="utf-8")


def test_a_query_on_an_item_renders_its_month_again(books: Books) -> None:
    snapshot = {"version": 1, "repo": "example/books", "fetched_at": "2026-04-01T02:00:00+00:00", "items": [
        {"number": 7, "kind": "query", "title": "电梯为何又修？", "state": "open", "state_reason": None,
         "created_at": "2026-03-01T01:00:00Z", "closed_at": None, "answered_label": False,
         "url": "https://github.com/example/books/issues/7", "author": "owner-7", "compound": "test",
         "comments": [], "voucher": "2026-0004"}]}
    (books.root / "build").mkdir(exist_ok=True)
    (books.root / "build" / "queries.json").write_text(json.dumps(snapshot), encoding="utf-8")
    site, rendered = books.rebuilt()
    assert month_units(rendered) == {"zh month test 2026-02", "en month test 2026-02"}
    assert "issues/7" in (site / "test" / "2026" / "02" / "index.html").read_text(encoding="utf-8")


def test_a_new_code_version_renders_everything_again(books: Books, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_code", "0" * 64)
    _, rendered = books.rebuilt()
    assert rendered >= MONTHS


def test_a_new_commit_keeps_the_pages_and_changes_only_the_footers(books: Books) -> None:
    (books.root / "README.md").write_text("书\n", encoding="utf-8")
    git(books.root, "add", "README.md")
    git(books.root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "--quiet",
        "--no-gpg-sign", "-m", "readme")
    site, rendered = books.rebuilt()
    assert month_units(rendered) == set()
    head = git(books.root, "rev-parse", "HEAD").strip()
    assert f'data-commit="{head}"' in (site / "test" / "2026" / "02" / "index.html").read_text(encoding="utf-8")


def test_a_failed_check_is_never_cached_and_never_restored(books: Books) -> None:
    sites = books.cache / "rebuild" / "sites"
    kept = set(sites.iterdir())
    good = books.folder / "site-1"
    books.repo.journal(FEBRUARY.replace("Expenses:Repairs:Elevator", "Expenses:Unknown"), "2026/02")
    for _ in range(2):
        code, _, _ = books.build("--site-dir", str(good))
        assert code == 1
        assert set(sites.iterdir()) == kept
    assert (good / "test" / "2026" / "02" / "index.html").is_file()  # the good site is still there


def test_a_damaged_entry_is_ignored_and_made_again(books: Books) -> None:
    for page in (books.cache / "rebuild" / "pages").glob("*/*"):  # every recorded unit cut short or altered
        content = page.read_bytes()
        page.write_bytes(content[:-10] + b"<script>x" if len(content) > 10 else b"")
    for blob in list((books.cache / "rebuild" / "blobs").glob("*/*"))[:5]:
        blob.write_bytes(blob.read_bytes() + b"<script>")
    code, site, phases = books.build()  # the site's files no longer match: built again
    assert code == 0
    assert set(phases["rendered"]) >= MONTHS  # type: ignore[arg-type]
    _, cold, _ = books.build("--no-cache")
    assert differences(site, cold) == []


def test_a_cache_inside_the_repository_is_not_used(books: Books, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    inside = books.root / ".cache"
    monkeypatch.setenv("TRUSTFUND_CACHE", str(inside))
    code, site, _ = books.build()
    assert code == 0
    assert "inside the repository" in capsys.readouterr().err
    assert not (inside / "rebuild").exists()
    _, cold, _ = books.build("--no-cache")
    assert differences(site, cold) == []


class PagedBooks:
    """A compound whose months are in pages (1,400 items each: benchmarks/synth.py), in git with January and
    February; March is kept aside, for a test to add. Its cache and phase log are its own."""

    COMMIT = ("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "--quiet", "--no-gpg-sign")

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self.root = folder / "repo"
        self.aside = folder / "march"
        made = subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "synth.py"), "--transactions", "16800",
                               "--years", "1", "--start-year", "2025", "--out", str(self.root)],
                              capture_output=True, text=True, check=False, timeout=300)
        assert made.returncode == 0, made.stderr
        books = self.root / "ledgers" / "bench"
        for journal in (books / "2025").glob("*.beancount"):
            vouchers = books / "vouchers" / "2025" / journal.stem
            if journal.stem == "03":
                self.aside.mkdir()
                journal.rename(self.aside / journal.name)
                if vouchers.is_dir():
                    vouchers.rename(self.aside / "vouchers")
            elif int(journal.stem) > 2:
                journal.unlink()
                shutil.rmtree(vouchers, ignore_errors=True)
        shutil.copy2(PROJECT / "mkdocs.yml", self.root / "mkdocs.yml")
        shutil.copytree(PROJECT / "site_src", self.root / "site_src")
        git(self.root, "init", "--quiet", "--initial-branch=main")
        self.commit("books")
        self.log = folder / "phases.jsonl"
        monkeypatch.setenv("TRUSTFUND_CACHE", str(folder / "cache"))
        monkeypatch.setenv("TRUSTFUND_PHASES", str(self.log))

    def commit(self, message: str) -> None:
        git(self.root, "add", "--all")
        git(self.root, *self.COMMIT, "--allow-empty", "-m", message)

    def add_march(self) -> None:
        books = self.root / "ledgers" / "bench"
        (self.aside / "03.beancount").rename(books / "2025" / "03.beancount")
        if (self.aside / "vouchers").is_dir():
            (self.aside / "vouchers").rename(books / "vouchers" / "2025" / "03")
        self.commit("March")

    def build(self, site: str, *options: str) -> dict[str, list[str]]:
        """A build into ``site`` (under the test's folder) that must pass: the plugin's phases."""
        self.log.unlink(missing_ok=True)
        assert main(["--root", str(self.root), "build", "--site-dir", str(self.folder / site), *options]) == 0
        return json.loads(self.log.read_text(encoding="utf-8").splitlines()[-1])  # type: ignore[no-any-return]


def test_a_month_in_pages_is_replayed_with_its_map_and_the_links_into_it(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A month of 1,400 items is in pages; replayed, its pages, its voucher map and the history and English
    pages' links to the page holding each voucher (``month_parts``) are as a cold build writes them."""
    books = PagedBooks(tmp_path, monkeypatch)
    assert "zh month bench 2025-01" in books.build("first")["rendered"]
    assert (tmp_path / "first" / "bench" / "2025" / "01" / "2" / "index.html").is_file()  # January is in pages
    books.commit("a new commit: the whole site's key changes, no month's")
    phases = books.build("cached")
    assert "zh month bench 2025-01" in phases["replayed"]
    books.build("cold", "--no-cache")
    assert differences(tmp_path / "cached", tmp_path / "cold") == []
    history = (tmp_path / "cached" / "bench" / "history" / "index.html").read_text(encoding="utf-8")
    assert "2025/01/2/#" in history  # a voucher on January's second page is linked there, not to the month


def test_a_recorded_unit_that_names_a_file_outside_the_site_is_rendered_again(books: Books) -> None:
    """An entry is sealed with the digest of its content, but whoever writes the cache can seal anything: a unit
    whose pages or files are named outside the site (an absolute path, a '..') is refused whole, never written."""
    outside = books.folder / "outside"
    planted = with_files = 0
    for entry in (books.cache / "rebuild" / "pages").glob("*/*"):
        payload = cache._checked(cache.PAGE_HEADER, entry.read_bytes())
        assert payload is not None
        index, _, body = payload.partition(b"\n")
        listing = json.loads(index)
        planted += 1
        for page in listing["pages"]:
            page[0] = "../" + page[0]
        if listing["files"]:  # written where the build runs, e.g. over a .bashrc
            with_files += 1
            listing["files"][0][0] = str(outside / f"{planted}.csv")
        sealed = json.dumps(listing, ensure_ascii=False, separators=(",", ":")).encode() + b"\n" + body
        entry.write_bytes(b"".join(cache._entry(cache.PAGE_HEADER, sealed)))
    assert planted >= 10 and with_files >= 2
    shutil.rmtree(books.cache / "rebuild" / "sites")  # the whole site is not restored: the units are replayed
    code, site, phases = books.build()
    assert code == 0
    assert not outside.exists()
    assert set(phases["rendered"]) >= MONTHS  # type: ignore[arg-type]
    _, cold, _ = books.build("--no-cache")
    assert differences(site, cold) == []


def test_the_english_summary_of_an_unchanged_month_in_pages_is_replayed(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A new month renders itself and its neighbour again; January, in pages and unchanged, is replayed in both
    languages. Its English summary's key holds January's map of pages, which the first build made as the Chinese
    page rendered and the rebuild reads back from that page's record: the two must key alike."""
    books = PagedBooks(tmp_path, monkeypatch)
    first = books.build("first")
    assert {"zh month bench 2025-01", "en month bench 2025-01"} <= set(first["rendered"])
    books.add_march()
    phases = books.build("cached")
    january = {"zh month bench 2025-01", "en month bench 2025-01"}
    assert january <= set(phases["replayed"])
    assert month_units(set(phases["rendered"])) == {"zh month bench 2025-02", "en month bench 2025-02",
                                                    "zh month bench 2025-03", "en month bench 2025-03"}
    books.build("cold", "--no-cache")
    assert differences(tmp_path / "cached", tmp_path / "cold") == []
    summary = (tmp_path / "cached" / "en" / "bench" / "2025" / "01" / "index.html").read_text(encoding="utf-8")
    assert "bench/2025/01/2/#cat-" in summary  # a category on January's second page is linked there
    assert (tmp_path / "cached" / "bench" / "2025" / "03" / "2" / "index.html").is_file()  # March is shown, in pages
