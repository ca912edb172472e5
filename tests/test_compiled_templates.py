"""Templates compiled once and kept in the user's cache folder (generator/site/compiled.py): a build with the
compiled templates of an earlier build writes the same site, an edited template is compiled again, a damaged
or planted entry is compiled again (never run, never unpickled), and a cache folder that cannot be written
costs only the compilation."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment
from jinja2.bccache import bc_magic

from generator.site.cache import _entry
from generator.site.compiled import HEADER, template_cache
from tests.conftest import PROJECT, Repo
from tests.test_beside import differences, run_build


def test_a_build_with_templates_compiled_before_writes_the_same_site(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFUND_CACHE", str(tmp_path / "cache"))
    cold = run_build(PROJECT, tmp_path / "cold")
    assert cold.returncode == 0, cold.stderr
    # Each entry's inode: an entry compiled again is written beside and renamed into place, a new file.
    compiled = {path: path.stat().st_ino for path in (tmp_path / "cache" / "templates").rglob("*.cache")}
    assert len(compiled) > 20  # trustfund's own templates and the theme's
    for kept in (tmp_path / "cache").iterdir():  # all but the templates: the second build renders the site again
        if kept.name != "templates":
            shutil.rmtree(kept)
    warm = run_build(PROJECT, tmp_path / "warm")
    assert warm.returncode == 0, warm.stderr
    assert {path: path.stat().st_ino for path in (tmp_path / "cache" / "templates").rglob("*.cache")} == compiled
    assert differences(tmp_path / "cold", tmp_path / "warm") == []


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    templates = {"page.html": "<p>{{ figure }} 元</p>"}
    cache = template_cache(tmp_path / "compiled")
    assert Environment(loader=DictLoader(templates), bytecode_cache=cache).get_template("page.html").render(
        figure="1.00") == "<p>1.00 元</p>"
    templates["page.html"] = "<p>合计 {{ figure }} 元</p>"
    assert Environment(loader=DictLoader(templates), bytecode_cache=cache).get_template("page.html").render(
        figure="1.00") == "<p>合计 1.00 元</p>"


def test_a_cache_folder_that_cannot_be_written_only_costs_the_compilation(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder would be", encoding="utf-8")
    assert template_cache(blocked / "templates") is None


def test_compiled_templates_are_never_kept_inside_the_repository(books: Repo, monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    """
    2026-03-05 * "示例保洁公司" "三月保洁"
      voucher: "2026-0101"
      Expenses:Cleaning   300.00 CNY
      Assets:Bank:Fund
    """
    shutil.copytree(PROJECT / "site_src", books.root / "site_src")
    shutil.copy(PROJECT / "mkdocs.yml", books.root / "mkdocs.yml")
    for planted in (books.root / "cache", books.root / "build" / ".cache"):  # two places a pull request could fill
        monkeypatch.setenv("TRUSTFUND_CACHE", str(planted))
        result = run_build(books.root, tmp_path_factory.mktemp("site"))
        assert result.returncode == 0, result.stderr
        assert not (planted / "templates").exists()


def test_a_damaged_compiled_template_is_compiled_again(tmp_path: Path) -> None:
    templates = {"page.html": "<p>{{ figure }} 元</p>"}
    cache = template_cache(tmp_path / "compiled")
    assert Environment(loader=DictLoader(templates), bytecode_cache=cache).get_template("page.html").render(
        figure="1.00") == "<p>1.00 元</p>"
    (entry,) = (tmp_path / "compiled").glob("*.cache")
    sound = entry.read_bytes()
    assert "元".encode() in sound  # the page's words are constants in the compiled code
    entry.write_bytes(sound.replace("元".encode(), "圆".encode()))  # Jinja alone would render 圆
    assert Environment(loader=DictLoader(templates), bytecode_cache=cache).get_template("page.html").render(
        figure="1.00") == "<p>1.00 元</p>"
    assert entry.read_bytes() == sound  # compiled again and written over the damaged entry


def test_a_planted_compiled_template_is_never_unpickled(tmp_path: Path) -> None:
    """Jinja's own cache unpickles the source checksum an entry carries before comparing it: a planted entry
    whose checksum is a pickle that runs code would run it on the next build, sealed or not."""
    templates = {"page.html": "<p>{{ figure }} 元</p>"}
    cache = template_cache(tmp_path / "compiled")
    Environment(loader=DictLoader(templates), bytecode_cache=cache).get_template("page.html")
    (entry,) = (tmp_path / "compiled").glob("*.cache")
    marker = tmp_path / "ran"

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[Path]]:
            return Path.touch, (marker,)

    sound = entry.read_bytes()
    compiled = sound[sound.index(bc_magic):]
    checksum_end = len(bc_magic) + len(pickle.dumps(pickle.loads(compiled[len(bc_magic):]), 2))
    planted = bc_magic + pickle.dumps(Planted(), 2) + compiled[checksum_end:]
    for content in (bc_magic + planted[len(bc_magic):], b"".join(_entry(HEADER, planted))):  # bare, and sealed
        entry.write_bytes(content)
        assert Environment(loader=DictLoader(templates), bytecode_cache=cache).get_template("page.html").render(
            figure="1.00") == "<p>1.00 元</p>"
        assert not marker.exists()
        assert entry.read_bytes() == sound


def test_environments_that_escape_differently_never_share_compiled_code(tmp_path: Path) -> None:
    """trustfund's pages escape every value; MkDocs' theme environment does not, and both keep their compiled
    templates in the same folder. Jinja names an entry by the template's name and file alone."""
    templates = {"item.html": "<td>{{ narration }}</td>"}
    cache = template_cache(tmp_path / "compiled")
    hostile = "<script>alert(1)</script>"
    escaping = Environment(loader=DictLoader(templates), bytecode_cache=cache, autoescape=True)
    plain = Environment(loader=DictLoader(templates), bytecode_cache=cache, autoescape=False)
    assert plain.get_template("item.html").render(narration="<b>") == "<td><b></td>"
    assert escaping.get_template("item.html").render(narration=hostile) == (
        "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>")
    assert len(list((tmp_path / "compiled").glob("*.cache"))) == 2


def test_a_build_over_damaged_compiled_templates_writes_the_same_site(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFUND_CACHE", str(tmp_path / "cache"))
    cold = run_build(PROJECT, tmp_path / "cold")
    assert cold.returncode == 0, cold.stderr
    damaged = {}
    for entry in (tmp_path / "cache" / "templates").rglob("*.cache"):
        sound = entry.read_bytes()
        if b"<div" in sound:
            entry.write_bytes(sound.replace(b"<div", b"<dvi"))
            damaged[entry] = sound
    assert len(damaged) > 10
    for kept in (tmp_path / "cache").iterdir():  # all but the templates: the second build renders the site again
        if kept.name != "templates":
            shutil.rmtree(kept)
    warm = run_build(PROJECT, tmp_path / "warm")
    assert warm.returncode == 0, warm.stderr
    assert differences(tmp_path / "cold", tmp_path / "warm") == []
    assert {entry: entry.read_bytes() for entry in damaged} == damaged  # each compiled again, as before
