"""The history page's git reading: a fixed number of git processes, and caches outside the repository that are
checked, never trusted — with real git, real ``ssh-keygen`` keys and signatures in temporary repositories."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.audit import git as git_module
from generator.audit.entries import changes, dated
from generator.audit.git import Git, Signature
from generator.audit.history import load_history
from generator.audit.verdicts import HEADER, VerdictStore, carried_key, commit_signature
from generator.audit.verify import verify
from generator.view.history import History
from tests.test_verify import Signed

ENTRY = """\
2026-03-{day:02d} * "3号楼业主" "2026年3月物业费（第{number}笔）"
  voucher: "2026-{number:04d}"
  Assets:Bank:Fund   {amount}.00 CNY
  Income:PropertyFees
"""


def entries(*numbers: int, amount: int = 100) -> str:
    return "\n".join(ENTRY.format(day=1 + number % 28, number=number, amount=amount + number) for number in numbers)


@pytest.fixture
def signed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Signed:
    monkeypatch.setenv("TRUSTFUND_CACHE", str(tmp_path / "cache"))
    return Signed(tmp_path / "books")


def history(signed: Signed, store: VerdictStore | None = None) -> dict[str, object]:
    found = load_history(signed.root, "test", store)
    assert found is not None
    return dataclasses.asdict(found)


def shown(found: dict[str, object], sha: str) -> dict[str, object]:
    changes_shown = found["changes"]
    assert isinstance(changes_shown, list)
    return next(change for change in changes_shown if change["sha"] == sha)


def verdict_files(signed: Signed) -> list[Path]:
    return sorted(path for path in (signed.root.parent / "cache" / "verdicts").iterdir() if path.is_file())


def with_history(signed: Signed, commits: int) -> None:
    """Treasurer-signed commits, one unsigned, a merged pull request and a supervisor's close tag."""
    for number in range(1, commits + 1):
        signed.journal(entries(*range(2, number + 2)))
        signed.commit("treasurer", f"March, entry {number}")
    signed.journal(entries(*range(2, commits + 2), commits + 5))
    signed.commit(None, "unsigned")
    signed.git("checkout", "-q", "-b", "treasurer/april")
    signed.journal(entries(1), month="2026/04")
    signed.commit("treasurer", "April")
    signed.git("checkout", "-q", "main")
    signed.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from treasurer/april", "treasurer/april")
    signed.close("2026-03")


def forged_commit(signed: Signed, message: str) -> str:
    """A commit that carries the treasurer's signature of another commit: its key is listed, the signature
    does not verify. Made from HEAD's object with its message changed; HEAD then points at it."""
    raw = subprocess.run(["git", "-C", str(signed.root), "cat-file", "commit", "HEAD"], capture_output=True,
                         check=True).stdout
    header, _, _ = raw.partition(b"\n\n")
    sha = subprocess.run(["git", "-C", str(signed.root), "hash-object", "-t", "commit", "-w", "--stdin"],
                         input=header + b"\n\n" + message.encode() + b"\n", capture_output=True,
                         check=True).stdout.decode().strip()
    signed.git("update-ref", "HEAD", sha)
    return sha


def test_a_warm_history_equals_a_cold_one_and_asks_git_nothing(signed: Signed) -> None:
    with_history(signed, 4)
    cold_store = VerdictStore.for_repository(Git(signed.root))
    cold = history(signed, cold_store)
    warm_store = VerdictStore.for_repository(Git(signed.root))
    warm = history(signed, warm_store)
    uncached = history(signed, VerdictStore(None, "no cache"))
    assert warm == cold == uncached
    assert cold_store.asked == 6 and cold_store.reused == 0  # five treasurer commits and the close tag
    assert warm_store.asked == 0 and warm_store.reused == 6
    verified = [change for change in cold["changes"] if change["verified"]]  # type: ignore[attr-defined]
    assert len(verified) == 5 and all(change["signed_by"] == "treasurer-t (treasurer)" for change in verified)
    assert [c["supervisor"] for c in cold["closed"]] == ["supervisor-t (test supervisor)"]  # type: ignore[attr-defined]
    april = next(c for c in cold["changes"] if c["subject"] == "April")  # type: ignore[attr-defined]
    assert april["pull_request"] == 7 and april["items"] == [{"voucher": "2026-0001", "what": "added",
                                                               "date": "2026-03-02"}]


