"""How many places are left, computed from the rows every time (never a counter that can drift).

A place is taken by a valid ticket of a paid order, of a pending order whose hold has not lapsed, of an
order to be paid on invoice (held until it is paid or cancelled), and by a waiting-list offer that has
not lapsed. The event's cap and each type's own cap both apply. While
people wait for a type, a place that frees up is theirs: the public sees none until the queue is served.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from tortoise import connections
from tortoise.expressions import Q
from tortoise.functions import Count

from events import clock
from events.catalogue.models import Event, TicketType
from events.ticketing.models import (
    OrderStatus,
    PaymentMethod,
    Ticket,
    TicketStatus,
    WaitingListEntry,
    WaitingStatus,
)


@dataclass
class Usage:
    by_type: Counter[int] = field(default_factory=Counter)
    waiting: Counter[int] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def live_order_filter(now: datetime) -> Q:
    """Orders that hold their places (and count as a use of their promo code) now."""
    return (
        Q(status=OrderStatus.PAID)
        | Q(status=OrderStatus.PENDING, expires_at__gt=now)
        | Q(status=OrderStatus.PENDING, payment_method=PaymentMethod.INVOICE)
    )


def live_ticket_filter(now: datetime) -> Q:
    """Tickets that hold a place now."""
    return Q(status=TicketStatus.VALID) & (
        Q(order__status=OrderStatus.PAID)
        | Q(order__status=OrderStatus.PENDING, order__expires_at__gt=now)
        | Q(order__status=OrderStatus.PENDING, order__payment_method=PaymentMethod.INVOICE)
    )


async def usage(event_id: int, *, except_offer_id: int | None = None) -> Usage:
    now = clock.now()
    result = Usage()
    for type_id, count in await _live_counts(event_id, now):
        result.by_type[type_id] += count
    queue = WaitingListEntry.filter(
        Q(status=WaitingStatus.OFFERED, offer_expires_at__gt=now) | Q(status=WaitingStatus.WAITING),
        event_id=event_id,
    )
    if except_offer_id is not None:
        queue = queue.exclude(id=except_offer_id)
    for row in await queue.values("ticket_type_id", "status"):
        if row["status"] == WaitingStatus.WAITING:
            result.waiting[row["ticket_type_id"]] += 1
        else:
            result.by_type[row["ticket_type_id"]] += 1
    return result


async def _live_counts(event_id: int, now: datetime) -> list[tuple[int, int]]:
    """Live tickets per type.

    On PostgreSQL the statement is sent with its values written in (a second's precision, so it
    repeats): a prepared statement would soon run on one generic plan made while the tables were small,
    and counting would slow down with every ticket sold. Rounding down keeps a just-lapsed hold a second
    longer, which can only refuse a place, never oversell one.
    """
    query = (
        Ticket.filter(live_ticket_filter(now.replace(microsecond=0)), event_id=event_id)
        .annotate(n=Count("id"))
        .group_by("ticket_type_id")
        .values_list("ticket_type_id", "n")
    )
    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        return [(int(type_id), int(count)) for type_id, count in await query]
    rows = await connection.execute_query_dict(query.sql(params_inline=True))
    return [(int(row["0"]), int(row["1"])) for row in rows]


def remaining(event: Event, ticket_type: TicketType, used: Usage, *, queue_first: bool = True) -> int | None:
    """Places still sellable for one type, or None when nothing limits it.

    With `queue_first`, a type that people wait for has no place for anyone else; the waiting-list
    job and the holder of an offer pass False.
    """
    if queue_first and used.waiting[ticket_type.id] > 0:
        return 0
    limits: list[int] = []
    if ticket_type.capacity is not None:
        limits.append(ticket_type.capacity - used.by_type[ticket_type.id])
    if event.capacity is not None:
        limits.append(event.capacity - used.total)
    return max(0, min(limits)) if limits else None


def on_sale(ticket_type: TicketType, now: datetime | None = None) -> bool:
    moment = now or clock.now()
    if ticket_type.sales_start and moment < ticket_type.sales_start:
        return False
    return not (ticket_type.sales_end and moment >= ticket_type.sales_end)


async def availability(event: Event, ticket_types: list[TicketType]) -> dict[int, int | None]:
    used = await usage(event.id)
    return {t.id: remaining(event, t, used) for t in ticket_types}
