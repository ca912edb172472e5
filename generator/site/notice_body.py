"""A notice's Markdown body, rendered so that nothing in it can become markup of its own.

The body is untrusted: ``<`` and ``>`` are escaped before Markdown sees the
text, so raw HTML shows as text; the only tags left are the ones Markdown
itself writes. Links keep only http(s), mailto and relative targets, and
images are dropped (they would load from another host).
"""

from __future__ import annotations

import re

import markdown
from markupsafe import Markup

SAFE_LINK = re.compile(r"^(https?://|mailto:|#|\.{0,2}/|[\w.-]+(/|$))", re.IGNORECASE)
HREF = re.compile(r'<a href="([^"]*)"')
IMAGE = re.compile(r"<img [^>]*>")


def render_body(text: str) -> Markup:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    html = markdown.markdown(escaped, extensions=["tables", "sane_lists"], output_format="html")
    html = IMAGE.sub("", html)
    html = HREF.sub(lambda m: f'<a rel="nofollow noopener" href="{m.group(1)}"' if _safe(m.group(1))
                    else "<a", html)
    return Markup(html)


def _safe(href: str) -> bool:
    decoded = re.sub(r"&#x?[0-9a-fA-F]+;|&\w+;|\s", "", href)
    return bool(SAFE_LINK.match(decoded)) and ":" not in decoded.split("/", 1)[0].replace("https:", "").replace(
        "http:", "").replace("mailto:", "")
