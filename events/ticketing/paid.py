"""What happens once an order is paid (at once for a free order, later through Stripe): the buyer's
confirmation goes to the outbox in the same transaction, so it can be neither lost nor sent twice.
"""

from __future__ import annotations

from events.catalogue.models import Event
from events.mail import services as mail
from events.ticketing.models import Order, Ticket
from events.ticketing.order_schemas import order_url


async def after_paid(order: Order, *, resend_key: str | None = None) -> None:
    event = await Event.get(id=order.event_id)
    tickets = await Ticket.filter(order_id=order.id).order_by("id").prefetch_related("ticket_type")
    await mail.enqueue_template(
        "mail/order_confirmation",
        to=order.buyer_email,
        locale=order.locale,
        context={"order": order, "event": event, "tickets": tickets, "order_url": order_url(order)},
        kind="order_confirmation",
        dedupe_key=f"order-confirmation:{order.code}" + (f":{resend_key}" if resend_key else ""),
        attachments=[{"kind": "order_tickets", "order_id": order.id}],
    )
