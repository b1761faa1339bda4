"""The attendee's own ticket, reached by its token: their badge, their links and their own news consent.

The token is the ticket's `agenda_token` (unguessable, one per ticket). It opens this one ticket and
nothing of its order: not the billing, not the other attendees of a group order. A buyer's consent
never stands for a colleague's: each attendee gives or withdraws their own here.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from events import clock
from events.errors import NotFound
from events.ticketing.models import OrderStatus, Ticket, TicketStatus

TOKEN_LENGTH = 43


async def ticket_by_token(token: str) -> Ticket:
    """The ticket behind `token`, with its order, type and event; anything else is not found."""
    if not 16 <= len(token) <= TOKEN_LENGTH or not token.replace("-", "").replace("_", "").isalnum():
        raise NotFound()
    ticket = await Ticket.get_or_none(agenda_token=token).select_related("order", "ticket_type", "event")
    if ticket is None:
        raise NotFound()
    return ticket


def issued(ticket: Ticket) -> bool:
    """Whether the badge may be shown at the door: a valid ticket of a paid order."""
    return ticket.order.status == OrderStatus.PAID and ticket.status == TicketStatus.VALID


async def set_news_consent(ticket: Ticket, given: bool) -> Ticket:
    """The attendee gives or withdraws their own news consent (kept with when they last decided)."""
    async with in_transaction():
        ticket.news_consent = given
        ticket.news_consent_at = clock.now()
        await ticket.save(update_fields=["news_consent", "news_consent_at", "updated_at"])
    return ticket
