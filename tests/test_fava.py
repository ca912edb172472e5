"""Fava on the books, through Fava's real application (its Flask test client) and Beancount's real loader.

The rules plugin adds what Fava needs in memory: the interface in Chinese, saved queries that run on these
books, every ``evidence:`` file as a document linked to its voucher, the budgets, profile and notices as
watched files, and budget entries that stay within the books' dates (that ``bean-format`` at Fava's
column changes no ledger is in tests/test_format.py). ``trustfund fava`` starts it; and
Beancount's own cache, left by ``bean-check`` without ``--no-cache``, is refused by ``trustfund check`` with
a message that says where it came from and what to do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount.core import data
from fava.application import create_app
from fava.core import FavaLedger
from flask import Flask
from flask.testing import FlaskClient

from generator.books.compound import read_compound
from generator.books.vouchers import evidence_names
from generator.cli import main as trustfund
from tests.conftest import EXAMPLES, PROJECT

BIN = Path(sys.executable).parent
QUERY_NAMES = ("本月各预算科目支出", "预算余额", "受托人酬金与基金收入（逐年至今）", "无凭证的支出")


def copy_books(root: Path, compound: str) -> Path:
    """A compound's books, budgets and notices in a repository of their own; its main ledger."""
    for folder in ("ledgers", "budgets", "notices"):
        shutil.copytree(PROJECT / folder / compound, root / folder / compound,
                        ignore=shutil.ignore_patterns("*.picklecache"))
    return root / "ledgers" / compound / "main.beancount"


@pytest.fixture(scope="module")
def app() -> Flask:
    """Fava's application on both example compounds, as ``trustfund fava`` opens them (read only here)."""
    return create_app([str(PROJECT / "ledgers" / cid / "main.beancount") for cid in EXAMPLES], load=True,
                      poll_watcher=True)


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def ledgers(app: Flask) -> dict[str, tuple[str, FavaLedger]]:
    """Each example compound's (slug, ledger) in the app."""
    by_file = {Path(ledger.beancount_file_path).parent.name: (slug, ledger)
               for slug, ledger in app.config["LEDGERS"].items()}
    assert sorted(by_file) == sorted(EXAMPLES)
    return by_file


