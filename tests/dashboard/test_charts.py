"""Chart geometry and the sales series behind it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from events import clock
from events.catalogue.models import Event
from events.dashboard import charts
from events.ticketing import figures
from tests.factories import make_event, make_order, make_organiser, make_ticket_type, paris

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(("top", "step"), [(1, 1), (4, 1), (5, 2), (9, 5), (20, 5), (21, 10), (380, 100)])
def test_axis_steps_are_round(top: int, step: int) -> None:
    assert charts.nice_step(top) == step


def test_cumulative_line_rises_and_ends_at_the_total() -> None:
    days = [datetime(2027, 3, d, 12, tzinfo=PARIS) for d in range(1, 11)]
    chart = charts.cumulative(list(zip(days, [3, 0, 1, 0, 0, 5, 2, 0, 0, 1], strict=True)))
    assert chart is not None
    ys = [p.y for p in chart.points]
    assert ys == sorted(ys, reverse=True)  # SVG y grows downwards
    assert chart.total == 12 and chart.points[-1].total == 12
    assert chart.points[0].x == chart.left and chart.points[-1].x == chart.right
    assert chart.y_ticks[0][1] == 0 and chart.y_ticks[-1][1] >= 12
    assert chart.x_labels[0] is chart.points[0] and chart.x_labels[-1] is chart.points[-1]
    assert len(chart.x_labels) <= charts.MAX_X_LABELS


def test_a_single_day_is_drawn_in_the_middle() -> None:
    chart = charts.cumulative([(datetime(2027, 3, 1, 12, tzinfo=PARIS), 4)])
    assert chart is not None and len(chart.points) == 1
    assert chart.points[0].x == pytest.approx((chart.left + chart.right) / 2, abs=0.1)


def test_no_sales_no_chart() -> None:
    assert charts.cumulative([]) is None
    assert charts.type_bars([]) is None


async def _event(app: object) -> Event:
    return await make_event(await make_organiser(), published=True, capacity=None)


async def test_bars_are_scaled_to_the_largest_capacity_or_sale(app: object) -> None:
    event = await _event(app)
    small = await make_ticket_type(event, name="Atelier", capacity=10)
    open_ = await make_ticket_type(event, name="Plénière")
    await make_order(event, small.id, small.id)
    await make_order(event, *([open_.id] * 5))
    chart = charts.type_bars(await figures.type_figures(event))
    assert chart is not None
    atelier, pleniere = chart.bars
    assert atelier.capacity_width is not None
    assert atelier.sold_width == pytest.approx(atelier.capacity_width / 5)
    assert pleniere.capacity_width is None
    assert pleniere.sold_width == pytest.approx(atelier.capacity_width / 2)


async def test_sales_are_counted_per_day_in_the_event_time_zone_with_empty_days(app: object) -> None:
    event = await _event(app)
    pass_ = await make_ticket_type(event)
    late_evening = paris(2026, 6, 1, 23, 30)  # 21:30 UTC: still 1 June in Paris
    with clock.frozen(late_evening.astimezone(ZoneInfo("UTC"))) as advance:
        await make_order(event, pass_.id, pass_.id)
        advance(timedelta(days=2))
        await make_order(event, pass_.id)
        series = await figures.sales_by_day(event)
    assert [(day.date().isoformat(), n) for day, n in series] == [
        ("2026-06-01", 2),
        ("2026-06-02", 0),
        ("2026-06-03", 1),
    ]
    assert all(day.tzinfo == PARIS for day, _n in series)


async def test_cancelled_tickets_leave_the_sales_series(app: object) -> None:
    from events.ticketing.lifecycle import cancel_by_attendee

    event = await _event(app)
    pass_ = await make_ticket_type(event)
    order = await make_order(event, pass_.id)
    await make_order(event, pass_.id)
    await cancel_by_attendee(order)
    assert sum(n for _day, n in await figures.sales_by_day(event)) == 1
