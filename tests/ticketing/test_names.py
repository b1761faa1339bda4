"""First and last names beside the whole name: the API's contract, the forms, and sorting by surname."""

from __future__ import annotations

import re

import httpx
import pytest

from events.accounts.models import User
from events.catalogue.models import Event, TicketType
from events.ticketing.models import Order, Ticket
from tests.badges.conftest import qr_texts
from tests.factories import (
    api_token,
    bearer,
    csrf_from,
    login,
    make_event,
    make_order,
    make_organiser,
    make_ticket_type,
    order_body,
)


@pytest.fixture
async def offer(app: object) -> tuple[User, Event, TicketType]:
    owner = await make_organiser()
    event = await make_event(owner, published=True, capacity=50)
    return owner, event, await make_ticket_type(event, name="Pass journée")


def _people(body: dict[str, object], *people: dict[str, str]) -> dict[str, object]:
    tickets = body["tickets"]
    assert isinstance(tickets, list)
    for ticket, person in zip(tickets, people, strict=True):
        ticket["attendee"] = {**person, "email": ticket["attendee"]["email"]}
    return body


async def test_api_joins_first_and_last_name_into_name(
    client: httpx.AsyncClient, offer: tuple[User, Event, TicketType]
) -> None:
    _owner, event, pass_ = offer
    body = _people(order_body(pass_.id), {"first_name": "Marie", "last_name": "Sklodowska-Curie"})
    body["buyer"] = {**body["buyer"], "name": "", "first_name": "Pierre", "last_name": "Curie"}
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)
    assert answer.status_code == 201, answer.text
    order = answer.json()
    attendee = order["tickets"][0]["attendee"]
    assert (attendee["name"], attendee["first_name"], attendee["last_name"]) == (
        "Marie Sklodowska-Curie", "Marie", "Sklodowska-Curie",
    )  # fmt: skip
    buyer = order["buyer"]
    assert (buyer["name"], buyer["first_name"], buyer["last_name"]) == ("Pierre Curie", "Pierre", "Curie")


async def test_api_name_alone_is_split_once_at_its_last_space(
    client: httpx.AsyncClient, offer: tuple[User, Event, TicketType]
) -> None:
    _owner, event, pass_ = offer
    body = _people(order_body(pass_.id, pass_.id), {"name": "Jean de La Fontaine"}, {"name": "Madonna"})
    order = (await client.post(f"/api/v1/events/{event.slug}/orders", json=body)).json()
    names = [(t["attendee"]["first_name"], t["attendee"]["last_name"]) for t in order["tickets"]]
    assert names == [("Jean de La", "Fontaine"), ("", "Madonna")]
    assert order["tickets"][0]["attendee"]["name"] == "Jean de La Fontaine"


async def test_api_without_any_name_is_a_422_on_the_name(
    client: httpx.AsyncClient, offer: tuple[User, Event, TicketType]
) -> None:
    _owner, event, pass_ = offer
    body = _people(order_body(pass_.id), {"first_name": " ", "last_name": ""})
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)
    assert answer.status_code == 422
    assert "tickets.0.attendee.name" in answer.json()["error"]["details"]
    assert not await Order.exists()


async def test_registration_form_asks_first_name_and_surname(
    client: httpx.AsyncClient, offer: tuple[User, Event, TicketType]
) -> None:
    _owner, event, pass_ = offer
    path = f"/events/{event.slug}/register?type-{pass_.id}=1"
    page = (await client.get(path)).text
    for field in ("ticket-0-first_name", "ticket-0-last_name", "buyer-first_name", "buyer-last_name"):
        assert f'name="{field}"' in page, field
    form = {
        "csrf_token": await csrf_from(client, path), "count": "1", "ticket-0-type": str(pass_.id),
        "ticket-0-first_name": "Camille", "ticket-0-last_name": "Durand", "ticket-0-email": "camille@labo.fr",
        "buyer-first_name": "Camille", "buyer-last_name": "Durand", "buyer-email": "camille@labo.fr",
        "buyer-country": "FR", "privacy": "on",
    }  # fmt: skip
    answer = await client.post(f"/events/{event.slug}/register", data=form)
    assert answer.status_code == 303, answer.text
    ticket = await Ticket.get()
    assert (ticket.attendee_name, ticket.attendee_first_name, ticket.attendee_last_name) == (
        "Camille Durand", "Camille", "Durand",
    )  # fmt: skip
    order = await Order.get()
    assert (order.buyer_name, order.buyer_last_name) == ("Camille Durand", "Durand")


