"""Paying for an order through Stripe Checkout, and keeping our orders in step with what Stripe holds.

Stripe's messages may arrive late, twice, out of order or never. So none of them is trusted as such:
whatever tells us something happened (the webhook, the buyer's return to the order page, the worker's
reconciliation) fetches the Checkout Session again and calls the one idempotent `fulfil`, which moves
the order to the state Stripe holds, under the event's lock (`locks.lock_order`):

    Stripe says                              the order becomes
    complete + paid                          paid (tickets valid, invoice, confirmation)
      … after the hold lapsed                paid if places remain, else refunded automatically
      … for a cancelled order                refunded automatically
      … amount or currency not the order's   unchanged, flagged for the organiser, who is alerted
    complete + unpaid, intent processing     pending (a delayed method, e.g. a bank debit)
    complete + unpaid, intent failed         cancelled (no ticket), the buyer is told
    expired                                  expired (its places go back)
    refunds on the charge                    recorded once each; credit notes; refunded when full

Our hold (15 minutes by default) is shorter than the shortest session Stripe allows (30), so a session
is created to end after the hold, and the worker expires it through the API when the hold lapses. A
delayed method (a bank debit) that succeeds after the hold lapsed is a late payment like any other.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from events import clock
from events.catalogue.models import Event, TicketType
from events.catalogue.offer_schemas import money
from events.errors import N_, OrderNotPayable, PaymentProviderUnavailable
from events.i18n import gettext, use_locale
from events.invoicing import services as invoicing
from events.payments import gateway, notices, refunds
from events.payments.gateway import CheckoutSession, GatewayError, LineItem, WebhookEvent
from events.payments.locks import lock_order
from events.payments.models import Refund, StripeEvent
from events.ticketing import lifecycle
from events.ticketing.availability import remaining, usage
from events.ticketing.confirmation import after_paid
from events.ticketing.models import Order, OrderStatus, Ticket, TicketStatus
from events.ticketing.order_schemas import order_url, pay_url
from events.web.pagecache import public_pages

logger = logging.getLogger(__name__)

STRIPE_MINIMUM_SESSION = timedelta(minutes=30)
SESSION_MARGIN = timedelta(minutes=1)
EVENT_LEASE = timedelta(seconds=30)
"""A delivery whose processing has not finished after this long may be taken over by a redelivery."""


# ---------------------------------------------------------------- the payment page


def _line_items(order: Order, tickets: list[Ticket], types: dict[int, TicketType]) -> list[LineItem]:
    """What Stripe shows, from our own prices: one line per type and price paid."""
    counts: Counter[tuple[str, int]] = Counter()
    for ticket in tickets:
        counts[(types[ticket.ticket_type_id].name, ticket.price_cents - ticket.discount_cents)] += 1
    lines = [LineItem(name, amount, n) for (name, amount), n in sorted(counts.items()) if amount > 0]
    if sum(line.unit_amount * line.quantity for line in lines) != order.total_cents:
        with use_locale(order.locale):
            lines = [LineItem(gettext(N_("Order {code}"), code=order.code), order.total_cents, 1)]
    return lines


def _payable(order: Order) -> bool:
    return (
        order.status == OrderStatus.PENDING
        and order.total_cents > 0
        and order.expires_at is not None
        and order.expires_at > clock.now()
    )


async def checkout_url(order: Order) -> str:
    """Where the buyer pays: the order's open Checkout Session, made on first use.

    Creating it is idempotent (the key names the order and the session it replaces), so two clicks at
    once lead to one session. Once paid, the answer is the order page itself.
    """
    if order.stripe_session_id and order.stripe_session_closed_at is None:
        session = await gateway.retrieve_checkout_session(order.stripe_session_id)
        if session.status == "open" and session.url and _payable(order):
            return session.url
        if session.status != "open":
            await apply(session)
            await order.refresh_from_db()
    waiting = order.status == OrderStatus.PENDING and order.stripe_session_closed_at is not None
    if order.status == OrderStatus.PAID or waiting:  # paid, or a delayed payment on its way
        return order_url(order)
    if not _payable(order):
        raise OrderNotPayable()
    return await _new_checkout_session(order)


async def _new_checkout_session(order: Order) -> str:
    event = await Event.get(id=order.event_id)
    tickets = await Ticket.filter(order_id=order.id).order_by("id")
    types = {t.id: t for t in await TicketType.filter(event_id=event.id)}
    assert order.expires_at is not None
    previous = order.stripe_session_id
    session = await gateway.create_checkout_session(
        order_code=order.code,
        lines=_line_items(order, tickets, types),
        currency=order.currency,
        email=order.buyer_email,
        locale=order.locale,
        success_url=f"{order_url(order)}?session_id={{CHECKOUT_SESSION_ID}}",
        cancel_url=order_url(order),
        expires_at=max(order.expires_at, clock.now() + STRIPE_MINIMUM_SESSION) + SESSION_MARGIN,
        idempotency_key=f"order-{order.id}-session-after-{previous or 'none'}",
    )
    query = Order.filter(id=order.id)
    query = query.filter(stripe_session_id=previous) if previous else query.filter(stripe_session_id=None)
    await query.update(stripe_session_id=session.id, stripe_session_closed_at=None)
    await order.refresh_from_db()
    if order.stripe_session_id != session.id:  # another click won the race with another session
        return await checkout_url(order)
    if not session.url:
        raise PaymentProviderUnavailable()
    return session.url


# ---------------------------------------------------------------- fulfilment


async def fulfil(session_id: str) -> Order | None:
    """Bring our order in line with this Checkout Session as Stripe holds it now. Idempotent."""
    return await apply(await gateway.retrieve_checkout_session(session_id))


async def apply(session: CheckoutSession) -> Order | None:
    order = await Order.get_or_none(code=session.order_code) if session.order_code else None
    if order is None:
        logger.warning("stripe: session %s names no order of ours (%r)", session.id, session.order_code)
        return None
    made = (
        await gateway.list_refunds(session.payment_intent)
        if session.amount_refunded and session.payment_intent
        else []
    )
    to_push: Refund | None = None
    async with in_transaction():
        order = await lock_order(order)
        await _note_checkout_session(order, session)
        if session.paid:
            to_push = await _accept(order, session)
            if session.payment_intent == order.stripe_payment_intent:
                await refunds.sync(order, made)
        elif session.failed:
            await _fail(order, session)
        elif session.expired:
            await _expire(order, session)
    if to_push is not None:
        await refunds.push(to_push)
    return await Order.get(id=order.id).select_related("event")


async def _note_checkout_session(order: Order, session: CheckoutSession) -> None:
    fields: dict[str, object] = {}
    if order.stripe_session_id is None:
        fields["stripe_session_id"] = session.id
    if session.payment_intent and order.stripe_payment_intent is None:
        fields["stripe_payment_intent"] = session.payment_intent
    current = order.stripe_session_id in (None, session.id)
    if current and session.status in ("complete", "expired") and order.stripe_session_closed_at is None:
        fields["stripe_session_closed_at"] = clock.now()
    if fields:
        await Order.filter(id=order.id).update(**fields)
        for name, value in fields.items():
            setattr(order, name, value)


def _mismatch(order: Order, session: CheckoutSession) -> bool:
    return session.amount_total != order.total_cents or session.currency != order.currency.upper()


async def _accept(order: Order, session: CheckoutSession) -> Refund | None:
    """Stripe holds a payment for this order: confirm it, or refund it when we cannot honour it."""
    event = await Event.get(id=order.event_id)
    if session.payment_intent != order.stripe_payment_intent:  # a second payment for one order
        await _flag(order, event, session, notices.ALERT_DOUBLE_PAYMENT)
        return None
    if order.status in (OrderStatus.PAID, OrderStatus.REFUNDED):
        return None
    if _mismatch(order, session):
        await _flag(order, event, session, notices.ALERT_MISMATCH)
        return None
    if session.amount_refunded >= order.total_cents:  # refunded at Stripe before we ever confirmed it
        return None
    if order.status == OrderStatus.PENDING and _payable(order):
        await _mark_paid(order)
        return None
    if order.status != OrderStatus.CANCELLED and await _places_left_for(order, event):
        await _mark_paid(order)
        return None
    reason = N_("Order cancelled") if order.status == OrderStatus.CANCELLED else N_("Late payment, sold out")
    refund = await refunds.late_payment_refund(order, order.total_cents, reason)
    await lifecycle.release(
        order, order.status if order.status != OrderStatus.PENDING else OrderStatus.EXPIRED
    )
    await notices.late_payment_refunded(order, event, refund.amount_cents)
    await notices.alert_organisers(
        order, event, notices.ALERT_LATE_REFUND, order.code, amount=refund.amount_cents
    )
    return refund


async def _places_left_for(order: Order, event: Event) -> bool:
    """Under the event's lock: would this late order fit beside every place taken now?"""
    wanted = Counter(t.ticket_type_id for t in await Ticket.filter(order_id=order.id))
    used = await usage(event.id)  # a lapsed or expired order's own tickets are not counted in it
    types = {t.id: t for t in await TicketType.filter(id__in=list(wanted))}
    for type_id, count in sorted(wanted.items()):
        left = remaining(event, types[type_id], used)
        if left is not None and left < count:
            return False
        used.by_type[type_id] += count
    return True