def api(client: FlaskClient, slug: str, endpoint: str, **params: str) -> Any:
    response = client.get(f"/{slug}/api/{endpoint}", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()["data"]


def transactions(ledger: FavaLedger) -> list[data.Transaction]:
    return list(ledger.all_entries_by_type.Transaction)


# Evidence as documents


@pytest.mark.parametrize("compound", EXAMPLES)
def test_the_documents_page_lists_every_evidence_file(app: Flask, client: FlaskClient, compound: str) -> None:
    slug, ledger = ledgers(app)[compound]
    vouchers = PROJECT / "ledgers" / compound / "vouchers"
    named = {(str(vouchers / name), str(entry.meta["voucher"])) for entry in transactions(ledger)
             for name in evidence_names(entry.meta.get("evidence"))}
    assert len(named) > 100
    documents = api(client, slug, "documents")
    listed = {(document["filename"], link) for document in documents for link in document["links"]}
    assert listed == named
    assert all(document["tags"] == ["evidence"] for document in documents)
    # The transaction carries its voucher as a link too, so each leads to the other in Fava.
    linked = {str(entry.meta["voucher"]) for entry in transactions(ledger) if entry.links}
    assert {voucher for _, voucher in named} <= linked
    # A document sits on the account it proves: the expense of a payment.
    cleaning = next(document for document in documents if "Expenses:Cleaning" in document["account"])
    assert cleaning["filename"].startswith(str(vouchers) + os.sep)
    assert client.get(f"/{slug}/documents/").status_code == 200
    served = client.get(f"/{slug}/document/", query_string={"filename": cleaning["filename"]})
    assert served.status_code == 200 and served.data == Path(cleaning["filename"]).read_bytes()


def test_a_missing_evidence_file_is_an_error_not_a_document(tmp_path: Path) -> None:
    main = copy_books(tmp_path, "qingshui-garden")
    entries = FavaLedger(str(main), poll_watcher=True).all_entries
    document = next(e for e in entries if isinstance(e, data.Document))
    Path(document.filename).unlink()
    ledger = FavaLedger(str(main), poll_watcher=True)
    assert document.filename not in {d.filename for d in ledger.all_entries_by_type.Document}
    assert any(type(e).__name__ == "EvidenceError" and Path(document.filename).name in e.message
               for e in ledger.errors)


# Chinese


@pytest.mark.parametrize("compound", EXAMPLES)
def test_fava_speaks_chinese_whatever_the_browser_asks(app: Flask, client: FlaskClient, compound: str) -> None:
    slug, ledger = ledgers(app)[compound]
    assert ledger.fava_options.language == "zh"
    assert ledger.fava_options.currency_column == 61
    assert ledger.fava_options_errors == []
    page = client.get(f"/{slug}/income_statement/", headers={"Accept-Language": "en-GB,en"})
    assert page.status_code == 200
    found = re.search(r'<script type="application/json" id="translations">(.*?)</script>',
                      page.get_data(as_text=True), re.S)
    assert found is not None
    translations = json.loads(found.group(1))
    assert translations["Income Statement"] == "损益表"
    assert re.search(r"[\u4e00-\u9fff]", translations["Documents"])


# Saved queries


def rows(client: FlaskClient, slug: str, query: str) -> list[list[Any]]:
    result = api(client, slug, "query", query_string=query)
    assert result["t"] == "table"
    return list(result["rows"])


@pytest.mark.parametrize("compound", EXAMPLES)
def test_each_saved_query_runs_and_answers(app: Flask, client: FlaskClient, compound: str) -> None:
    slug, ledger = ledgers(app)[compound]
    queries = {query.name: query.query_string for query in ledger.all_entries_by_type.Query}
    assert [next(n for n in queries if n.startswith(name)) for name in QUERY_NAMES]
    assert len(queries) == len(QUERY_NAMES)
    for name, query in queries.items():
        assert rows(client, slug, query), name
    last = max(entry.date for entry in transactions(ledger))
    assert f"本月各预算科目支出（{last.year}年{last.month}月）" in queries


@pytest.mark.parametrize("compound", EXAMPLES)
def test_the_budget_query_agrees_with_the_approved_budget(app: Flask, client: FlaskClient, compound: str) -> None:
    slug, ledger = ledgers(app)[compound]
    last = max(entry.date for entry in transactions(ledger))
    compound_model, _ = read_compound(PROJECT, compound)
    budget = compound_model.approved_budget(last.year)
    assert budget is not None
    spent: dict[str, Decimal] = dict.fromkeys(budget.lines, Decimal(0))
    for entry in transactions(ledger):
        if entry.date.year != last.year:
            continue
        for posting in entry.postings:
            line = max((line for line in budget.lines if posting.account == line
                        or posting.account.startswith(line + ":")), key=len, default=None)
            if line is not None:
                spent[line] += posting.units.number
    remaining = rows(client, slug, next(q.query_string for q in ledger.all_entries_by_type.Query
                                        if q.name.startswith("预算余额")))
    assert {row[0]: (Decimal(str(row[1])), Decimal(str(row[2]))) for row in remaining} == {
        line: (budget.cap(line, last), spent[line]) for line in budget.lines if spent[line]}
    assert all(Decimal(str(cap)) - Decimal(str(used)) == Decimal(str(left)) for _, cap, used, left in remaining)


@pytest.mark.parametrize("compound", EXAMPLES)
def test_spending_without_evidence_lists_every_such_expense(app: Flask, client: FlaskClient, compound: str) -> None:
    slug, ledger = ledgers(app)[compound]
    expected = sorted(str(entry.meta["voucher"]) for entry in transactions(ledger)
                      if "evidence" not in entry.meta for posting in entry.postings
                      if posting.account.startswith("Expenses:") and posting.units.number > 0
                      and "evidence" not in (posting.meta or {}))
    found = rows(client, slug, next(q.query_string for q in ledger.all_entries_by_type.Query
                                    if q.name == "无凭证的支出"))
    assert expected and sorted(row[1] for row in found) == expected


# Dates: nothing the plugin adds widens Fava's time filter


@pytest.mark.parametrize("compound", EXAMPLES)
def test_added_entries_stay_within_the_books_dates(app: Flask, compound: str) -> None:
    _, ledger = ledgers(app)[compound]
    written = [e for e in ledger.all_entries if str(e.meta.get("filename", "")).endswith(".beancount")
               and not isinstance(e, (data.Custom, data.Query, data.Document))]
    first, last = min(e.date for e in written), max(e.date for e in written)
    assert [e for e in ledger.all_entries if not first <= e.date <= last] == []
    assert ledger.attributes.years == [str(year) for year in range(last.year, first.year - 1, -1)]
    budgets = [e for e in ledger.all_entries_by_type.Custom if e.type == "budget"]
    assert budgets and max(e.date for e in budgets) <= last


# Fava reloads when a budget, profile or notice changes


def test_an_edited_budget_changes_favas_errors(tmp_path: Path) -> None:
    main = copy_books(tmp_path, "qingshui-garden")
    app = create_app([str(main)], load=True, poll_watcher=True)
    ledger = app.config["LEDGERS"].ledgers[0]
    budget = tmp_path / "budgets" / "qingshui-garden" / "2026.yaml"
    watched = set(ledger.options["include"])
    assert {str(budget), str(main.parent / "compound.yaml")} <= watched
    assert all(str(path) in watched for path in (tmp_path / "notices" / "qingshui-garden").glob("*.md"))
    assert ledger.errors == []
    assert not ledger.changed()
    text = budget.read_text(encoding="utf-8")
    lowered, count = re.subn(r"(?m)^(  Expenses:Cleaning: )[0-9.]+$", r"\g<1>1000.00", text)
    assert count == 1
    budget.write_text(lowered, encoding="utf-8")
    later = time.time() + 5  # the poll watcher compares modification times: make the change unmistakable
    os.utime(budget, (later, later))
    assert ledger.changed()
    capped = [e for e in ledger.errors if type(e).__name__ == "BudgetCapError"]
    assert capped and all("Expenses:Cleaning" in e.message for e in capped)
    errors_page = app.test_client().get(f"/{app.config['LEDGERS'].first_slug()}/errors/")
    assert errors_page.status_code == 200


# Beancount's cache


def trustfund_check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = trustfund(["--root", str(root), "check"])
    return code, capsys.readouterr().out


BEAN_CHECK_WITH_CACHE = (
    # bean-check itself, with Beancount's threshold (write the cache when a load takes over a second) set to
    # zero so that it writes the cache on any machine, as it does on the examples at their real size.
    # (bean-check wraps the loader with the threshold read at import: initialize() again reads the new one.)
    "import sys, beancount.loader as loader; loader.PICKLE_CACHE_THRESHOLD = 0; loader.initialize(use_cache=True); "
    "from beancount.scripts.check import main; sys.argv = ['bean-check', *sys.argv[1:]]; main()")


def test_check_after_bean_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main = copy_books(tmp_path, "qingshui-garden")
    cache = main.parent / ".main.beancount.picklecache"
    run = subprocess.run([str(BIN / "bean-check"), "--no-cache", str(main)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert not cache.exists()
    assert trustfund_check(tmp_path, capsys) == (0, "")

    run = subprocess.run([sys.executable, "-c", BEAN_CHECK_WITH_CACHE, str(main)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert cache.is_file()
    code, out = trustfund_check(tmp_path, capsys)
    assert code == 1
    assert out.startswith("ledgers/qingshui-garden/.main.beancount.picklecache:0: lint-cache: ")
    assert "bean-check run without --no-cache" in out and "delete it" in out and "Traceback" not in out

    # bean-check --no-cache removes a cache it finds, and the books are clean again.
    subprocess.run([str(BIN / "bean-check"), "--no-cache", str(main)], check=True, capture_output=True)
    assert not cache.exists()
    assert trustfund_check(tmp_path, capsys) == (0, "")


# trustfund fava


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def started(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    copy_books(tmp_path, "hetang-court")
    process = subprocess.Popen([str(BIN / "trustfund"), "--root", str(tmp_path), "fava", "hetang-court",
                                "--port", str(free_port())], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout is not None
        yield process, process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_trustfund_fava_prints_its_address_and_serves_the_books(started: tuple[subprocess.Popen[str], str]) -> None:
    _, line = started
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert found, line
    for _ in range(100):
        try:
            with urllib.request.urlopen(found.group(0), timeout=5) as response:
                page = response.read().decode("utf-8")
            break
        except OSError:
            time.sleep(0.2)
    else:
        pytest.fail("Fava did not answer")
    assert "荷塘苑" in page and '"language":"zh"' in page.replace(": ", ":")


def test_trustfund_fava_refuses_an_unknown_compound_and_refused_books(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    main = copy_books(tmp_path, "hetang-court")
    assert trustfund(["--root", str(tmp_path), "fava", "no-such"]) == 2
    assert "no compound 'no-such'" in capsys.readouterr().err
    main.write_text(main.read_text(encoding="utf-8") + 'plugin "tests.not_allowed"\n', encoding="utf-8")
    assert trustfund(["--root", str(tmp_path), "fava"]) == 1
    captured = capsys.readouterr()
    assert "ledgers/hetang-court/main.beancount:" in captured.out and "lint-plugin" in captured.out
    assert "Fava would run what it refuses" in captured.err and "Traceback" not in captured.err


COUNT_ADDED = (
    "import sys\n"
    "if sys.argv[2] == 'fava':\n"
    "    import fava.core  # as Fava's application does before it reads any ledger\n"
    "from beancount import loader\n"
    "from beancount.core import data\n"
    "loader.initialize(use_cache=False)\n"
    "entries, errors, _ = loader.load_file(sys.argv[1])\n"
    "print(sum(isinstance(e, (data.Document, data.Query)) for e in entries), len(errors))\n")


def test_what_fava_shows_is_added_under_fava_only() -> None:
    """bean-check, bean-query and CI pay nothing for Fava's documents and saved queries."""
    main = str(PROJECT / "ledgers" / "qingshui-garden" / "main.beancount")
    counts = {}
    for reader in ("fava", "bean-check"):
        run = subprocess.run([sys.executable, "-c", COUNT_ADDED, main, reader], capture_output=True, text=True,
                             check=True, timeout=120)
        added, errors = map(int, run.stdout.split())
        assert errors == 0
        counts[reader] = added
    assert counts["fava"] > 100 and counts["bean-check"] == 0, counts
