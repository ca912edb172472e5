"""QR codes drawn at build time as inline SVG (segno): from paper — a bill, a notice — to a page of the site.

The URL is always the site's own address and a path the site makes (a month,
a unit code), never text from the books, and the SVG is segno's own markup.
"""

from __future__ import annotations

import segno
from markupsafe import Markup

from generator.site.cache import drawn


def qr_svg(url: str) -> Markup:
    """The QR code of a URL as inline SVG, error correction M (readable from a creased, sun-faded sheet).

    Without a width and height of its own (a viewBox only), so the page's CSS scales it whole rather than
    cropping it to a fixed pixel size."""
    # Drawn once: a month's address, and so its code, never changes (generator/site/cache.py).
    return Markup(drawn("qr", url, lambda: str(segno.make(url, error="m").svg_inline(omitsize=True, border=2))))  # noqa: S704 — segno's own SVG


def absolute(site_url: str, path: str) -> str:
    """A path of the site under its public address."""
    return site_url.rstrip("/") + "/" + path