async def _mark_paid(order: Order) -> None:
    order.status = OrderStatus.PAID
    order.paid_at = clock.now()
    order.cancelled_at = None
    await order.save(update_fields=["status", "paid_at", "cancelled_at", "updated_at"])
    await Ticket.filter(order_id=order.id).update(status=TicketStatus.VALID)
    await after_paid(order)  # the invoice, numbered in this transaction, and the confirmation
    public_pages.clear()


async def _flag(order: Order, event: Event, session: CheckoutSession, alert: str) -> None:
    reason = f"{alert}:{session.id}"[:200]
    if order.needs_attention and order.attention_reason == reason:
        return
    order.needs_attention = True
    order.attention_reason = reason
    await order.save(update_fields=["needs_attention", "attention_reason", "updated_at"])
    logger.error(
        "stripe: session %s paid %s %s for order %s of %s %s",
        session.id, session.amount_total, session.currency, order.code, order.total_cents, order.currency,
    )  # fmt: skip
    await notices.alert_organisers(
        order, event, alert, f"{order.code}:{session.id}",
        paid_amount=session.amount_total or 0, paid_currency=session.currency,
    )  # fmt: skip


async def _fail(order: Order, session: CheckoutSession) -> None:
    if order.status != OrderStatus.PENDING or order.stripe_session_id != session.id:
        return
    await lifecycle.release(order, OrderStatus.CANCELLED)
    await notices.payment_failed(order, await Event.get(id=order.event_id))


