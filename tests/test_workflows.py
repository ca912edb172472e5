"""The workflows' own steps, run as the shell they are, against a temporary signed repository.

check.yml checks the pull request out into one folder and the base revision into another, installs the
base into a virtual environment of its own at ``$RUNNER_TEMP/checker``, and runs that installation's
``trustfund --root <pr folder>`` over the pull request. Here:

- the repository's base commit carries a copy of this project's ``generator/``, so "the base's code"
  exists in git, and a pull request can edit it as a real one would;
- the two ``actions/checkout`` steps are clones of that repository at HEAD and at BASE, in the folders
  the workflow names;
- the install step is simulated (no network for pip): ``$RUNNER_TEMP/checker/bin/trustfund`` is a console
  script that imports ``generator`` from the base checkout only (``-I``: no current folder, no
  PYTHONPATH), ahead of this project's editable install. No other ``trustfund`` is on PATH, so a step
  that ran anything but the installed checker would fail.

How the tests tell whose code ran: a pull request blinds its own checker (``verify`` refuses nothing,
``findings_of`` finds nothing, and each says so on stderr). Run by a checker made from the pull request's
own folder — the old workflow — the bad change passes every step, and the blind code's words appear; run as
check.yml runs it, the same pull request is refused by the base's rules, and the words do not appear.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.test_site import PROJECT
from tests.test_verify import MARCH, Signed

WORKFLOWS = PROJECT / ".github" / "workflows"
CHECKER = "checker"  # the base's virtual environment, under $RUNNER_TEMP
INSTALL = "Install the base's checker"
STEPS = ["Verify signatures", "Check the books", "Summarise the changes", "Build the site"]
BLIND = "the pull request's own checker ran"

OVER_THE_CAP = """
2026-03-05 * "示例电梯公司" "电梯大修"
  voucher: "2026-0003"
  evidence: "2026-0003.pdf"
  Expenses:Repairs:Elevator   6000.00 CNY
  Assets:Bank:Fund
"""


def job(workflow: str, name: str) -> dict[str, Any]:
    job_: dict[str, Any] = yaml.safe_load((WORKFLOWS / workflow).read_text(encoding="utf-8"))["jobs"][name]
    return job_


def checkouts() -> dict[str, dict[str, Any]]:
    """check.yml's checkout steps by what they check out ("head" or "base"): their `with:`."""
    found = {}
    for step in job("check.yml", "check")["steps"]:
        if step.get("uses", "").startswith("actions/checkout@"):
            ref = step["with"]["ref"]
            found["head" if "pull_request.head.sha" in ref else "base" if "pull_request.base.sha" in ref else ref] \
                = step["with"]
    return found


def runner_path() -> str:
    """PATH without any folder that has a `trustfund` (this project's .venv/bin, for one)."""
    return os.pathsep.join(folder for folder in os.environ["PATH"].split(os.pathsep)
                           if folder and not os.access(Path(folder) / "trustfund", os.X_OK))


def run_steps(workflow: str, name: str, workspace: Path, env: dict[str, str], temp: Path,
              after: str, until: str | None = None) -> list[tuple[str, int, str]]:
    """Every `run` step after the step `after`, as GitHub runs it (bash -eo pipefail), until one fails."""
    steps = job(workflow, name)["steps"]
    names = [step.get("name", "") for step in steps]
    results = []
    summary = temp / "summary.md"
    summary.touch()
    runner_env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    runner_env.update(env, GITHUB_STEP_SUMMARY=str(summary), GITHUB_WORKSPACE=str(workspace), RUNNER_TEMP=str(temp),
                      PATH=runner_path())
    for step in steps[names.index(after) + 1:]:
        if "run" not in step:
            continue
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                cwd=workspace, env=runner_env, capture_output=True, text=True, check=False)
        results.append((step["name"], result.returncode, result.stdout + result.stderr))
        if result.returncode != 0 or step["name"] == until:
            break
    return results


