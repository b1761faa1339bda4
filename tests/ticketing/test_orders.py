from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from events import clock
from events.catalogue.models import Event
from events.mail.models import OutboxMessage
from events.ticketing import secrets
from events.ticketing.availability import availability
from events.ticketing.models import EventKey, Order, Ticket
from events.ticketing.orders import CODE_ALPHABET
from tests.factories import api_token, bearer, make_event, make_organiser, make_ticket_type, order_body


@pytest.fixture
async def event(app: object) -> Event:
    user = await make_organiser()
    return await make_event(user, published=True, capacity=10)


async def test_free_order_is_paid_at_once_with_signed_tickets(
    client: httpx.AsyncClient, event: Event
) -> None:
    free = await make_ticket_type(event, name="Pass académique")
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(free.id, free.id))
    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert order["status"] == "paid"
    assert order["total"] == "0.00"
    assert order["expires_at"] is None
    assert len(order["tickets"]) == 2
    key = await EventKey.get(event_id=event.id)
    for ticket in order["tickets"]:
        assert secrets.verify(ticket["secret"], key.public_key)
        assert ticket["qr_url"].startswith(order["order_url"])
    assert set(order["code"]) <= set(CODE_ALPHABET)
    assert await OutboxMessage.filter(kind="order_confirmation").count() == 1


async def test_buyer_reads_the_order_only_with_its_secret(client: httpx.AsyncClient, event: Event) -> None:
    free = await make_ticket_type(event)
    order = (await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(free.id))).json()
    mine = await client.get(f"/api/v1/orders/{order['code']}/{order['secret']}")
    assert mine.json()["code"] == order["code"]
    assert (await client.get(f"/api/v1/orders/{order['code']}/wrong-secret")).status_code == 404


async def test_paid_order_is_pending_and_holds_its_places(client: httpx.AsyncClient, event: Event) -> None:
    paid = await make_ticket_type(event, price="120.00", vat_rate="20.00", capacity=3)
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(paid.id, paid.id))
    order = answer.json()
    assert order["status"] == "pending"
    assert order["total"] == "240.00"
    assert order["expires_at"] is not None
    assert (await availability(event, [paid]))[paid.id] == 1


async def test_expired_hold_gives_its_places_back(event: Event) -> None:
    from events.ticketing.lifecycle import expire_holds
    from tests.factories import make_order

    paid = await make_ticket_type(event, price="50.00", capacity=2)
    with clock.frozen(clock.now()) as advance:
        order = await make_order(event, paid.id, paid.id)
        assert (await availability(event, [paid]))[paid.id] == 0
        advance(timedelta(minutes=14))
        assert (await availability(event, [paid]))[paid.id] == 0
        assert await expire_holds() == 0
        advance(timedelta(minutes=2))
        assert (await availability(event, [paid]))[paid.id] == 2
        assert await expire_holds() == 1
    await order.refresh_from_db()
    assert order.status == "expired"
    assert await Ticket.filter(order_id=order.id, status="valid").count() == 0


async def test_sold_out_names_the_ticket_type(client: httpx.AsyncClient, event: Event) -> None:
    small = await make_ticket_type(event, capacity=1)
    await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(small.id))
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(small.id))
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "sold_out"
    assert error["details"] == {"ticket_type": small.id}


async def test_event_cap_is_shared_by_types(client: httpx.AsyncClient, event: Event) -> None:
    a = await make_ticket_type(event)
    b = await make_ticket_type(event)
    body = order_body(*([a.id] * 6))
    assert (await client.post(f"/api/v1/events/{event.slug}/orders", json=body)).status_code == 201
    too_many = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(*([b.id] * 5)))
    assert too_many.status_code == 409
    assert await Ticket.filter(ticket_type_id=b.id).count() == 0
    assert (
        await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(*([b.id] * 4)))
    ).status_code == 201


async def test_sales_window_closes_registration(client: httpx.AsyncClient, event: Event) -> None:
    early = await make_ticket_type(event, sales_end=(clock.now() - timedelta(days=1)).isoformat())
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(early.id))
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "sales_closed"


async def test_unpublished_event_is_404(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    draft = await make_event(user)
    pass_ = await make_ticket_type(draft)
    answer = await client.post(f"/api/v1/events/{draft.slug}/orders", json=order_body(pass_.id))
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, other: body["tickets"][0].update(ticket_type=other),
        lambda body, other: body["tickets"][0].update(price="0.00"),
        lambda body, other: body.update(total="0.00"),
        lambda body, other: body["tickets"][0].update(answers={"9999": "x"}),
        lambda body, other: body.update(consents={"privacy": False}),
        lambda body, other: body["buyer"].update(email="not-an-email"),
        lambda body, other: body.update(tickets=[]),
        lambda body, other: body.update(tickets=body["tickets"] * 11),
        lambda body, other: body["tickets"][0].update(ticket_type=-1),
        lambda body, other: body.update(promo_code="NOPE"),
    ],
)
async def test_tampered_orders_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, event: Event, tamper: object
) -> None:
    mine = await make_ticket_type(event, price="80.00")
    other_event = await make_event(await make_organiser(), published=True)
    theirs = await make_ticket_type(other_event)
    body = order_body(mine.id)
    tamper(body, theirs.id)  # type: ignore[operator]
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid"
    assert answer.json()["error"]["details"]
    assert await Order.all().count() == 0
    assert await Ticket.all().count() == 0


