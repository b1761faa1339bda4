"""The organiser's numbers for one event, computed from the rows like availability itself.

Sold means a valid ticket of a paid order; held means a valid ticket of a pending order whose hold has
not lapsed, or a waiting-list offer still open; available is what `availability.remaining` would sell.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.functions import Count, Sum

from events import clock
from events.catalogue import offers
from events.catalogue.models import Event, PromoCode, TicketType
from events.ticketing import waitlist
from events.ticketing.availability import live_order_filter, on_sale, remaining, usage
from events.ticketing.models import Order, OrderStatus, Ticket, TicketStatus

MAX_DAYS = 400


@dataclass(frozen=True)
class TypeFigures:
    ticket_type: TicketType
    sold: int
    held: int
    available: int | None
    waiting: int
    on_sale: bool


@dataclass(frozen=True)
class PromoFigures:
    promo: PromoCode
    uses: int
    type_names: list[str]


@dataclass(frozen=True)
class Overview:
    tickets_sold: int
    orders_paid: int
    orders_pending: int
    revenue_cents: int
    places_left: int | None
    waiting: int


async def _count_by_type(event: Event, **order_filter: object) -> Counter[int]:
    rows = (
        await Ticket.filter(event_id=event.id, status=TicketStatus.VALID, **order_filter)
        .annotate(n=Count("id"))
        .group_by("ticket_type_id")
        .values_list("ticket_type_id", "n")
    )
    return Counter({int(type_id): int(n) for type_id, n in rows})


async def sold_by_type(event: Event) -> Counter[int]:
    return await _count_by_type(event, order__status=OrderStatus.PAID)


async def type_figures(event: Event) -> list[TypeFigures]:
    types = await offers.ticket_types(event)
    sold = await sold_by_type(event)
    held = await _count_by_type(event, order__status=OrderStatus.PENDING, order__expires_at__gt=clock.now())
    waiting = await waitlist.waiting_counts(event)
    used = await usage(event.id)
    offered = used.by_type - sold - held
    return [
        TypeFigures(
            ticket_type=t,
            sold=sold[t.id],
            held=held[t.id] + offered[t.id],
            available=remaining(event, t, used),
            waiting=waiting.get(t.id, 0),
            on_sale=on_sale(t),
        )
        for t in types
    ]


async def promo_figures(event: Event) -> list[PromoFigures]:
    """Each code with its uses counted as the order path counts them: paid, or pending and holding."""
    promos = await PromoCode.filter(event_id=event.id).order_by("code").prefetch_related("ticket_types")
    rows = (
        await Order.filter(live_order_filter(clock.now()), event_id=event.id, promo_code_id__isnull=False)
        .annotate(n=Count("id"))
        .group_by("promo_code_id")
        .values("promo_code_id", "n")
    )
    uses: Counter[int] = Counter({row["promo_code_id"]: row["n"] for row in rows})
    return [
        PromoFigures(promo=p, uses=uses[p.id], type_names=[t.name for t in p.ticket_types]) for p in promos
    ]


async def overview(event: Event, types: list[TypeFigures]) -> Overview:
    """The event's totals; tickets sold and people waiting are summed from `type_figures(event)`."""
    paid = Order.filter(event_id=event.id, status=OrderStatus.PAID)
    totals = await paid.annotate(total=Sum("total_cents"), refunded=Sum("refunded_cents")).values(
        "total", "refunded"
    )
    revenue = sum(int(row["total"] or 0) - int(row["refunded"] or 0) for row in totals)
    used = await usage(event.id)
    return Overview(
        tickets_sold=sum(t.sold for t in types),
        orders_paid=await paid.count(),
        orders_pending=await Order.filter(
            event_id=event.id, status=OrderStatus.PENDING, expires_at__gt=clock.now()
        ).count(),
        revenue_cents=revenue,
        places_left=None if event.capacity is None else max(0, event.capacity - used.total),
        waiting=sum(t.waiting for t in types),
    )


async def sales_by_day(event: Event) -> list[tuple[datetime, int]]:
    """Tickets sold (still valid, order paid) per day of payment in the event's time zone, every day
    from the first sale to today (or the event's end, if earlier) so that a chart reads evenly.

    Each day is given as its local noon, an aware datetime that the date filters format safely.
    """
    zone = ZoneInfo(event.timezone)
    rows = await Ticket.filter(
        event_id=event.id, status=TicketStatus.VALID, order__status=OrderStatus.PAID
    ).values_list("order__paid_at", flat=True)
    days: Counter[date] = Counter()
    for paid_at in rows:
        if isinstance(paid_at, datetime):
            days[paid_at.astimezone(zone).date()] += 1
    if not days:
        return []
    today = clock.now().astimezone(zone).date()
    last = max(min(today, event.ends_at.astimezone(zone).date()), max(days))
    first = max(min(days), last - timedelta(days=MAX_DAYS - 1))
    span = (last - first).days + 1
    early = sum(n for day, n in days.items() if day < first)
    series = [(first + timedelta(days=i), days[first + timedelta(days=i)]) for i in range(span)]
    if early:
        series[0] = (series[0][0], series[0][1] + early)
    return [(datetime.combine(day, time(12), tzinfo=zone), n) for day, n in series]


async def ticket_counts(order_ids: list[int]) -> Counter[int]:
    """How many tickets each order holds, for the orders list."""
    if not order_ids:
        return Counter()
    rows = (
        await Ticket.filter(order_id__in=order_ids)
        .annotate(n=Count("id"))
        .group_by("order_id")
        .values_list("order_id", "n")
    )
    return Counter({int(order_id): int(n) for order_id, n in rows})
