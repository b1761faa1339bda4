"""The organiser's orders: list with status filter and search, detail with answers and history, cancel."""

from __future__ import annotations

import httpx
import pytest

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalogue import offers
from events.catalogue.models import Event, TicketType
from events.ticketing import attendees
from events.ticketing.availability import availability
from events.ticketing.models import Order, Ticket
from tests.factories import (
    csrf_from,
    login,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
    order_body,
)


@pytest.fixture
async def owner(app: object) -> User:
    return await make_organiser()


@pytest.fixture
async def event(owner: User) -> Event:
    return await make_event(owner, published=True)


@pytest.fixture
async def pass_(event: Event) -> TicketType:
    return await make_ticket_type(event, name="Pass 2 jours", capacity=2)


async def test_list_filters_by_status_and_searches_attendees(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    paid_type = await make_ticket_type(event, price="80.00")
    body = order_body(pass_.id, pass_.id)
    body["tickets"][1]["attendee"]["name"] = "Yasmine Benali"
    free = await make_order(event, **body)
    pending = await make_order(event, paid_type.id)
    await login(client, owner.email)
    base = f"/dashboard/events/{event.slug}/orders"
    everything = (await client.get(base)).text
    assert free.code in everything and pending.code in everything
    only_pending = (await client.get(base, params={"status": "pending"})).text
    assert pending.code in only_pending and free.code not in only_pending
    found = (await client.get(base, params={"q": "yasmine"})).text
    assert free.code in found and pending.code not in found
    row = found.split(free.code, 2)[2].split("</tr>", 1)[0]
    assert "<td>2</td>" in row


async def test_unknown_status_and_long_search_are_harmless(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    order = await make_order(event, pass_.id)
    await login(client, owner.email)
    base = f"/dashboard/events/{event.slug}/orders"
    odd = await client.get(base, params={"status": "'; DROP TABLE order;--"})
    assert odd.status_code == 200 and order.code in odd.text
    long = await client.get(base, params={"q": "x" * 5000})
    assert long.status_code == 200 and "No order matches" in long.text


async def test_detail_shows_buyer_tickets_answers_and_history(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    workshop = await offers.create_question(
        owner, event, {"label": "Atelier", "kind": "choice", "options": ["IA", "Bioprod"]}
    )
    body = order_body(pass_.id)
    body["buyer"]["organisation"] = "Start-up Genomia"
    body["tickets"][0]["answers"] = {str(workshop.id): "Bioprod"}
    order = await make_order(event, **body)
    ticket = await Ticket.get(order_id=order.id)
    await attendees.update_attendee(
        order, ticket.id, {"attendee": {"name": "Léa Fontaine"}, "answers": {str(workshop.id): "IA"}}
    )
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}/orders/{order.code.lower()}")).text
    assert "Start-up Genomia" in page and order.buyer_email in page
    assert "Léa Fontaine" in page and "Atelier" in page and "IA" in page
    history = page.split("timeline", 1)[1]
    assert history.index("Order placed") < history.index("Confirmed (free)")
    assert "Attendee details changed" in history


async def test_organiser_cancels_an_order_and_frees_its_places(
    client: httpx.AsyncClient, owner: User, event: Event, pass_: TicketType
) -> None:
    order = await make_order(event, pass_.id, pass_.id)
    assert (await availability(event, [pass_]))[pass_.id] == 0
    await login(client, owner.email)
    detail = f"/dashboard/events/{event.slug}/orders/{order.code}"
    token = await csrf_from(client, detail)
    answer = await client.post(f"{detail}/cancel", data={"csrf_token": token, "confirm": "on"})
    assert answer.status_code == 303
    await order.refresh_from_db()
    assert order.status == "cancelled"
    assert await Ticket.filter(order_id=order.id, status="valid").count() == 0
    assert (await availability(event, [pass_]))[pass_.id] == 2
    entry = await AuditEntry.get(action="order.cancelled")
    assert entry.user_id == owner.id and entry.object_id == order.code
    page = (await client.get(answer.headers["location"])).text
    assert "Cancelled by the organisers" in page and owner.email in page
    again = await client.post(f"{detail}/cancel", data={"csrf_token": token, "confirm": "on"})
    assert again.status_code == 409
    assert await AuditEntry.filter(action="order.cancelled").count() == 1


async def test_another_organisation_orders_are_404(
    client: httpx.AsyncClient, event: Event, pass_: TicketType
) -> None:
    order = await make_order(event, pass_.id)
    intruder = await make_organiser()
    mine = await make_event(intruder)
    await login(client, intruder.email)
    token = await csrf_from(client, f"/dashboard/events/{mine.slug}/orders")
    theirs = f"/dashboard/events/{event.slug}/orders"
    assert (await client.get(theirs)).status_code == 404
    assert (await client.get(f"{theirs}/{order.code}")).status_code == 404
    assert (await client.get(f"/dashboard/events/{mine.slug}/orders/{order.code}")).status_code == 404
    answer = await client.post(
        f"/dashboard/events/{mine.slug}/orders/{order.code}/cancel",
        data={"csrf_token": token, "confirm": "on"},
    )
    assert answer.status_code == 404
    assert (await Order.get(id=order.id)).status == "paid"
