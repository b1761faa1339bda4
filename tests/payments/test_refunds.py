"""Refunds from the dashboard, the API and Stripe itself: full or partial, once per key, with a credit
note; a refunded or cancelled ticket stops being valid at the door."""

from __future__ import annotations

import httpx
import pytest

from events.invoicing.models import Invoice
from events.mail.models import OutboxMessage
from events.payments import jobs
from events.payments.fake_stripe import FakeStripe
from events.payments.models import Refund
from events.ticketing.models import Order, Ticket
from tests.factories import api_token, bearer, csrf_from, login, make_event, make_organiser
from tests.payments.conftest import Shop, deliver, open_session, pending_order


async def _paid(client: httpx.AsyncClient, shop: Shop, fake: FakeStripe, count: int = 2) -> Order:
    order = await pending_order(shop, count)
    await deliver(client, fake, fake.complete(await open_session(client, order)))
    await order.refresh_from_db()
    assert order.status == "paid"
    return order


def _stripe_refunds(fake: FakeStripe) -> list[dict]:
    return list(fake.refunds.values())


async def _refund(
    client: httpx.AsyncClient, shop: Shop, order: Order, amount: str, **headers: str
) -> httpx.Response:
    token = await api_token(client, shop.owner.email)
    path = f"/api/v1/events/{shop.event.slug}/orders/{order.code}/refund"
    return await client.post(path, json={"amount": amount}, headers={**bearer(token), **headers})


