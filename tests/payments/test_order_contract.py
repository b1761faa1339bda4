"""The Order and Ticket objects as API.md writes them: every documented field, of its documented type, in
the organiser's and the buyer's answers and in the OpenAPI document; a refund shows in `refunds`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from events.payments.fake_stripe import FakeStripe
from tests.factories import api_token, bearer
from tests.payments.conftest import Shop, deliver, open_session, pending_order

MONEY = re.compile(r"^-?\d+\.\d{2}$")
Check = Callable[[Any], bool]


def _money(value: Any) -> bool:
    return isinstance(value, str) and MONEY.match(value) is not None


def _moment(value: Any) -> bool:
    """ISO 8601 with an offset (API.md section 2)."""
    return isinstance(value, str) and datetime.fromisoformat(value).tzinfo is not None


def _url(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _or_null(check: Check) -> Check:
    return lambda value: value is None or check(value)


def _one_of(*values: str) -> Check:
    return lambda value: value in values


def _of(kind: type) -> Check:
    return lambda value: isinstance(value, kind) and not isinstance(value, bool)


def _date(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is not None


ORDER: dict[str, Check] = {
    "code": _of(str), "secret": _of(str), "event": _of(str),
    "status": _one_of("pending", "paid", "cancelled", "expired", "refunded"),
    "total": _money, "currency": _of(str), "expires_at": _or_null(_moment), "payment_url": _or_null(_url),
    "order_url": _url, "invoice_url": _or_null(_url), "buyer": _of(dict), "tickets": _of(list),
    "refunds": _of(list),
    # the billing section's
    "payment_method": _one_of("card", "invoice"), "due_date": _or_null(_date), "amount_paid": _money,
    "amount_due": _money, "documents": _of(list), "member": _or_null(_of(dict)),
}  # fmt: skip
TICKET: dict[str, Check] = {
    "id": _of(int), "ticket_type": _of(int), "attendee": _of(dict), "status": _one_of("valid", "cancelled"),
    "secret": _of(str), "qr_url": _url, "pdf_url": _url, "agenda_url": _url, "sessions": _of(list),
    "ticket_url": _url, "partnering_url": _or_null(_url), "certificate_url": _or_null(_url),
}  # fmt: skip
REFUND: dict[str, Check] = {
    "amount": _money, "status": _one_of("pending", "succeeded", "failed"), "created_at": _moment,
}  # fmt: skip
DOCUMENT: dict[str, Check] = {"type": _one_of("invoice", "credit_note"), "number": _of(str), "url": _url}


def _mismatches(name: str, value: dict[str, Any], fields: dict[str, Check], exact: bool) -> list[str]:
    problems = [f"{name}.{key}: missing" for key in fields if key not in value]
    problems += [
        f"{name}.{key}: {value[key]!r}"
        for key, check in fields.items()
        if key in value and not check(value[key])
    ]
    if exact:
        problems += [f"{name}.{key}: not documented" for key in value if key not in fields]
    return problems


def _order_mismatches(order: dict[str, Any]) -> list[str]:
    problems = _mismatches("order", order, ORDER, exact=True)
    for ticket in order["tickets"]:
        problems += _mismatches("ticket", ticket, TICKET, exact=True)
        problems += [] if all(isinstance(i, int) for i in ticket["sessions"]) else ["ticket.sessions"]
        problems += [] if isinstance(ticket["attendee"].get("name"), str) else ["ticket.attendee.name"]
    for refund in order["refunds"]:
        problems += _mismatches("refund", refund, REFUND, exact=False)
    for document in order["documents"]:
        problems += _mismatches("document", document, DOCUMENT, exact=True)
    return problems


async def _refunded_in_part(client: httpx.AsyncClient, shop: Shop, fake: FakeStripe) -> tuple[str, str]:
    order = await pending_order(shop, 2)
    await deliver(client, fake, fake.complete(await open_session(client, order)))
    token = await api_token(client, shop.owner.email)
    path = f"/api/v1/events/{shop.event.slug}/orders/{order.code}"
    refund = await client.post(f"{path}/refund", json={"amount": "40.00"}, headers=bearer(token))
    assert refund.status_code == 200, refund.text
    return order.code, order.secret


async def test_order_answers_carry_every_documented_field_with_its_type(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    code, secret = await _refunded_in_part(client, shop, fake_stripe)
    token = await api_token(client, shop.owner.email)
    organiser = (
        await client.get(f"/api/v1/events/{shop.event.slug}/orders/{code}", headers=bearer(token))
    ).json()
    buyer = (await client.get(f"/api/v1/orders/{code}/{secret}")).json()
    listed = (await client.get(f"/api/v1/events/{shop.event.slug}/orders", headers=bearer(token))).json()
    assert _order_mismatches(organiser) == []
    assert _order_mismatches(buyer) == []
    assert [_order_mismatches(order) for order in listed["orders"]] == [[]]
    assert set(organiser) == set(buyer)


async def test_a_partial_refund_is_listed_in_refunds_and_leaves_the_order_paid(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    code, secret = await _refunded_in_part(client, shop, fake_stripe)
    order = (await client.get(f"/api/v1/orders/{code}/{secret}")).json()
    assert order["status"] == "paid"
    assert [(r["amount"], r["status"]) for r in order["refunds"]] == [("40.00", "succeeded")]
    assert order["amount_paid"] == "240.00"


async def test_a_paid_order_without_refund_has_an_empty_refunds_list(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop, 1)
    await deliver(client, fake_stripe, fake_stripe.complete(await open_session(client, order)))
    answer = (await client.get(f"/api/v1/orders/{order.code}/{order.secret}")).json()
    assert answer["status"] == "paid" and answer["refunds"] == []


async def test_openapi_order_and_ticket_require_the_documented_fields(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/api/v1/openapi.json")).json()["components"]["schemas"]
    assert set(schemas["OrderOut"]["required"]) == set(ORDER)
    assert set(schemas["TicketOut"]["required"]) == set(TICKET)
    assert set(REFUND) <= set(schemas["RefundOut"]["required"])
    assert schemas["OrderStatus"]["enum"] == ["pending", "paid", "cancelled", "expired", "refunded"]
