"""Badges typed by hand: the short code printed under the QR (`secrets.short_code`) names a ticket.

A typed code carries no signature, so it is answered like a search hit chosen by staff: it becomes the
ticket's id before the scan is decided, and a code that names nothing stays a junk secret (`invalid`, and
counted by the scan throttle like any other).
"""

from __future__ import annotations

from events.catalogue.models import Event
from events.ticketing import secrets
from events.ticketing.models import Ticket


async def ticket_of(event: Event, typed: str) -> int | None:
    """The event's ticket whose short code this is; codes are hashes, so each secret is hashed again."""
    wanted = secrets.normal_short_code(typed)
    if wanted is None:
        return None
    for ticket_id, secret in await Ticket.filter(event_id=event.id).values_list("id", "secret"):
        if secrets.short_code(str(secret)) == wanted:
            return int(ticket_id)
    return None


async def resolved(event: Event, data: object) -> object:
    """A scan body whose `secret` is a short code, made into a scan of the ticket it names."""
    if not isinstance(data, dict):
        return data
    typed = data.get("secret")
    if not isinstance(typed, str) or len(typed) > 2 * secrets.SHORT_CODE_CHARACTERS:
        return data
    ticket_id = await ticket_of(event, typed)
    if ticket_id is None:
        return data
    return {**{k: v for k, v in data.items() if k != "secret"}, "ticket": ticket_id}
