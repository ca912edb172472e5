"""Owners' queries (质询) and work orders (工单): the GitHub fetch, the statuses and rates, and the built site.

The fetcher talks to a local server that answers in GitHub's REST shapes (pages joined by ``Link``
headers, rate limits, a missing repository); the build reads hand-written snapshots, good and
malformed, and every file it writes is read back: no login, no withheld title, no link that is not
https.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.audit.github import FetchError, fetch, form_fields
from generator.books.profile import profile_from_text
from generator.books.queries import read_snapshot
from generator.cli import main
from generator.view.queries import QueriesView, Rates, build_queries
from tests.conftest import Repo, only
from tests.test_site import page, parse

PROJECT = Path(__file__).resolve().parent.parent
REPO = "example-org/books"
REPO_URL = "https://github.com/example-org/books"
QUESTION = "保洁费为什么涨了？我的电话13912345678"  # an issue body: never stored

# Logins: signers' (with their roles in QUERY_PROFILE) and askers'. None may appear on the site.
TREASURER, COMMITTEE, SUPERVISOR = "tf-treasurer-login", "tf-committee-login", "tf-supervisor-login"
ASKER, PASSERBY = "tf-asker-alice", "tf-passerby-bob"
LOGINS = (TREASURER, COMMITTEE, SUPERVISOR, ASKER, PASSERBY)

QUERY_PROFILE = """\
name: 测试花园
name_en: Test Garden
description: 测试用虚构小区 / a fictitious compound for tests
households: 100
floor_area: 10000.00
currency: CNY
evidence_threshold: 500.00
contact:
  - {name: 测试花园物业服务中心, phone: "010-6666-8888", hours: "每天 8:00–18:00", mailbox: 1号楼大堂}
  - name: 测试花园业主委员会
    phone: "400-000-0303"
    email: committee@test-garden.example
response_days: 3
accounts: {fund: Assets:Bank:Fund, trustee_fee: Expenses:TrusteeFee}
signers:
  - principal: treasurer-t
    role: treasurer
    github: TF-Treasurer-Login
    key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyForTestsTreasurer"
  - principal: committee-t
    role: committee
    github: tf-committee-login
    key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyForTestsCommittee"
  - principal: supervisor-t
    role: supervisor
    github: TF-SUPERVISOR-LOGIN
    key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyOnlyForTestsSupervisor"
"""

MARCH = """\
2026-03-02 * "示例保洁公司" "3月保洁"
  voucher: "2026-0002"
  Expenses:Cleaning   300.00 CNY
  Assets:Bank:Fund

2026-03-03 * "示例维修公司" "换灯泡"
  voucher: "2026-0003"
  Expenses:Repairs   120.00 CNY
  Assets:Bank:Fund

2026-03-04 * "示例维修公司" "修门禁"
  voucher: "2026-0004"
  Expenses:Repairs   200.00 CNY
  Assets:Bank:Fund

2026-03-05 * "示例保洁公司" "垃圾清运"
  voucher: "2026-0005"
  Expenses:Cleaning   150.00 CNY
  Assets:Bank:Fund

2026-03-06 * "示例保洁公司" "消杀"
  voucher: "2026-0006"
  Expenses:Cleaning   80.00 CNY
  Assets:Bank:Fund
