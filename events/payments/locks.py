"""Taking an order's event lock before deciding anything about its money (DESIGN rule 4).

Every payment decision (paid, late payment, refund, failure) starts by writing the event's row, then
its ticket types' rows in id order, exactly like placing an order: on PostgreSQL that takes their row
locks, on SQLite the database's write lock. A late payment that re-checks capacity is then decided one
after the other with every buyer of the same event, and two deliveries of the same Stripe event for one
order are decided one after the other too; the order is read again only once the lock is held.
"""

from __future__ import annotations

from tortoise.expressions import F

from events.catalogue.models import Event, TicketType
from events.ticketing.models import Order, Ticket


async def lock_order(order: Order) -> Order:
    """Inside a transaction: lock the order's event and types, then read the order as it is now."""
    await Event.filter(id=order.event_id).update(lock_version=F("lock_version") + 1)
    type_ids = {t.ticket_type_id for t in await Ticket.filter(order_id=order.id)}
    for type_id in sorted(type_ids):
        await TicketType.filter(id=type_id).update(lock_version=F("lock_version") + 1)
    return await Order.get(id=order.id).select_related("event")
