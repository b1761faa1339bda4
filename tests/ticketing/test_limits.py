"""MAX_HELD_PLACES and ORDER_THROTTLE: one buyer, one address cannot take every place (API.md §1)."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from events.ticketing import limits
from events.ticketing.models import Order
from settings import settings
from tests.factories import api_token, bearer, make_event, make_organiser, make_ticket_type, order_body


@pytest.fixture
def limited(monkeypatch: pytest.MonkeyPatch) -> None:
    config = dataclasses.replace(settings, max_held_places=3, order_throttle=2)
    monkeypatch.setattr(limits, "settings", config)


async def _paid_event() -> tuple[str, int, int]:
    user = await make_organiser()
    event = await make_event(user, published=True)
    paid = await make_ticket_type(event, price="120.00", max_per_order=10)
    free = await make_ticket_type(event, price="0.00", max_per_order=10)
    return event.slug, paid.id, free.id


def _buyer(body: dict[str, object], email: str) -> dict[str, object]:
    body["buyer"] = {"name": "Alex", "email": email, "country": "FR"}
    return body


@pytest.mark.usefixtures("limited")
async def test_buyer_holding_the_most_unpaid_places_is_refused_the_next_order(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "settings", dataclasses.replace(limits.settings, order_throttle=0))
    slug, paid, free = await _paid_event()
    url = f"/api/v1/events/{slug}/orders"
    first = await client.post(url, json=_buyer(order_body(paid, paid), "alex@labo.fr"))
    second = await client.post(url, json=_buyer(order_body(paid), "ALEX@labo.fr"))
    third = await client.post(url, json=_buyer(order_body(paid), "alex@labo.fr"))
    other = await client.post(url, json=_buyer(order_body(paid, paid, paid), "sam@labo.fr"))
    free_one = await client.post(url, json=_buyer(order_body(free), "alex@labo.fr"))
    assert [first.status_code, second.status_code, third.status_code] == [201, 201, 409]
    assert third.json()["error"]["code"] == "conflict"
    assert (other.status_code, free_one.status_code) == (201, 201)
    assert await Order.filter(buyer_email="alex@labo.fr").count() == 3


@pytest.mark.usefixtures("limited")
async def test_places_of_a_cancelled_order_count_no_more(client: httpx.AsyncClient) -> None:
    slug, paid, _free = await _paid_event()
    url = f"/api/v1/events/{slug}/orders"
    held = (await client.post(url, json=_buyer(order_body(paid, paid, paid), "alex@labo.fr"))).json()
    assert (await client.post(url, json=_buyer(order_body(paid), "alex@labo.fr"))).status_code == 409
    cancel = await client.post(f"/api/v1/orders/{held['code']}/{held['secret']}/cancel")
    assert cancel.status_code == 200
    assert (await client.post(url, json=_buyer(order_body(paid), "alex@labo.fr"))).status_code == 201


@pytest.mark.usefixtures("limited")
async def test_orders_from_one_address_are_throttled_per_minute(client: httpx.AsyncClient) -> None:
    slug, _paid, free = await _paid_event()
    url = f"/api/v1/events/{slug}/orders"
    answers = [await client.post(url, json=order_body(free)) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json()["error"]["code"] == "throttled"
    assert int(answers[2].headers["retry-after"]) > 0


@pytest.mark.usefixtures("limited")
async def test_refused_orders_do_not_count_against_the_address(client: httpx.AsyncClient) -> None:
    slug, _paid, free = await _paid_event()
    url = f"/api/v1/events/{slug}/orders"
    for _ in range(3):
        assert (await client.post(url, json={"tickets": []})).status_code == 422
    assert (await client.post(url, json=order_body(free))).status_code == 201


@pytest.mark.usefixtures("limited")
async def test_orders_placed_with_an_organiser_token_are_not_throttled(client: httpx.AsyncClient) -> None:
    slug, _paid, free = await _paid_event()
    owner = await make_organiser()
    auth = bearer(await api_token(client, owner.email))
    url = f"/api/v1/events/{slug}/orders"
    answers = [await client.post(url, json=order_body(free), headers=auth) for _ in range(4)]
    assert [a.status_code for a in answers] == [201] * 4


@pytest.mark.usefixtures("limited")
async def test_throttled_registration_form_explains_itself(client: httpx.AsyncClient) -> None:
    from tests.factories import csrf_from

    slug, _paid, free = await _paid_event()
    statuses = []
    for n in range(3):
        token = await csrf_from(client, f"/events/{slug}/register?type-{free}=1")
        data = {
            "csrf_token": token, "count": "1", "ticket-0-type": str(free), "ticket-0-name": f"Lou {n}",
            "buyer-name": "Lou", "buyer-email": f"lou{n}@labo.fr", "buyer-country": "FR", "privacy": "on",
        }  # fmt: skip
        statuses.append((await client.post(f"/events/{slug}/register", data=data)).status_code)
    assert statuses == [303, 303, 429]


def test_limits_are_off_in_the_project_tests() -> None:
    assert (settings.order_throttle, settings.max_held_places) == (0, 0)