async def test_missing_surname_is_shown_beside_the_surname_field(
    client: httpx.AsyncClient, offer: tuple[User, Event, TicketType]
) -> None:
    _owner, event, pass_ = offer
    path = f"/events/{event.slug}/register?type-{pass_.id}=1"
    form = {
        "csrf_token": await csrf_from(client, path), "count": "1", "ticket-0-type": str(pass_.id),
        "ticket-0-first_name": "", "ticket-0-last_name": "", "buyer-first_name": "Camille",
        "buyer-last_name": "Durand", "buyer-email": "camille@labo.fr", "buyer-country": "FR", "privacy": "on",
    }  # fmt: skip
    answer = await client.post(f"/events/{event.slug}/register", data=form)
    assert answer.status_code == 422
    assert 'id="e-ticket-0-last_name"' in answer.text
    assert not await Order.exists()


async def test_badges_are_printed_by_surname(
    client: httpx.AsyncClient, offer: tuple[User, Event, TicketType]
) -> None:
    owner, event, pass_ = offer
    people = [("Zoé", "Abadie"), ("Adam", "Martin"), ("Bruno", "Lefèvre")]
    for first, last in people:
        attendee = {"first_name": first, "last_name": last}
        await make_order(event, pass_.id, tickets=[{"ticket_type": pass_.id, "attendee": attendee}])
    await login(client, owner.email)
    answer = await client.get(f"/dashboard/events/{event.slug}/badges.pdf", params={"format": "single"})
    assert answer.status_code == 200
    by_secret = {t.secret: t.attendee_last_name for t in await Ticket.filter(event_id=event.id)}
    # Only the badges' own codes: the decoder may also read a stray pattern elsewhere on the page.
    printed = [
        by_secret[secret] for page in qr_texts(answer.content) for secret in page if secret in by_secret
    ]
    assert len(printed) == len(people)
    assert printed == ["Abadie", "Lefèvre", "Martin"]


async def test_attendee_list_sorts_by_surname(
    client: httpx.AsyncClient, offer: tuple[User, Event, TicketType]
) -> None:
    owner, event, pass_ = offer
    for name in ("Adam Martin", "Zoé Abadie", "Bruno Lefèvre"):
        await make_order(event, pass_.id, tickets=[{"ticket_type": pass_.id, "attendee": {"name": name}}])
    token = await api_token(client, owner.email)
    answer = await client.get(
        f"/api/v1/events/{event.slug}/attendees",
        params={"sort": "last_name", "limit": 2},
        headers=bearer(token),
    )
    assert answer.status_code == 200, answer.text
    first_page = answer.json()
    assert [a["name"] for a in first_page["attendees"]] == ["Zoé Abadie", "Bruno Lefèvre"]
    rest = await client.get(
        f"/api/v1/events/{event.slug}/attendees",
        params={"sort": "last_name", "limit": 2, "cursor": first_page["next_cursor"]},
        headers=bearer(token),
    )
    assert [a["name"] for a in rest.json()["attendees"]] == ["Adam Martin"]
    await login(client, owner.email)
    page = (await client.get(f"/dashboard/events/{event.slug}/attendees", params={"sort": "last_name"})).text
    order = [m.start() for name in ("Abadie", "Lefèvre", "Martin") for m in [re.search(name, page)] if m]
    assert len(order) == 3 and order == sorted(order)
