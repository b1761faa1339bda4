"""Finding, showing, cancelling and expiring orders, for the buyer and for the organiser."""

from __future__ import annotations

import hmac
from datetime import timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from events import clock
from events.accounts import throttle
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event
from events.certificates.models import Certificate
from events.errors import N_, Invalid, NotFound, OrderNotChangeable
from events.i18n import gettext
from events.invoicing import transfers
from events.invoicing.models import Invoice
from events.partnering.models import PartneringSetup
from events.partnering.services import partnering_on
from events.payments.models import Refund
from events.ticketing import notices
from events.ticketing.confirmation import after_paid
from events.ticketing.models import (
    Order,
    OrderStatus,
    PaymentMethod,
    SessionBooking,
    Ticket,
    TicketStatus,
)
from events.ticketing.order_schemas import order_out, pay_url
from events.ticketing.orders import Placed
from events.web.pagecache import public_pages


async def buyer_order(code: str, secret: str) -> Order:
    """The buyer's order, reached only with its secret (from the creation answer or the e-mail)."""
    order = await Order.get_or_none(code=code.upper()).select_related("event")
    if order is None or not _same(order.secret, secret):
        raise NotFound()
    return order


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


async def organiser_order(event: Event, code: str) -> Order:
    order = await Order.get_or_none(code=code.upper(), event_id=event.id).select_related("event")
    if order is None:
        raise NotFound()
    return order


SEARCH_LENGTH = 200


async def organiser_orders(event: Event, status: str | None = None, q: str | None = None) -> list[Order]:
    query = Order.filter(event_id=event.id)
    if status:
        if status not in {s.value for s in OrderStatus}:
            raise Invalid({"status": gettext(N_("Choose one of the offered values."))})
        query = query.filter(status=status)
    if q:
        term = q.strip()
        if len(term) > SEARCH_LENGTH:
            raise Invalid(
                {
                    "q": gettext(
                        N_("This text is too long (at most {max_length} characters)."),
                        max_length=SEARCH_LENGTH,
                    )
                }
            )
        query = query.filter(
            Q(code__icontains=term)
            | Q(buyer_name__icontains=term)
            | Q(buyer_email__icontains=term)
            | Q(buyer_organisation__icontains=term)
            | Q(tickets__attendee_name__icontains=term)
        ).distinct()
    return await query.order_by("-created_at").limit(500)


async def order_json(order: Order) -> dict[str, object]:
    return (await orders_json([order]))[0]


async def placed_json(placed: Placed) -> dict[str, object]:
    """The answer to a new order: built from what placing it holds when it was placed in a group
    (nothing else of it exists yet), read back like any order otherwise."""
    if not placed.fresh:
        return await order_json(placed.order)
    order, event = placed.order, placed.event
    partnering = await partnering_on(event.id)
    return order_out(order, event.slug, placed.tickets, {}, _payment_url(order), [], partnering)


async def orders_json(orders: list[Order]) -> list[dict[str, object]]:
    """The API's Order objects, with a fixed number of queries however many orders there are."""
    ids = [order.id for order in orders]
    events = {e.id: e for e in await Event.filter(id__in={order.event_id for order in orders})}
    tickets: dict[int, list[Ticket]] = {}
    for ticket in await Ticket.filter(order_id__in=ids).order_by("id"):
        tickets.setdefault(ticket.order_id, []).append(ticket)
    sessions: dict[int, list[int]] = {}
    for row in (
        await SessionBooking.filter(ticket__order_id__in=ids)
        .order_by("session_id")
        .values("ticket_id", "session_id")
    ):
        sessions.setdefault(row["ticket_id"], []).append(row["session_id"])
    documents: dict[int, list[tuple[str, str]]] = {}
    for row in (
        await Invoice.filter(order_id__in=ids)
        .order_by("year", "sequence")
        .values("order_id", "kind", "number")
    ):
        documents.setdefault(row["order_id"], []).append((str(row["kind"]), row["number"]))
    partnering = {
        row["event_id"]
        for row in await PartneringSetup.filter(event_id__in=list(events), enabled=True).values("event_id")
    }
    certified = await Certificate.filter(ticket__order_id__in=ids).values_list("ticket_id", "code")
    certificates = {int(ticket_id): str(code) for ticket_id, code in certified}
    refunds: dict[int, list[Refund]] = {}
    for refund in await Refund.filter(order_id__in=ids).order_by("id"):
        refunds.setdefault(refund.order_id, []).append(refund)
    return [
        order_out(
            order,
            events[order.event_id].slug,
            tickets.get(order.id, []),
            sessions,
            _payment_url(order),
            documents.get(order.id, []),
            order.event_id in partnering,
            certificates,
            refunds.get(order.id, []),
        )
        for order in orders
    ]


