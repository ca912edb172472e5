"""The example site in real headless Chromium, at a phone's size, as an owner opens it inside WeChat.

The site is built by ``trustfund build --queries examples/queries.json`` from a copy of the repository
whose ``mkdocs.yml`` sets a ``repo_url`` (so the 质询 panel holds the online form too), and served from
127.0.0.1. Chromium is driven by
Playwright, using the system's Chromium (``/usr/bin/chromium``, or ``$TRUSTFUND_CHROMIUM``):
Playwright's own browser download is never used. Every request any page makes is recorded; one to a
host other than 127.0.0.1 fails the test (a dead-end proxy refuses it, so it never leaves the machine).
Full-page screenshots of each step go to ``$TRUSTFUND_SCREENSHOTS`` (or a temporary folder), printed.

Without Chromium or Playwright the tests skip, except under CI (``$CI`` set), where they fail.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Locator, Page

PROJECT = Path(__file__).resolve().parent.parent
REPO_URL = "https://github.com/example-org/trustfund-demo"
COMPOUND = "qingshui-garden"
NAME = "清水花园"
WIDTH, HEIGHT = 360, 740
# WeChat's in-app browser (XWEB) on Android.
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
             "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin "
             "NetType/WIFI Language/zh_CN ABI/arm64")
# Playwright adds --headless itself (headless=True) and passes the fresh profile folder as --user-data-dir.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage"]
TAP = 44  # the smallest tap target, in CSS px (WCAG 2.5.5, Apple's and Android's guidelines)
HIGHLIGHT = "rgb(255, 245, 157)"  # `.tf-items > tbody:target` in generator/site/overrides/assets/trustfund.css
LOCAL_HOST = "127.0.0.1"


def unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}. CI must run the browser tests: .ci/run installs Chromium (apt-get install chromium "
                    "fonts-noto-cjk) and `pip install -e '.[test]'` installs Playwright.", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str:
    path = os.environ.get("TRUSTFUND_CHROMIUM") or "/usr/bin/chromium"
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        unavailable(f"no Chromium at {path} (apt-get install chromium, or set TRUSTFUND_CHROMIUM)")
    return path


# The site, served on the loopback interface


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example books and queries built by ``trustfund build`` from a copy of the repository that sets
    ``repo_url``."""
    root = tmp_path_factory.mktemp("repo")
    for folder in ("ledgers", "budgets", "notices", "site_src"):
        shutil.copytree(PROJECT / folder, root / folder)
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    config, replaced = re.subn(r"(?m)^#?\s*repo_url:.*$", f"repo_url: {REPO_URL}", config)
    if not replaced:
        config = f"repo_url: {REPO_URL}\n{config}"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    out = root / "out"
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "build", "--site-dir", str(out),
                             "--queries", str(PROJECT / "examples" / "queries.json")],
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A built site served on 127.0.0.1 while the block runs: the address to open it at."""
    server = ThreadingHTTPServer((LOCAL_HOST, 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def base_url(site_dir: Path) -> Iterator[str]:
    with serve(site_dir) as url:
        yield url


# The phone


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "about", "blob") or (parts.scheme == "http" and parts.hostname == LOCAL_HOST)


@dataclass
class Phone:
    context: BrowserContext
    shots: Path
    requests: list[str] = field(default_factory=list)  # every URL any page asked for, in order
    errors: list[str] = field(default_factory=list)  # script errors and console errors
    prefix: str = ""
    step: int = 0

    def begin(self, prefix: str) -> Page:
        """A new tab for a test whose screenshots are named ``<prefix>-NN-<step>.png``."""
        self.prefix, self.step = prefix, 0
        page = self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self.errors.append(f"{page.url}: console: {message.text}")
                if message.type == "error" else None)
        return page

    def foreign(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]

    def screenshot(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        self.step += 1
        path = self.shots / f"{self.prefix}-{self.step:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        return path


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("TRUSTFUND_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


@pytest.fixture(scope="module")
def dead_end() -> Iterator[int]:
    """A loopback port that refuses connections: bound, never listening, held for the session."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL_HOST, 0))
        yield int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory, shots: Path, dead_end: int) -> Iterator[Phone]:
    executable = chromium_path()
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    profile = tmp_path_factory.mktemp("chromium-profile")
    # Every request to another host goes to a proxy that refuses it (loopback is never proxied), so
    # nothing leaves the machine even if a page asks; the request is still recorded, and fails the test.
    flags = [*CHROMIUM_FLAGS, f"--proxy-server=http://{LOCAL_HOST}:{dead_end}"]
    with sync_playwright() as playwright:
        try:
            context = playwright.chromium.launch_persistent_context(
                profile, executable_path=executable, headless=True, args=flags,
                viewport={"width": WIDTH, "height": HEIGHT}, screen={"width": WIDTH, "height": HEIGHT},
                device_scale_factor=2, is_mobile=True, has_touch=True, user_agent=WECHAT_UA, locale="zh-CN",
                timezone_id="Asia/Shanghai", service_workers="block")
        except Error as problem:
            unavailable(f"Chromium at {executable} did not start under Playwright: {problem}")
        context.set_default_timeout(15_000)
        phone = Phone(context, shots)
        context.on("request", lambda request: phone.requests.append(request.url))
        try:
            yield phone
        finally:
            context.close()


# What a page looks like at 360 px

LAYOUT = """(width) => {
  // Elements whose right edge passes the screen and that no scrolling or clipping box (a .tf-scroll,
  // Material's table wrapper) holds: these make the whole page scroll sideways.
  const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') { return true; } } return false; };
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5 && !clipped(e))
    .map(e => ({header: !!e.closest('.md-header'), what: `<${e.tagName.toLowerCase()} class="${e.className}"> `
      + `${(e.textContent || '').trim().slice(0, 30)} … right edge `
      + `${Math.round(e.getBoundingClientRect().right)} px`}));
  return {viewport: window.innerWidth, document: Math.max(document.documentElement.scrollWidth,
          document.body.scrollWidth), content: wide.filter(w => !w.header).map(w => w.what),
          header: wide.filter(w => w.header).map(w => w.what)};
}"""


def layout(page: Page) -> dict[str, Any]:
    page.wait_for_load_state("load")
    result: dict[str, Any] = page.evaluate(LAYOUT, WIDTH)
    return result


def fits_the_screen(phone: Phone, page: Page, name: str) -> Path:
    """The page does not scroll sideways at 360 px (tables scroll inside their own box); a screenshot is saved."""
    seen = layout(page)
    # A mobile browser widens the layout viewport (zooms out) to take in content wider than the screen.
    assert seen["viewport"] == WIDTH and seen["document"] <= WIDTH, f"{page.url} does not fit {WIDTH} px: {seen}"
    assert seen["content"] == [], f"{page.url} does not fit {WIDTH} px: {seen}"
    return phone.screenshot(page, name)


def row_state(page: Page, voucher: str) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate(
        """(voucher) => {
          const row = document.getElementById(voucher);
          const box = row.getBoundingClientRect();
          const header = document.querySelector('.md-header');
          return {target: document.querySelector(':target') === row, top: box.top, bottom: box.bottom,
                  header: header ? header.getBoundingClientRect().bottom : 0,
                  background: getComputedStyle(row).backgroundColor, fragment: location.hash};
        }""", voucher)
    return state


def assert_row_is_the_target(page: Page, voucher: str) -> None:
    """The row is the page's :target, on screen below the sticky header, and highlighted."""
    state = row_state(page, voucher)
    assert state["fragment"] == f"#{voucher}", state
    assert state["target"], f"the row {voucher} is not the :target of {page.url}"
    assert state["header"] - 1 <= state["top"] < HEIGHT - 40, f"the row {voucher} is not on screen: {state}"
    assert state["background"] == HIGHLIGHT, f"the row {voucher} is not highlighted: {state}"


def big_enough(target: Locator, what: str) -> None:
    """A thumb can hit it: at least 44×44 CSS px, measured where it is on the screen."""
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box is not None, f"{what} is not on the page"
    assert box["width"] >= TAP and box["height"] >= TAP, \
        f"{what} is {box['width']:.0f}×{box['height']:.0f} px, smaller than {TAP}×{TAP}"


def tap(target: Locator, what: str) -> None:
    big_enough(target, what)
    target.tap()


def latest(folder: Path) -> str:
    return max(p.name for p in folder.iterdir() if p.is_dir() and p.name.isdigit())


def pages_of(site_dir: Path) -> list[str]:
    """Every page's path below the site's root, the front page (``""``) last."""
    inner = sorted(p.parent.relative_to(site_dir).as_posix() + "/" for p in site_dir.rglob("index.html")
                   if p.parent != site_dir)
    return [*inner, ""]


# The tests