async def _expire(order: Order, session: CheckoutSession) -> None:
    if order.status == OrderStatus.PENDING and order.stripe_session_id == session.id:
        await lifecycle.release(order, OrderStatus.EXPIRED)


# ---------------------------------------------------------------- the webhook


async def handle_webhook(event: WebhookEvent) -> str:
    """processed | duplicate | ignored. The event id is recorded before anything else is done."""
    if event.type not in gateway.HANDLED_EVENTS or not event.id:
        return "ignored"
    if not await _claim(event):
        return "duplicate"
    session_id: str | None = event.object_id
    if event.type == "charge.refunded":
        session_id = await _checkout_session_of_payment(event.payment_intent)
    if session_id:
        await fulfil(session_id)
    await StripeEvent.filter(id=event.id).update(processed_at=clock.now())
    return "processed"


async def _claim(event: WebhookEvent) -> bool:
    now = clock.now()
    try:
        async with in_transaction():
            await StripeEvent.create(
                id=event.id, type=event.type, object_id=event.object_id[:255], received_at=now
            )
        return True
    except IntegrityError:
        # Delivered before: take it over only when that delivery never finished and is not in flight.
        taken = await StripeEvent.filter(
            id=event.id, processed_at__isnull=True, received_at__lt=now - EVENT_LEASE
        ).update(received_at=now)
        return bool(taken)