def pull_request(tmp_path: Path) -> Signed:
    """A signed compound whose base commit also holds the site's sources, the checker's code and a maintainer."""
    repo = Signed.__new__(Signed)
    root = tmp_path / "books"
    root.mkdir()
    shutil.copytree(PROJECT / "site_src", root / "site_src")
    shutil.copy(PROJECT / "mkdocs.yml", root / "mkdocs.yml")
    Signed.__init__(repo, root)
    shutil.copytree(PROJECT / "generator", root / "generator", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    repo.write(".trustfund/maintainers", f"maintainer-t {repo.public('outsider')}\n")
    repo.commit(None, "The checker's code and its maintainer")
    repo.base = repo.head()
    return repo


def blind_the_checker(repo: Signed) -> None:
    """The pull request's own generator/: verify refuses nothing, check finds nothing (and each says so)."""
    for relative, definition in (("generator/audit/verify.py", "def verify(root, revision_range):"),
                                 ("generator/audit/check.py", "def findings_of(root, books):")):
        path = repo.root / relative
        path.write_text(path.read_text(encoding="utf-8") +
                        f"\n\n{definition}\n    print({BLIND!r}, file=sys.stderr)\n    return []\n"
                        "\n\nimport sys  # noqa: E402\n", encoding="utf-8")


def install_checker(temp: Path, source: Path) -> None:
    """What the install step leaves in $RUNNER_TEMP: a `trustfund` console script whose code is `source`'s."""
    script = temp / CHECKER / "bin" / "trustfund"
    script.parent.mkdir(parents=True)
    script.write_text(f"#!{sys.executable} -IB\nimport sys\nsys.path.insert(0, {str(source)!r})\n"
                      "from generator.cli import main\nsys.exit(main())\n", encoding="utf-8")
    script.chmod(0o755)


def run_check(repo: Signed, head: str, temp: Path, checker_from: str = "base",
              until: str | None = None) -> list[tuple[str, int, str]]:
    """check.yml on the pull request BASE..HEAD, with the checker installed from the `checker_from` checkout."""
    temp.mkdir(parents=True, exist_ok=True)
    workspace = temp / "workspace"
    folders = {}
    for which, revision in (("head", head), ("base", repo.base)):
        folders[which] = workspace / checkouts()[which]["path"]
        subprocess.run(["git", "clone", "-q", "--no-checkout", f"file://{repo.root}", str(folders[which])], check=True)
        subprocess.run(["git", "-C", str(folders[which]), "checkout", "-q", "--detach", revision], check=True)
    install_checker(temp, folders[checker_from])
    return run_steps("check.yml", "check", workspace, {"BASE": repo.base, "HEAD": head}, temp, INSTALL, until)


def codes(results: list[tuple[str, int, str]]) -> list[tuple[str, int]]:
    return [(name, code) for name, code, _ in results]


def test_the_pull_request_job_installs_only_the_base_and_cannot_write() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "check.yml").read_text(encoding="utf-8"))
    text = (WORKFLOWS / "check.yml").read_text(encoding="utf-8")
    assert list(workflow[True]) == ["pull_request"]  # YAML 1.1 reads the key `on` as True
    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in workflow["jobs"]["check"] and not re.search(r"\$\{\{[^}]*secrets", text)
    found = checkouts()
    assert set(found) == {"head", "base"} and found["head"]["path"] != found["base"]["path"]
    assert found["head"]["fetch-depth"] == 0
    assert all(step["persist-credentials"] is False for step in found.values())
    steps = {step.get("name"): step for step in job("check.yml", "check")["steps"]}
    # The simulation in install_checker stands for exactly this: the base, installed into its own venv.
    assert steps[INSTALL]["run"].split("\n") == [
        f'python -m venv "$RUNNER_TEMP/{CHECKER}"',
        f'"$RUNNER_TEMP/{CHECKER}/bin/python" -m pip install --quiet -c {found["base"]["path"]}/constraints.txt '
        f'./{found["base"]["path"]}', ""]
    for name in STEPS:
        assert steps[name]["run"].startswith(f'"$RUNNER_TEMP/{CHECKER}/bin/trustfund" --root {found["head"]["path"]} ')
    assert "PYTHONPATH" not in text and "python -m generator" not in text and "install ." not in text


def test_the_pull_request_steps_pass_a_signed_change_and_summarise_it(tmp_path: Path) -> None:
    repo = pull_request(tmp_path)
    repo.journal(MARCH.format(amount="1200.00"))
    head = repo.commit("treasurer", "March: building 3")
    results = run_check(repo, head, tmp_path / "runner")
    assert codes(results) == [(name, 0) for name in STEPS], results
    summary = (tmp_path / "runner" / "summary.md").read_text(encoding="utf-8")
    assert "| 2026-0002 | 之后 after | 2026-03-02 | 3号楼业主 |" in summary
    assert (tmp_path / "runner" / "site" / "test" / "2026" / "03" / "index.html").is_file()


