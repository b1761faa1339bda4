"""How many places are left, computed from the rows every time (never a counter that can drift).

A place is taken by a valid ticket of a paid order, of a pending order whose hold has not lapsed, and
by a waiting-list offer that has not lapsed. The event's cap and each type's own cap both apply.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.expressions import Q
from tortoise.functions import Count

from events import clock
from events.catalogue.models import Event, TicketType
from events.ticketing.models import (
    OrderStatus,
    Ticket,
    TicketStatus,
    WaitingListEntry,
    WaitingStatus,
)


@dataclass
class Usage:
    by_type: Counter[int] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def live_ticket_filter(now: datetime) -> Q:
    """Tickets that hold a place now."""
    return Q(status=TicketStatus.VALID) & (
        Q(order__status=OrderStatus.PAID) | Q(order__status=OrderStatus.PENDING, order__expires_at__gt=now)
    )


async def usage(event_id: int, *, except_offer_id: int | None = None) -> Usage:
    now = clock.now()
    result = Usage()
    rows = (
        await Ticket.filter(live_ticket_filter(now), event_id=event_id)
        .annotate(n=Count("id"))
        .group_by("ticket_type_id")
        .values_list("ticket_type_id", "n")
    )
    for type_id, count in rows:
        result.by_type[type_id] += count
    offers = WaitingListEntry.filter(
        event_id=event_id, status=WaitingStatus.OFFERED, offer_expires_at__gt=now
    )
    if except_offer_id is not None:
        offers = offers.exclude(id=except_offer_id)
    for row in await offers.values("ticket_type_id"):
        result.by_type[row["ticket_type_id"]] += 1
    return result


def remaining(event: Event, ticket_type: TicketType, used: Usage) -> int | None:
    """Places still sellable for one type, or None when nothing limits it."""
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
