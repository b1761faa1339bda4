"""Attendees and sessions for the programme and feed tests.

Orders and tickets are made straight from the models (the order service is tested on its own): only
what a booking or an agenda looks at is filled in, with unique random secrets and agenda tokens.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from events import clock
from events.accounts.models import User
from events.catalogue.models import Event, Session, TicketType
from events.catalogue.sessions import create_session
from events.ticketing.models import Order, OrderStatus, Ticket

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


async def _pass(event: Event) -> TicketType:
    ticket_type, _created = await TicketType.get_or_create(event_id=event.id, name="Pass", defaults={})
    return ticket_type


async def make_attendee(
    event: Event,
    *,
    name: str | None = None,
    status: OrderStatus = OrderStatus.PAID,
    expires_at: datetime | None = None,
    locale: str = "en",
) -> Ticket:
    n = _next()
    ticket_type = await _pass(event)
    order = await Order.create(
        event_id=event.id,
        code=secrets.token_hex(6).upper(),
        secret=secrets.token_urlsafe(32),
        status=status,
        buyer_name=name or f"Attendee {n}",
        buyer_email=f"attendee{n}@example.org",
        locale=locale,
        expires_at=expires_at,
    )
    return await Ticket.create(
        order_id=order.id,
        event_id=event.id,
        ticket_type_id=ticket_type.id,
        secret=secrets.token_urlsafe(40),
        attendee_name=name or f"Attendee {n}",
        attendee_email=f"attendee{n}@example.org",
        agenda_token=secrets.token_urlsafe(32),
    )


async def pending_attendee(event: Event, minutes: int = 15) -> Ticket:
    return await make_attendee(
        event, status=OrderStatus.PENDING, expires_at=clock.now() + timedelta(minutes=minutes)
    )


def session_data(event: Event, hour: int = 10, minutes: int = 60, **overrides: Any) -> dict[str, Any]:
    """A session on the event's first day, at `hour` local time."""
    from zoneinfo import ZoneInfo

    day = event.starts_at.astimezone(ZoneInfo(event.timezone)).replace(hour=hour, minute=0, second=0)
    data: dict[str, Any] = {
        "title": f"Atelier {_next()}",
        "starts_at": day.isoformat(),
        "ends_at": (day + timedelta(minutes=minutes)).isoformat(),
        "room": "Salle A",
    }
    data.update(overrides)
    return data


async def make_session(
    user: User, event: Event, hour: int = 10, minutes: int = 60, **overrides: Any
) -> Session:
    return await create_session(user, event, session_data(event, hour, minutes, **overrides))
