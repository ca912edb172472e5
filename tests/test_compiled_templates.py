"""Templates compiled once and kept in the user's cache folder (generator/site/compiled.py): a build with the
compiled templates of an earlier build writes the same site, an edited template is compiled again, and a
cache folder that cannot be written costs only the compilation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from generator.site.compiled import template_cache
from tests.conftest import PROJECT, Repo
from tests.test_beside import differences, run_build


def test_a_build_with_templates_compiled_before_writes_the_same_site(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTFUND_CACHE", str(tmp_path / "cache"))
    cold = run_build(PROJECT, tmp_path / "cold")
    assert cold.returncode == 0, cold.stderr
    compiled = {path: path.stat().st_mtime_ns for path in (tmp_path / "cache" / "templates").rglob("*.cache")}
    assert len(compiled) > 20  # trustfund's own templates and the theme's
    for kept in (tmp_path / "cache").iterdir():  # all but the templates: the second build renders the site again
        if kept.name != "templates":
            shutil.rmtree(kept)
    warm = run_build(PROJECT, tmp_path / "warm")
    assert warm.returncode == 0, warm.stderr
    assert {path: path.stat().st_mtime_ns for path in (tmp_path / "cache" / "templates").rglob("*.cache")} == compiled
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
