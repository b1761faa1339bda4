"""Paid orders and the fake Stripe: one published event with a paid ticket type, and the usual steps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from events.accounts.models import User
from events.catalogue.models import Event, TicketType
from events.payments.fake_stripe import FakeStripe
from events.ticketing.models import Order
from tests.factories import make_event, make_order, make_organiser, make_ticket_type


@dataclass
class Shop:
    owner: User
    event: Event
    pass_type: TicketType


@pytest.fixture
async def shop(app: object) -> Shop:
    owner = await make_organiser()
    event = await make_event(owner, published=True, capacity=20)
    pass_type = await make_ticket_type(event, name="Pass conférence", price="120.00", vat_rate="10.00")
    return Shop(owner, event, pass_type)


async def pending_order(shop: Shop, count: int = 1, **overrides: Any) -> Order:
    return await make_order(shop.event, *([shop.pass_type.id] * count), **overrides)


async def open_session(client: httpx.AsyncClient, order: Order) -> str:
    """Follow the order's payment link as the buyer's browser would; the Checkout Session's id."""
    answer = await client.get(f"/orders/{order.code}/{order.secret}/pay")
    assert answer.status_code == 303, answer.text
    found = re.search(r"/pay/(cs_test_\w+)$", answer.headers["location"])
    assert found, answer.headers["location"]
    return found.group(1)


async def deliver(
    client: httpx.AsyncClient, fake: FakeStripe, event: dict[str, Any], **signing: Any
) -> httpx.Response:
    body, header = fake.signed(event, **signing)
    return await client.post(
        "/stripe/webhook",
        content=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )
