"""Charts drawn at build time as inline SVG geometry; the figures are also in a table beside each.

Only numbers and our own labels reach the SVG, through the autoescaping
templates; the SVG scales to the screen through its viewBox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 640
PLOT_HEIGHT = 300
LABEL_HEIGHT = 40
ROW_HEIGHT = 72
LABEL_SIZE = 26  # `.tf-chart text` in generator/site/overrides/assets/trustfund.css, in the viewBox's units
LABEL_GAP = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    kind: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]
    title: str
    legend: tuple[tuple[str, str], ...] = ()


def monthly(title: str, months: list[str], income: list[Decimal], spending: list[Decimal],
            income_title: str, spending_title: str, fmt: Callable[[Decimal], str]) -> Chart:
    """Income and spending side by side, one pair of bars a month."""
    top = max([*income, *spending, Decimal(1)])
    slot = WIDTH / max(len(months), 1)
    bar = slot * 0.36
    bars = []
    for index, label in enumerate(months):
        left = index * slot + slot * 0.12
        for offset, value, kind, name in ((0.0, income[index], "income", income_title),
                                          (bar, spending[index], "spending", spending_title)):
            height = float(max(value, Decimal(0)) / top) * PLOT_HEIGHT
            bars.append(Bar(round(left + offset, 1), round(PLOT_HEIGHT - height, 1), round(bar, 1), round(height, 1),
                            kind, f"{label} {name} {fmt(value)}"))
    return Chart(WIDTH, PLOT_HEIGHT + LABEL_HEIGHT, bars, axis(months, slot), title,
                 (("income", income_title), ("spending", spending_title)))


def categories(title: str, rows: list[tuple[str, Decimal]], fmt: Callable[[Decimal], str]) -> Chart:
    """One horizontal bar per category, its name and amount written above it."""
    top = max([value for _, value in rows] + [Decimal(1)])
    bars, labels = [], []
    for index, (name, value) in enumerate(rows):
        y = index * ROW_HEIGHT
        labels.append(Label(0, y + 26, f"{name}  {fmt(value)}"))
        bars.append(Bar(0, y + 36, round(float(max(value, Decimal(0)) / top) * WIDTH, 1), 24, "spending",
                        f"{name} {fmt(value)}"))
    return Chart(WIDTH, max(len(rows) * ROW_HEIGHT, ROW_HEIGHT), bars, labels, title)


def rates(title: str, months: list[str], shares: list[Decimal | None], fmt: Callable[[Decimal | None], str]) -> Chart:
    """One bar a month, its height the month's rate (0 to 100%)."""
    slot = WIDTH / max(len(months), 1)
    bars = []
    for index, (label, value) in enumerate(zip(months, shares, strict=True)):
        height = float(min(max(value or Decimal(0), Decimal(0)), Decimal(1))) * PLOT_HEIGHT
        bars.append(Bar(round(index * slot + slot * 0.15, 1), round(PLOT_HEIGHT - height, 1), round(slot * 0.7, 1),
                        round(height, 1), "income", f"{label} {fmt(value)}"))
    return Chart(WIDTH, PLOT_HEIGHT + LABEL_HEIGHT, bars, axis(months, slot), title)


def label_width(text: str) -> float:
    """A generous estimate of a label's width: a CJK character is a full em, anything else 0.62 em."""
    return sum(LABEL_SIZE if ord(char) >= 0x2E80 else LABEL_SIZE * 0.62 for char in text)


def axis(months: list[str], slot: float) -> list[Label]:
    """The months' names under their bars, every month or every few months counting back from the latest, as
    many as fit without overlapping or leaving the chart (a label at an end moves inwards to stay whole)."""
    labels: list[Label] = []
    for step in range(1, len(months) + 1):
        labels = []
        room = float(WIDTH)
        for index in range(len(months) - 1, -1, -step):
            half = label_width(months[index]) / 2
            x = min(max(index * slot + slot / 2, half), WIDTH - half)
            if x + half + (LABEL_GAP if labels else 0) > room:
                break
            labels.append(Label(round(x, 1), PLOT_HEIGHT + 32, months[index]))
            room = x - half
        else:
            return labels[::-1]
    return labels[:1]  # the latest month alone, wider than the chart: drawn anyway
