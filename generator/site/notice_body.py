"""A notice's Markdown body, rendered so that nothing in it can become markup of its own.

The body is untrusted. ``<`` and ``>`` are escaped before Markdown sees the
text, so raw HTML in a body shows as text; then the HTML Markdown wrote is
cleaned by nh3 (the Rust ``ammonia`` sanitiser) to an allow-list of tags and
attributes: links keep only http(s), mailto and relative targets and get
``rel="nofollow noopener"``; images are dropped (they would load from another
host).
"""

from __future__ import annotations

import markdown
import nh3
from markupsafe import Markup

TAGS = {"p", "br", "hr", "a", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "h1", "h2", "h3",
        "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render_body(text: str) -> Markup:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    html = markdown.markdown(escaped, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                      link_rel="nofollow noopener", strip_comments=True)
    return Markup(clean)
