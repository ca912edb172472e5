"""A district site built in parts (``trustfund build --compound ID --part DIR``) and joined (``trustfund assemble``).

Every build here is real: Beancount loads the example books, MkDocs renders the pages. The parts and the
whole build share one ``SOURCE_DATE_EPOCH`` — as the publish workflow gives every job of a run — so the build
stamps (the date in every footer and report, the sitemap's ``lastmod``, the gzipped sitemap's time) are the
same in both, and the comparison is exact: every file, byte for byte, nothing left out or normalised. That
those stamps are the only thing the date changes is shown by building a part on another date: assemble
refuses to mix it with its siblings, and accepts it as an older part only when asked.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from tests.conftest import EXAMPLES, PROJECT
from tests.test_beside import differences

EPOCH = "1790000000"  # 2026-09-21, a day no test run falls on: the stamps cannot come from the clock
OTHER_DAY = "1790100000"  # 2026-09-22
STAMP_ZH, STAMP_EN = "本页生成于 2026年9月21日".encode(), b"page built on 21 Sep 2026"


@pytest.fixture(scope="module")
def pinned() -> Iterator[None]:
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    yield
    if before is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory, pinned: None) -> dict[str, Path]:
    """The example books built whole, and as one part per compound assembled: their folders."""
    out = tmp_path_factory.mktemp("district")
    assert main(["--root", str(PROJECT), "build", "--site-dir", str(out / "whole")]) == 0
    folders = {"whole": out / "whole", "assembled": out / "assembled"}
    for compound in EXAMPLES:
        folders[compound] = out / f"part-{compound}"
        assert main(["--root", str(PROJECT), "build", "--compound", compound, "--part", str(folders[compound])]) == 0
    assert main(["--root", str(PROJECT), "assemble", *(str(folders[c]) for c in EXAMPLES),
                 "--site-dir", str(folders["assembled"])]) == 0
    return folders


def test_parts_and_assemble_make_the_same_site_as_one_build(district: dict[str, Path]) -> None:
    whole, assembled = district["whole"], district["assembled"]
    files = [path for path in whole.rglob("*") if path.is_file()]
    assert len(files) > 500 and (whole / "sitemap.xml").is_file() and (whole / "feed.xml").is_file()
    assert differences(whole, assembled) == []
    # The stamps are there, and the pinned date's: so the equality above covers them, not the clock.
    assert "本页生成于 2026年9月21日" in (assembled / EXAMPLES[0] / "index.html").read_text(encoding="utf-8")
    assert "<lastmod>2026-09-21</lastmod>" in (assembled / "sitemap.xml").read_text(encoding="utf-8")


def test_a_part_holds_only_its_compounds_folders_and_its_pages_name_every_compound(district: dict[str, Path]) -> None:
    for compound in EXAMPLES:
        site = district[compound] / "site"
        assert sorted(path.name for path in site.iterdir()) == sorted([compound, "en"])
        assert [path.name for path in (site / "en").iterdir()] == [compound]
        manifest = json.loads((district[compound] / "manifest.json").read_text(encoding="utf-8"))
        assert [listing["id"] for listing in manifest["listings"]] == sorted(EXAMPLES)
        dashboard = (site / compound / "index.html").read_text(encoding="utf-8")
        for other in EXAMPLES:  # the navigation leads to every compound, built in this part or not
            assert f'href="../{other}/"' in dashboard or other == compound


# Refusals: a part comes from another job's artifact


def run_in(root: Path, *argv: str) -> tuple[int, str]:
    """``trustfund --root ROOT …`` in this process, and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stderr(out), contextlib.redirect_stdout(out):
        code = main(["--root", str(root), *argv])
    return code, out.getvalue()


def run(*argv: str) -> tuple[int, str]:
    return run_in(PROJECT, *argv)


def copy_part(district: dict[str, Path], compound: str, target: Path) -> Path:
    shutil.copytree(district[compound], target)
    return target


def edit_manifest(part: Path, change: Callable[[dict[str, Any]], None]) -> None:
    path = part / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def set_key(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.__setitem__(key, value)


HOSTILE: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "a page outside its folders": (lambda d: d["pages"].append("index.md"), "pages["),
    "a page that climbs out": (lambda d: d["pages"].append(f"{d['compound']}/../../etc/index.md"), "pages["),
    "a compound named as a shared folder": (set_key("compound", "assets"), "compound"),
    "an unknown key": (set_key("script", "<script>alert(1)</script>"), "exactly the keys"),
    "a missing key": (lambda d: d.pop("cards"), "exactly the keys"),
    "a figure that is not a number": (lambda d: d["cards"]["zh"].__setitem__("balance", "1e9999999"),
                                      "cards.zh.balance"),
    "a figure that is not text": (lambda d: d["cards"]["en"].__setitem__("income", 12.5), "cards.en.income"),
    "a name with a control character": (lambda d: d["cards"]["zh"].__setitem__("name", "a\x1bb"), "cards.zh.name"),
    "another trustfund's part": (set_key("code", "0" * 64), "other trustfund code"),
    "a feed entry with a bad date": (lambda d: d["feed"][0].__setitem__("updated", "yesterday"), "feed[0].updated"),
    "a manifest format from elsewhere": (set_key("format", 99), "format 99"),
}


