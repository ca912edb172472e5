"""The rooms of the code hold: the site's pages are plain functions of the books, without MkDocs, and every
built page carries a Content-Security-Policy that allows only its own files and the theme's own scripts."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import Repo
from tests.test_site import PROJECT, build, parse

WITHOUT_MKDOCS = """
import sys
from pathlib import Path
from generator.audit.publication import gather
from generator.site.pages import build_site
publication = gather(Path(sys.argv[1]))
site = build_site(publication.views, "zh", None, None, publication.histories, publication.provenance)
assert "mkdocs" not in sys.modules, "building the pages imported MkDocs"
print(len(site.pages), len(site.files))
for uri in sorted(site.pages):
    print(uri)
"""


def test_the_pages_are_built_without_mkdocs() -> None:
    result = subprocess.run([sys.executable, "-c", WITHOUT_MKDOCS, str(PROJECT)], capture_output=True, text=True,
                            check=False, cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    counts, *pages = result.stdout.split("\n")
    assert int(counts.split()[0]) > 70
    for expected in ("index.md", "qingshui-garden/index.md", "qingshui-garden/2026/03/index.md",
                     "hetang-court/budget/2026/index.md", "hetang-court/notices/index.md",
                     "qingshui-garden/history/index.md", "qingshui-garden/data/index.md"):
        assert expected in pages


def policy_of(html: str) -> str:
    [attributes] = [a for t, a in parse(html).elements
                    if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    return attributes["content"] or ""


def inline_scripts(html: str) -> list[str]:
    return [m.group(2) for m in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.S)
            if "src=" not in m.group(1) and "application/json" not in m.group(1)]


def test_every_page_allows_only_its_own_files_and_the_themes_scripts(repo: Repo, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert build(repo.root, site) == 0
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 5
    for path in pages:
        html = path.read_text(encoding="utf-8")
        policy = policy_of(html)
        assert "default-src 'self'" in policy and "object-src 'none'" in policy, path
        assert html.index("Content-Security-Policy") < html.index("<script"), path
        allowed = set(re.findall(r"'sha256-([^']+)'", policy))
        for script in inline_scripts(html):
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert digest in allowed, f"{path}: an inline script is not in the policy"


def test_a_script_in_the_content_would_not_be_allowed_to_run() -> None:
    from generator.site.csp import with_policy

    content = "<p>hello</p><script>alert(1)</script>"
    html = f"<html><head><script>var theme=1</script></head><body>{content}</body></html>"
    policy = policy_of(with_policy(html, content))
    digest = base64.b64encode(hashlib.sha256(b"alert(1)").digest()).decode()
    theme = base64.b64encode(hashlib.sha256(b"var theme=1").digest()).decode()
    assert theme in policy and digest not in policy


def test_notice_bodies_keep_safe_links_and_lose_everything_else() -> None:
    from generator.site.notice_body import render_body

    html = str(render_body("[ok](https://example.invalid/a) [bad](JaVaScRiPt:alert(1)) ![img](https://x/y.png)\n"
                           "<img src=x onerror=alert(1)> [data](data:text/html,x)"))
    elements = parse(html).elements
    assert [a.get("href") for t, a in elements if t == "a"] == ["https://example.invalid/a", None, None]
    assert not any(t in ("img", "script") for t, _ in elements)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html

