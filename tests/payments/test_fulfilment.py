"""The money, the tickets and the invoice never disagree, whatever order Stripe's messages arrive in,
twice or never (reliability.md P2, P3, P8, R8, P6)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from events import clock
from events.invoicing.models import Invoice
from events.mail.models import OutboxMessage
from events.payments import jobs, services
from events.payments.fake_stripe import FakeStripe
from events.payments.models import Refund, StripeEvent
from events.ticketing.lifecycle import expire_holds
from events.ticketing.models import Order, Ticket
from tests.factories import make_order, make_ticket_type
from tests.payments.conftest import Shop, deliver, open_session, pending_order


async def _valid_tickets(order: Order) -> int:
    return await Ticket.filter(order_id=order.id, status="valid").count()


async def _mails(kind: str) -> int:
    return await OutboxMessage.filter(kind=kind).count()


# ---------------------------------------------------------------- duplicates


async def test_same_completed_event_ten_times_at_once_gives_one_order_one_mail_one_invoice(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop, 2)
    event = fake_stripe.complete(await open_session(client, order))
    answers = await asyncio.gather(*[deliver(client, fake_stripe, event) for _ in range(10)])
    assert [a.status_code for a in answers] == [200] * 10
    outcomes = sorted(a.json()["outcome"] for a in answers)
    assert outcomes.count("processed") == 1
    await order.refresh_from_db()
    assert order.status == "paid"
    assert await _valid_tickets(order) == 2
    assert await _mails("order_confirmation") == 1
    assert await Invoice.filter(order_id=order.id).count() == 1
    assert await StripeEvent.filter(id=event["id"]).count() == 1


async def test_webhook_racing_the_return_page_still_gives_one_invoice(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    event = fake_stripe.complete(await open_session(client, order))
    page = f"/orders/{order.code}/{order.secret}"
    await asyncio.gather(
        deliver(client, fake_stripe, event),
        *[client.get(page) for _ in range(3)],
        services.reconcile_pending(),
    )
    await order.refresh_from_db()
    assert order.status == "paid"
    assert await Invoice.filter(order_id=order.id).count() == 1
    assert await _mails("order_confirmation") == 1


async def test_second_delivery_is_acknowledged_as_duplicate(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    event = fake_stripe.complete(await open_session(client, order))
    assert (await deliver(client, fake_stripe, event)).json()["outcome"] == "processed"
    again = await deliver(client, fake_stripe, event)
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"


async def test_delivery_that_failed_midway_is_processed_when_stripe_sends_it_again(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    event = fake_stripe.complete(await open_session(client, order))
    with clock.frozen(clock.now()) as advance:
        fake_stripe.fail_next = 10  # Stripe's API is down while we handle its webhook
        first = await deliver(client, fake_stripe, event)
        assert first.status_code == 503  # Stripe will deliver it again later
        fake_stripe.fail_next = 0
        await order.refresh_from_db()
        assert order.status == "pending"
        advance(timedelta(minutes=5))
        again = await deliver(client, fake_stripe, event)
    assert again.json()["outcome"] == "processed"
    await order.refresh_from_db()
    assert order.status == "paid"


async def test_webhook_answers_fast(client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe) -> None:
    """P5: the handler records, fetches the session and decides; the PDF and the e-mail wait in the outbox."""
    timings = []
    for _ in range(10):
        order = await pending_order(shop)
        event = fake_stripe.complete(await open_session(client, order))
        started = time.perf_counter()
        answer = await deliver(client, fake_stripe, event)
        timings.append(time.perf_counter() - started)
        assert answer.json()["outcome"] == "processed"
    timings.sort()
    assert timings[int(len(timings) * 0.95) - 1] < 0.5, timings
    assert await OutboxMessage.filter(kind="order_confirmation", status="pending").count() == 10


# ---------------------------------------------------------------- any order of events


def _card_then_refund(fake: FakeStripe, sid: str) -> list[dict[str, Any]]:
    return [fake.complete(sid), fake.refund(sid)]


def _delayed_success(fake: FakeStripe, sid: str) -> list[dict[str, Any]]:
    return [fake.complete(sid, delayed=True), fake.succeed_async(sid)]


def _delayed_failure(fake: FakeStripe, sid: str) -> list[dict[str, Any]]:
    return [fake.complete(sid, delayed=True), fake.fail_async(sid)]


def _delayed_success_then_refund(fake: FakeStripe, sid: str) -> list[dict[str, Any]]:
    return [fake.complete(sid, delayed=True), fake.succeed_async(sid), fake.refund(sid)]


def _abandoned(fake: FakeStripe, sid: str) -> list[dict[str, Any]]:
    return [fake.expire(sid)]


Story = Callable[[FakeStripe, str], list[dict[str, Any]]]
STORIES: list[tuple[Story, int, str, int]] = [
    # what happens at Stripe, how many events it sends, the order's final state, its valid tickets
    (_card_then_refund, 2, "refunded", 0),
    (_delayed_success, 2, "paid", 2),
    (_delayed_failure, 2, "cancelled", 0),
    (_delayed_success_then_refund, 3, "refunded", 0),
    (_abandoned, 1, "expired", 0),
]
CASES = [
    pytest.param(
        story, final, valid, ordering, id=f"{story.__name__.strip('_')}-{''.join(map(str, ordering))}"
    )
    for story, events, final, valid in STORIES
    for ordering in itertools.permutations(range(events))
]


@pytest.mark.parametrize(("story", "final", "valid", "ordering"), CASES)
async def test_every_ordering_of_events_ends_as_stripe_holds_it(
    client: httpx.AsyncClient,
    shop: Shop,
    fake_stripe: FakeStripe,
    story: Story,
    final: str,
    valid: int,
    ordering: tuple[int, ...],
) -> None:
    order = await pending_order(shop, 2)
    events = story(fake_stripe, await open_session(client, order))
    for index in ordering:
        answer = await deliver(client, fake_stripe, events[index])
        assert answer.status_code == 200, answer.text
        await order.refresh_from_db()
        assert order.status == final  # Stripe already holds its final state: never "paid" after a refund
    assert await _valid_tickets(order) == valid
    documents = await Invoice.filter(order_id=order.id)
    assert sum(d.total_incl_cents for d in documents) == (order.total_cents if final == "paid" else 0)
    assert await _mails("order_confirmation") <= 1
    if final == "cancelled":
        assert await _mails("payment_failed") == 1


# ---------------------------------------------------------------- lost webhooks


async def test_lost_webhook_the_return_page_marks_the_order_paid(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    session_id = await open_session(client, order)
    fake_stripe.complete(session_id)  # paid at Stripe; the webhook never arrives
    page = await client.get(f"/orders/{order.code}/{order.secret}?session_id={session_id}")
    assert page.status_code == 200
    await order.refresh_from_db()
    assert order.status == "paid"
    invoice = await Invoice.get(order_id=order.id)
    assert invoice.number in page.text


async def test_lost_webhook_one_run_of_the_reconciliation_job_marks_the_order_paid(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    paid_at_stripe = await pending_order(shop)
    still_open = await pending_order(shop)
    fake_stripe.complete(await open_session(client, paid_at_stripe))
    await open_session(client, still_open)
    assert await jobs.reconcile() == 1
    await paid_at_stripe.refresh_from_db()
    await still_open.refresh_from_db()
    assert paid_at_stripe.status == "paid"
    assert still_open.status == "pending"
    assert await _mails("order_confirmation") == 1


# ---------------------------------------------------------------- holds and late payments


async def test_lapsed_hold_expires_the_stripe_session_through_the_api(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    with clock.frozen(clock.now()) as advance:
        order = await pending_order(shop)
        session_id = await open_session(client, order)
        assert await jobs.expire_checkout_sessions() == 0  # the hold still runs
        advance(timedelta(minutes=16))
        assert await jobs.expire_checkout_sessions() == 1
        assert await jobs.expire_checkout_sessions() == 0  # once
    assert fake_stripe.sessions[session_id]["status"] == "expired"
    expiring = [r for r in fake_stripe.requests if r.path.endswith("/expire")]
    assert len(expiring) == 1 and expiring[0].idempotency_key
    await order.refresh_from_db()
    assert order.status == "expired"
    assert await _valid_tickets(order) == 0


async def test_session_outlives_the_hold_as_stripe_requires(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    order = await pending_order(shop)
    session_id = await open_session(client, order)
    assert order.expires_at is not None
    assert fake_stripe.sessions[session_id]["expires_at"] >= time.time() + 30 * 60
    assert fake_stripe.sessions[session_id]["expires_at"] > order.expires_at.timestamp()


async def test_late_payment_is_accepted_when_places_remain(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    with clock.frozen(clock.now()) as advance:
        order = await pending_order(shop)
        session_id = await open_session(client, order)
        advance(timedelta(minutes=20))
        assert await expire_holds() == 1
        await order.refresh_from_db()
        assert order.status == "expired"
        answer = await deliver(client, fake_stripe, fake_stripe.complete(session_id))
    assert answer.status_code == 200
    await order.refresh_from_db()
    assert order.status == "paid"
    assert await _valid_tickets(order) == 1
    assert await Refund.all().count() == 0


async def test_late_payment_into_a_sold_out_event_is_refunded_automatically(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    last = await make_ticket_type(
        shop.event, name="Dîner de gala", price="80.00", vat_rate="20.00", capacity=1
    )
    with clock.frozen(clock.now()) as advance:
        late = await make_order(shop.event, last.id)
        session_id = await open_session(client, late)
        advance(timedelta(minutes=20))
        await expire_holds()
        rival = await make_order(shop.event, last.id)  # takes the place that came back
        fake_stripe.complete(await open_session(client, rival))
        await services.reconcile_pending()
        answer = await deliver(client, fake_stripe, fake_stripe.complete(session_id))
    assert answer.status_code == 200
    await late.refresh_from_db()
    await rival.refresh_from_db()
    assert (late.status, rival.status) == ("refunded", "paid")
    sold = await Ticket.filter(ticket_type_id=last.id, status="valid", order__status="paid").count()
    assert sold == 1  # sold <= capacity
    refunds = [r for r in fake_stripe.requests if r.path == "/v1/refunds" and r.method == "POST"]
    assert len(refunds) == 1
    assert refunds[0].idempotency_key == f"order-{late.id}-late-payment"
    assert int(refunds[0].params["amount"]) == late.total_cents
    assert await _mails("late_payment_refunded") == 1
    assert await _mails("payment_alert") == 1
    assert await Invoice.filter(order_id=late.id).count() == 0


async def test_payment_for_an_order_the_organiser_cancelled_is_refunded(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    from events.ticketing.lifecycle import cancel_by_organiser

    order = await pending_order(shop)
    session_id = await open_session(client, order)
    await cancel_by_organiser(shop.owner, order)
    await deliver(client, fake_stripe, fake_stripe.complete(session_id))
    await order.refresh_from_db()
    assert order.status == "refunded"
    assert await _valid_tickets(order) == 0


async def test_payment_made_just_before_the_session_is_expired_is_honoured(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    with clock.frozen(clock.now()) as advance:
        order = await pending_order(shop)
        session_id = await open_session(client, order)
        advance(timedelta(minutes=16))
        fake_stripe.complete(session_id)  # the buyer paid; our expiry comes a second too late
        assert await jobs.expire_checkout_sessions() == 1
    await order.refresh_from_db()
    assert order.status == "paid"


# ---------------------------------------------------------------- amounts come from the server


@pytest.mark.parametrize("tampered", [{"amount_total": 100}, {"currency": "usd"}])
async def test_session_that_differs_from_the_order_confirms_nothing_and_alerts_the_organiser(
    client: httpx.AsyncClient, shop: Shop, fake_stripe: FakeStripe, tampered: dict[str, Any]
) -> None:
    order = await pending_order(shop)
    session_id = await open_session(client, order)
    fake_stripe.tamper(session_id, **tampered)
    event = fake_stripe.complete(session_id)
    await deliver(client, fake_stripe, event)
    await deliver(client, fake_stripe, {**event, "id": event["id"] + "_again"})
    await order.refresh_from_db()
    assert order.status == "pending"
    assert order.needs_attention
    assert await Invoice.filter(order_id=order.id).count() == 0
    assert await _mails("order_confirmation") == 0
    alerts = await OutboxMessage.filter(kind="payment_alert")
    assert [m.to_address for m in alerts] == [shop.owner.email]
