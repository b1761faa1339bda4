from __future__ import annotations

import re

import httpx
import pytest

from events.catalogue.models import Event, TicketType
from events.ticketing.models import Order, Ticket
from tests.factories import csrf_from, make_event, make_organiser, make_ticket_type


@pytest.fixture
async def offer(app: object) -> tuple[Event, TicketType]:
    event = await make_event(await make_organiser(), published=True, capacity=50)
    return event, await make_ticket_type(event, name="Pass journée", price="0.00")


def _form(token: str, type_id: int, **extra: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "count": "2",
        "ticket-0-type": str(type_id),
        "ticket-0-name": "Camille Durand",
        "ticket-0-email": "camille@labo.fr",
        "ticket-1-type": str(type_id),
        "ticket-1-name": "Noah Martin",
        "buyer-name": "Camille Durand",
        "buyer-email": "camille@labo.fr",
        "buyer-organisation": "Laboratoire X",
        "buyer-country": "FR",
        "privacy": "on",
    }
    data.update(extra)
    return data


async def test_event_page_offers_the_tickets(
    client: httpx.AsyncClient, offer: tuple[Event, TicketType]
) -> None:
    event, pass_ = offer
    page = (await client.get(f"/events/{event.slug}")).text
    assert "Pass journée" in page
    assert f'name="type-{pass_.id}"' in page


async def test_two_attendees_register_without_javascript(
    client: httpx.AsyncClient, offer: tuple[Event, TicketType]
) -> None:
    event, pass_ = offer
    page = await client.get(f"/events/{event.slug}/register", params={f"type-{pass_.id}": "2"})
    assert page.text.count('name="ticket-') >= 8
    token = await csrf_from(client, f"/events/{event.slug}/register?type-{pass_.id}=2")
    answer = await client.post(f"/events/{event.slug}/register", data=_form(token, pass_.id))
    assert answer.status_code == 303, answer.text
    order_page = await client.get(answer.headers["location"])
    assert "Camille Durand" in order_page.text and "Noah Martin" in order_page.text
    order = await Order.get()
    assert order.status == "paid"
    assert order.consents == {"privacy": True, "marketing": False, "partners": False}
    assert await Ticket.filter(order_id=order.id).count() == 2


async def test_missing_consent_and_name_show_the_form_again_with_values(
    client: httpx.AsyncClient, offer: tuple[Event, TicketType]
) -> None:
    event, pass_ = offer
    token = await csrf_from(client, f"/events/{event.slug}/register?type-{pass_.id}=2")
    data = _form(token, pass_.id, **{"ticket-1-name": "", "privacy": ""})
    answer = await client.post(f"/events/{event.slug}/register?lang=fr", data=data)
    assert answer.status_code == 422
    assert "Ce champ est obligatoire." in answer.text
    assert re.search(r'id="e-ticket-1-last_name"', answer.text)
    assert 'id="e-privacy"' in answer.text
    assert 'value="Laboratoire X"' in answer.text
    assert await Order.all().count() == 0


async def test_sold_out_is_explained_on_the_form(client: httpx.AsyncClient) -> None:
    event = await make_event(await make_organiser(), published=True)
    one = await make_ticket_type(event, capacity=1)
    token = await csrf_from(client, f"/events/{event.slug}/register?type-{one.id}=2")
    answer = await client.post(f"/events/{event.slug}/register", data=_form(token, one.id))
    assert answer.status_code == 409
    assert "not enough places" in answer.text
    assert await Order.all().count() == 0
