"""The Actions caches of the workflows: main restores only what main's own runs wrote.

trustfund's cache (generator/caches.py) is checked entry by entry, but a seal proves an entry undamaged, not
who wrote it. So the publish workflow keys the folder by batch and ref and restores it only by prefixes of
its own ref or the default branch; the pull request's check keeps no cache at all; and no workflow runs in
main's cache scope on a pull request's behalf (``pull_request_target``, ``workflow_run``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.test_site import PROJECT

WORKFLOWS = PROJECT / ".github" / "workflows"
CACHE_ACTIONS = ("actions/cache@", "actions/cache/restore@", "actions/cache/save@")
KEY = "trustfund-${{ matrix.batch }}-${{ github.ref }}:${{ github.run_id }}-${{ github.run_attempt }}"


def workflow(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return loaded


def triggers(loaded: dict[Any, Any]) -> dict[str, Any]:
    found: dict[str, Any] = loaded.get("on", loaded.get(True))  # YAML 1.1 reads a bare `on` as True
    return found


def cache_steps(loaded: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in loaded["jobs"].values() for step in job["steps"]
            if step.get("uses", "").startswith(CACHE_ACTIONS)]


def test_no_workflow_runs_in_mains_cache_scope_for_a_pull_request() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        assert not {"pull_request_target", "workflow_run"} & set(triggers(workflow(path.name))), path.name


def test_the_pull_request_check_keeps_no_cache() -> None:
    assert set(triggers(workflow("check.yml"))) == {"pull_request"}
    assert cache_steps(workflow("check.yml")) == []


def test_publish_runs_on_main_only_and_keeps_trustfunds_cache_by_batch_and_ref() -> None:
    loaded = workflow("publish.yml")
    on = triggers(loaded)
    # Events that run in the default branch's scope only: what they restore, only main's runs wrote.
    assert set(on) == {"push", "issues", "issue_comment", "schedule"} and on["push"] == {"branches": ["main"]}
    part = loaded["jobs"]["part"]
    steps = {step["name"]: step for step in part["steps"]}
    restore, save = steps["Restore trustfund's cache"], steps["Keep trustfund's cache for the next run"]
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    assert restore["uses"].split("@")[1] == steps["Restore the batch's last good parts"]["uses"].split("@")[1]
    assert restore["with"]["key"] == save["with"]["key"] == KEY
    assert restore["with"]["path"] == save["with"]["path"] == part["env"]["TRUSTFUND_CACHE"] == "~/.cache/trustfund"
    assert save["if"] == "${{ !cancelled() }}"
    # Each fallback is a prefix of this ref's key or of the default branch's, ended where no ref name can go on.
    fallbacks = restore["with"]["restore-keys"].splitlines()
    assert fallbacks == ["trustfund-${{ matrix.batch }}-${{ github.ref }}:",
                         "trustfund-${{ matrix.batch }}-refs/heads/${{ github.event.repository.default_branch }}:"]
    assert KEY.startswith(fallbacks[0])
    names = list(steps)
    assert names.index("Restore trustfund's cache") < names.index("Check and build each compound's part") \
        < names.index("Keep trustfund's cache for the next run")


def test_the_folder_the_workflow_keeps_is_the_one_trustfund_uses(tmp_path: Path) -> None:
    """``TRUSTFUND_CACHE: ~/.cache/trustfund`` as the job sets it, with another XDG_CACHE_HOME on the runner."""
    env = {**os.environ, "HOME": str(tmp_path), "TRUSTFUND_CACHE": "~/.cache/trustfund",
           "XDG_CACHE_HOME": str(tmp_path / "elsewhere")}
    shown = subprocess.run([sys.executable, "-c", "from generator.caches import cache_root; print(cache_root())"],
                           env=env, capture_output=True, text=True, check=True, cwd=PROJECT).stdout.strip()
    assert Path(shown) == Path("~/.cache/trustfund".replace("~", str(tmp_path), 1))
