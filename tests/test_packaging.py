"""trustfund as an adopting compound gets it: the wheel, installed on its own, and ``trustfund init``.

The slow test builds the wheel with pip, installs it into a fresh virtual environment (no system site
packages, no editable install, run from a temporary folder) and makes a compound repository there with
``trustfund init``: it must check and build with nothing from this checkout. The dependencies come from a
wheelhouse under ``build/wheelhouse`` that ``pip download`` fills once at the versions in constraints.txt
and reuses after that, so only the first run on a machine downloads them.
"""

from __future__ import annotations

import fnmatch
import importlib.metadata
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import PROJECT

WHEELHOUSE = PROJECT / "build" / "wheelhouse"
EXAMPLE = "qingshui-garden"
BOOKS = ("ledgers", "budgets", "notices")


def clean_env() -> dict[str, str]:
    """The environment without anything that would lead Python to this checkout or its virtual environment."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONSAFEPATH")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep)
                                  if not Path(part).resolve().is_relative_to(PROJECT))
    return env


def run(*args: str | Path, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(arg) for arg in args], cwd=cwd, env=clean_env(), capture_output=True, text=True,
                            timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(map(str, args))}:\n{result.stdout}\n{result.stderr}"
    return result


def pages(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*")
            if path.is_file() and not path.name.startswith(".")}


def add_example_books(root: Path) -> None:
    for folder in BOOKS:
        shutil.copytree(PROJECT / folder / EXAMPLE, root / folder / EXAMPLE,
                        ignore=shutil.ignore_patterns("*.picklecache"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the files git would commit (as a fresh clone has them): setuptools
    would otherwise reuse build/lib/ from an earlier build, with files the package data no longer lists."""
    source = tmp_path_factory.mktemp("source")
    listed = subprocess.run(["git", "-C", str(PROJECT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode("utf-8").split("\0")
    for name in filter(None, listed):
        if (PROJECT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", out, source, cwd=out)
    (built,) = out.glob("trustfund-*.whl")
    return built


@pytest.mark.slow
def test_the_installed_wheel_makes_a_repository_that_checks_and_builds(wheel: Path, tmp_path: Path) -> None:
    started = time.monotonic()
    fresh = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", fresh, cwd=tmp_path)
    # Installed by this environment's pip (the fresh one has none), from the wheelhouse only. Only when the
    # wheelhouse lacks something does pip download it, at the versions in constraints.txt, as wheels only.
    install = [sys.executable, "-m", "pip", "--python", fresh / "bin" / "python", "install", "--quiet",
               "--no-index", "--find-links", WHEELHOUSE, "-c", PROJECT / "constraints.txt", wheel]
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    if subprocess.run(list(map(str, install)), cwd=tmp_path, env=clean_env(), capture_output=True,
                      check=False).returncode != 0:
        run(sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:", "--dest", WHEELHOUSE,
            "-c", PROJECT / "constraints.txt", wheel, cwd=tmp_path)
        run(*install, cwd=tmp_path)
    installed = time.monotonic()
    where = run(fresh / "bin" / "python", "-c", "import generator; print(generator.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(fresh), "the fresh environment must not see this checkout"
    trustfund = fresh / "bin" / "trustfund"
    version = importlib.metadata.version("trustfund")
    assert run(trustfund, "--version", cwd=tmp_path).stdout.strip() == f"trustfund {version}"

    adopted = tmp_path / "qingshui"
    run(trustfund, "init", adopted, "--site-url", "https://books.example.cn/", cwd=tmp_path)
    run(trustfund, "check", cwd=adopted)
    run(trustfund, "build", cwd=adopted)
    built = pages(adopted / "site")
    for page in ("index.html", "404.html", "about/index.html", "sitemap.xml", "feed.xml",
                 "qingshui/index.html", "qingshui/notices/index.html", "qingshui/data/index.html",
                 "qingshui/history/index.html", "qingshui/queries/index.html", "qingshui/search/index.html",
                 "assets/trustfund.css", "assets/trustfund-search.js", "assets/trustfund-ask.js",
                 "assets/trustfund-print.js", "assets/share.png"):
        assert page in built, f"{page} missing from the adopted repository's site"
    index = (adopted / "site" / "index.html").read_text(encoding="utf-8")
    assert 'property="og:title"' in index, "the package's theme override (main.html) was not used"
    assert "Content-Security-Policy" in index

    # With books that have every kind of page, the installed package builds the same pages as this checkout.
    add_example_books(adopted)
    run(trustfund, "check", cwd=adopted)
    run(trustfund, "build", "--site-dir", tmp_path / "installed-site", cwd=adopted)
    here = tmp_path / "here"
    assert main(["init", str(here), "--compound", "qingshui", "--site-url", "https://books.example.cn/"]) == 0
    add_example_books(here)
    assert main(["--root", str(here), "build", "--site-dir", str(tmp_path / "here-site")]) == 0
    expected = pages(tmp_path / "here-site")
    for kind in (f"{EXAMPLE}/2026/index.html", f"{EXAMPLE}/2026/03/index.html", f"{EXAMPLE}/budget/2026/index.html",
                 f"{EXAMPLE}/fees/index.html", f"{EXAMPLE}/2026/03/report/index.html"):
        assert kind in expected
    assert pages(tmp_path / "installed-site") == expected
    print(f"wheel installed in {installed - started:.1f} s; whole test {time.monotonic() - started:.1f} s")


def test_the_wheel_carries_the_license_and_the_package_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata_name,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        metadata = archive.read(metadata_name).decode("utf-8")
        assert any(fnmatch.fnmatch(name, "*.dist-info/licenses/LICENSE") for name in names)
        license_text = archive.read(next(name for name in names if name.endswith("licenses/LICENSE"))).decode()
    assert "License-Expression: MIT" in metadata.splitlines()
    assert "License-File: LICENSE" in metadata.splitlines()
    assert "MIT License" in license_text and "trustfund contributors" in license_text
    assert "Classifier: Framework :: MkDocs" in metadata.splitlines()
    for data in ("generator/site/overrides/main.html", "generator/site/overrides/partials/source.html",
                 "generator/site/overrides/assets/trustfund.css", "generator/site/templates/month.html",
                 "generator/adoption/files/mkdocs.yml", "generator/adoption/files/github/workflows/check.yml",
                 "generator/adoption/files/github/ISSUE_TEMPLATE/query.yml", "generator/adoption/files/gitignore"):
        assert data in names, f"{data} is not in the wheel"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"trustfund {importlib.metadata.version('trustfund')}"


def adopted(tmp_path: Path) -> Path:
    target = tmp_path / "adopted"
    assert main(["init", str(target), "--compound", "hetang", "--repo", "example-district/hetang"]) == 0
    return target


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "full"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main(["init", str(target), "--compound", "hetang"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(target) in err[0] and "not an empty folder" in err[0]
    assert sorted(path.name for path in target.iterdir()) == ["notes.txt"]
    assert main(["init", str(tmp_path / "Bad Name")]) == 2
    assert "--compound" in capsys.readouterr().err


def test_init_makes_one_unsigned_adoption_commit_of_a_clean_tree(tmp_path: Path) -> None:
    target = adopted(tmp_path)
    git = ["git", "-C", str(target)]
    log = subprocess.run([*git, "log", "--format=%G?%x1f%s"], capture_output=True, text=True, check=True).stdout
    assert log.splitlines() == ["N\x1fAdoption commit: trustfund "
                                f"{importlib.metadata.version('trustfund')} with compound hetang"]
    assert subprocess.run([*git, "branch", "--show-current"], capture_output=True, text=True,
                          check=True).stdout.strip() == "main"
    assert subprocess.run([*git, "status", "--porcelain"], capture_output=True, text=True, check=True).stdout == ""
    assert "*.picklecache" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert main(["--root", str(target), "check"]) == 0
    config = (target / "mkdocs.yml").read_text(encoding="utf-8")
    settings = [line for line in config.splitlines() if not line.lstrip().startswith("#")]
    assert "repo_url: https://github.com/example-district/hetang" in settings
    assert not any("custom_dir" in line for line in settings), "the theme's files come from the package"
    assert f"beancount=={importlib.metadata.version('beancount')}" in (target / "constraints.txt").read_text()
    pin = [line for line in (target / "requirements.txt").read_text().splitlines() if not line.startswith("#")]
    assert pin == [f"trustfund=={importlib.metadata.version('trustfund')}"]


def test_the_adopted_workflows_pass_actionlint_and_install_only_the_bases_pins(tmp_path: Path) -> None:
    target = adopted(tmp_path)
    workflows = sorted((target / ".github" / "workflows").glob("*.yml"))
    assert [path.name for path in workflows] == ["check.yml", "publish.yml"]
    result = subprocess.run([str(Path(sys.executable).parent / "actionlint"), *map(str, workflows)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    check = (target / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8")
    assert "pip install --quiet -r base/requirements.txt -c base/constraints.txt" in check
    assert "pip install" not in check.replace("pip install --quiet -r base/requirements.txt", "")
    assert not re.search(r"\$\{\{[^}]*secrets", check), "the pull request job has no secrets"
    for path in workflows:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" in line:
                assert len(line.split("@")[1].split()[0]) == 40, f"{path.name}: {line.strip()} is not pinned"
    dependabot = (target / ".github" / "dependabot.yml").read_text(encoding="utf-8")
    assert "package-ecosystem: github-actions" in dependabot and "package-ecosystem: pip" in dependabot


def owners(codeowners: str, path: str) -> list[str]:
    """GitHub's rule: the last matching line wins (enough of the pattern syntax for this file)."""
    found: list[str] = []
    for line in codeowners.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, *who = line.split()
        if pattern == "*" or (pattern.startswith("/") and path.startswith(pattern.lstrip("/"))):
            found = who
    return found


def test_codeowners_gives_the_books_to_the_committee_and_supervisors(tmp_path: Path) -> None:
    codeowners = (adopted(tmp_path) / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    for path in ("ledgers/hetang/2026/03.beancount", "ledgers/hetang/compound.yaml", "budgets/hetang/2026.yaml",
                 "notices/hetang/2026-01-05-vote.md"):
        assert owners(codeowners, path) == ["@OWNER/committee", "@OWNER/supervisors"], path
    for path in ("mkdocs.yml", ".github/workflows/check.yml", "requirements.txt", "site_src/about.md"):
        assert owners(codeowners, path) == ["@OWNER/maintainers"], path
    assert "treasurer" not in " ".join(line for line in codeowners.splitlines() if not line.startswith("#"))


def test_the_issue_forms_are_this_repositorys_and_labels_prints_their_labels(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = adopted(tmp_path)
    forms = PROJECT / ".github" / "ISSUE_TEMPLATE"
    for form in forms.iterdir():
        assert (target / ".github" / "ISSUE_TEMPLATE" / form.name).read_bytes() == form.read_bytes(), form.name
    capsys.readouterr()
    assert main(["labels", "--repo", "example-district/hetang"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert all(line.startswith("gh label create ") and "--repo example-district/hetang" in line for line in lines)
    printed = {shlex.split(line)[3] for line in lines}
    assert printed == {"质询", "工单", "已答复"}
    for form in ("query.yml", "work-order.yml"):
        text = (forms / form).read_text(encoding="utf-8")
        assert any(f'labels: ["{label}"]' in text for label in printed), form


def test_bills_take_the_sites_address_from_mkdocs_yml(example_rosters: dict[str, Path], tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """site_url is the one setting: the printed bills' QR codes read it too, unless --site-url is given."""
    configured = re.search(r"(?m)^site_url: (\S+)$", (PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert configured is not None
    roster = str(example_rosters[EXAMPLE])
    printed = {}
    for given in ([], ["--site-url", configured.group(1)], ["--site-url", "https://elsewhere.example.org/"]):
        out = tmp_path / f"bills-{len(printed)}"
        assert main(["--root", str(PROJECT), "bills", EXAMPLE, "2026-11", "--roster", roster, "--out", str(out),
                     *given]) == 0
        printed[" ".join(given)] = (out / f"bills-{EXAMPLE}-2026-11.html").read_text(encoding="utf-8")
    assert len(set(printed.values())) == 2, "the QR codes (drawn from the address) must depend on it"
    assert printed[""] == printed[f"--site-url {configured.group(1)}"]
    bare = adopted(tmp_path)  # its mkdocs.yml sets no site_url yet
    capsys.readouterr()
    assert main(["--root", str(bare), "bills", "hetang", "2026-11", "--roster", roster,
                 "--out", str(tmp_path / "out")]) == 2
    assert "set site_url in mkdocs.yml or pass --site-url" in capsys.readouterr().err


def test_a_repositorys_own_custom_dir_still_overrides_the_packages_theme(tmp_path: Path) -> None:
    target = adopted(tmp_path)
    overrides = target / "site_src" / "overrides"
    overrides.mkdir()
    page = '{% extends "main.html" %}{% block content %}<p>our-own-404</p>{% endblock %}\n'
    (overrides / "404.html").write_text(page, encoding="utf-8")
    config = target / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  name: material\n", "  name: material\n"
                                                      "  custom_dir: site_src/overrides\n")
    config.write_text(text + "exclude_docs: |\n  overrides/\n", encoding="utf-8")
    assert main(["--root", str(target), "build", "--site-dir", str(tmp_path / "site")]) == 0
    assert "our-own-404" in (tmp_path / "site" / "404.html").read_text(encoding="utf-8")
    assert 'property="og:title"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert (tmp_path / "site" / "assets" / "trustfund.css").is_file()
