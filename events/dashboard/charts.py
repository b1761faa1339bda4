"""Chart geometry for the organiser's overview, drawn as server-side SVG.

No JavaScript is needed to read the numbers, the page prints well, and the CSP stays strict. These
functions only place things in a fixed view box; `templates/dashboard/_charts.html` draws them and
adds the same figures as a table for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from events.ticketing.figures import TypeFigures

WIDTH = 640
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 20, 16, 36
MAX_X_LABELS = 6


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: datetime
    sold: int
    total: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    line: str
    area: str
    points: list[Point]
    y_ticks: list[tuple[float, int]]
    x_labels: list[Point]
    total: int


def nice_step(top: int, ticks: int = 4) -> int:
    """A round step (1, 2, 5 × 10^n) that covers `top` in at most `ticks` steps."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if step * ticks >= top:
                return step
        magnitude *= 10


def cumulative(series: list[tuple[datetime, int]]) -> LineChart | None:
    """Tickets sold so far, day by day: a rising line over the sales period."""
    if not series:
        return None
    running = 0
    totals: list[int] = []
    for _day, sold in series:
        running += sold
        totals.append(running)
    step = nice_step(max(running, 1))
    top_value = step * max(1, -(-max(running, 1) // step))
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    span = max(len(series) - 1, 1)

    def x(index: int) -> float:
        return round(LEFT + (right - LEFT) * (index / span if len(series) > 1 else 0.5), 1)

    def y(value: int) -> float:
        return round(bottom - (bottom - TOP) * value / top_value, 1)

    points = [
        Point(x(i), y(total), day, sold, total)
        for i, ((day, sold), total) in enumerate(zip(series, totals, strict=True))
    ]
    line = " ".join(f"{p.x},{p.y}" for p in points)
    area = (
        f"M{points[0].x},{bottom} L"
        + " L".join(f"{p.x},{p.y}" for p in points)
        + f" L{points[-1].x},{bottom} Z"
    )
    every = max(1, -(-len(points) // MAX_X_LABELS))
    labels = points[::every]
    if labels[-1] is not points[-1]:
        labels = [*labels[:-1], points[-1]] if len(labels) > 1 else [*labels, points[-1]]
    y_ticks = [(y(value), value) for value in range(0, top_value + 1, step)]
    return LineChart(WIDTH, HEIGHT, LEFT, right, TOP, bottom, line, area, points, y_ticks, labels, running)


@dataclass(frozen=True)
class Bar:
    name: str
    y: float
    sold: int
    held: int
    capacity: int | None
    sold_width: float
    held_width: float
    capacity_width: float | None


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    bar_height: int
    bars: list[Bar]


ROW = 46
BAR = 18
BAR_LEFT = 8
BAR_RIGHT = 120


def type_bars(figures: list[TypeFigures]) -> BarChart | None:
    """One bar per ticket type: sold, held, and its own capacity as an outline."""
    if not figures:
        return None
    scale = max(max(f.sold + f.held, f.ticket_type.capacity or 0) for f in figures) or 1
    room = WIDTH - BAR_LEFT - BAR_RIGHT

    def width(value: int) -> float:
        return round(room * value / scale, 1)

    bars = [
        Bar(
            name=f.ticket_type.i18n.name,
            y=index * ROW + 22,
            sold=f.sold,
            held=f.held,
            capacity=f.ticket_type.capacity,
            sold_width=width(f.sold),
            held_width=width(f.held),
            capacity_width=None if f.ticket_type.capacity is None else width(f.ticket_type.capacity),
        )
        for index, f in enumerate(figures)
    ]
    return BarChart(WIDTH, len(bars) * ROW + 8, BAR_LEFT, BAR, bars)