def test_the_pull_request_steps_stop_an_unsigned_change(tmp_path: Path) -> None:
    repo = pull_request(tmp_path)
    repo.journal(MARCH.format(amount="1200.00"))
    head = repo.commit(None, "unsigned")
    results = run_check(repo, head, tmp_path / "runner")
    assert codes(results) == [("Verify signatures", 1)]
    assert "verify-unsigned" in results[0][2]


def test_a_pull_request_that_blinds_its_own_checker_is_still_refused_by_the_bases(tmp_path: Path) -> None:
    repo = pull_request(tmp_path)
    blind_the_checker(repo)
    repo.voucher_file("2026-0003.pdf")
    repo.journal(MARCH.format(amount="1000.00") + OVER_THE_CAP)
    head = repo.commit("treasurer", "Elevator overhaul, and a lighter checker")
    # The old workflow ran the pull request's own code: it would have let this through.
    own = run_check(repo, head, tmp_path / "own", checker_from="head", until="Check the books")
    assert codes(own) == [("Verify signatures", 0), ("Check the books", 0)]
    assert all(BLIND in output for _, _, output in own)
    # check.yml runs the base's: the treasurer may not change the checker's code.
    results = run_check(repo, head, tmp_path / "runner")
    assert codes(results) == [("Verify signatures", 1)]
    assert "verify-role" in results[0][2] and "generator/audit/check.py" in results[0][2]
    assert "need a maintainer key" in results[0][2] and BLIND not in results[0][2]


def test_a_maintainers_change_to_the_checker_does_not_check_the_books_it_comes_with(tmp_path: Path) -> None:
    repo = pull_request(tmp_path)
    blind_the_checker(repo)
    repo.commit("outsider", "A lighter checker")  # outsider's key is the maintainer's at the base
    repo.voucher_file("2026-0003.pdf")
    repo.journal(MARCH.format(amount="1000.00") + OVER_THE_CAP)
    head = repo.commit("treasurer", "Elevator overhaul")
    own = run_check(repo, head, tmp_path / "own", checker_from="head", until="Check the books")
    assert codes(own) == [("Verify signatures", 0), ("Check the books", 0)]
    # Signed as it should be, so verify passes; the books are judged by the base's rules all the same.
    results = run_check(repo, head, tmp_path / "runner")
    assert codes(results) == [("Verify signatures", 0), ("Check the books", 1)], results
    _, _, output = results[1]
    assert "ledgers/test/2026/03.beancount:6: budget-cap:" in output, output
    assert BLIND not in output + results[0][2]
    assert not (tmp_path / "runner" / "site").exists()


def test_the_publish_workflow_deploys_only_after_a_good_build() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = workflow["jobs"]
    deploy = jobs["deploy"]
    assert deploy["needs"] == "assemble" and "needs.assemble.result == 'success'" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    # Only the deploy job can write anything; only the first job reads the issues (the queries snapshot).
    assert {name: job_["permissions"] for name, job_ in jobs.items() if name != "deploy"} == {
        "list": {"contents": "read", "issues": "read"}, "part": {"contents": "read"},
        "assemble": {"contents": "read"}}
    for name in ("check.yml", "publish.yml"):
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        for step in (s for job in yaml.safe_load(text)["jobs"].values() for s in job["steps"] if "uses" in s):
            assert len(step["uses"].split("@")[1]) == 40, f"{name}: {step['uses']} is not pinned to a commit"
            if step["uses"].startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, f"{name}: {step['name']} keeps the token"
        assert "fetch-depth: 0" in text


