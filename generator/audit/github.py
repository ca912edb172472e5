"""``trustfund queries fetch``: a snapshot of the owners' queries (质询) and work orders (工单) from GitHub.

Read-only, through GitHub's REST API: every issue labelled ``质询`` or ``工单``
(open and closed), and for those with comments, who commented when — enough
to tell when a signer of the compound first replied. The API base comes from
``GITHUB_API_URL`` (as GitHub Actions sets it, so GitHub Enterprise works
too), the token from ``GITHUB_TOKEN``; pages are followed by their ``Link``
headers; a rate limit (403 or 429 with ``Retry-After`` or
``X-RateLimit-Reset``) is waited out a few times. Issue bodies are written by
the public and never stored: only the compound, voucher and place the form
asked for are kept, and the title, which the build shows only if it passes
the privacy scan.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_API = "https://api.github.com"
LABELS = {"质询": "query", "工单": "work-order"}
ANSWERED_LABEL = "已答复"
MAX_WAITS = 4
MAX_WAIT_SECONDS = 120
MAX_COMMENTS = 100
NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
FIELD = re.compile(r"^###\s+(.+?)\s*$")
REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", re.ASCII)
# The issue forms' headings (zh / en), and the snapshot field each one fills.
FIELDS = {"小区": "compound", "compound": "compound", "凭证号": "voucher", "voucher": "voucher",
          "位置": "place", "place": "place", "地点": "place"}
SNAPSHOT_VERSION = 1


class FetchError(Exception):
    """The snapshot could not be fetched; the message says why and what to do."""


@dataclass
class Client:
    api: str
    token: str | None
    sleep: Callable[[float], None] = time.sleep

    def get(self, url: str) -> tuple[Any, str | None]:
        """The decoded JSON of a GET, and the next page's URL."""
        for attempt in range(MAX_WAITS + 1):
            request = urllib.request.Request(url, headers=self._headers(url))
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    body = response.read()
                    link = response.headers.get("Link") or ""
            except urllib.error.HTTPError as problem:
                wait = _rate_limit_wait(problem)
                if wait is None:
                    raise FetchError(_http_problem(problem, url)) from None
                if attempt < MAX_WAITS:
                    self.sleep(wait)
                continue
            except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as problem:
                reason = getattr(problem, "reason", problem)
                raise FetchError(f"cannot reach {self.api} ({reason}); check the network, or build with the last "
                                 "snapshot") from None
            try:
                decoded = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
                raise FetchError(f"{url} did not answer with JSON; is GITHUB_API_URL right?") from None
            match = NEXT.search(link)
            return decoded, match.group(1) if match else None
        raise FetchError(f"GitHub kept refusing with a rate limit at {url}; try again later")

    def pages(self, url: str) -> Iterator[Any]:
        next_url: str | None = url
        seen = 0
        while next_url and seen < 1000:
            page, next_url = self.get(next_url)
            seen += 1
            if not isinstance(page, list):
                raise FetchError(f"{url} did not answer with a list")
            yield from page

    def _headers(self, url: str) -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28",
                   "User-Agent": "trustfund"}
        # The token goes only to the API's own host, whatever URLs its answers name.
        if self.token and urllib.parse.urlsplit(url).netloc == urllib.parse.urlsplit(self.api).netloc:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


def _rate_limit_wait(problem: urllib.error.HTTPError) -> float | None:
    if problem.code not in (403, 429):
        return None
    headers = problem.headers
    retry_after = headers.get("Retry-After") if headers else None
    if retry_after and retry_after.strip().isdigit():
        return min(float(retry_after), MAX_WAIT_SECONDS)
    if headers and headers.get("X-RateLimit-Remaining") == "0":
        reset = headers.get("X-RateLimit-Reset") or ""
        if reset.isdigit():
            return max(0.0, min(float(reset) - time.time() + 1, MAX_WAIT_SECONDS))
        return float(MAX_WAIT_SECONDS)
    return None


def _http_problem(problem: urllib.error.HTTPError, url: str) -> str:
    if problem.code == 404:
        return (f"{url}: not found — is the repository name right (OWNER/NAME), and may GITHUB_TOKEN read its "
                "issues?")
    if problem.code in (401, 403):
        return f"{url}: GitHub refused access ({problem.code}); GITHUB_TOKEN needs issues: read"
    return f"{url}: GitHub answered {problem.code} {problem.reason}"


def form_fields(body: object) -> dict[str, str]:
    """The answers of an issue form (``### heading`` then the answer), for the fields trustfund keeps."""
    fields: dict[str, str] = {}
    if not isinstance(body, str):
        return fields
    current = None
    for line in body[:20_000].split("\n"):
        heading = FIELD.match(line.strip())
        if heading:
            title = heading.group(1).lower()
            current = next((name for word, name in FIELDS.items() if word in title), None)
            continue
        value = line.strip()
        if current and value and value != "_No response_" and current not in fields:
            fields[current] = value[:200]
    return fields


def fetch(repo: str, api: str | None = None, token: str | None = None,
          sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:
    """The snapshot of every query and work order of ``OWNER/NAME``."""
    if not REPO.fullmatch(repo):
        raise FetchError(f"'{repo}' is not a repository name; give OWNER/NAME")
    base = (api or os.environ.get("GITHUB_API_URL") or DEFAULT_API).rstrip("/")
    client = Client(base, token if token is not None else os.environ.get("GITHUB_TOKEN"), sleep)
    owner, name = repo.split("/")
    url = f"{base}/repos/{urllib.parse.quote(owner)}/{urllib.parse.quote(name)}/issues?state=all&per_page=100"
    items = []
    for issue in client.pages(url):
        if not isinstance(issue, dict) or "pull_request" in issue:
            continue
        labels = [label.get("name") for label in issue.get("labels") or [] if isinstance(label, dict)]
        kinds = [LABELS[label] for label in labels if label in LABELS]
        if not kinds:
            continue
        comments: list[dict[str, Any]] = []
        if isinstance(issue.get("comments"), int) and issue["comments"] > 0 and isinstance(issue.get("comments_url"),
                                                                                            str):
            for comment in client.pages(issue["comments_url"] + "?per_page=100"):
                if isinstance(comment, dict) and len(comments) < MAX_COMMENTS:
                    comments.append({"login": (comment.get("user") or {}).get("login"),
                                     "created_at": comment.get("created_at")})
        fields = form_fields(issue.get("body"))
        items.append({"number": issue.get("number"), "kind": kinds[0], "title": issue.get("title"),
                      "state": issue.get("state"), "state_reason": issue.get("state_reason"),
                      "created_at": issue.get("created_at"), "closed_at": issue.get("closed_at"),
                      "answered_label": ANSWERED_LABEL in labels, "url": issue.get("html_url"),
                      "author": (issue.get("user") or {}).get("login"), "comments": comments, **fields})
    return {"version": SNAPSHOT_VERSION, "repo": repo,
            "fetched_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "items": items}


def write_snapshot(snapshot: dict[str, Any], out: Path) -> None:
    """Write the snapshot beside its place and move it in, so a failed write leaves the last one."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(out.name + ".new")
    staging.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1), encoding="utf-8")
    staging.replace(out)
