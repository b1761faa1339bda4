"""Refunds: asked by the organiser (dashboard, API), made automatically (a late payment into a full
event), or made at Stripe and learnt from `charge.refunded`.

A refund's life:

    pending ──Stripe accepted──▶ succeeded      (credit note issued, order refunded once fully)
       └──────Stripe refused───▶ failed

A refund is first a `Refund` row, written in the transaction that decided it, with its idempotency key;
only then is Stripe asked, with that key, outside any transaction. A crash or a Stripe outage in
between leaves a pending row that the worker pushes again with the same key, so Stripe makes one refund,
never two, and a refund is never forgotten. Our key also rides in the refund's metadata, so when Stripe
tells us about it (`charge.refunded`) before we recorded its answer, the row is recognised, not doubled.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from events import clock
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event
from events.catalogue.offer_schemas import money
from events.errors import N_, Invalid, OrderNotChangeable, PaymentProviderUnavailable, RefundNotPossible
from events.i18n import gettext
from events.invoicing import services as invoicing
from events.payments import gateway, notices
from events.payments.gateway import GatewayError, StripeRefund
from events.payments.locks import lock_order
from events.payments.models import Refund, RefundStatus
from events.ticketing import lifecycle
from events.ticketing import notices as ticket_notices
from events.ticketing.models import Order, OrderStatus

logger = logging.getLogger(__name__)

KEY_LENGTH = 120
_COMMITTED = (RefundStatus.PENDING, RefundStatus.SUCCEEDED)


@dataclass(frozen=True)
class RefundRequest:
    amount: int
    key: str
    reason: str = ""
    cancel: bool = False


def new_key() -> str:
    return f"refund-{uuid.uuid4()}"


def organiser_key(organisation_id: int, given: str | None) -> str:
    """The caller's idempotency key, kept apart from every other organisation's."""
    if not given:
        return new_key()
    return f"org{organisation_id}-{given.strip()}"[:KEY_LENGTH]


async def committed_cents(order: Order) -> int:
    """What is refunded or on its way back."""
    return sum(r.amount_cents for r in await Refund.filter(order_id=order.id, status__in=_COMMITTED))


async def refundable_cents(order: Order) -> int:
    if order.status not in (OrderStatus.PAID, OrderStatus.CANCELLED) or not order.stripe_payment_intent:
        return 0
    return max(0, order.total_cents - await committed_cents(order))


# ---------------------------------------------------------------- asking for a refund


async def refund_order(user: User | None, order: Order, request: RefundRequest) -> Refund:
    """A full or partial refund of a paid order (and its cancellation, when asked)."""
    if request.amount <= 0:
        raise Invalid({"amount": gettext(N_("Enter an amount above zero."))})
    async with in_transaction():
        existing = await Refund.get_or_none(idempotency_key=request.key)
        if existing is not None:
            if existing.order_id != order.id:
                raise RefundNotPossible()
            return existing  # the same request again: its first answer
        order = await lock_order(order)
        await _check_refundable(order, request.amount)
        refund = await Refund.create(
            order_id=order.id,
            amount_cents=request.amount,
            reason=request.reason[:200],
            idempotency_key=request.key,
            status=RefundStatus.PENDING,
        )
        before = {"status": str(order.status)}
        if request.cancel:
            await lifecycle.release(order, OrderStatus.CANCELLED)
            await ticket_notices.order_cancelled(
                order, order.event, by_organiser=user is not None, refund_cents=request.amount
            )
        await audit.record(
            user, order.event.organisation_id, "order.refund_requested", "order", order.code,
            before=before, after={"status": str(order.status), "refund": money(request.amount)},
        )  # fmt: skip
    await push(refund)
    await refund.refresh_from_db()
    return refund


async def cancel_by_attendee(order: Order) -> Order:
    """The buyer's own cancellation, where the event allows it: a paid order is refunded in full."""
    left = await refundable_cents(order) if order.status == OrderStatus.PAID else 0
    if left == 0:
        return await lifecycle.cancel_by_attendee(order)
    event = await Event.get(id=order.event_id)
    if not event.allow_self_cancel or event.starts_at <= clock.now():
        raise OrderNotChangeable()
    request = RefundRequest(
        left,
        f"order-{order.id}-self-cancel",
        N_("Cancelled by the attendee"),
        cancel=True,
    )
    await refund_order(None, order, request)
    return await Order.get(id=order.id).select_related("event")


async def _check_refundable(order: Order, amount: int) -> None:
    if order.status != OrderStatus.PAID or not order.stripe_payment_intent:
        raise RefundNotPossible()
    left = order.total_cents - await committed_cents(order)
    if amount > left:
        raise RefundNotPossible(details={"refundable": money(max(0, left))})


async def cancel_order(user: User, order: Order, refund: bool, key: str) -> Order:
    """The organiser's cancellation, refunding what was paid when asked (and when there is any)."""
    if refund and order.status == OrderStatus.PAID and await refundable_cents(order) > 0:
        return await cancel_with_refund(user, order, key)
    return await lifecycle.cancel_by_organiser(user, order)


