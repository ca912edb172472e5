"""Every kind of page, in both languages, as an owner with a phone, a large font or a screen reader meets it.

The example site is built twice by ``trustfund build`` (the plugin's ``language: zh`` and ``en``) and opened
in real headless Chromium at 360×740 with touch (the fixtures of tests/test_browser.py). For one page of
every kind:

- axe-core (the copy shipped by axe-playwright-python) finds no violation of WCAG 2.0, 2.1 and 2.2 at
  levels A and AA — contrast, names, landmarks, language, target size and the rest;
- every tap target (a link, button, summary or form field) is at least 44×44 CSS px, except a link inside
  running text, which WCAG's own target-size rules exempt (it is as tall as the line it is in): a link
  standing alone or in a row of links is a target of its own;
- no line of text reaches past the screen's edge, unless it is inside a box that scrolls sideways on its
  own (wide tables) and that box is on the screen; no box cuts text off (an ellipsis says so where it
  does); a table stacked on a phone needs no sideways swipe; and the same with the text twice as large
  (WeChat's largest font setting), every <details> open;
- the first visit to the page — HTML, style sheets, scripts and images, each as gzip would send it — is at
  most 150 KB, printed for each kind.
"""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests import test_browser
from tests.test_browser import COMPOUND, HEIGHT, PROJECT, TAP, WIDTH, Phone, latest, serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The phone of tests/test_browser.py (module-scoped there, so this module starts its own).
phone, shots, dead_end = test_browser.phone, test_browser.shots, test_browser.dead_end

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FIRST_VISIT_LIMIT = 150_000  # bytes, gzipped
LANGUAGES = ("zh", "en")
FEES_COMPOUND = "hetang-court"  # the example compound that keeps a unit roster


def build(root: Path, language: str) -> Path:
    """The example books built with the plugin's language set to ``language``."""
    config = (PROJECT / "mkdocs.yml").read_text(encoding="utf-8")
    config, replaced = re.subn(r"(?m)^(\s+language:\s*)zh(\s*#.*)?$", rf"\g<1>{language}\g<2>", config)
    assert replaced, "mkdocs.yml no longer sets the plugin's language"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    out = root / f"site-{language}"
    result = subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "build", "--site-dir", str(out),
                             "--queries", str(PROJECT / "examples" / "queries.json")],
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("a11y-repo")
    for folder in ("ledgers", "budgets", "notices", "site_src"):
        shutil.copytree(PROJECT / folder, root / folder)
    return {language: build(root, language) for language in LANGUAGES}


def page_kinds(site: Path) -> dict[str, str]:
    """One page of every kind the site has: its path below the site's root."""
    year = latest(site / COMPOUND)
    month = latest(site / COMPOUND / year)
    notice = sorted(p.name for p in (site / COMPOUND / "notices").iterdir() if p.is_dir())[0]
    unit = sorted(p.name for p in (site / FEES_COMPOUND / "unit").iterdir() if p.is_dir())[0]
    kinds = {
        "front page": "", "about": "about/", "glossary": "glossary/", "dashboard": f"{COMPOUND}/",
        "year": f"{COMPOUND}/{year}/",
        "month": f"{COMPOUND}/{year}/{month}/", "month report": f"{COMPOUND}/{year}/{month}/report/",
        "year report": f"{COMPOUND}/{year}/report/", "budget": f"{COMPOUND}/budget/{year}/",
        "notices": f"{COMPOUND}/notices/", "notice": f"{COMPOUND}/notices/{notice}/",
        "queries": f"{COMPOUND}/queries/", "data": f"{COMPOUND}/data/", "search": f"{COMPOUND}/search/",
        "fees": f"{FEES_COMPOUND}/fees/", "unit": f"{FEES_COMPOUND}/unit/{unit}/", "not found": "404.html",
    }
    if (site / COMPOUND / "history" / "index.html").is_file():
        kinds["history"] = f"{COMPOUND}/history/"
    for kind, path in kinds.items():
        assert (site / (path if path.endswith(".html") else path + "index.html")).is_file(), (kind, path)
    return kinds


@pytest.fixture(scope="module")
def served(sites: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Each site at the path of its address (site_url), as a project-pages host serves it: the 404 page's
    links are absolute and only work there."""
    path = urlsplit(site_url()).path.strip("/")
    homes = {}
    for language, site in sites.items():
        home = tmp_path_factory.mktemp(f"host-{language}")
        (home / path).parent.mkdir(parents=True, exist_ok=True)
        (home / path).symlink_to(site, target_is_directory=True)
        homes[language] = home
    with serve(homes["zh"]) as zh, serve(homes["en"]) as en:
        yield {"zh": f"{zh}/{path}", "en": f"{en}/{path}"}


def site_url() -> str:
    found = re.search(r"(?m)^site_url:\s*(\S+)", (PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert found, "mkdocs.yml sets no site_url"
    return found.group(1)


def cases() -> list[Any]:
    return [pytest.param(language, id=language) for language in LANGUAGES]


AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"


def axe_violations(page: Page) -> list[str]:
    # Through the debugging protocol, as the page's own script tags would be refused by its Content-Security-Policy.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result: dict[str, Any] = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_AA)
    found = []
    for violation in result["violations"]:
        for node in violation["nodes"][:5]:
            found.append(f"{violation['id']} ({violation['impact']}): {' '.join(node['target'])} — "
                         f"{node.get('failureSummary', '').splitlines()[-1].strip()}")
    return found


SMALL_TARGETS = """(tap) => {
  // Only a link inside running text is exempt, as WCAG's target-size rules say (it is as tall as the line it
  // is in): a link laid out inline whose paragraph (its nearest enclosing block) has words of its own beside
  // it, outside any other target. A link standing alone, or in a row of links with only separators such as
  // " · " between them, is a target of its own. Hidden elements and those in the theme's closed drawer are
  // not targets.
  const targets = 'a[href], button, summary, input, select, textarea, label[for]';
  const inSentence = (e) => {
    if (e.tagName !== 'A' || getComputedStyle(e).display !== 'inline') { return false; }
    let block = e.parentElement;
    while (block.parentElement && getComputedStyle(block).display.startsWith('inline')) { block = block.parentElement; }
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!e.contains(node) && !node.parentElement.closest(targets) && node.parentElement.checkVisibility()
          && /[\\p{L}\\p{N}]/u.test(node.textContent)) {
        return true; }
    }
    return false;
  };
  const visible = (e) => {
    const s = getComputedStyle(e);
    const box = e.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && box.width > 0 && box.height > 0
      && !e.closest('.md-sidebar, .md-search, [hidden], .md-skip, .tf-print-only');
  };
  return [...document.querySelectorAll(targets)]
    .filter(visible).filter(e => !inSentence(e))
    .map(e => ({what: `<${e.tagName.toLowerCase()} class="${e.className}"> ${(e.textContent || e.value || '')
                  .trim().slice(0, 30)}`, w: e.getBoundingClientRect().width, h: e.getBoundingClientRect().height}))
    .filter(t => t.w < tap - 0.5 || t.h < tap - 0.5)
    .map(t => `${t.what}: ${Math.round(t.w)}×${Math.round(t.h)} px`);
}"""

WIDE_TEXT = """(width) => {
  // Every line of text as it is drawn (each text node's line boxes, not its element's box, which a long
  // unbroken string overflows) must lie within the screen, unless the nearest box around it that scrolls
  // sideways (a wide table's .tf-scroll) is itself within the screen, where a swipe reaches it. A box that
  // clips without scrolling must not cut text off, unless it shows that it does with an ellipsis (the
  // theme's header title). Text that is hidden, transparent or inside a closed <details>, in the theme's closed
  // drawer or in the skip link (off screen until focused), is not seen.
  const problems = [];
  const describe = (e) => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') || ''}">`;
  // checkVisibility: not display: none, not in a closed <details> (whose content is laid out, unpainted),
  // not visibility: hidden, not transparent.
  const unseen = (e) => !!e.closest('.md-sidebar, .md-skip')
    || !e.checkVisibility({contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true});
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element || unseen(element)) { continue; }
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (!lines.length) { continue; }
    let left = Math.min(...lines.map(r => r.left)), right = Math.max(...lines.map(r => r.right));
    let scroller = null, cut = null;
    for (let a = element; a && a !== document.documentElement; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible') { continue; }
      const box = a.getBoundingClientRect();
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') { scroller = box; break; }
      if (style.textOverflow === 'ellipsis') {
        left = Math.max(left, box.left); right = Math.min(right, box.right);
      } else if (left < box.left - 0.5 || right > box.right + 0.5) { cut = a; break; }
    }
    const what = `${describe(element)} ${text.slice(0, 30)}`;
    const [from, to] = scroller ? [scroller.left, scroller.right] : [left, right];
    if (cut) {
      const box = cut.getBoundingClientRect();
      problems.push(`${what} … cut off by ${describe(cut)} (${Math.round(box.left)} to ${Math.round(box.right)} px), `
                    + `text from ${Math.round(left)} to ${Math.round(right)} px`);
    } else if (from < -0.5 || to > width + 0.5) {
      problems.push(`${what} … ${scroller ? 'in a scrolling box that itself reaches' : 'reaches'} `
                    + `${Math.round(from < -0.5 ? from : to)} px`);
    }
  }
  // A table whose rows are stacked on a phone (its header row hidden, each figure beside its own label) has no
  // columns to follow by swiping: its scrolling box must not scroll, or a figure is out of sight.
  for (const table of document.querySelectorAll('table')) {
    const box = table.parentElement;
    const style = getComputedStyle(box);
    if (table.tHead && !table.tHead.checkVisibility() && table.checkVisibility()
        && box.scrollWidth > box.clientWidth + 1 && (style.overflowX === 'auto' || style.overflowX === 'scroll')) {
      problems.push(`${describe(table)} stacked rows ${box.scrollWidth} px wide in a box of ${box.clientWidth} px`);
    }
  }
  return problems;
}"""

# WeChat's font setting scales the text, not the layout: every font size twice as large, whether set in px,
# em or rem, as -webkit-text-size-adjust does on a phone (iOS WeChat sets it; Android's text zoom acts the
# same), while widths set in rem stay as they were. Returns the texts whose size did not double, so that a
# browser ignoring the setting fails the test instead of measuring the normal size.
DOUBLE_TEXT = """() => {
  const texts = [...document.querySelectorAll('body *')]
    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => [e, parseFloat(getComputedStyle(e).fontSize)]);
  const html = document.documentElement;
  html.style.webkitTextSizeAdjust = '200%';
  html.style.textSizeAdjust = '200%';
  return texts.filter(([e, size]) => Math.abs(parseFloat(getComputedStyle(e).fontSize) - 2 * size) > 0.5)
    .map(([e, size]) => `<${e.tagName.toLowerCase()}> ${e.textContent.trim().slice(0, 30)}: ${size} px became `
                        + getComputedStyle(e).fontSize);
}"""


def open_page(phone: Phone, base: str, path: str, name: str) -> Page:
    page = phone.begin(name)
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{base}/{path}")
    page.wait_for_load_state("load")
    page.responses = responses  # type: ignore[attr-defined]
    return page


def first_visit(page: Page, site: Path, base: str) -> tuple[int, int]:
    """Bytes of everything the page loaded, each file gzipped as a server would send it; and the count."""
    total = count = 0
    seen = set()
    for response in page.responses:  # type: ignore[attr-defined]
        url = urlsplit(response.url)
        if not response.url.startswith(base) or url.path in seen:
            continue
        seen.add(url.path)
        file = site / url.path.removeprefix(urlsplit(base).path).lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            continue  # a 404 page's own request for a missing address
        total += len(gzip.compress(file.read_bytes(), compresslevel=6))
        count += 1
    return total, count


@pytest.mark.parametrize("language", cases())
def test_every_page_kind_passes_axe_and_keeps_to_the_screen(
        language: str, phone: Phone, sites: dict[str, Path], served: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    site, base = sites[language], served[language]
    problems: list[str] = []
    weights: list[tuple[str, int, int]] = []
    for kind, path in page_kinds(site).items():
        page = open_page(phone, base, path, f"a11y-{language}-{kind.replace(' ', '-')}")
        # Open every closed <details> (detail sheets, the items by date) so their content is checked too.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        problems += [f"{kind} ({path or '/'}), axe: {v}" for v in axe_violations(page)]
        problems += [f"{kind} ({path or '/'}), small tap target: {t}" for t in page.evaluate(SMALL_TARGETS, TAP)]
        problems += [f"{kind} ({path or '/'}), text past the screen: {t}" for t in page.evaluate(WIDE_TEXT, WIDTH)]
        weight, files = first_visit(page, site, base)
        weights.append((kind, weight, files))
        if weight > FIRST_VISIT_LIMIT:
            problems.append(f"{kind} ({path or '/'}): first visit {weight:,} bytes gzipped, over "
                            f"{FIRST_VISIT_LIMIT:,}")
        page.close()
    with capsys.disabled():
        print(f"\nfirst visit, gzipped ({language}, {WIDTH}×{HEIGHT}):")
        for kind, weight, files in weights:
            print(f"  {kind:14s} {weight / 1000:7.1f} KB in {files} files")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", cases())
def test_every_page_kind_keeps_to_the_screen_at_twice_the_text_size(
        language: str, phone: Phone, sites: dict[str, Path], served: dict[str, str]) -> None:
    site, base = sites[language], served[language]
    problems: list[str] = []
    for kind, path in page_kinds(site).items():
        page = open_page(phone, base, path, f"zoom-{language}-{kind.replace(' ', '-')}")
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        problems += [f"{kind} ({path or '/'}), text not doubled: {t}" for t in page.evaluate(DOUBLE_TEXT)]
        page.wait_for_timeout(50)
        problems += [f"{kind} ({path or '/'}), at 200% text, past the screen: {t}"
                     for t in page.evaluate(WIDE_TEXT, WIDTH)]
        phone.screenshot(page, "200pct", full_page=False)
        page.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
