"""Printable fee bills (缴费通知单): one A4 page per unit, with a QR code to the unit's own page.

The bills carry the door number from the committee's private roster, so they are written outside the
repository and outside the site, for the committee to print and hand out. The QR code is drawn at build
time as SVG (segno) and leads to the unit's unlisted page, where the owner sees every payment.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from generator.books.fees import Month
from generator.site import urls
from generator.site.csp import policy
from generator.site.qr import absolute, qr_svg
from generator.site.words import Words, money, rate
from generator.view.fees import Bill


def unit_url(site_url: str, compound: str, code: str) -> str:
    return absolute(site_url, urls.unit(compound, code))


def render_bills(bills: list[Bill], compound_name: str, month: Month, language: str, site_url: str,
                 compound: str) -> str:
    env = Environment(loader=PackageLoader("generator.site", "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined)
    env.filters["money"] = money
    env.filters["rate"] = rate
    w = Words(language)
    return env.get_template("bills.html").render(
        w=w, bills=bills, name=compound_name, month=w.month(*month), qr=qr_svg,
        url=lambda code: unit_url(site_url, compound, code),
        lang="zh-CN" if language == "zh" else "en", policy=policy([]).replace("script-src 'self'", "script-src 'none'"))
