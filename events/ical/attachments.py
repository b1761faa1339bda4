"""The confirmation e-mail's calendar file (kind "order_agenda"): the event and, for each attendee of
the order, the sessions they booked, so that one click puts the whole stay in the buyer's calendar.
"""

from __future__ import annotations

import asyncio

from events.catalogue.models import Event
from events.catalogue.sessions import ticket_sessions
from events.i18n import use_locale
from events.ical.feeds import agenda_feed
from events.mail.smtp import Attachment
from events.ticketing.models import Order, Ticket, TicketStatus
from settings import settings


async def order_agenda(spec: dict[str, object]) -> Attachment:
    order = await Order.get(id=int(str(spec["order_id"])))
    event = await Event.get(id=order.event_id)
    tickets = await Ticket.filter(order_id=order.id, status=TicketStatus.VALID).order_by("id")
    first = tickets[0] if tickets else None
    sessions = await ticket_sessions(first) if first else []
    with use_locale(order.locale):  # the thread takes a copy of this context: the buyer's language
        content = await asyncio.to_thread(
            agenda_feed, event, sessions, ticket_id=first.id if first else 0, base_url=settings.base_url
        )
    return f"{event.slug}.ics", "text/calendar", content