"""


# A snapshot as `trustfund queries fetch` writes it


def item(number: int, created: str, kind: str = "query", *, voucher: str | None = None, title: str | None = None,
         replies: tuple[tuple[str, str], ...] = (), state: str = "open", reason: str | None = None,
         closed: str | None = None, label: bool = False, author: str = ASKER, compound: str = "test",
         place: str | None = None) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "number": number, "kind": kind, "title": title or f"测试事项 {number} 号", "state": state,
        "state_reason": reason, "created_at": created, "closed_at": closed, "answered_label": label,
        "url": f"{REPO_URL}/issues/{number}", "author": author,
        "comments": [{"login": login, "created_at": at} for login, at in replies], "compound": compound}
    if voucher:
        raw["voucher"] = voucher
    if place:
        raw["place"] = place
    return raw


# As of 2026-04-01 00:30 in Shanghai (still 31 March in UTC): March is the last complete month.
FETCHED_AT = "2026-03-31T16:30:00+00:00"
PHONE_TITLE = "请回电 139 0000 0000"
SNAPSHOT: dict[str, Any] = {"version": 1, "repo": REPO, "fetched_at": FETCHED_AT, "items": [
    # open, never answered, 27 days old
    item(1, "2026-03-05T02:00:00Z", voucher="2026-0002", title="3月保洁费为何上涨"),
    # answered late: 7 days
    item(2, "2026-03-02T02:00:00Z", voucher="2026-0003", replies=((COMMITTEE, "2026-03-09T02:00:00Z"),)),
    # answered in time (2 days) by the treasurer, whose login the profile spells in another case; the
    # passer-by's earlier comment does not count. Filed by the supervisor for an owner who phoned.
    item(3, "2026-03-10T02:00:00Z", voucher="2026-0002", author=SUPERVISOR,
         replies=((PASSERBY, "2026-03-10T05:00:00Z"), (TREASURER, "2026-03-12T03:00:00Z"))),
    # completed; opened 23:30 in Shanghai (15:30 UTC), answered 00:30 the next Shanghai day: 1 day
    item(4, "2026-03-03T15:30:00Z", voucher="2026-0004", replies=((COMMITTEE, "2026-03-03T16:30:00Z"),),
         state="closed", reason="completed", closed="2026-03-05T02:00:00Z"),
    # closed as not planned after 8 days, without a reply: closing answers it, late
    item(5, "2026-03-12T01:00:00Z", voucher="2026-0005", state="closed", reason="not_planned",
         closed="2026-03-20T01:00:00Z"),
    # answered by the label 已答复 only: no date, so not in time
    item(6, "2026-03-20T01:00:00Z", voucher="2026-0006", label=True),
    # only a passer-by replied: still open; and its title holds a phone number
    item(7, "2026-03-25T01:00:00Z", voucher="2026-0003", title=PHONE_TITLE,
         replies=((PASSERBY, "2026-03-25T02:00:00Z"),)),
    # a voucher that does not exist, answered in a day
    item(8, "2026-03-28T01:00:00Z", voucher="2026-9999", replies=((COMMITTEE, "2026-03-29T01:00:00Z"),)),
    # opened 23:00 on 31 March in Shanghai: one day old as of the snapshot, not yet due (by the wall clock it
    # would be long overdue)
    item(9, "2026-03-31T15:00:00Z", voucher="2026-0004"),
    # opened 00:10 on 1 April in Shanghai (still March in UTC): April, a month just begun
    item(10, "2026-03-31T16:10:00Z", voucher="2026-0005"),
    # February: answered in a day by the supervisor, completed
    item(11, "2026-02-10T02:00:00Z", voucher="2026-0001", replies=((SUPERVISOR, "2026-02-11T02:00:00Z"),),
         state="closed", reason="completed", closed="2026-02-20T02:00:00Z"),
    # last year: in the months, not in the year to date
    item(12, "2025-12-30T02:00:00Z", replies=((COMMITTEE, "2025-12-31T02:00:00Z"),), state="closed",
         reason="completed", closed="2026-01-05T02:00:00Z"),
    # another compound's query
    item(13, "2026-03-05T02:00:00Z", voucher="2026-0002", compound="other"),
    # work orders: answered in a day and completed; never answered; answered late; closed not planned
    item(20, "2026-03-06T02:00:00Z", "work-order", place="3号楼2单元", title="楼道灯不亮",
         replies=((COMMITTEE, "2026-03-07T02:00:00Z"),), state="closed", reason="completed",
         closed="2026-03-10T02:00:00Z"),
    item(21, "2026-03-15T02:00:00Z", "work-order", place="东门 王师傅13911112222"),
    item(22, "2026-03-16T02:00:00Z", "work-order", replies=((TREASURER, "2026-03-21T02:00:00Z"),)),
    item(23, "2026-02-01T02:00:00Z", "work-order", state="closed", reason="not_planned",
         closed="2026-02-02T02:00:00Z"),
]}


def write_snapshot(folder: Path, snapshot: object = SNAPSHOT, name: str = "queries.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
    return path


def view_of(tmp_path: Path, snapshot: object = SNAPSHOT) -> QueriesView:
    profile, problem = profile_from_text(QUERY_PROFILE, tmp_path / "compound.yaml")
    assert profile is not None, problem
    vouchers = ["2026-0001", "2026-0002", "2026-0003", "2026-0004", "2026-0005", "2026-0006"]
    return build_queries(read_snapshot(write_snapshot(tmp_path, snapshot)), "test", profile, vouchers)


def counts(rates: Rates) -> tuple[str, int, int, int, int, int]:
    return (rates.label, rates.received, rates.answered_in_time, rates.due_answer, rates.completed,
            rates.due_completion)


# Statuses and rates


def test_statuses_days_and_roles_of_each_query_and_work_order(tmp_path: Path) -> None:
    view = view_of(tmp_path)
    assert view.as_of == datetime.date(2026, 4, 1)  # the snapshot's time in Shanghai, never the wall clock
    assert view.response_days == 3
    seen = {q.number: (q.kind, q.status, q.days_to_reply, q.replied_by) for q in view.items}
    assert seen == {
        1: ("query", "open", None, None),
        2: ("query", "answered", 7, "committee"),
        3: ("query", "answered", 2, "treasurer"),
        4: ("query", "completed", 1, "committee"),
        5: ("query", "not_planned", 8, None),
        6: ("query", "answered", None, None),
        7: ("query", "open", None, None),
        8: ("query", "answered", 1, "committee"),
        9: ("query", "open", None, None),
        10: ("query", "open", None, None),
        11: ("query", "completed", 1, "supervisor"),
        12: ("query", "completed", 1, "committee"),
        20: ("work-order", "completed", 1, "committee"),
        21: ("work-order", "open", None, None),
        22: ("work-order", "answered", 5, "treasurer"),
        23: ("work-order", "not_planned", 1, None),
    }
    assert [q.number for q in view.items] == sorted(seen, reverse=True)  # newest first; #13 is another compound's
    by_number = {q.number: q for q in view.items}
    assert by_number[4].opened == datetime.date(2026, 3, 3) and by_number[4].replied == datetime.date(2026, 3, 4)
    assert by_number[10].opened == datetime.date(2026, 4, 1)
    assert [q.number for q in view.unknown] == [8]  # listed as such, not dropped
    assert view.of_voucher("2026-0002") == [by_number[3], by_number[1]]
    assert by_number[3].asked_by == "supervisor" and by_number[1].asked_by == "owner"
    assert by_number[7].title is None and by_number[7].title_withheld
    assert by_number[1].title == "3月保洁费为何上涨" and not by_number[1].title_withheld
    assert by_number[21].place is None and by_number[20].place == "3号楼2单元"


def test_rates_by_month_last_complete_month_and_year_to_date_for_queries_and_work_orders_apart(
        tmp_path: Path) -> None:
    view = view_of(tmp_path)
    # (month, received, answered in time, due an answer, completed, due completion)
    assert [counts(r) for r in view.monthly["query"]] == [
        ("2025-12", 1, 1, 1, 1, 1),
        ("2026-02", 1, 1, 1, 1, 1),
        # due an answer: all but #9 (a day old, unanswered); in time: #3, #4, #8; due completion: all but #9
        ("2026-03", 9, 3, 8, 1, 8),
        ("2026-04", 1, 0, 0, 0, 0),
    ]
    assert counts(view.last_month["query"]) == ("2026-03", 9, 3, 8, 1, 8)  # not April, just begun
    assert counts(view.year_to_date["query"]) == ("2026", 11, 4, 9, 2, 9)
    assert view.last_month["query"].response_rate == Decimal(3) / Decimal(8)
    assert view.last_month["query"].completion_rate == Decimal(1) / Decimal(8)
    assert view.year_to_date["query"].response_rate == Decimal(4) / Decimal(9)
    assert view.year_to_date["query"].completion_rate == Decimal(2) / Decimal(9)
    assert view.monthly["query"][-1].response_rate is None and view.monthly["query"][-1].completion_rate is None

    assert [counts(r) for r in view.monthly["work-order"]] == [("2026-02", 1, 1, 1, 0, 1), ("2026-03", 3, 1, 3, 1, 3)]
    assert counts(view.last_month["work-order"]) == ("2026-03", 3, 1, 3, 1, 3)
    assert counts(view.year_to_date["work-order"]) == ("2026", 4, 2, 4, 1, 4)
    assert view.year_to_date["work-order"].response_rate == Decimal("0.5")
    assert view.year_to_date["work-order"].completion_rate == Decimal("0.25")


def test_the_as_of_date_is_the_snapshots_in_shanghai_days(tmp_path: Path) -> None:
    later = dict(SNAPSHOT, fetched_at="2026-04-04T16:00:00Z")  # 5 April 00:00 in Shanghai
    view = view_of(tmp_path, later)
    assert view.as_of == datetime.date(2026, 4, 5)
    # #9 (opened 31 March in Shanghai) is now 5 days old: due an answer and a completion, and late.
    assert counts(view.last_month["query"]) == ("2026-03", 9, 3, 9, 1, 9)
    assert counts(view.monthly["query"][-1]) == ("2026-04", 1, 0, 1, 0, 1)
    # Without a time the items are listed and no rates are claimed.
    undated = view_of(tmp_path, {key: value for key, value in SNAPSHOT.items() if key != "fetched_at"})
    assert undated.as_of is None and len(undated.items) == 16
    assert undated.monthly == {} and undated.last_month == {} and undated.year_to_date == {}


# The fetcher against a local GitHub


@dataclass
class Answer:
    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class FakeGitHub(ThreadingHTTPServer):
    """GitHub's REST API on 127.0.0.1: each path (with its query) has answers given in order, the last one
    repeating; any other path is a 404 as GitHub writes it. Every request is recorded with its headers."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), GitHubHandler)
        self.answers: dict[str, list[Answer]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def api(self) -> str:
        return f"{self.base}/api/v3"  # a GitHub Enterprise style base: its path must be kept

    def answer(self, path: str, *answers: Answer) -> None:
        self.answers[path] = list(answers)

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


class GitHubHandler(BaseHTTPRequestHandler):
    server: FakeGitHub

    def do_GET(self) -> None:
        self.server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        queue = self.server.answers.get(self.path)
        if queue:
            answer = queue.pop(0) if len(queue) > 1 else queue[0]
        else:
            answer = Answer({"message": "Not Found",
                             "documentation_url": "https://docs.github.com/rest/issues/issues#list-repository-issues",
                             "status": "404"}, 404)
        data = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode("utf-8")
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    server = FakeGitHub()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("GITHUB_API_URL", server.api)
    for name in ("GITHUB_TOKEN", "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def issue(api: str, number: int, labels: list[str], body: str, *, comments: int = 0, pull: bool = False,
          state: str = "open", reason: str | None = None, created: str = "2026-03-02T02:00:00Z",
          closed: str | None = None, user: str = ASKER) -> dict[str, Any]:
    """An issue as ``GET /repos/{owner}/{repo}/issues`` lists it."""
    data: dict[str, Any] = {
        "url": f"{api}/repos/{REPO}/issues/{number}", "repository_url": f"{api}/repos/{REPO}",
        "comments_url": f"{api}/repos/{REPO}/issues/{number}/comments",
        "html_url": f"https://github.com/{REPO}/issues/{number}", "id": 9000 + number, "number": number,
        "title": f"质询 test 2026-000{number}", "user": {"login": user, "id": 1, "type": "User"},
        "labels": [{"id": index, "name": name, "color": "ededed", "default": False}
                   for index, name in enumerate(labels)],
        "state": state, "state_reason": reason, "locked": False, "assignee": None, "assignees": [],
        "milestone": None, "comments": comments, "created_at": created, "updated_at": created,
        "closed_at": closed, "author_association": "NONE", "body": body, "reactions": {"total_count": 0}}
    if pull:
        data["pull_request"] = {"url": f"{api}/repos/{REPO}/pulls/{number}",
                                "html_url": f"https://github.com/{REPO}/pull/{number}"}
    return data


def comment(login: str, created: str, text: str = "已收到，三日内答复。") -> dict[str, Any]:
    return {"id": 1, "user": {"login": login, "id": 2, "type": "User"}, "created_at": created, "updated_at": created,
            "body": text, "author_association": "MEMBER"}


QUERY_BODY = f"### 小区 Compound\n\ntest\n\n### 凭证号 Voucher\n\n2026-0002\n\n### 质询内容 Question\n\n{QUESTION}\n"
ORDER_BODY = ("### 小区 Compound\n\ntest\n\n### 位置 Place\n\n3号楼2单元\n\n### 问题 What is wrong\n\n"
              f"楼道灯不亮 {QUESTION}\n\n### 照片 Photo\n\n_No response_\n")
ISSUES = f"/api/v3/repos/{REPO}/issues?state=all&per_page=100"


def link(api: str, **pages: int) -> str:
    """A ``Link`` header as GitHub writes it: by the repository's id, rel after rel."""
    return ", ".join(f'<{api}/repositories/4242/issues?state=all&per_page=100&page={number}>; rel="{rel}"'
                     for rel, number in pages.items())


def serve_three_pages(github: FakeGitHub) -> None:
    api = github.api
    comments = f"/api/v3/repos/{REPO}/issues/{{}}/comments?per_page=100"
    github.answer(ISSUES, Answer([
        issue(api, 7, ["质询"], QUERY_BODY, comments=2),
        issue(api, 6, ["质询"], "a pull request", comments=1, pull=True),  # skipped: its comments are never asked
        issue(api, 5, ["bug"], "not a query", comments=3),  # skipped too
    ], headers={"Link": link(api, next=2, last=3)}))
    github.answer("/api/v3/repositories/4242/issues?state=all&per_page=100&page=2", Answer([
        issue(api, 4, ["工单", "已答复"], ORDER_BODY),
        issue(api, 3, [], "no label"),
    ], headers={"Link": link(api, prev=1, next=3, last=3, first=1)}))
    github.answer("/api/v3/repositories/4242/issues?state=all&per_page=100&page=3", Answer([
        issue(api, 2, ["质询", "已答复"], "### 小区 Compound\n\ntest\n\n### 凭证号 Voucher\n\n2026-0003\n",
              comments=3, state="closed", reason="completed", closed="2026-03-06T02:00:00Z"),
        issue(api, 1, ["质询"], "### Compound\n\ntest\n\n### Voucher\n\n_No response_\n", state="closed",
              reason="not_planned", closed="2026-03-03T02:00:00Z", user=SUPERVISOR),
    ], headers={"Link": link(api, prev=2, first=1)}))
    github.answer(comments.format(7), Answer([comment(COMMITTEE, "2026-03-03T02:00:00Z"),
                                              comment(PASSERBY, "2026-03-03T04:00:00Z", QUESTION)]))
    github.answer(comments.format(2), Answer(
        [comment(ASKER, "2026-03-02T03:00:00Z"), comment(PASSERBY, "2026-03-02T04:00:00Z")],
        headers={"Link": f'<{api}/repositories/4242/issues/2/comments?per_page=100&page=2>; rel="next", '
                         f'<{api}/repositories/4242/issues/2/comments?per_page=100&page=2>; rel="last"'}))
    github.answer("/api/v3/repositories/4242/issues/2/comments?per_page=100&page=2",
                  Answer([comment(TREASURER, "2026-03-04T02:00:00Z")],
                         headers={"Link": f'<{api}/repos/{REPO}/issues/2/comments?per_page=100>; rel="prev"'}))


def test_the_fetch_follows_link_pages_keeps_queries_and_work_orders_and_never_their_bodies(
        github: FakeGitHub) -> None:
    serve_three_pages(github)
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    snapshot = fetch(REPO, sleep=lambda seconds: pytest.fail(f"slept {seconds} s without a rate limit"))
    assert github.paths() == [
        ISSUES,
        f"/api/v3/repos/{REPO}/issues/7/comments?per_page=100",
        "/api/v3/repositories/4242/issues?state=all&per_page=100&page=2",
        "/api/v3/repositories/4242/issues?state=all&per_page=100&page=3",
        f"/api/v3/repos/{REPO}/issues/2/comments?per_page=100",
        "/api/v3/repositories/4242/issues/2/comments?per_page=100&page=2",
    ]
    assert snapshot["version"] == 1 and snapshot["repo"] == REPO
    assert datetime.datetime.fromisoformat(snapshot["fetched_at"]) >= before
    items = {entry["number"]: entry for entry in snapshot["items"]}
    assert list(items) == [7, 4, 2, 1]  # no pull request (#6), nothing without 质询 or 工单 (#5, #3)
    assert items[7] == {
        "number": 7, "kind": "query", "title": "质询 test 2026-0007", "state": "open", "state_reason": None,
        "created_at": "2026-03-02T02:00:00Z", "closed_at": None, "answered_label": False,
        "url": f"https://github.com/{REPO}/issues/7", "author": ASKER,
        "comments": [{"login": COMMITTEE, "created_at": "2026-03-03T02:00:00Z"},
                     {"login": PASSERBY, "created_at": "2026-03-03T04:00:00Z"}],
        "compound": "test", "voucher": "2026-0002"}
    assert items[4]["kind"] == "work-order" and items[4]["answered_label"] is True
    assert (items[4]["compound"], items[4]["place"]) == ("test", "3号楼2单元") and "voucher" not in items[4]
    assert [c["login"] for c in items[2]["comments"]] == [ASKER, PASSERBY, TREASURER]  # both comment pages
    assert (items[2]["state"], items[2]["state_reason"], items[2]["voucher"]) == ("closed", "completed", "2026-0003")
    assert items[1]["state_reason"] == "not_planned" and "voucher" not in items[1]  # _No response_ is no answer
    text = json.dumps(snapshot, ensure_ascii=False)
    assert "body" not in text and QUESTION not in text and "楼道灯不亮" not in text and "13912345678" not in text
    assert all(headers.get("accept") == "application/vnd.github+json" for _, headers in github.requests)


def test_form_fields_keeps_only_compound_voucher_and_place() -> None:
    assert form_fields(QUERY_BODY) == {"compound": "test", "voucher": "2026-0002"}
    assert form_fields(ORDER_BODY) == {"compound": "test", "place": "3号楼2单元"}
    assert form_fields("### 小区\r\n\r\nqingshui-garden\r\n\r\n### 地点\r\n\r\n东门\r\n") == {
        "compound": "qingshui-garden", "place": "东门"}
    assert form_fields(None) == {} and form_fields(42) == {} and form_fields("no headings at all") == {}


def test_a_token_is_sent_only_when_github_token_is_set(github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_three_pages(github)
    fetch(REPO)
    assert github.requests and all("authorization" not in headers for _, headers in github.requests)
    github.requests.clear()
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_test_token_123")
    fetch(REPO)
    assert len(github.requests) == 6
    assert all(headers.get("authorization") == "Bearer ghs_test_token_123" for _, headers in github.requests)


@pytest.mark.parametrize(("status", "headers"), [
    (403, {"Retry-After": "0"}),
    (429, {"Retry-After": "0"}),
    (403, {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Used": "60",
           "X-RateLimit-Reset": str(int(time.time()) - 30)}),
], ids=["403-retry-after", "429-retry-after", "403-ratelimit-reset-past"])
def test_a_rate_limit_is_waited_out_then_the_fetch_goes_on(github: FakeGitHub, status: int,
                                                           headers: dict[str, str]) -> None:
    limited = Answer({"message": "API rate limit exceeded for 127.0.0.1.",
                      "documentation_url": "https://docs.github.com/rest/overview/resources-in-the-rest-api"},
                     status, headers)
    github.answer(ISSUES, limited, Answer([issue(github.api, 1, ["质询"], QUERY_BODY)]))
    slept: list[float] = []
    snapshot = fetch(REPO, sleep=slept.append)
    assert slept == [0.0]
    assert github.paths() == [ISSUES, ISSUES]
    assert [entry["number"] for entry in snapshot["items"]] == [1]


def test_a_rate_limit_that_never_lifts_and_a_refusal_end_the_fetch_with_what_to_do(github: FakeGitHub) -> None:
    github.answer(ISSUES, Answer({"message": "API rate limit exceeded"}, 429, {"Retry-After": "7"}))
    slept: list[float] = []
    with pytest.raises(FetchError, match=r"rate limit.*try again later"):
        fetch(REPO, sleep=slept.append)
    assert slept == [7.0] * 4 and len(github.requests) == 5
    github.answer(ISSUES, Answer({"message": "Resource not accessible by integration"}, 403))
    with pytest.raises(FetchError, match=r"refused access \(403\); GITHUB_TOKEN needs issues: read"):
        fetch(REPO, sleep=lambda seconds: pytest.fail("a refusal is not a rate limit"))
    github.answer(ISSUES, Answer(b"<html>proxy login</html>"))
    with pytest.raises(FetchError, match="did not answer with JSON"):
        fetch(REPO)
    github.answer(ISSUES, Answer({"message": "not a list"}))
    with pytest.raises(FetchError, match="did not answer with a list"):
        fetch(REPO)


def test_cli_fetch_writes_the_snapshot_the_build_reads(github: FakeGitHub, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    serve_three_pages(github)
    out = tmp_path / "build" / "queries.json"
    assert main(["queries", "fetch", "--repo", REPO, "--out", str(out)]) == 0
    assert "4 queries and work orders written to" in capsys.readouterr().err
    snapshot = read_snapshot(out)
    assert snapshot.problems == [] and snapshot.repo == REPO
    assert [(q.number, q.kind, q.compound, q.voucher) for q in snapshot.items] == [
        (7, "query", "test", "2026-0002"), (4, "work-order", "test", None), (2, "query", "test", "2026-0003"),
        (1, "query", "test", None)]
    assert not list(out.parent.glob("*.new"))


def test_cli_fetch_of_a_missing_repository_exits_2_and_writes_nothing(github: FakeGitHub, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "queries.json"
    assert main(["queries", "fetch", "--repo", "x/y", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trustfund queries fetch: ") and "/repos/x/y/issues" in err
    assert "not found" in err and "OWNER/NAME" in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
    # With a snapshot from before, it is kept as it was, and the message says so and how old it is.
    out.write_text('{"items": []}', encoding="utf-8")
    assert main(["queries", "fetch", "--repo", "x/y", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"the build keeps using {out}, fetched 0.0 days ago" in err
    assert out.read_text(encoding="utf-8") == '{"items": []}'
    assert main(["queries", "fetch", "--repo", "not-a-repository", "--out", str(out)]) == 2
    assert "give OWNER/NAME" in capsys.readouterr().err


def test_cli_fetch_offline_exits_2_and_keeps_the_last_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:  # bound, never listening: refused
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{closed.getsockname()[1]}")
        out = tmp_path / "queries.json"
        assert main(["queries", "fetch", "--repo", REPO, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "cannot reach http://127.0.0.1:" in err and "keeps using" not in err and not out.exists()
        write_snapshot(tmp_path)
        assert main(["queries", "fetch", "--repo", REPO, "--out", str(out)]) == 2
        err = capsys.readouterr().err
        assert "cannot reach" in err and f"the build keeps using {out}" in err and "Traceback" not in err
        assert json.loads(out.read_text(encoding="utf-8")) == SNAPSHOT


def test_a_server_that_does_not_speak_http_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def babble() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                connection.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")

        thread = threading.Thread(target=babble, daemon=True)
        thread.start()
        monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{listener.getsockname()[1]}")
        assert main(["queries", "fetch", "--repo", REPO, "--out", str(tmp_path / "queries.json")]) == 2
        thread.join(timeout=10)
    assert "cannot reach" in capsys.readouterr().err


# The built site


def query_books(repo: Repo) -> Repo:
    repo.write("ledgers/test/compound.yaml", QUERY_PROFILE)
    repo.journal(MARCH)
    return repo


def build(root: Path, site: Path, queries: Path | None, repo_url: str | None = REPO_URL, language: str = "zh") -> int:
    """``trustfund build --queries FILE`` with the project's mkdocs.yml and site_src/."""
    if not (root / "site_src").exists():
        shutil.copytree(PROJECT / "site_src", root / "site_src")
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8").replace("language: zh", f"language: {language}")
    config = re.sub(r"(?m)^repo_url:.*$", f"repo_url: {repo_url}" if repo_url else "", config)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return main(["--root", str(root), "build", "--site-dir", str(site),
                 *(["--queries", str(queries)] if queries else [])])


def site_files(site: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(site.rglob("*")):
        if path.is_file():
            yield path, path.read_bytes()


def item_html(html: str, voucher: str) -> str:
    found = re.search(rf'<tbody id="{voucher}">(.*?)</tbody>', html, re.S)
    assert found, voucher
    return found.group(1)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def rate_rows(html: str, kind: str) -> list[tuple[str, ...]]:
    section = html.split(f"<h2>{kind}</h2>", 1)[1].split("<h2>", 1)[0]
    return [tuple(text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row))
            for row in re.findall(r"<tr>(.*?)</tr>", section, re.S) if "<td" in row]


@pytest.fixture(scope="module")
def query_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repo")
    query_books(Repo(root))
    site = root / "site"
    assert build(root, site, write_snapshot(root)) == 0
    return site


def test_each_item_shows_its_queries_with_status_and_a_link_to_the_thread(query_site: Path) -> None:
    html = page(query_site, "test/2026/03")
    first = item_html(html, "2026-0002")
    assert f'<a href="{REPO_URL}/issues/3">质询 #3</a> <span class="tf-status answered">已答复</span>' in first
    assert f'<a href="{REPO_URL}/issues/1">质询 #1</a> <span class="tf-status open">待答复</span>' in first
    assert first.index("#3") < first.index("#1")  # newest first
    assert '<a class="tf-ask-button" href="#ask">质询</a>' in first
    assert '<span class="tf-status completed">已办结</span>' in item_html(html, "2026-0004")
    assert '<span class="tf-status not_planned">不予处理</span>' in item_html(html, "2026-0005")
    assert "质询 #13" not in html and "2026-9999" not in html  # another compound's; a voucher that is not here
    # The page's one panel: the voucher to quote (filled by the script), the contacts, the online form.
    assert html.count('id="ask"') == 1
    assert 'href="tel:01066668888"' in html and 'href="tel:4000000303"' in html
    assert 'href="mailto:committee@test-garden.example?subject=' in html
    assert f'href="{REPO_URL}/issues/new?template=query.yml&amp;compound=test"' in html


def test_the_queries_page_lists_every_query_and_work_order_with_the_rates(query_site: Path) -> None:
    html = page(query_site, "test/queries")
    numbers = [int(n) for n in re.findall(r'<tr id="q(\d+)">', html)]
    assert numbers == [23, 22, 21, 20, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    rows = {int(n): text_of(row) for n, row in re.findall(r'<tr id="q(\d+)">(.*?)</tr>', html, re.S)}
    assert rows[8].startswith("质询 #8 业主 凭证号 2026-9999 不存在")  # listed as such, not dropped
    assert rows[7] == "质询 #7 业主 2026-0003 标题含个人信息，未公开 2026年3月25日 待答复 —"
    assert rows[4] == "质询 #4 业主 2026-0004 测试事项 4 号 2026年3月3日 已办结 业委会 1"
    assert rows[3] == "质询 #3 监察人 2026-0002 测试事项 3 号 2026年3月10日 已答复 出纳 2"
    assert rows[5].endswith("不予处理 8") and rows[6].endswith("已答复 —")
    assert rows[21] == "工单 #21 业主 未注明凭证号 测试事项 21 号 2026年3月15日 待答复 —"  # its place held a number
    assert rows[20].startswith("工单 #20 业主 3号楼2单元 楼道灯不亮")
    assert '<a href="../2026/03/#2026-0002">2026-0002</a>' in html
    assert "质询记录截至 2026年4月1日" in html
    assert rate_rows(html, "质询") == [
        ("2025年12月", "1", "100.0% (1/1)", "100.0% (1/1)"),
        ("2026年2月", "1", "100.0% (1/1)", "100.0% (1/1)"),
        ("2026年3月", "9", "37.5% (3/8)", "12.5% (1/8)"),
        ("2026年4月", "1", "— (0/0)", "— (0/0)"),
    ]
    assert rate_rows(html, "工单") == [("2026年2月", "1", "100.0% (1/1)", "0.0% (0/1)"),
                                      ("2026年3月", "3", "33.3% (1/3)", "33.3% (1/3)")]
    query_cards = html.split("<h2>质询</h2>", 1)[1].split("<h2>", 1)[0]
    assert "37.5%" in query_cards and "44.4%" in query_cards and "22.2%" in query_cards
    assert "按时答复率 · 上月（2026年3月）" in query_cards and "按时答复率 · 2026年累计" in query_cards
    assert "3/8 · 收到 9" in query_cards and "4/9" in query_cards and "2/9" in query_cards
    order_cards = html.split("<h2>工单</h2>", 1)[1].split("<h2>", 1)[0]
    assert "50.0%" in order_cards and "25.0%" in order_cards


def test_the_dashboard_and_front_page_show_the_last_complete_month_and_the_year(query_site: Path) -> None:
    dashboard = text_of(page(query_site, "test"))
    assert "质询 按时答复率 37.5% 上月（2026年3月） · 3/8 2026年累计 44.4% · 办结率 22.2%" in dashboard
    front = text_of(page(query_site, ""))
    assert "37.5% 上月（2026年3月）" in front


def test_the_queries_page_in_english(repo: Repo, tmp_path: Path) -> None:
    query_books(repo)
    assert build(repo.root, tmp_path / "site", write_snapshot(tmp_path), language="en") == 0
    html = page(tmp_path / "site", "test/queries")
    assert "Queries as of 1 Apr 2026<br>" in html and "。" not in text_of(html.split("<h1>", 1)[1])
    assert "Answered in time · Last month (Mar 2026)" in html
    assert rate_rows(html, "Query")[2] == ("Mar 2026", "9", "37.5% (3/8)", "12.5% (1/8)")
    rows = {int(n): text_of(row) for n, row in re.findall(r'<tr id="q(\d+)">(.*?)</tr>', html, re.S)}
    assert rows[8].startswith("Query #8 Owner voucher 2026-9999 does not exist")
    assert "title withheld (personal data)" in rows[7] and rows[3].endswith("Answered Treasurer 2")


def test_no_login_no_withheld_title_and_no_foreign_link_anywhere_in_the_site(query_site: Path) -> None:
    files = list(site_files(query_site))
    assert len(files) > 20
    for path, content in files:
        lowered = content.lower()
        for login in LOGINS:
            assert login.encode() not in lowered, (path, login)
        for spelling in ("139 0000 0000", "13900000000", "13911112222", "王师傅"):
            assert spelling.encode() not in content, (path, spelling)
    assert_only_safe_links(query_site)


def assert_only_safe_links(site: Path) -> None:
    """Every link on every page is relative, https, tel: or mailto:; no script sits in an attribute."""
    for path in site.rglob("*.html"):
        for tag, attributes in parse(path.read_text(encoding="utf-8")).elements:
            assert not any(name.startswith("on") for name in attributes), (path, tag, attributes)
            for name in ("href", "src", "action", "formaction"):
                value = (attributes.get(name) or "").strip()
                scheme = urlsplit(value).scheme.lower()
                assert scheme in ("", "https", "tel", "mailto"), (path, tag, name, value)
                assert not value.startswith("//"), (path, tag, name, value)
                assert "javascript:" not in value.lower(), (path, tag, name, value)


def malformed_items() -> list[Any]:
    good = item(1, "2026-03-05T02:00:00Z", voucher="2026-0002", title="这一条是好的")
    return [
        1, "x", None, [], {}, {"number": "7", "kind": "query", "created_at": "2026-03-02T00:00:00Z"},
        {"number": -3, "kind": "query", "compound": "test", "created_at": "2026-03-02T00:00:00Z"},
        {"number": True, "kind": "query", "compound": "test", "created_at": "2026-03-02T00:00:00Z"},
        {"number": 4, "kind": "complaint", "compound": "test", "created_at": "2026-03-02T00:00:00Z"},
        {"number": 5, "kind": "query", "compound": "test", "created_at": 1772409600},
        {"number": 6, "kind": "query", "compound": ["test"], "voucher": {"v": 1}, "title": 42, "place": [1],
         "state": {"closed": True}, "state_reason": ["completed"], "closed_at": 5, "answered_label": "yes",
         "author": {"login": "x"}, "comments": 5, "created_at": "2026-03-02T00:00:00Z", "url": 7},
        item(8, "2026-03-02T00:00:00Z", voucher="2026-0002", replies=(("not a login!", "2026-03-03T00:00:00Z"),
                                                                      (COMMITTEE, "yesterday"),
                                                                      (COMMITTEE, "9999-12-31T23:59:59+00:00"))),
        item(10 ** 40, "2026-03-02T00:00:00Z", voucher="2026-0002"),
        item(11, "9999-12-31T23:00:00+00:00", voucher="2026-0002"),
        item(12, "0001-01-01T00:00:00+14:00", voucher="2026-0002"),
        item(13, "2026-03-02T00:00:00Z", voucher="2026-0002" + "0" * 1000, title="长" * 100_000,
             place="<script>alert(1)</script>"),
        dict(item(14, "2026-03-02T00:00:00Z", voucher="2026-0002"), url="javascript:alert(1)"),
        dict(item(15, "2026-03-02T00:00:00Z", voucher="2026-0002"), url="JavaScript:alert(1)//https://"),
        dict(item(16, "2026-03-02T00:00:00Z", voucher="2026-0002"), url="http://example.com/16"),
        dict(item(17, "2026-03-02T00:00:00Z", voucher="2026-0002"), url="//evil.example/17"),
        dict(item(18, "2026-03-02T00:00:00Z", voucher="2026-0002"), url="data:text/html,<b>18</b>"),
        dict(item(19, "2026-03-02T00:00:00Z", voucher="2026-0002"), url=" https://github.com/x/y/issues/19"),
        dict(item(20, "2026-03-02T00:00:00Z", voucher="2026-0002"),
             url=f'{REPO_URL}/issues/20" onclick="alert(1)'),
        good,
    ]


MALFORMED: dict[str, bytes] = {
    "not-json": b"{not json",
    "not-utf8": b"\xff\xfe\x00{\x00}",
    "empty": b"",
    "a-list": b"[]",
    "nested-deep": b"[" * 100_000,
    "huge-integer": b'{"items": [{"number": ' + b"9" * 5000 + b"}]}",
    "items-not-a-list": json.dumps({"fetched_at": FETCHED_AT, "items": {"1": {}}}).encode(),
    "wrong-fetched-at": json.dumps({"fetched_at": ["2026"], "repo": 5, "items": []}).encode(),
    "far-future": json.dumps({"fetched_at": "9999-12-31T23:59:59+00:00",
                              "items": [item(1, "2026-03-05T02:00:00Z")]}).encode(),
    "bad-items": json.dumps({"version": "x", "fetched_at": FETCHED_AT, "items": malformed_items()},
                            ensure_ascii=False).encode("utf-8"),
    "infinity": b'{"fetched_at": "2026-03-31T16:30:00Z", "items": [{"number": Infinity, "kind": "query", '
                b'"compound": "test", "created_at": "2026-03-02T00:00:00Z"}, {"number": 1e400}]}',
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_snapshot_never_fails_the_build(repo: Repo, tmp_path: Path, name: str) -> None:
    query_books(repo)
    snapshot = tmp_path / f"{name}.json"
    snapshot.write_bytes(MALFORMED[name])
    site = tmp_path / "site"
    assert build(repo.root, site, snapshot) == 0
    html = page(site, "test/queries")
    assert '<h1>测试花园 · 质询与工单</h1>' in html
    assert_only_safe_links(site)
    for _, content in site_files(site):
        assert b"alert(1)" not in content.replace(b"&lt;script&gt;alert(1)&lt;/script&gt;", b"")
    if name == "bad-items":
        numbers = re.findall(r'<tr id="q(\d+)">', html)
        assert "1" in numbers and "10" + "0" * 39 in numbers and "14" in numbers and "20" in numbers
        for unreadable in ("4", "5", "6", "7", "11", "12"):
            assert unreadable not in numbers
        assert "这一条是好的" in html and "&lt;script&gt;" in html
        month = item_html(page(site, "test/2026/03"), "2026-0002")
        assert f'href="{REPO_URL}/issues/1"' in month and "质询 #14 <span" in month


def test_the_default_snapshot_is_build_queries_json(repo: Repo, tmp_path: Path) -> None:
    query_books(repo)
    (repo.root / "build").mkdir()
    write_snapshot(repo.root / "build")
    assert build(repo.root, tmp_path / "site", None) == 0
    assert '<tr id="q23">' in page(tmp_path / "site", "test/queries")
    # Without one, the page says there is nothing yet and nothing claims a rate.
    (repo.root / "build" / "queries.json").unlink()
    assert build(repo.root, tmp_path / "without", None) == 0
    assert "暂无质询或工单" in page(tmp_path / "without", "test/queries")
    assert "按时答复率" not in page(tmp_path / "without", "test")


# Contacts: organisations only


def test_an_office_landline_and_a_400_number_under_contact_pass_check(repo: Repo) -> None:
    query_books(repo)
    assert repo.check() == []


@pytest.mark.parametrize("mobile", ["13912345678", "139-1234-5678", "+86 139 1234 5678", "013912345678"])
def test_a_mobile_under_contact_is_refused_by_the_schema_and_by_privacy(repo: Repo, mobile: str) -> None:
    query_books(repo)
    repo.write("ledgers/test/compound.yaml", QUERY_PROFILE.replace('phone: "400-000-0303"', f'phone: "{mobile}"'))
    findings = repo.check()
    [schema] = only(findings, "compound")
    assert schema.path == "ledgers/test/compound.yaml" and schema.line == 11
    assert "contact phone must be an organisation's office landline" in schema.message
    # Privacy refuses the number too; while the profile cannot be read, no contact line is passed over, so
    # the office line on line 9 is named as well until the mobile is gone.
    assert [(f.path, f.line) for f in only(findings, "privacy")] == [("ledgers/test/compound.yaml", 9),
                                                                     ("ledgers/test/compound.yaml", 11)]


def test_a_mobile_beside_a_contacts_landline_or_elsewhere_in_the_profile_is_refused(repo: Repo) -> None:
    query_books(repo)
    profile = QUERY_PROFILE.replace('hours: "每天 8:00–18:00"', 'hours: "值班 13912345678"')
    repo.write("ledgers/test/compound.yaml", profile)
    findings = repo.check()
    assert only(findings, "compound") == []
    [privacy] = only(findings, "privacy")
    assert (privacy.path, privacy.line) == ("ledgers/test/compound.yaml", 9)
    assert "a mobile phone number" in privacy.message
    # The office line is passed over only where it is the contact's phone: quoted anywhere else, it is refused.
    repo.write("ledgers/test/compound.yaml", QUERY_PROFILE.replace("description: 测试用虚构小区",
                                                                   "description: 测试用虚构小区 电话 010-6666-8888"))
    assert [(f.rule, f.line) for f in repo.check()] == [("privacy", 3)]


# The example site


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("example") / "site"
    assert main(["--root", str(PROJECT), "build", "--site-dir", str(site), "--queries",
                 str(PROJECT / "examples" / "queries.json")]) == 0
    return site


def test_the_example_site_shows_queries_and_work_orders_across_every_status(example_site: Path) -> None:
    rows = []
    for compound in ("qingshui-garden", "hetang-court"):
        html = page(example_site, f"{compound}/queries")
        rows += re.findall(r'<tr id="q\d+">.*?</tr>', html, re.S)
        assert "按时答复率" in html and "办结率" in html
    assert len(rows) >= 10
    statuses = {status for row in rows for status in re.findall(r'class="tf-status (\w+)"', row)}
    assert statuses == {"open", "answered", "completed", "not_planned"}
    assert any(">质询 #" in row for row in rows) and any(">工单 #" in row for row in rows)
    assert any("不存在" in row for row in rows)  # the query on a voucher that does not exist
    assert any("标题含个人信息，未公开" in row for row in rows)
    for compound in ("qingshui-garden", "hetang-court"):
        cards = re.findall(r'<div class="label"><a href="queries/">质询 按时答复率</a></div>'
                           r'<div class="value">([^<]+)</div>', page(example_site, compound))
        assert len(cards) == 1 and cards[0].endswith("%"), compound
    example_logins = re.compile(rb"example-(owner|treasurer|committee|supervisor)", re.I)
    assert [path for path, content in site_files(example_site) if example_logins.search(content)] == []
    assert_only_safe_links(example_site)


def test_a_query_naming_its_compound_by_name_is_listed_under_it(tmp_path: Path) -> None:
    """The form's 小区 field is typed by owners: the name (in either language, any case) counts like the id."""
    snapshot = {"version": 1, "repo": REPO, "fetched_at": FETCHED_AT, "items": [
        item(31, "2026-03-05T02:00:00Z", voucher="2026-0002", compound="测试花园"),
        item(32, "2026-03-05T02:00:00Z", voucher="2026-0002", compound="test garden"),
        item(33, "2026-03-05T02:00:00Z", voucher="2026-0002", compound="another garden")]}
    assert [q.number for q in view_of(tmp_path, snapshot).items] == [32, 31]
