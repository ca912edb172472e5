"""Issue 10 in real Chromium at a phone's size (360×740, WeChat's user agent), on the example site.

An owner opens the front page, taps the compound, taps its collection rate: two taps, and the rate of the
last complete month is on the screen — the same figure as an independent count from ``units.csv``, the
budgets' fee standards and the detail sheets (``tests.test_fees.reckon``). A unit's page, opened from the
QR code on its bill, shows what the unit owes on the first screen. The phone and its rules (no request
leaves 127.0.0.1, 44 px tap targets, no sideways scrolling) are those of ``tests/test_browser.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests import test_browser
from tests.test_browser import HEIGHT, WIDTH, Phone, big_enough, fits_the_screen, serve, tap
from tests.test_fees import Reckoning, money, percent, picked_units, reckon, zh_month

if TYPE_CHECKING:
    from playwright.sync_api import Page

COMPOUND = "qingshui-garden"
NAME = "清水花园"

# The phone of tests/test_browser.py: Chromium at 360×740, every request recorded, none leaving 127.0.0.1.
phone, shots, dead_end = test_browser.phone, test_browser.shots, test_browser.dead_end


@pytest.fixture(scope="module")
def count() -> Reckoning:
    return reckon(COMPOUND)


@pytest.fixture(scope="module")
def site_url(examples_site: Path) -> Iterator[str]:
    with serve(examples_site) as url:
        yield url


def on_first_screen(page: Page, selector: str) -> str:
    """The element's text, asserting it is drawn whole within the first 360×740 screen, unscrolled."""
    assert page.evaluate("window.scrollY") == 0
    target = page.locator(selector).first
    assert target.is_visible(), selector
    box = target.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (selector, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (selector, box)
    return target.inner_text().strip()


def test_the_last_complete_months_collection_rate_is_two_taps_from_the_front_page(
        phone: Phone, site_url: str, count: Reckoning) -> None:
    last = count.collected(count.last_complete)
    expected = percent(last.paid, last.due)
    assert expected != "—"
    page = phone.begin("fees")
    taps = 0
    page.goto(f"{site_url}/")
    fits_the_screen(phone, page, "index")
    tap(page.locator(f".md-content .tf-table a[href='{COMPOUND}/']"), "the compound's link on the front page")
    taps += 1
    page.wait_for_url(f"{site_url}/{COMPOUND}/")
    fits_the_screen(phone, page, "dashboard")
    link = page.locator(".md-content .tf-card a[href='fees/']")
    link.scroll_into_view_if_needed()
    link.tap()
    taps += 1
    page.wait_for_url(f"{site_url}/{COMPOUND}/fees/")
    fits_the_screen(phone, page, "fees")
    phone.screenshot(page, "fees-first-screen", full_page=False)
    assert taps <= 2
    label = on_first_screen(page, ".md-content .tf-card .label")
    assert label == f"物业费收缴率 · 上月（{zh_month(count.last_complete)}）"
    assert on_first_screen(page, ".md-content .tf-card .value") == expected
    assert phone.foreign() == [] and phone.errors == []


def test_the_dashboards_link_to_the_fees_page_is_big_enough_for_a_thumb(phone: Phone, site_url: str) -> None:
    page = phone.begin("fees-link")
    page.goto(f"{site_url}/{COMPOUND}/")
    big_enough(page.locator(".md-content .tf-card a[href='fees/']"), "the collection rate's link on the dashboard")


@pytest.mark.parametrize("kind", ["most-owed", "prepaid", "arrears"])
def test_a_unit_page_shows_what_the_unit_owes_on_the_first_screen(
        phone: Phone, site_url: str, count: Reckoning, kind: str) -> None:
    code = picked_units(count)[kind]
    page = phone.begin(f"unit-{kind}")
    page.goto(f"{site_url}/{COMPOUND}/unit/{code}/")
    fits_the_screen(phone, page, "unit")
    phone.screenshot(page, "unit-first-screen", full_page=False)
    assert on_first_screen(page, ".tf-unit-balance .label") == f"截至{zh_month(count.last_complete)}尚欠"
    assert on_first_screen(page, ".tf-unit-balance .value") == money(count.owed(code))
    assert on_first_screen(page, "h1") == f"单元 {code} 的物业费"
    assert NAME in page.title()
    assert phone.foreign() == [] and phone.errors == []