async def test_full_refund_cancels_the_tickets_and_issues_a_credit_note(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    answer = await _refund(client, shop, order, "240.00")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "refunded"
    assert answer.json()["refund"] == {
        "id": answer.json()["refund"]["id"],
        "amount": "240.00",
        "status": "succeeded",
    }
    assert {t["status"] for t in answer.json()["tickets"]} == {"cancelled"}
    invoice = await Invoice.get(order_id=order.id, kind="invoice")
    note = await Invoice.get(order_id=order.id, kind="credit_note")
    assert note.credited_invoice_id == invoice.id  # type: ignore[attr-defined]
    assert note.number != invoice.number
    assert note.total_incl_cents == -invoice.total_incl_cents
    assert [r["amount"] for r in _stripe_refunds(fake_stripe)] == [24000]


async def test_partial_refund_keeps_the_tickets_then_the_rest_refunds_the_order(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    first = await _refund(client, shop, order, "40.00")
    assert first.json()["status"] == "paid"
    assert {t["status"] for t in first.json()["tickets"]} == {"valid"}
    await order.refresh_from_db()
    assert order.refunded_cents == 4000
    second = await _refund(client, shop, order, "200.00")
    assert second.json()["status"] == "refunded"
    notes = await Invoice.filter(order_id=order.id, kind="credit_note").order_by("sequence")
    assert [n.total_incl_cents for n in notes] == [-4000, -20000]
    invoice = await Invoice.get(order_id=order.id, kind="invoice")
    assert invoice.total_incl_cents + sum(n.total_incl_cents for n in notes) == 0
    assert invoice.total_vat_cents + sum(n.total_vat_cents for n in notes) == 0


async def test_same_idempotency_key_twice_makes_one_refund(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    first = await _refund(client, shop, order, "50.00", **{"Idempotency-Key": "refund-42"})
    second = await _refund(client, shop, order, "50.00", **{"Idempotency-Key": "refund-42"})
    assert first.json()["refund"]["id"] == second.json()["refund"]["id"]
    assert len(_stripe_refunds(fake_stripe)) == 1
    await order.refresh_from_db()
    assert order.refunded_cents == 5000


async def test_refund_beyond_what_was_paid_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    await _refund(client, shop, order, "200.00")
    answer = await _refund(client, shop, order, "40.01")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "refund_not_possible"
    assert answer.json()["error"]["details"] == {"refundable": "40.00"}
    assert await Refund.all().count() == 1


@pytest.mark.parametrize("amount", ["0", "-5.00", "abc", "1.234", None])
async def test_refund_amount_must_be_a_positive_sum(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe, amount: str | None
) -> None:
    order = await _paid(client, shop, fake_stripe)
    answer = await _refund(client, shop, order, amount)  # type: ignore[arg-type]
    assert answer.status_code == 422
    assert "amount" in answer.json()["error"]["details"]
    assert await Refund.all().count() == 0


async def test_unpaid_order_cannot_be_refunded(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    answer = await _refund(client, shop, order, "10.00")
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "refund_not_possible"


async def test_another_organisations_order_is_404(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    stranger = await make_organiser()
    await make_event(stranger, published=True)
    token = await api_token(client, stranger.email)
    path = f"/api/v1/events/{shop.event.slug}/orders/{order.code}/refund"
    answer = await client.post(path, json={"amount": "10.00"}, headers=bearer(token))
    assert answer.status_code == 404
    assert await Refund.all().count() == 0


async def test_refund_made_in_stripes_dashboard_is_recorded_once(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    session_id = order.stripe_session_id
    assert session_id
    event = fake_stripe.refund(session_id, 12000)
    await deliver(client, fake_stripe, event)
    await deliver(client, fake_stripe, {**event, "id": event["id"] + "_resent"})
    await order.refresh_from_db()
    assert order.status == "paid"
    assert order.refunded_cents == 12000
    assert await Refund.filter(order_id=order.id, status="succeeded").count() == 1
    assert await Invoice.filter(order_id=order.id, kind="credit_note").count() == 1
    assert await OutboxMessage.filter(kind="refund_issued").count() == 1


async def test_our_own_refund_announced_by_stripe_is_not_counted_twice(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    await _refund(client, shop, order, "30.00")
    announced = fake_stripe.events[-1]
    assert announced["type"] == "charge.refunded"
    await deliver(client, fake_stripe, announced)
    await order.refresh_from_db()
    assert order.refunded_cents == 3000
    assert await Refund.all().count() == 1
    assert await Invoice.filter(kind="credit_note").count() == 1


async def test_refund_asked_while_stripe_is_down_is_pushed_later_with_the_same_key(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    from datetime import timedelta

    from events import clock

    order = await _paid(client, shop, fake_stripe)
    fake_stripe.fail_next = 100
    with clock.frozen(clock.now()) as advance:
        answer = await _refund(client, shop, order, "60.00")
        assert answer.json()["refund"]["status"] == "pending"
        fake_stripe.fail_next = 0
        advance(timedelta(minutes=2))
        assert await jobs.push_refunds() == 1
    refund = await Refund.get(order_id=order.id)
    assert refund.status == "succeeded"
    keys = {r.idempotency_key for r in fake_stripe.requests if r.path == "/v1/refunds" and r.method == "POST"}
    assert keys == {refund.idempotency_key}
    assert len(_stripe_refunds(fake_stripe)) == 1


async def test_cancel_with_refund_refunds_everything_and_revokes_the_tickets(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    token = await api_token(client, shop.owner.email)
    path = f"/api/v1/events/{shop.event.slug}/orders/{order.code}/cancel"
    answer = await client.post(path, json={"refund": True}, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "refunded"
    assert await Ticket.filter(order_id=order.id, status="valid").count() == 0
    assert [r["amount"] for r in _stripe_refunds(fake_stripe)] == [24000]


async def test_cancel_without_refund_keeps_the_money(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    token = await api_token(client, shop.owner.email)
    path = f"/api/v1/events/{shop.event.slug}/orders/{order.code}/cancel"
    answer = await client.post(path, json={"refund": False}, headers=bearer(token))
    assert answer.json()["status"] == "cancelled"
    assert _stripe_refunds(fake_stripe) == []
    assert (await client.post(path, json={"refund": "maybe"}, headers=bearer(token))).status_code == 422


async def test_refunded_ticket_is_not_valid_at_the_door(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe, count=1)
    ticket = await Ticket.get(order_id=order.id)
    await _refund(client, shop, order, "120.00")
    token = await api_token(client, shop.owner.email)
    scan = await client.post(
        f"/api/v1/events/{shop.event.slug}/checkin", json={"secret": ticket.secret}, headers=bearer(token)
    )
    assert scan.status_code == 200, scan.text
    assert scan.json()["status"] == "cancelled"


async def test_dashboard_refund_form_needs_the_csrf_token_and_refunds_once(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    await login(client, shop.owner.email)
    token = await csrf_from(client, "/dashboard")
    path = f"/dashboard/events/{shop.event.slug}/orders/{order.code}/refund"
    form = {"amount": "25.00", "reason": "Dîner annulé", "idempotency_key": "form-1", "confirm": "on"}
    assert (await client.post(path, data=form)).status_code == 403
    for _ in range(2):  # a double click
        answer = await client.post(path, data={**form, "csrf_token": token})
        assert answer.status_code == 303
    assert len(_stripe_refunds(fake_stripe)) == 1
    refund = await Refund.get(order_id=order.id)
    assert (refund.amount_cents, refund.reason) == (2500, "Dîner annulé")
    bad = await client.post(
        path, data={**form, "amount": "-1", "idempotency_key": "form-2", "csrf_token": token}
    )
    assert bad.status_code == 422


async def test_attendee_cancelling_a_paid_order_is_refunded_in_full(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await _paid(client, shop, fake_stripe)
    answer = await client.post(f"/api/v1/orders/{order.code}/{order.secret}/cancel")
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "refunded"
    assert {t["status"] for t in answer.json()["tickets"]} == {"cancelled"}
    assert [r["amount"] for r in _stripe_refunds(fake_stripe)] == [24000]
    again = await client.post(f"/api/v1/orders/{order.code}/{order.secret}/cancel")
    assert again.status_code == 409
    assert [r["amount"] for r in _stripe_refunds(fake_stripe)] == [24000]