def test_a_verdict_is_not_reused_after_the_key_is_removed_nor_for_another_commit(signed: Signed) -> None:
    signed.journal(entries(2))
    before = signed.commit("treasurer", "while the treasurer's key is listed")
    profile = signed.compound / "compound.yaml"
    signed.write("ledgers/test/compound.yaml", "".join(line for line in profile.read_text().splitlines(True)
                                                       if "treasurer-t" not in line))
    signed.commit("committee", "the treasurer's key is removed")
    signed.journal(entries(2, 3))
    after = signed.commit("treasurer", "signed with the removed key")
    cold = history(signed)
    assert shown(cold, before)["verified"] and not shown(cold, after)["verified"]
    # Git's verdict on `after` is good (the signature is sound); what the page asks is whether the key was
    # listed at the commit's parent, which the books answer, not the cache.
    git = Git(signed.root)
    store = VerdictStore.for_repository(git)
    key = carried_key(commit_signature(git.objects([after])[after][1], after) or "")
    assert key is not None
    store.put(after, key, Signature("G", key.fingerprint))
    warm = history(signed)
    assert warm == cold and not shown(warm, after)["verified"]
    # The entry for `before` copied to the name of a question about another commit names `before`: ignored.
    forged = forged_commit(signed, "carries the treasurer's signature of another commit")
    entry = next(path for path in verdict_files(signed) if before.encode() in path.read_bytes())
    name = store._entry(forged, key)[0]
    assert name is not None
    name.write_bytes(entry.read_bytes())
    assert store.get(forged, key) is None
    later = history(signed)
    assert not shown(later, forged)["verified"]


def test_garbage_and_forged_entries_never_make_an_unsigned_commit_signed(signed: Signed) -> None:
    with_history(signed, 3)
    cold = history(signed)
    unsigned = next(c for c in cold["changes"] if c["subject"] == "unsigned")  # type: ignore[attr-defined]
    assert not unsigned["verified"]
    files = verdict_files(signed) + sorted((signed.root.parent / "cache" / "changes").iterdir())
    assert len(files) > 5
    for path in files:  # first spelling: every entry damaged
        path.write_bytes(b"\x00\xffnot an entry" * 7)
    store = VerdictStore.for_repository(Git(signed.root))
    assert history(signed, store) == cold
    assert store.reused == 0 and store.asked == 5  # every verdict asked again ...
    assert all(path.read_bytes().startswith(HEADER) for path in verdict_files(signed))  # ... and written again
    # Second spelling: a well-formed entry claiming a good treasurer signature for the unsigned commit, under
    # the name of every question it could be asked with. An unsigned commit carries no key: nothing is asked.
    git = Git(signed.root)
    treasurer = carried_key(commit_signature(git.objects([signed.git("rev-parse", "HEAD^1^")])[
        signed.git("rev-parse", "HEAD^1^")][1], "0" * 40) or "")
    assert treasurer is not None
    store.put(unsigned["sha"], treasurer, Signature("G", treasurer.fingerprint))
    assert store.get(unsigned["sha"], treasurer) == Signature("G", treasurer.fingerprint)
    assert history(signed) == cold


def test_a_cache_inside_the_repository_is_never_used(signed: Signed, monkeypatch: pytest.MonkeyPatch) -> None:
    signed.journal(entries(2))
    signed.commit("treasurer", "March")
    forged = forged_commit(signed, "a signature that does not verify")
    assert [rule for rule, _ in signed.refusals()] == ["verify-signature"]
    inside = signed.root / ".cache"
    monkeypatch.setenv("TRUSTFUND_CACHE", str(inside))
    store = VerdictStore.for_repository(Git(signed.root))
    assert store.folder is None and "inside the repository" in store.notes[0]
    # A pull request plants a good verdict for its forged commit where the cache would be: not read.
    key = carried_key(commit_signature(Git(signed.root).objects([forged])[forged][1], forged) or "")
    assert key is not None
    planted = VerdictStore(inside / "verdicts", Git(signed.root).check_version)
    (inside / "verdicts").mkdir(parents=True)
    planted.put(forged, key, Signature("G", key.fingerprint))
    assert not shown(history(signed), forged)["verified"]
    # The same entry in a cache folder outside the repository would be believed by the history page: that is
    # what the cache cannot protect against (whoever can write it), and why verify never reads it.
    outside = signed.root.parent / "planted"
    monkeypatch.setenv("TRUSTFUND_CACHE", str(outside))
    (outside / "verdicts").mkdir(parents=True)
    for path in (inside / "verdicts").iterdir():
        (outside / "verdicts" / path.name).write_bytes(path.read_bytes())
    assert shown(history(signed), forged)["verified"]
    assert [rule for rule, _ in signed.refusals()] == ["verify-signature"]


