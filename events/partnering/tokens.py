"""A participant's token: the key of their partnering space, derived from their ticket.

`{ticket id}-{HMAC-SHA256(secret key, ticket id, secret, agenda token)}`: every valid ticket of a
partnering event has one from the start (even one bought before partnering was switched on) without a
row being written, and it is unguessable without the server's key. The id part finds the ticket; the
MAC is compared in constant time before anything about the ticket is used. A person's erasure rotates
the agenda token, so their partnering link dies with their agenda link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from events.partnering.schemas import ID_MAX, TOKEN_MAX_LENGTH
from events.ticketing.models import Ticket
from settings import settings


def _mac(ticket: Ticket) -> str:
    message = f"partnering:{ticket.id}:{ticket.secret}:{ticket.agenda_token}".encode()
    digest = hmac.new(settings.secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_for(ticket: Ticket) -> str:
    return f"{ticket.id}-{_mac(ticket)}"


def ticket_id_of(token: str) -> int | None:
    """The ticket id a token names, or None when it is not even well formed (nothing is looked up)."""
    if len(token) > TOKEN_MAX_LENGTH or not token.isascii():
        return None
    raw_id, _, mac = token.partition("-")
    if not raw_id.isdigit() or len(raw_id) > 10 or not mac:
        return None
    ticket_id = int(raw_id)
    return ticket_id if 0 < ticket_id <= ID_MAX else None


def matches(token: str, ticket: Ticket) -> bool:
    return hmac.compare_digest(token.encode(), token_for(ticket).encode())


def space_url(ticket: Ticket) -> str:
    return f"{settings.base_url}/partnering/{token_for(ticket)}"