def _payment_url(order: Order) -> str | None:
    """Pending with something to pay: the page that makes (or reuses) the Checkout Session."""
    by_card = order.payment_method != PaymentMethod.INVOICE
    return (
        pay_url(order) if by_card and order.status == OrderStatus.PENDING and order.total_cents > 0 else None
    )


async def release(order: Order, status: OrderStatus) -> None:
    """The order ends in `status` (if not there yet) and its places go back: its tickets are cancelled."""
    if order.status != status:
        order.status = status
        order.cancelled_at = order.cancelled_at or clock.now()
        await order.save(update_fields=["status", "cancelled_at", "updated_at"])
    await Ticket.filter(order_id=order.id).update(status=TicketStatus.CANCELLED)
    if status == OrderStatus.CANCELLED:
        await transfers.cancel_unpaid(order)
    public_pages.clear()


async def cancel_by_attendee(order: Order) -> Order:
    """Self-cancel, where the event allows it, of an order with nothing to refund (a paid one goes
    through `payments.refunds.cancel_by_attendee`)."""
    event = await Event.get(id=order.event_id)
    cancellable = order.status == OrderStatus.PENDING or (
        order.status == OrderStatus.PAID and order.total_cents == 0
    )
    if not event.allow_self_cancel or not cancellable or event.starts_at <= clock.now():
        raise OrderNotChangeable()
    async with in_transaction():
        await release(order, OrderStatus.CANCELLED)
        await notices.order_cancelled(order, event, by_organiser=False)
    return order


async def cancel_by_organiser(user: User, order: Order) -> Order:
    if order.status not in (OrderStatus.PENDING, OrderStatus.PAID):
        raise OrderNotChangeable()
    async with in_transaction():
        before = {"status": str(order.status)}
        await release(order, OrderStatus.CANCELLED)
        await notices.order_cancelled(order, await Event.get(id=order.event_id), by_organiser=True)
        await audit.record(
            user, user.organisation_id, "order.cancelled", "order", order.code,
            before=before, after={"status": str(order.status)},
        )  # fmt: skip
    return order


async def resend_confirmation(order: Order) -> None:
    """The confirmation again, at most three times an hour per order."""
    if order.status != OrderStatus.PAID:
        raise OrderNotChangeable()
    await throttle.check("resend", order.code, 3, timedelta(hours=1))
    async with in_transaction():
        await throttle.hit("resend", order.code)
        await after_paid(order, resend_key=clock.now().isoformat())


async def expire_holds() -> int:
    """Pending orders whose hold has lapsed give their places back."""
    now = clock.now()
    expired = 0
    for order in await Order.filter(status=OrderStatus.PENDING, expires_at__lte=now):
        async with in_transaction():
            changed = await Order.filter(id=order.id, status=OrderStatus.PENDING).update(
                status=OrderStatus.EXPIRED, cancelled_at=now
            )
            if changed:
                await Ticket.filter(order_id=order.id).update(status=TicketStatus.CANCELLED)
                expired += 1
    if expired:
        public_pages.clear()
    return expired


ATTENDEE_EDIT_CLOSED = N_("Attendee details can no longer be changed.")
