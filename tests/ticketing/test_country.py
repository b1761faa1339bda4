"""Countries are chosen from a list named in the visitor's language and stored as ISO codes."""

from __future__ import annotations

import re

import httpx
import pytest

from events.catalogue.models import Event, TicketType
from events.ticketing.models import Order
from tests.factories import csrf_from, make_event, make_order, make_organiser, make_ticket_type, order_body


@pytest.fixture
async def offer(app: object) -> tuple[Event, TicketType]:
    event = await make_event(await make_organiser(), published=True, capacity=50)
    return event, await make_ticket_type(event, name="Pass journée", price="0.00")


def _options(html: str, name: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select id="f-{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select for {name}"
    return re.findall(r'<option value="([A-Z]*)"[^>]*>([^<]*)</option>', select.group(1))


def _form(token: str, type_id: int, country: str) -> dict[str, str]:
    return {
        "csrf_token": token, "count": "1", "ticket-0-type": str(type_id), "ticket-0-first_name": "Camille",
        "ticket-0-last_name": "Durand",
        "ticket-0-email": "camille@labo.fr", "buyer-first_name": "Camille",
        "buyer-last_name": "Durand", "buyer-email": "camille@labo.fr",
        "buyer-country": country, "privacy": "on",
    }  # fmt: skip


async def test_french_visitor_chooses_among_french_country_names_france_first(
    client: httpx.AsyncClient, offer: tuple[Event, TicketType]
) -> None:
    event, pass_ = offer
    page = await client.get(f"/events/{event.slug}/register", params={f"type-{pass_.id}": "1", "lang": "fr"})
    options = _options(page.text, "buyer-country")
    codes = [code for code, _name in options]
    names = dict(options)
    assert codes[:2] == ["", "FR"]
    assert names["DE"] == "Allemagne" and names["CH"] == "Suisse"
    assert (
        codes.index("EG") < codes.index("ES") < codes.index("US") < codes.index("ET") < codes.index("GA")
    ), "accents ignored in order"
    assert "EU" not in names and "ZZ" not in names


async def test_english_visitor_reads_english_country_names(
    client: httpx.AsyncClient, offer: tuple[Event, TicketType]
) -> None:
    event, pass_ = offer
    page = await client.get(f"/events/{event.slug}/register", params={f"type-{pass_.id}": "1", "lang": "en"})
    names = dict(_options(page.text, "buyer-country"))
    assert names["DE"] == "Germany" and names["FR"] == "France"


async def test_chosen_country_is_stored_as_its_code(
    client: httpx.AsyncClient, offer: tuple[Event, TicketType]
) -> None:
    event, pass_ = offer
    token = await csrf_from(client, f"/events/{event.slug}/register?type-{pass_.id}=1")
    answer = await client.post(f"/events/{event.slug}/register", data=_form(token, pass_.id, "BE"))
    assert answer.status_code == 303, answer.text
    assert (await Order.get()).buyer_country == "BE"
    page = await client.get(f"/events/{event.slug}/register", params={f"type-{pass_.id}": "1", "lang": "fr"})
    assert "Belgique" in page.text


async def test_unknown_country_code_is_an_error_beside_the_field(
    client: httpx.AsyncClient, offer: tuple[Event, TicketType]
) -> None:
    event, pass_ = offer
    token = await csrf_from(client, f"/events/{event.slug}/register?type-{pass_.id}=1")
    answer = await client.post(f"/events/{event.slug}/register?lang=en", data=_form(token, pass_.id, "XX"))
    assert answer.status_code == 422
    assert re.search(r'id="e-buyer-country">Choose a country from the list\.<', answer.text)
    assert 'value="Durand"' in answer.text  # what was typed stays in the form
    assert await Order.all().count() == 0


async def test_api_refuses_a_country_that_is_not_an_iso_code(offer: tuple[Event, TicketType]) -> None:
    from events.errors import Invalid

    event, pass_ = offer
    with pytest.raises(Invalid) as refused:
        await make_order(event, pass_.id, buyer={**order_body()["buyer"], "country": "EU"})
    assert "buyer.country" in refused.value.details
    await make_order(event, pass_.id, buyer={**order_body()["buyer"], "country": "de"})
    assert await Order.filter(buyer_country="DE").exists()
