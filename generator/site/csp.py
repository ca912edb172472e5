"""A Content-Security-Policy for every page, as a ``<meta>`` tag: the page may load and run only its own files.

The theme writes a few small inline scripts (its configuration, the colour
palette, the anchor jump); each is allowed by its SHA-256 hash. The hashes are
taken from the page *around* its content: whatever the books put in a page
is escaped, and even if a script ever slipped into the content it would not
be on the list, so the browser would refuse to run it. Nothing may be loaded
from another host (no CDN, no web fonts), and forms may post only to the site itself.
"""

from __future__ import annotations

import base64
import hashlib
import re

SCRIPT = re.compile(r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
DATA_TYPE = re.compile(r"""type\s*=\s*["']?application/(ld\+)?json""", re.I)
HEAD = re.compile(r"<head[^>]*>", re.I)


def policy(script_hashes: list[str]) -> str:
    scripts = " ".join(["'self'", *(f"'sha256-{digest}'" for digest in script_hashes)])
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'")


def with_policy(html: str, content: str) -> str:
    """The page with its policy as the first element of ``<head>``; ``content`` is the part from the books."""
    frame = html.replace(content, "", 1) if content else html
    hashes = []
    for match in SCRIPT.finditer(frame):
        if "src=" in match.group("attributes").lower() or DATA_TYPE.search(match.group("attributes")):
            continue
        digest = base64.b64encode(hashlib.sha256(match.group("body").encode("utf-8")).digest()).decode()
        if digest not in hashes:
            hashes.append(digest)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(hashes)}">'
    head = HEAD.search(html)
    if head is None:
        return html
    return html[:head.end()] + meta + html[head.end():]