def test_an_owner_follows_an_item_from_the_front_page_to_its_query_link(
        phone: Phone, base_url: str, site_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    year = latest(site_dir / COMPOUND)
    month = latest(site_dir / COMPOUND / year)
    month_url = f"{base_url}/{COMPOUND}/{year}/{month}/"
    page = phone.begin("flow")

    page.goto(f"{base_url}/")
    assert "MicroMessenger" in page.evaluate("navigator.userAgent")
    fits_the_screen(phone, page, "index")
    tap(page.locator(f".md-content .tf-table a[href='{COMPOUND}/']"), "the compound's link on the front page")
    page.wait_for_url(f"{base_url}/{COMPOUND}/")
    fits_the_screen(phone, page, "dashboard")
    # The dashboard shows the query rates: the last complete month and the year to date.
    rate = page.locator(".tf-card", has=page.locator("a[href='queries/']"))
    assert "质询 按时答复率" in rate.inner_text() and re.search(r"\d+\.\d%", rate.inner_text()), rate.inner_text()

    # The dashboard's list of years, newest first: the current year.
    year_link = page.locator(".md-content ul.tf-links").first.locator("a").first
    assert year_link.inner_text().startswith(year)
    tap(year_link, "the dashboard's link to the year")
    page.wait_for_url(f"{base_url}/{COMPOUND}/{year}/")
    fits_the_screen(phone, page, "year")

    # The year's table of months: the newest month.
    tap(page.locator(".md-content table.tf-table").first.locator("tbody a").last, "the year's link to the month")
    page.wait_for_url(month_url)
    fits_the_screen(phone, page, "month")

    # An item from the middle of the month: its voucher anchor.
    rows = page.locator("table.tf-items > tbody[id]")
    assert rows.count() > 2
    row = rows.nth(rows.count() // 2)
    voucher = row.get_attribute("id") or ""
    assert re.fullmatch(rf"{year}-\d{{4,}}", voucher), voucher
    tap(row.locator(f"a[href='#{voucher}']"), "the item's voucher link")
    page.wait_for_url(f"{month_url}#{voucher}")
    assert_row_is_the_target(page, voucher)
    phone.screenshot(page, "item-anchor-tapped", full_page=False)

    # Its 质询 button opens the page's one panel: the voucher to quote, and every way to ask.
    panel = page.locator("#ask")
    assert not panel.is_visible()
    button = row.locator("a.tf-ask-button[href='#ask']")  # the panel learns the voucher from the row's id
    assert button.inner_text() == "质询"
    tap(button, "the item's 质询 button")
    panel.wait_for(state="visible")
    assert page.url == f"{month_url}#{voucher}"  # the item stays the page's target
    assert panel.locator("[data-ask-voucher]").inner_text() == voucher
    assert panel.locator(".tf-ask-voucher").is_visible()
    phone.screenshot(page, "ask-panel", full_page=False)
    tel = panel.locator("a[href^='tel:']")
    assert tel.count() >= 1 and all(re.fullmatch(r"tel:\+?\d{7,15}", link.get_attribute("href") or "")
                                    for link in tel.all())
    mail = panel.locator("a[href^='mailto:']").first
    mailto = urlsplit(mail.get_attribute("href") or "")
    assert re.fullmatch(r"[a-z0-9.-]+@[a-z0-9.-]+\.example", mailto.path), mailto
    mail_fields = parse_qs(mailto.query)
    assert NAME in mail_fields["subject"][0] and voucher in mail_fields["subject"][0], mail_fields
    assert voucher in mail_fields["body"][0]
    # The online form: a new issue on the repository for this compound and voucher (not followed).
    online = panel.locator("a[data-github]")
    href = online.get_attribute("href") or ""
    assert href.startswith(f"{REPO_URL}/issues/new?template=query.yml&compound={COMPOUND}&voucher={voucher}"), href
    parameters = parse_qs(urlsplit(href).query)
    assert parameters["template"] == ["query.yml"]
    assert parameters["compound"] == [COMPOUND]
    assert parameters["voucher"] == [voucher]
    assert voucher in parameters["title"][0]
    actions = panel.locator("a.tf-ask-action").all()
    assert len(actions) >= 3
    for action in actions:
        big_enough(action, f"the panel's action {action.inner_text()!r}")
    tap(panel.locator("a.tf-ask-close"), "the panel's close button")
    panel.wait_for(state="hidden")

    # The month's evidence and detail-sheet links are files of this site.
    links = page.locator("table.tf-items a.tf-ev, table.tf-items details > a").all()
    assert links
    for link in links[:5]:
        target = urljoin(page.url, link.get_attribute("href") or "")
        assert target.startswith(f"{base_url}/{COMPOUND}/vouchers/"), target
        assert page.request.get(target).ok, target

    # The item's link opened cold, as when shared in a chat.
    page.goto(f"{month_url}#{voucher}")
    assert_row_is_the_target(page, voucher)
    phone.screenshot(page, "item-opened-from-a-link", full_page=False)

    # Search: the index's pieces are fetched when the owner searches, not when the page opens.
    search = phone.context.new_page()
    before = len(phone.requests)
    search.goto(f"{base_url}/{COMPOUND}/search/")
    search.wait_for_load_state("networkidle")
    fits_the_screen(phone, search, "search")
    indexes = re.compile(rf"^{re.escape(base_url)}/{COMPOUND}/search/[^/]+\.json$")
    assert [url for url in phone.requests[before:] if indexes.match(url)] == [], "an index loaded with the page"
    submitted = len(phone.requests)
    search.locator("form.tf-search input[name=q]").fill(voucher)
    tap(search.locator("form.tf-search button[type=submit]"), "the search button")
    result = search.locator("ol.tf-results li a").first
    result.wait_for()
    fetched = [url for url in phone.requests[submitted:] if indexes.match(url)]
    assert f"{base_url}/{COMPOUND}/search/{year}-{month}.json" in fetched, phone.requests[submitted:]
    assert result.inner_text().startswith(voucher)
    assert urljoin(search.url, result.get_attribute("href") or "") == f"{month_url}#{voucher}"
    fits_the_screen(phone, search, "search-result")
    tap(result, "a search result")
    search.wait_for_url(f"{month_url}#{voucher}")
    assert_row_is_the_target(search, voucher)
    phone.screenshot(search, "search-result-opened", full_page=False)

    # The compound's queries and work orders, from the dashboard: the rates by month, and every item.
    page.goto(f"{base_url}/{COMPOUND}/")
    tap(page.locator(".md-content a.tf-ask-button[href='queries/']"), "the dashboard's 质询与工单 button")
    page.wait_for_url(f"{base_url}/{COMPOUND}/queries/")
    fits_the_screen(phone, page, "queries")
    cards = page.locator(".md-content .tf-cards").first.inner_text()
    assert "按时答复率" in cards and "办结率" in cards and re.search(r"\d+\.\d%", cards), cards
    # By month: on a phone each figure carries its label (the table's head is hidden).
    cells = page.locator(".md-content table.tf-table").first.locator("td[data-label='按时答复率']")
    assert cells.count() >= 3 and re.match(r"\d+\.\d%", cells.last.inner_text()), cells.all_inner_texts()
    label = cells.last.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"按时答复率"', label
    assert page.locator(".md-content tr[id^='q']").count() >= 5

    assert phone.foreign() == [], "requests that left the site"
    assert phone.errors == [], "script errors"
    with capsys.disabled():
        print(f"\nbrowser screenshots: {phone.shots}")


SCREENSHOT_PAGES = re.compile(r"^(|about/|[a-z0-9-]+/(|\d{4}/|budget/\d{4}/|notices/|data/))$")


def test_no_page_of_the_site_scrolls_sideways_on_a_phone(phone: Phone, base_url: str, site_dir: Path) -> None:
    """Every page at 360 px: nothing in the content is wider than the screen, no request leaves the site."""
    page = phone.begin("pages")
    problems = []
    for path in pages_of(site_dir):
        page.goto(f"{base_url}/{path}")
        seen = layout(page)
        if seen["content"] or seen["document"] > seen["viewport"]:
            problems.append(f"/{path}: {seen}")
        if SCREENSHOT_PAGES.match(path):
            phone.screenshot(page, path.strip("/").replace("/", "-") or "index")
    assert problems == [], "\n".join(problems)
    assert phone.foreign() == [], "requests that left the site"
    assert phone.errors == [], "script errors"


def test_long_titles_do_not_widen_the_page(phone: Phone, base_url: str, site_dir: Path) -> None:
    page = phone.begin("titles")
    widened = []
    for path in pages_of(site_dir):
        if "/notices/" in path:
            page.goto(f"{base_url}/{path}")
            seen = layout(page)
            if seen["viewport"] != WIDTH or seen["header"]:
                widened.append(f"/{path}: {seen}")
                phone.screenshot(page, path.strip("/").replace("/", "-"), full_page=False)
    assert widened == [], "\n".join(widened)


def test_the_highlight_covers_only_the_target_item(phone: Phone, base_url: str, site_dir: Path) -> None:
    year = latest(site_dir / COMPOUND)
    month_url = f"{base_url}/{COMPOUND}/{year}/{latest(site_dir / COMPOUND / year)}/"
    page = phone.begin("highlight")
    page.goto(month_url)
    first = page.locator("table.tf-items > tbody[id]").first.get_attribute("id") or ""
    page.goto(f"{month_url}#{first}")
    colours = page.evaluate(
        """(voucher) => [...document.querySelectorAll('table.tf-items > tbody')]
             .map(item => [item.id, item.id === voucher, getComputedStyle(item).backgroundColor])""", first)
    assert [row for row in colours if (row[2] == HIGHLIGHT) != row[1]] == []