async def test_amounts_always_come_from_the_server(client: httpx.AsyncClient, event: Event) -> None:
    paid = await make_ticket_type(event, price="99.90")
    body = order_body(paid.id)
    answer = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)
    assert answer.json()["total"] == "99.90"


async def test_promo_code_discounts_and_unlocks_hidden_types(client: httpx.AsyncClient, event: Event) -> None:
    user = await make_organiser()
    owner_event = await make_event(user, published=True)
    regular = await make_ticket_type(owner_event, price="200.00")
    member = await make_ticket_type(owner_event, price="150.00", hidden=True)
    auth = bearer(await api_token(client, user.email))
    promo = await client.post(
        f"/api/v1/events/{owner_event.slug}/promo-codes",
        json={"code": "MEMBER2027", "percent_off": 10, "ticket_types": [member.id]},
        headers=auth,
    )
    assert promo.status_code == 201, promo.text
    hidden = await client.post(f"/api/v1/events/{owner_event.slug}/orders", json=order_body(member.id))
    assert hidden.status_code == 422
    unlocked = await client.post(
        f"/api/v1/events/{owner_event.slug}/orders", json=order_body(member.id, promo_code="member2027")
    )
    assert unlocked.status_code == 201, unlocked.text
    assert unlocked.json()["total"] == "135.00"
    regular_with_code = await client.post(
        f"/api/v1/events/{owner_event.slug}/orders", json=order_body(regular.id, promo_code="MEMBER2027")
    )
    assert regular_with_code.json()["total"] == "200.00"
    public = (await client.get(f"/api/v1/public/events/{owner_event.slug}")).json()
    assert [t["id"] for t in public["ticket_types"]] == [regular.id]


async def test_promo_code_use_limit(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    pass_ = await make_ticket_type(event, price="100.00")
    auth = bearer(await api_token(client, user.email))
    await client.post(
        f"/api/v1/events/{event.slug}/promo-codes",
        json={"code": "ONCE", "amount_off": "30.00", "max_uses": 1},
        headers=auth,
    )
    first = await client.post(
        f"/api/v1/events/{event.slug}/orders", json=order_body(pass_.id, promo_code="ONCE")
    )
    assert first.json()["total"] == "70.00"
    second = await client.post(
        f"/api/v1/events/{event.slug}/orders", json=order_body(pass_.id, promo_code="ONCE")
    )
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "promo_code_exhausted"


async def test_required_questions_and_choices_are_checked(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    pass_ = await make_ticket_type(event)
    auth = bearer(await api_token(client, user.email))
    diet = (
        await client.post(
            f"/api/v1/events/{event.slug}/questions",
            json={
                "label": "Régime alimentaire",
                "kind": "choice",
                "options": ["Aucun", "Végétarien"],
                "required": True,
                "sensitive": True,
            },
            headers=auth,
        )
    ).json()
    missing = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(pass_.id))
    assert f"tickets.0.answers.{diet['id']}" in missing.json()["error"]["details"]
    body = order_body(pass_.id)
    body["tickets"][0]["answers"] = {str(diet["id"]): "Carnivore"}
    assert (await client.post(f"/api/v1/events/{event.slug}/orders", json=body)).status_code == 422
    body["tickets"][0]["answers"] = {str(diet["id"]): "Végétarien"}
    ok = await client.post(f"/api/v1/events/{event.slug}/orders", json=body)
    assert ok.status_code == 201
    ticket = await Ticket.get(order__code=ok.json()["code"])
    assert ticket.answers == {str(diet["id"]): "Végétarien"}


async def test_attendee_cancels_a_free_order_and_frees_the_place(
    client: httpx.AsyncClient, event: Event
) -> None:
    one = await make_ticket_type(event, capacity=1)
    order = (await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(one.id))).json()
    cancelled = await client.post(f"/api/v1/orders/{order['code']}/{order['secret']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["tickets"][0]["status"] == "cancelled"
    again = await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(one.id))
    assert again.status_code == 201


async def test_organiser_lists_searches_and_cancels_orders(client: httpx.AsyncClient) -> None:
    user = await make_organiser()
    event = await make_event(user, published=True)
    pass_ = await make_ticket_type(event)
    auth = bearer(await api_token(client, user.email))
    body = order_body(pass_.id)
    body["buyer"]["name"] = "Inès Laboratoire"
    order = (await client.post(f"/api/v1/events/{event.slug}/orders", json=body)).json()
    await client.post(f"/api/v1/events/{event.slug}/orders", json=order_body(pass_.id))
    found = (await client.get(f"/api/v1/events/{event.slug}/orders?q=inès", headers=auth)).json()["orders"]
    assert [o["code"] for o in found] == [order["code"]]
    cancelled = await client.post(
        f"/api/v1/events/{event.slug}/orders/{order['code']}/cancel", json={}, headers=auth
    )
    assert cancelled.json()["status"] == "cancelled"
    intruder = bearer(await api_token(client, (await make_organiser()).email))
    assert (
        await client.get(f"/api/v1/events/{event.slug}/orders/{order['code']}", headers=intruder)
    ).status_code == 404