@pytest.mark.parametrize("attack", list(HOSTILE))
def test_a_hostile_manifest_is_refused_in_one_line_and_the_site_is_unchanged(
        attack: str, district: dict[str, Path], tmp_path: Path) -> None:
    change, words = HOSTILE[attack]
    site = tmp_path / "site"
    shutil.copytree(district["assembled"], site)
    before = snapshot(site)
    bad = copy_part(district, EXAMPLES[1], tmp_path / "bad")
    edit_manifest(bad, change)
    code, err = run("assemble", str(district[EXAMPLES[0]]), str(bad), "--site-dir", str(site))
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and words in lines[0] and "unchanged" in lines[0], err
    assert "Traceback" not in err
    assert snapshot(site) == before


def test_a_manifest_that_is_not_json_is_refused(district: dict[str, Path], tmp_path: Path) -> None:
    bad = copy_part(district, EXAMPLES[1], tmp_path / "bad")
    (bad / "manifest.json").write_bytes(b"\xff{not json")
    code, err = run("assemble", str(district[EXAMPLES[0]]), str(bad), "--site-dir", str(tmp_path / "site"))
    assert code == 2 and "not a JSON manifest" in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("plant", ["front page", "asset", "link", "sibling's folder", "file for a folder"])
def test_a_part_whose_files_escape_its_folders_is_refused(plant: str, district: dict[str, Path],
                                                          tmp_path: Path) -> None:
    bad = copy_part(district, EXAMPLES[1], tmp_path / "bad")
    site = bad / "site"
    if plant == "front page":
        (site / "index.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    elif plant == "asset":
        (site / "assets").mkdir()
        (site / "assets" / "trustfund.js").write_text("alert(1)", encoding="utf-8")
    elif plant == "link":
        (site / EXAMPLES[1] / "passwd.html").symlink_to("/etc/passwd")
    elif plant == "file for a folder":
        shutil.rmtree(site / "en")
        (site / "en").write_text("not the English pages", encoding="utf-8")
    else:
        (site / "en" / EXAMPLES[0]).mkdir()
        (site / "en" / EXAMPLES[0] / "index.html").write_text("hijacked", encoding="utf-8")
    code, err = run("assemble", str(district[EXAMPLES[0]]), str(bad), "--site-dir", str(tmp_path / "site"))
    assert code == 2 and str(bad) in err and len(err.strip().splitlines()) == 1, err
    assert ("a link?" if plant == "link" else "lies outside") in err
    assert not (tmp_path / "site").exists()


def test_two_parts_of_one_compound_or_a_missing_compound_are_refused(district: dict[str, Path],
                                                                    tmp_path: Path) -> None:
    twin = copy_part(district, EXAMPLES[0], tmp_path / "twin")
    code, err = run("assemble", str(district[EXAMPLES[0]]), str(twin), str(district[EXAMPLES[1]]),
                    "--site-dir", str(tmp_path / "site"))
    assert code == 2 and f"a second part of {EXAMPLES[0]}" in err, err
    code, err = run("assemble", str(district[EXAMPLES[0]]), "--site-dir", str(tmp_path / "site"))
    assert code == 2 and f"no part for {EXAMPLES[1]}" in err, err
    assert not (tmp_path / "site").exists()


def test_a_part_built_on_another_day_mixes_stamps_and_is_kept_only_when_asked(
        district: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", OTHER_DAY)
    later = tmp_path / "later"
    assert main(["--root", str(PROJECT), "build", "--compound", EXAMPLES[1], "--part", str(later)]) == 0
    site = tmp_path / "site"
    code, err = run("assemble", str(district[EXAMPLES[0]]), str(later), "--site-dir", str(site))
    assert code == 2 and "on 2026-09-21" in err and "on 2026-09-22" in err and "--keep-older" in err, err
    assert not site.exists()
    code, err = run("assemble", str(district[EXAMPLES[0]]), str(later), "--site-dir", str(site), "--keep-older")
    assert code == 0 and f"kept as {EXAMPLES[0]}'s last good part" in err, err
    # The newer part's date is the shared pages'; the older part's pages keep the date they were built on.
    assert "本页生成于 2026年9月22日" in (site / "index.html").read_text(encoding="utf-8")
    assert "本页生成于 2026年9月21日" in (site / EXAMPLES[0] / "index.html").read_text(encoding="utf-8")
    # Only the stamps differ from the part built on the first day: the build date where a footer or a report
    # says when the page was built (the books' own 21 September items stay as they are).
    stamps = 0
    for path in (later / "site").rglob("*"):
        if not path.is_file():
            continue
        first = (district[EXAMPLES[1]] / "site" / path.relative_to(later / "site")).read_bytes()
        stamps += first.count(STAMP_ZH) + first.count(STAMP_EN)
        assert path.read_bytes() == first.replace(STAMP_ZH, STAMP_ZH.replace(b"21", b"22")).replace(
            STAMP_EN, STAMP_EN.replace(b"21", b"22")), path
    assert stamps > 100


def test_a_part_built_for_another_site_is_refused(district: dict[str, Path], tmp_path: Path) -> None:
    other = copy_part(district, EXAMPLES[1], tmp_path / "other")
    edit_manifest(other, set_key("site_url", "https://elsewhere.example/"))
    code, err = run("assemble", str(district[EXAMPLES[0]]), str(other), "--site-dir", str(tmp_path / "site"))
    assert code == 2 and f"the part of {EXAMPLES[1]} was built for another site" in err, err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "site").exists()


def test_names_from_a_part_are_escaped_on_the_shared_pages(district: dict[str, Path], tmp_path: Path) -> None:
    bad = copy_part(district, EXAMPLES[1], tmp_path / "bad")
    edit_manifest(bad, lambda d: d["cards"]["zh"].__setitem__("name", '<img src=x onerror="alert(1)">'))
    site = tmp_path / "site"
    code, err = run("assemble", str(district[EXAMPLES[0]]), str(bad), "--site-dir", str(site))
    assert code == 0, err
    front = (site / "index.html").read_text(encoding="utf-8")
    assert "<img src=x" not in front and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in front


# A failed part keeps the last good one, and the site


@pytest.fixture
def copy_of_examples(tmp_path: Path) -> Path:
    root = tmp_path / "books"
    for name in ("ledgers", "budgets", "notices", "site_src"):
        shutil.copytree(PROJECT / name, root / name)
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_a_compound_whose_books_fail_keeps_its_last_good_part_and_the_site_its_pages(
        copy_of_examples: Path, tmp_path: Path, pinned: None) -> None:
    root = copy_of_examples
    parts = {compound: tmp_path / f"part-{compound}" for compound in EXAMPLES}
    for compound, part in parts.items():
        assert main(["--root", str(root), "build", "--compound", compound, "--part", str(part)]) == 0
    good = snapshot(parts[EXAMPLES[1]])
    # A treasurer's broken month in one compound: an item without its voucher number.
    month = sorted((root / "ledgers" / EXAMPLES[1]).glob("20*/*.beancount"))[-1]
    month.write_text(month.read_text(encoding="utf-8") + '\n2026-10-30 * "无凭证" "无凭证号的支出"\n'
                     "  Expenses:Cleaning   10.00 CNY\n  Assets:Bank:Fund\n", encoding="utf-8")
    code, err = run_in(root, "build", "--compound", EXAMPLES[1], "--part", str(parts[EXAMPLES[1]]))
    assert code == 1 and "voucher" in err and f"{parts[EXAMPLES[1]]} is unchanged" in err, err
    assert snapshot(parts[EXAMPLES[1]]) == good
    # The other compound builds on: its part does not need the broken books.
    assert main(["--root", str(root), "build", "--compound", EXAMPLES[0], "--part", str(parts[EXAMPLES[0]])]) == 0
    site = tmp_path / "site"
    assert main(["--root", str(root), "assemble", *map(str, parts.values()), "--site-dir", str(site)]) == 0
    assert (site / EXAMPLES[1] / "index.html").is_file() and (site / EXAMPLES[0] / "index.html").is_file()
    # A failed assembly (a part taken away) leaves that site as it was.
    before = snapshot(site)
    shutil.rmtree(parts[EXAMPLES[0]] / "site" / EXAMPLES[0] / "history")
    code, err = run_in(root, "assemble", *map(str, parts.values()), "--site-dir", str(site))
    assert code == 2 and "has no page for it" in err and "unchanged" in err, err
    assert snapshot(site) == before