async def _checkout_session_of_payment(payment_intent: str | None) -> str | None:
    if not payment_intent:
        return None
    order = await Order.get_or_none(stripe_payment_intent=payment_intent)
    if order is not None and order.stripe_session_id:
        return order.stripe_session_id
    session = await gateway.checkout_session_for_payment_intent(payment_intent)
    return session.id if session else None


# ---------------------------------------------------------------- reconciliation


async def reconcile_on_return(order: Order) -> Order:
    """The order page: a buyer back from Stripe sees the truth, even if the webhook was lost."""
    if order.stripe_session_id is None or order.status not in (OrderStatus.PENDING, OrderStatus.EXPIRED):
        return order
    if order.status == OrderStatus.EXPIRED and order.stripe_session_closed_at is not None:
        return order
    try:
        found = await fulfil(order.stripe_session_id)
    except (PaymentProviderUnavailable, GatewayError):
        logger.warning("stripe: could not reconcile order %s on its page", order.code)
        return order
    return found or order


async def reconcile_pending(limit: int = 100) -> int:
    """Worker: every pending order with a session is compared with Stripe (lost webhooks)."""
    changed = 0
    pending = (
        await Order.filter(status=OrderStatus.PENDING, stripe_session_id__isnull=False)
        .order_by("id")
        .limit(limit)
    )
    for order in pending:
        assert order.stripe_session_id is not None
        found = await fulfil(order.stripe_session_id)
        changed += int(found is not None and found.status != OrderStatus.PENDING)
    return changed


async def expire_lapsed_checkout_sessions(limit: int = 50) -> int:
    """Worker: close at Stripe the sessions of orders whose hold lapsed (or that were cancelled)."""
    now = clock.now()
    lapsed = (
        await Order.filter(stripe_session_id__isnull=False, stripe_session_closed_at__isnull=True)
        .filter(
            Q(status__in=[OrderStatus.EXPIRED, OrderStatus.CANCELLED])
            | Q(status=OrderStatus.PENDING, expires_at__lte=now)
        )
        .order_by("id")
        .limit(limit)
    )
    closed = 0
    for order in lapsed:
        assert order.stripe_session_id is not None
        try:
            session = await gateway.expire_checkout_session(
                order.stripe_session_id, idempotency_key=f"expire-{order.stripe_session_id}"
            )
        except GatewayError:  # no longer open: paid just in time, or already expired
            session = await gateway.retrieve_checkout_session(order.stripe_session_id)
        await apply(session)
        closed += 1
    return closed


# ---------------------------------------------------------------- what the order page shows


async def payment_view(order: Order) -> dict[str, object]:
    documents = await invoicing.order_documents(order)
    made = await Refund.filter(order_id=order.id).order_by("id")
    refundable = await refunds.refundable_cents(order)
    return {
        "pay_url": pay_url(order),
        "payable": _payable(order) and order.stripe_session_closed_at is None,
        "processing": order.status == OrderStatus.PENDING and order.stripe_session_closed_at is not None,
        "invoice": next((d for d in documents if d.kind == "invoice"), None),
        "credit_notes": [d for d in documents if d.kind == "credit_note"],
        "documents": documents,
        "refunds": [
            {
                "amount_cents": r.amount_cents,
                "status": str(r.status),
                "reason": gettext(r.reason) if r.reason else "",
                "created_at": r.created_at,
            }
            for r in made
        ],
        "refunded_cents": order.refunded_cents,
        "refundable_cents": refundable,
        "refundable": money(refundable),
        "refund_key": refunds.new_key(),
    }
