"""An event with a free pass (free orders are paid at once) and a door token for it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from events.accounts.models import User
from events.catalogue.models import Event, TicketType
from events.ticketing.models import Ticket
from events.ticketing.orders import place_order
from tests.factories import make_door_token, make_event, make_organiser, make_ticket_type, order_body


@dataclass
class Door:
    user: User
    event: Event
    pass_type: TicketType
    token: str

    @property
    def url(self) -> str:
        return f"/api/v1/events/{self.event.slug}/checkin"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def ticket(self, ticket_type: TicketType | None = None, **attendee: str) -> Ticket:
        """A valid ticket of a paid order (free types are paid at once); `attendee` overrides its fields."""
        body = order_body((ticket_type or self.pass_type).id)
        body["tickets"][0]["attendee"].update(attendee)
        order = await place_order(self.event.slug, body)
        return await Ticket.filter(order_id=order.id).select_related("ticket_type").get()


@pytest.fixture
async def door(app: object) -> Door:
    user = await make_organiser()
    event = await make_event(user, published=True, capacity=500)
    pass_type = await make_ticket_type(event, name="Pass congrès")
    return Door(user, event, pass_type, await make_door_token(event))