def test_the_district_is_built_as_a_matrix_of_batches_then_assembled_once() -> None:
    jobs = yaml.safe_load((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"))["jobs"]
    names = [step.get("name") for step in jobs["list"]["steps"]]
    # Signatures are verified before anything is built; a failure there stops every later job.
    assert names.index("Verify signatures") < names.index("List the compounds in batches")
    part = jobs["part"]
    assert part["needs"] == "list" and part["strategy"]["fail-fast"] is False
    assert part["strategy"]["matrix"] == {"include": "${{ fromJSON(needs.list.outputs.batches) }}"}
    # Every job of a run prints one build date, so the parts' stamps agree and assemble may join them.
    assert part["env"]["SOURCE_DATE_EPOCH"] == jobs["assemble"]["env"]["SOURCE_DATE_EPOCH"] \
        == "${{ needs.list.outputs.epoch }}"
    steps = {step.get("name"): step for step in part["steps"]}
    restore, save = steps["Restore the batch's last good parts"], steps["Keep the batch's parts for the next run"]
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["restore-keys"] == "parts-${{ matrix.batch }}-"
    assert save["with"]["key"] == restore["with"]["key"] and save["if"] == "${{ !cancelled() }}"
    assert "trustfund build --compound" in steps["Check and build each compound's part"]["run"]
    # The assembly runs when some batches failed (their compounds' last good parts are in the artifacts).
    assemble = jobs["assemble"]
    assert assemble["needs"] == ["list", "part"] and "!cancelled()" in assemble["if"]
    assert "needs.list.result == 'success'" in assemble["if"]
    run = {step.get("name"): step.get("run", "") for step in assemble["steps"]}
    assert run["Assemble the site"].startswith("trustfund assemble parts/* --site-dir \"$RUNNER_TEMP/site\"")
    assert [name for name in run if name.startswith(("Copy the site", "Upload the site"))] == [
        "Copy the site to the S3-compatible bucket", "Upload the site"]


def run_publish_step(job_name: str, step_name: str, workspace: Path, env: dict[str, str]) -> tuple[int, str]:
    """One `run` step of publish.yml as GitHub runs it (bash -eo pipefail), with this project's trustfund."""
    step = next(s for s in job("publish.yml", job_name)["steps"] if s.get("name") == step_name)
    runner_env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    runner_env.update(env, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=workspace,
                            env=runner_env, capture_output=True, text=True, check=False, timeout=900)
    return result.returncode, result.stdout + result.stderr


def batches_of(workspace: Path, compounds: list[str]) -> dict[str, str]:
    for compound in compounds:
        (workspace / "ledgers" / compound).mkdir(parents=True, exist_ok=True)
    output = workspace / "output.txt"
    output.write_text("", encoding="utf-8")
    code, log = run_publish_step("list", "List the compounds in batches", workspace, {"GITHUB_OUTPUT": str(output)})
    assert code == 0, log
    lines = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    assert lines["epoch"].isdigit()
    return {compound: entry["batch"] for entry in json.loads(lines["batches"]) for compound in
            entry["compounds"].split()}


def test_twelve_hundred_compounds_make_fewer_than_256_jobs_each_compound_in_one_stable_batch(tmp_path: Path) -> None:
    compounds = [f"compound-{number:04d}" for number in range(1200)]
    found = batches_of(tmp_path, compounds)
    assert sorted(found) == compounds  # each compound exactly once
    assert len(set(found.values())) <= 200 < 256
    # A new compound does not move the others: each batch finds its cached parts again.
    again = batches_of(tmp_path, ["a-new-compound"])
    assert {compound: again[compound] for compound in compounds} == found


def test_a_compound_that_fails_in_the_matrix_keeps_its_last_good_part(tmp_path: Path) -> None:
    """The batch job's own steps over a copy of the example books, a part of each already in the cache."""
    workspace = tmp_path / "workspace"
    for name in ("ledgers", "budgets", "notices", "site_src"):
        shutil.copytree(PROJECT / name, workspace / name)
    shutil.copy(PROJECT / "mkdocs.yml", workspace / "mkdocs.yml")
    env = {"COMPOUNDS": "hetang-court qingshui-garden", "SOURCE_DATE_EPOCH": "1790000000",
           "RUNNER_TEMP": str(tmp_path / "runner")}
    code, log = run_publish_step("part", "Check and build each compound's part", workspace, env)
    assert code == 0 and not (workspace / "failed.txt").read_text(encoding="utf-8"), log
    kept = (workspace / "parts" / "hetang-court" / "manifest.json").read_bytes()
    (workspace / "parts" / "gone-compound").mkdir()  # a compound removed from the batch since the last run
    month = workspace / "ledgers" / "hetang-court" / "2026" / "01.beancount"
    month.write_text(month.read_text(encoding="utf-8") + '\n2026-01-30 * "无凭证号"\n'
                     "  Expenses:Cleaning   10.00 CNY\n  Assets:Bank:Fund\n", encoding="utf-8")
    code, log = run_publish_step("part", "Check and build each compound's part", workspace, env)
    assert code == 0, log
    assert (workspace / "failed.txt").read_text(encoding="utf-8") == "hetang-court\n"
    assert (workspace / "parts" / "hetang-court" / "manifest.json").read_bytes() == kept
    assert sorted(path.name for path in (workspace / "parts").iterdir()) == ["hetang-court", "qingshui-garden"]
    code, log = run_publish_step("part", "Report the compounds that failed", workspace, env)
    assert code == 1 and "hetang-court" in log
    code, log = run_publish_step("assemble", "Assemble the site", workspace, env)
    assert code == 0, log
    assert (tmp_path / "runner" / "site" / "hetang-court" / "index.html").is_file()


