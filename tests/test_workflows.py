"""The pull-request workflow's own steps, run as the shell they are, against a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.test_site import PROJECT
from tests.test_verify import MARCH, Signed

WORKFLOWS = PROJECT / ".github" / "workflows"


def run_steps(workflow: str, job: str, repo: Path, env: dict[str, str], tmp: Path) -> list[tuple[str, int, str]]:
    """Every `run` step after the install step, as GitHub runs it (bash -eo pipefail), until one fails."""
    steps = yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))["jobs"][job]["steps"]
    names = [step.get("name", "") for step in steps]
    results = []
    summary = tmp / "summary.md"
    summary.touch()
    runner_env = {**os.environ, **env, "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp),
                  "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for step in steps[names.index("Install") + 1:]:
        if "run" not in step:
            continue
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=repo,
                                env=runner_env, capture_output=True, text=True, check=False)
        results.append((step["name"], result.returncode, result.stdout + result.stderr))
        if result.returncode != 0:
            break
    return results


def pull_request(tmp_path: Path) -> Signed:
    repo = Signed.__new__(Signed)
    root = tmp_path / "books"
    root.mkdir()
    shutil.copytree(PROJECT / "site_src", root / "site_src")
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    Signed.__init__(repo, root)
    return repo


def test_the_pull_request_steps_pass_a_signed_change_and_summarise_it(tmp_path: Path) -> None:
    repo = pull_request(tmp_path)
    repo.journal(MARCH.format(amount="1200.00"))
    head = repo.commit("treasurer", "March: building 3")
    results = run_steps("check.yml", "check", repo.root, {"BASE": repo.base, "HEAD": head}, tmp_path)
    assert [(name, code) for name, code, _ in results] == [
        ("Verify signatures", 0), ("Check the books", 0), ("Summarise the changes", 0), ("Build the site", 0)]
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "| 2026-0002 | 之后 after | 2026-03-02 | 3号楼业主 |" in summary
    assert (tmp_path / "site" / "test" / "2026" / "03" / "index.html").is_file()


def test_the_pull_request_steps_stop_an_unsigned_change(tmp_path: Path) -> None:
    repo = pull_request(tmp_path)
    repo.journal(MARCH.format(amount="1200.00"))
    head = repo.commit(None, "unsigned")
    results = run_steps("check.yml", "check", repo.root, {"BASE": repo.base, "HEAD": head}, tmp_path)
    assert [(name, code) for name, code, _ in results] == [("Verify signatures", 1)]
    assert "verify-unsigned" in results[0][2]


def test_the_publish_workflow_deploys_only_after_a_good_build() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    for name in ("check.yml", "publish.yml"):
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        for step in (s for job in yaml.safe_load(text)["jobs"].values() for s in job["steps"] if "uses" in s):
            assert len(step["uses"].split("@")[1]) == 40, f"{name}: {step['uses']} is not pinned to a commit"
        assert "persist-credentials: false" in text and "fetch-depth: 0" in text
