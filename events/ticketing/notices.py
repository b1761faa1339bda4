"""What the buyer and the people waiting are told when an order ends or a place is awaited.

Each message goes to the outbox in the transaction of the change, in the recipient's language, with a
dedupe key naming the change, so that a retried request or a second path to the same cancellation
(a refund that also cancels) never mails anyone twice.
"""

from __future__ import annotations

from events.catalogue.models import Event, TicketType
from events.mail import services as mail
from events.ticketing.models import Order, WaitingListEntry
from events.ticketing.order_schemas import order_url


async def order_cancelled(order: Order, event: Event, *, by_organiser: bool, refund_cents: int = 0) -> None:
    """The order is cancelled (by its buyer or the organisers), with what is being refunded, if any."""
    await mail.enqueue_template(
        "ticketing/mail/order_cancelled",
        to=order.buyer_email,
        locale=order.locale,
        context={
            "order": order,
            "event": event,
            "by_organiser": by_organiser,
            "refund_cents": refund_cents,
            "order_url": order_url(order),
        },
        kind="order_cancelled",
        dedupe_key=f"order-cancelled:{order.code}",
    )


async def waitlist_joined(entry: WaitingListEntry, event: Event, ticket_type: TicketType) -> None:
    """The visitor is on the list: what happens next, so that the offer e-mail is expected."""
    await mail.enqueue_template(
        "ticketing/mail/waitlist_joined",
        to=entry.email,
        locale=entry.locale,
        context={"entry": entry, "event": event, "ticket_type": ticket_type},
        kind="waitlist_joined",
        dedupe_key=f"waitlist-joined:{entry.id}",
    )