async def cancel_with_refund(user: User, order: Order, key: str) -> Order:
    """The organiser cancels a paid order and gives back everything not yet refunded."""
    left = await refundable_cents(order)
    if order.status != OrderStatus.PAID or left <= 0:
        raise RefundNotPossible()
    await refund_order(user, order, RefundRequest(left, key, N_("Order cancelled"), cancel=True))
    return await Order.get(id=order.id).select_related("event")


async def late_payment_refund(order: Order, amount: int, reason: str) -> Refund:
    """Inside the deciding transaction: the refund of a payment we cannot accept (one per order)."""
    key = f"order-{order.id}-late-payment"
    existing = await Refund.get_or_none(idempotency_key=key)
    if existing is not None:
        return existing
    return await Refund.create(
        order_id=order.id,
        amount_cents=amount,
        reason=reason,
        idempotency_key=key,
        status=RefundStatus.PENDING,
    )


# ---------------------------------------------------------------- talking to Stripe


async def push(refund: Refund) -> None:
    """Ask Stripe for a pending refund, with its key; a refusal fails it, an outage leaves it pending."""
    if refund.status != RefundStatus.PENDING:
        return
    order = await Order.get(id=refund.order_id)
    if not order.stripe_payment_intent:
        logger.warning("refund %s: order %s has no payment to refund", refund.id, order.code)
        return
    try:
        answer = await gateway.create_refund(
            payment_intent=order.stripe_payment_intent,
            amount=refund.amount_cents,
            idempotency_key=refund.idempotency_key,
            reason=refund.reason,
        )
    except GatewayError as error:
        logger.warning("refund %s of order %s refused by Stripe: %s", refund.id, order.code, error)
        await Refund.filter(id=refund.id, status=RefundStatus.PENDING).update(status=RefundStatus.FAILED)
        return
    except PaymentProviderUnavailable:
        logger.warning("refund %s of order %s: Stripe unreachable, retried later", refund.id, order.code)
        return
    if answer.settled:
        async with in_transaction():
            locked = await lock_order(order)
            await settle(locked, refund, answer.id)
    elif answer.status in ("failed", "canceled"):
        await Refund.filter(id=refund.id, status=RefundStatus.PENDING).update(status=RefundStatus.FAILED)


async def push_pending(older_than_seconds: float = 30.0, limit: int = 50) -> int:
    """Worker: refunds still pending after a crash or an outage are asked again (same key)."""
    since = clock.now() - timedelta(seconds=older_than_seconds)
    stale = (
        await Refund.filter(status=RefundStatus.PENDING, created_at__lte=since).order_by("id").limit(limit)
    )
    for refund in stale:
        await push(refund)
    return len(stale)


# ---------------------------------------------------------------- what a settled refund changes


async def settle(order: Order, refund: Refund, stripe_refund_id: str) -> bool:
    """Inside a transaction holding the order's lock: the refund is done; once, whoever calls first."""
    changed = await Refund.filter(id=refund.id, status=RefundStatus.PENDING).update(
        status=RefundStatus.SUCCEEDED, stripe_refund_id=stripe_refund_id
    )
    if not changed:
        return False
    refund.status = RefundStatus.SUCCEEDED
    succeeded = await Refund.filter(order_id=order.id, status=RefundStatus.SUCCEEDED)
    order.refunded_cents = sum(r.amount_cents for r in succeeded)
    credit_note = None
    if order.status in (OrderStatus.PAID, OrderStatus.CANCELLED):
        credit_note = await invoicing.issue_credit_note(order, refund.amount_cents, refund_id=refund.id)
    if order.refunded_cents >= order.total_cents:
        await lifecycle.release(order, OrderStatus.REFUNDED)
    await order.save(update_fields=["refunded_cents", "updated_at"])
    event = await Event.get(id=order.event_id)
    if not refund.idempotency_key.endswith("-late-payment"):
        await notices.refund_issued(order, event, refund, credit_note)
    return True


async def sync(order: Order, stripe_refunds: list[StripeRefund]) -> None:
    """Inside a transaction holding the order's lock: every refund Stripe made, recorded once."""
    for made in stripe_refunds:
        if not made.settled:
            continue
        known = await Refund.get_or_none(stripe_refund_id=made.id)
        if known is None and made.refund_key:
            known = await Refund.get_or_none(idempotency_key=made.refund_key, order_id=order.id)
        if known is None:
            known = await Refund.create(
                order_id=order.id,
                amount_cents=made.amount,
                reason=N_("Refunded at Stripe"),
                idempotency_key=f"stripe-{made.id}"[:KEY_LENGTH],
                status=RefundStatus.PENDING,
            )
        if known.status == RefundStatus.PENDING:
            await settle(order, known, made.id)
