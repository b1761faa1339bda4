from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from events.catalogue.models import Event, Session, TicketType
from events.catalogue.sessions import create_session
from events.ticketing.models import Order, SessionBooking, Ticket
from tests.factories import csrf_from, make_event, make_organiser, make_ticket_type, order_body


@pytest.fixture
async def workshop(app: object) -> tuple[Event, TicketType, Session]:
    user = await make_organiser()
    event = await make_event(user, published=True)
    pass_ = await make_ticket_type(event)
    start = event.starts_at + timedelta(hours=1)
    session = await create_session(
        user, event,
        {"title": "Atelier CRISPR", "starts_at": start.isoformat(),
         "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 1},
    )  # fmt: skip
    return event, pass_, session


async def test_attendee_books_a_workshop_while_registering(
    client: httpx.AsyncClient, workshop: tuple[Event, TicketType, Session]
) -> None:
    event, pass_, session = workshop
    body = order_body(pass_.id)
    body["tickets"][0]["sessions"] = [session.id]
    order = (await client.post(f"/api/v1/events/{event.slug}/orders", json=body)).json()
    assert order["tickets"][0]["sessions"] == [session.id]
    public = (await client.get(f"/api/v1/public/events/{event.slug}")).json()
    assert [s["available"] for s in public["sessions"]] == [0]


async def test_full_workshop_refuses_the_whole_order(
    client: httpx.AsyncClient, workshop: tuple[Event, TicketType, Session]
) -> None:
    event, pass_, session = workshop
    body = order_body(pass_.id, pass_.id)
    body["tickets"][0]["sessions"] = [session.id]
    body["tickets"][1]["sessions"] = [session.id]
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "session_full"
    assert await Order.all().count() == 0
    assert await Ticket.all().count() == 0


async def test_workshop_is_booked_and_given_back_from_the_order_page(
    client: httpx.AsyncClient, workshop: tuple[Event, TicketType, Session]
) -> None:
    event, pass_, session = workshop
    order = (await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(pass_.id))).json()
    page = f"/orders/{order['code']}/{order['secret']}"
    ticket_id = order["tickets"][0]["id"]
    token = await csrf_from(client, page)
    assert "Atelier CRISPR" in (await client.get(page)).text
    booked = await client.post(
        f"{page}/tickets/{ticket_id}/sessions", data={"csrf_token": token, "session": str(session.id)}
    )
    assert booked.status_code == 303
    assert await SessionBooking.filter(ticket_id=ticket_id).count() == 1
    given_back = await client.post(
        f"{page}/tickets/{ticket_id}/sessions/{session.id}/cancel", data={"csrf_token": token}
    )
    assert given_back.status_code == 303
    assert await SessionBooking.filter(ticket_id=ticket_id).count() == 0


async def test_registration_form_offers_workshops(
    client: httpx.AsyncClient, workshop: tuple[Event, TicketType, Session]
) -> None:
    event, pass_, session = workshop
    page = await client.get(f"/events/{event.slug}/register", params={f"type-{pass_.id}": "1"})
    assert f'name="ticket-0-session" value="{session.id}"' in page.text
