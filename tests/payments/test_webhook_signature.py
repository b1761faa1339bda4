"""Only Stripe-signed webhooks are processed: the signature covers the raw body and is 5 minutes fresh."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from events.payments.fake_stripe import FakeStripe
from events.payments.models import StripeEvent
from events.ticketing.models import Order
from tests.payments.conftest import Shop, deliver, open_session, pending_order


async def _completed(client: httpx.AsyncClient, shop: Shop, fake: FakeStripe) -> tuple[Order, dict]:
    order = await pending_order(shop)
    event = fake.complete(await open_session(client, order))
    return order, event


async def _nothing_written(order: Order) -> None:
    await order.refresh_from_db()
    assert order.status == "pending"
    assert await StripeEvent.all().count() == 0


async def test_missing_signature_is_400_and_writes_nothing(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order, event = await _completed(client, shop, fake_stripe)
    answer = await client.post("/stripe/webhook", content=json.dumps(event))
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid_signature"
    await _nothing_written(order)


async def test_signature_with_another_secret_is_400(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order, event = await _completed(client, shop, fake_stripe)
    answer = await deliver(client, fake_stripe, event, secret="whsec_not_ours")
    assert answer.status_code == 400
    await _nothing_written(order)


async def test_one_byte_changed_is_400(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order, event = await _completed(client, shop, fake_stripe)
    body, header = fake_stripe.signed(event)
    altered = body.replace(b'"livemode": false', b'"livemode": falsE')
    assert len(altered) == len(body) and altered != body
    answer = await client.post("/stripe/webhook", content=altered, headers={"Stripe-Signature": header})
    assert answer.status_code == 400
    await _nothing_written(order)


async def test_body_reserialised_is_400(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    """Same JSON, other bytes: the check is on the raw body, never on re-dumped JSON."""
    order, event = await _completed(client, shop, fake_stripe)
    body, header = fake_stripe.signed(event)
    compact = json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert json.loads(compact) == json.loads(body)
    answer = await client.post("/stripe/webhook", content=compact, headers={"Stripe-Signature": header})
    assert answer.status_code == 400
    await _nothing_written(order)


async def test_signature_301_seconds_old_is_400(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order, event = await _completed(client, shop, fake_stripe)
    answer = await deliver(client, fake_stripe, event, timestamp=int(time.time()) - 301)
    assert answer.status_code == 400
    await _nothing_written(order)


async def test_signature_299_seconds_old_is_accepted(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order, event = await _completed(client, shop, fake_stripe)
    answer = await deliver(client, fake_stripe, event, timestamp=int(time.time()) - 299)
    assert answer.status_code == 200, answer.text
    await order.refresh_from_db()
    assert order.status == "paid"


@pytest.mark.parametrize("header", ["garbage", "t=abc,v1=00", "v1=deadbeef", "t=1700000000"])
async def test_malformed_signature_header_is_400(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe, header: str
) -> None:
    order, event = await _completed(client, shop, fake_stripe)
    answer = await client.post(
        "/stripe/webhook", content=json.dumps(event), headers={"Stripe-Signature": header}
    )
    assert answer.status_code == 400
    await _nothing_written(order)


async def test_signed_body_that_is_not_json_is_400(
    client: httpx.AsyncClient, fake_stripe: FakeStripe
) -> None:
    from events.payments.gateway import signature_header

    body = "\xff not json"
    header = signature_header(body, fake_stripe.webhook_secret)
    answer = await client.post("/stripe/webhook", content=body.encode(), headers={"Stripe-Signature": header})
    assert answer.status_code == 400


async def test_unknown_event_type_is_acknowledged_and_writes_nothing(
    client: httpx.AsyncClient, fake_stripe: FakeStripe, app: object
) -> None:
    event = {"id": "evt_test_unknown", "object": "event", "type": "customer.created", "data": {"object": {}}}
    answer = await deliver(client, fake_stripe, event)
    assert answer.status_code == 200
    assert answer.json()["outcome"] == "ignored"
    assert await StripeEvent.all().count() == 0