@pytest.fixture
def git_processes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, ...]]]:
    started: list[tuple[str, ...]] = []
    run = git_module.Git._run

    def counted(self: Git, args: object, *rest: object, **options: object) -> object:
        started.append(tuple(args))  # type: ignore[arg-type]
        return run(self, args, *rest, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(git_module.Git, "_run", counted)
    yield started


@pytest.mark.parametrize("state", ["cold", "warm"])
def test_the_git_processes_do_not_grow_with_the_commits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        git_processes: list[tuple[str, ...]], state: str) -> None:
    counts = {}
    for commits in (5, 40):
        monkeypatch.setenv("TRUSTFUND_CACHE", str(tmp_path / f"cache-{commits}"))
        repository = Signed(tmp_path / f"books-{commits}")
        with_history(repository, commits)
        if state == "warm":
            load_history(repository.root, "test")
        git_processes.clear()
        found = load_history(repository.root, "test")
        assert isinstance(found, History) and sum(c.verified for c in found.changes) == commits + 1
        counts[commits] = sorted(args[0] for args in git_processes)
    assert counts[5] == counts[40], counts
    assert len(counts[40]) <= (12 if state == "warm" else 14)


def test_item_changes_equal_a_whole_file_comparison(signed: Signed) -> None:
    """Only the region where two versions differ is parsed; what it finds is what comparing the whole files
    finds — appends, an edit in the middle, a removal, a reformatting, a moved entry, two edits far apart."""
    numbers = list(range(2, 40))
    versions = [entries(*numbers[:10]), entries(*numbers[:30]), entries(*numbers[:30]).replace("105.00", "999.00"),
                entries(*numbers[:15], *numbers[16:30]),
                entries(*numbers[:15], *numbers[16:30]).replace("  Assets:Bank:Fund   ", "  Assets:Bank:Fund  "),
                entries(*numbers[1:15], *numbers[16:30], numbers[0]),
                entries(*numbers[1:15], *numbers[16:30], numbers[0]).replace("103.00", "1.00").replace("131.00",
                                                                                                         "2.00"),
                'pushtag #audit\n' + entries(*numbers[1:15], *numbers[16:30]) + "poptag #audit\n",
                entries(*numbers[:38])]
    shas = []
    for index, text in enumerate(versions):
        signed.journal(text)
        shas.append(signed.commit("treasurer", f"version {index}"))
    found = history(signed)
    previous = signed.git("show", f"{signed.base}:ledgers/test/2026/03.beancount") + "\n"
    for sha, text in zip(shas, versions, strict=True):
        whole = changes(dated("ledgers/test/2026/03.beancount", previous), dated("ledgers/test/2026/03.beancount",
                                                                                   text))
        expected = {}
        for what, item in whole:
            if item.voucher and item.voucher not in expected:
                expected[item.voucher] = {"voucher": item.voucher, "what": what, "date": item.date.isoformat()}
        assert shown(found, sha)["items"] == sorted(expected.values(), key=lambda i: (i["date"], i["voucher"]))
        previous = text
    assert [len(shown(found, sha)["items"]) for sha in shas] == [10, 20, 1, 2, 0, 0, 2, 29, 38]


def test_verify_does_not_read_the_cache(signed: Signed) -> None:
    signed.journal(entries(2))
    signed.commit("treasurer", "March")
    forged = forged_commit(signed, "a signature that does not verify")
    git = Git(signed.root)
    key = carried_key(commit_signature(git.objects([forged])[forged][1], forged) or "")
    assert key is not None
    VerdictStore.for_repository(git).put(forged, key, Signature("G", key.fingerprint))
    assert [r.rule for r in verify(signed.root, f"{signed.base}..HEAD")] == ["verify-signature"]


def test_the_history_reuses_what_verify_asked(signed: Signed) -> None:
    with_history(signed, 3)
    assert [rule for rule, _ in signed.refusals()] == ["verify-unsigned"]
    store = VerdictStore.for_repository(Git(signed.root))
    found = history(signed, store)
    assert store.asked == 0 and store.reused == 5  # four treasurer commits and the close tag, as verify asked
    assert found == history(signed, VerdictStore(None, "no cache"))
