"""What happens once an order is paid (at once for a free order, later through Stripe): the buyer's
confirmation goes to the outbox in the same transaction, so it can be neither lost nor sent twice.
"""

from __future__ import annotations

from events.accounts.branding import brand
from events.catalogue.models import Event, TicketType
from events.invoicing.services import issue_invoice
from events.mail import services as mail
from events.mail.models import OutboxMessage
from events.mail.sender import Sender, sender_of
from events.ticketing.models import Order, Ticket
from events.ticketing.order_schemas import order_url


def confirmation_attachments(order_id: int) -> list[dict[str, object]]:
    """The tickets as a PDF and the attendee's calendar, built when the e-mail is sent."""
    return [{"kind": "order_tickets", "order_id": order_id}, {"kind": "order_agenda", "order_id": order_id}]


def confirmation(
    order: Order,
    event: Event,
    tickets: list[Ticket],
    types: dict[int, TicketType],
    resend_key: str | None = None,
    *,
    sender: Sender | None,
    brand: dict[str, str] | None = None,
) -> OutboxMessage:
    """The confirmation e-mail, rendered in the buyer's language but not yet saved; `brand` is the
    organisation's look (`events.accounts.branding.brand`)."""
    lines = [
        {
            "attendee_name": t.attendee_name,
            "type_name": types[t.ticket_type_id].name,
            "price_cents": t.price_cents,
        }
        for t in tickets
    ]
    return mail.prepare_template(
        "mail/order_confirmation",
        to=order.buyer_email,
        locale=order.locale,
        context={
            "order": order,
            "event": event,
            "lines": lines,
            "order_url": order_url(order),
            "sender": sender,
            "brand": brand,
        },
        kind="order_confirmation",
        dedupe_key=f"order-confirmation:{order.code}" + (f":{resend_key}" if resend_key else ""),
        attachments=confirmation_attachments(order.id) if order.id else [],
    )


async def after_paid(order: Order, *, resend_key: str | None = None) -> None:
    """Queue the confirmation of an order that has just been paid (or asks for it again).

    Inside the paying transaction: an order with something to pay gets its invoice here, numbered in
    that transaction, and the confirmation carries it (a free registration needs no invoice).
    """
    event = await Event.get(id=order.event_id)
    tickets = await Ticket.filter(order_id=order.id).order_by("id")
    types = {t.id: t for t in await TicketType.filter(event_id=event.id)}
    invoice = await issue_invoice(order)
    message = confirmation(
        order, event, tickets, types, resend_key,
        sender=await sender_of(event.organisation_id), brand=await brand(event.organisation_id),
    )  # fmt: skip
    if invoice is not None:
        message.attachments = [*message.attachments, {"kind": "invoice", "invoice_id": invoice.id}]
    if not await OutboxMessage.filter(dedupe_key=message.dedupe_key).exists():
        await message.save()
