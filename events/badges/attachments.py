"""The confirmation e-mail's attachment: the order's tickets as one PDF (kind "order_tickets").

Built when the message is sent, in the buyer's language, from the tickets as they are then. An order
cancelled between payment and sending has no ticket left to attach: it gets a one-page notice instead,
so that the message itself still goes out.
"""

from __future__ import annotations

import asyncio

from events.badges import pdf, services
from events.errors import N_, TicketNotIssued
from events.i18n import gettext, use_locale
from events.mail.smtp import Attachment
from events.ticketing.models import Order


async def order_tickets(spec: dict[str, object]) -> Attachment:
    order = await Order.get(id=int(str(spec["order_id"])))
    with use_locale(order.locale):
        name = gettext(N_("tickets-{code}.pdf"), code=order.code)
        try:
            content = await services.tickets_pdf(order, await services.issued_tickets(order))
        except TicketNotIssued:
            text = gettext(N_("This order has no valid ticket any more."))
            content = await asyncio.to_thread(pdf.notice_pdf, text)
    return name, "application/pdf", content
