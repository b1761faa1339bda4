"""Placing an order: the one transaction that decides who gets a place.

Never oversell, on both databases (DESIGN rule 4): the transaction's first statement writes the
event's row, then the ticket types' rows in id order. On PostgreSQL that takes their row locks; on
SQLite it takes the database's write lock at once. Only then are places counted and tickets inserted,
so two buyers of the last place are decided one after the other.
"""

from __future__ import annotations

import asyncio
import secrets as random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from events import clock
from events.accounts import members
from events.accounts.branding import brand
from events.accounts.models import Member
from events.cache import TtlCache
from events.catalogue.models import Event, EventStatus, PromoCode, Question, TicketType
from events.catalogue.sessions import SessionNotIncluded, book_sessions
from events.errors import (
    N_,
    DomainError,
    Invalid,
    NotFound,
    PaymentsUnavailable,
    PromoCodeExhausted,
    SalesClosed,
    SoldOut,
)
from events.i18n import gettext, ngettext
from events.invoicing import transfers
from events.invoicing.seller import require_complete as require_seller
from events.mail.models import OutboxMessage
from events.mail.sender import sender_of
from events.privacy.consents import door_consent_rows, order_consent_rows, record_consents
from events.privacy.models import ConsentRecord
from events.ticketing import limits, secrets
from events.ticketing.answers import clean_answers
from events.ticketing.availability import Usage, live_order_filter, on_sale, remaining, usage
from events.ticketing.confirmation import confirmation, confirmation_attachments
from events.ticketing.models import (
    EventKey,
    Order,
    OrderStatus,
    PaymentMethod,
    Ticket,
    WaitingListEntry,
    WaitingStatus,
)
from events.ticketing.order_schemas import OrderIn, TicketIn
from events.validation import validate
from events.web.pagecache import CATALOGUE
from settings import settings

# No 0/O, 1/I/L: a code read aloud on the phone or copied from paper stays unambiguous.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PROMO_CODE_LENGTH = 40
TOKEN_LENGTH = 43


def new_code() -> str:
    return "".join(random.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def event_on_sale(slug: str) -> Event:
    return _on_sale(await Event.get_or_none(slug=slug))


def _on_sale(event: Event | None) -> Event:
    if event is None or event.status == EventStatus.DRAFT:
        raise NotFound()
    if event.status != EventStatus.PUBLISHED or event.ends_at <= clock.now():
        raise SalesClosed()
    return event


@dataclass(frozen=True)
class _Offer:
    """What an order is checked against before the lock: the event, its types and its questions."""

    event: Event
    types: dict[int, TicketType]
    questions: list[Question]


_offers: TtlCache[str, _Offer] = TtlCache(ttl=2, max_entries=1000, topic=CATALOGUE)
"""Every order reads the same event, types and questions: a copy of two seconds, forgotten at once in
this process by every change to them (as the public page is). Nothing decided here needs it exact:
under the lock, the places and the event's status are read again (DESIGN rule 4); another process may
check against the previous prices, rules or questions for two seconds after a change, as its event
page shows them."""


async def _offer(slug: str) -> _Offer:
    known = await _offers.fetch(slug, lambda: _read_offer(slug))
    assert known is not None  # `_read_offer` raises rather than find nothing
    _on_sale(known.event)
    return known


async def _read_offer(slug: str) -> _Offer:
    event = _on_sale(await Event.get_or_none(slug=slug))
    types = {t.id: t for t in await TicketType.filter(event_id=event.id)}
    questions = await Question.filter(event_id=event.id).order_by("position", "id")
    return _Offer(event, types, questions)


async def find_promo(event: Event, code: str | None) -> PromoCode | None:
    if not code or not code.strip():
        return None
    if len(code.strip()) > PROMO_CODE_LENGTH:
        raise Invalid({"promo_code": gettext(N_("This promo code is not valid."))})
    promo = await PromoCode.get_or_none(event_id=event.id, code__iexact=code.strip())
    now = clock.now()
    valid = promo is not None and not (
        (promo.valid_from and now < promo.valid_from) or (promo.valid_until and now >= promo.valid_until)
    )
    if not valid:
        raise Invalid({"promo_code": gettext(N_("This promo code is not valid."))})
    assert promo is not None
    return promo


async def promo_type_ids(promo: PromoCode | None) -> set[int] | None:
    """The types a code applies to; None when it applies to every type."""
    if promo is None:
        return set()
    ids = {t.id for t in await promo.ticket_types.all()}
    return ids or None


def is_offered(ticket_type: TicketType, promo: PromoCode | None, unlocked: set[int] | None) -> bool:
    """A public type, or a hidden one that the buyer's code unlocks."""
    return not ticket_type.hidden or (promo is not None and (unlocked is None or ticket_type.id in unlocked))


async def offered_types(event: Event, code: str | None) -> list[TicketType]:
    """The ticket types a visitor may choose, given the promo code they typed (if it is valid)."""
    types = await TicketType.filter(event_id=event.id).order_by("position", "id")
    try:
        promo = await find_promo(event, code)
    except Invalid:
        promo = None
    unlocked = await promo_type_ids(promo)
    return [t for t in types if is_offered(t, promo, unlocked)]


@dataclass(frozen=True)
class TypedCode:
    """What the register page says about the code a visitor typed: the code it applies, or why not."""

    promo: PromoCode | None
    error: str = ""


async def typed_code(event: Event, code: str | None) -> TypedCode:
    """Check a code typed on the register page as an order would, without placing one."""
    try:
        promo = await find_promo(event, code)
        await _check_promo_uses(promo)
    except Invalid as error:
        return TypedCode(None, str(error.details.get("promo_code", "")))
    except PromoCodeExhausted as error:
        return TypedCode(None, gettext(error.message))
    return TypedCode(promo)


def _check_types(
    request: OrderIn, types: dict[int, TicketType], unlocked: set[int] | None, promo: PromoCode | None
) -> Counter[int]:
    errors: dict[str, str] = {}
    wanted: Counter[int] = Counter()
    for index, item in enumerate(request.tickets):
        ticket_type = types.get(item.ticket_type)
        if ticket_type is None or not is_offered(ticket_type, promo, unlocked):
            errors[f"tickets.{index}.ticket_type"] = gettext(N_("This ticket type is not offered."))
            continue
        wanted[item.ticket_type] += 1
    for type_id, count in wanted.items():
        if count > types[type_id].max_per_order:
            errors["tickets"] = ngettext(
                "At most {n} ticket of this type per order.",
                "At most {n} tickets of this type per order.",
                types[type_id].max_per_order,
            )
    if errors:
        raise Invalid(errors)
    if not all(on_sale(types[type_id]) for type_id in wanted):
        raise SalesClosed()
    return wanted


def _consent_errors(data: object) -> dict[str, str]:
    consents = data.get("consents") if isinstance(data, dict) else None
    if isinstance(consents, dict) and consents.get("privacy") is not True:
        return {"consents.privacy": gettext(N_("Please acknowledge the privacy notice to register."))}
    return {}


def read_order(data: object) -> OrderIn:
    """The request, or every field error at once (consent included) so a form shows them together.

    An `OrderIn` already read is given back once its consent is checked again (the form cycle reads it).
    """
    if isinstance(data, OrderIn):
        if consent := _consent_errors(data.model_dump(include={"consents"})):
            raise Invalid(consent)
        return data
    errors = _consent_errors(data)
    try:
        request = validate(OrderIn, data)
    except Invalid as error:
        raise Invalid({**error.details, **errors}) from None
    if errors:
        raise Invalid(errors)
    return request


async def _checked_answers(
    questions: list[Question], request: OrderIn, errors: dict[str, str]
) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for index, item in enumerate(request.tickets):
        try:
            cleaned.append(clean_answers(questions, item.answers, index))
        except Invalid as error:
            errors.update(error.details)
    return cleaned


def _prices(
    item: TicketIn,
    ticket_type: TicketType,
    promo: PromoCode | None,
    applies: set[int] | None,
    member: Member | None = None,
) -> tuple[int, int]:
    """(price, discount) in cents for one ticket, both from the server's own figures; a member pays
    the type's member price (before any promo code)."""
    price = ticket_type.price_cents
    if member is not None and ticket_type.member_price_cents is not None:
        price = ticket_type.member_price_cents
    if promo is None or (applies is not None and ticket_type.id not in applies):
        return price, 0
    if promo.percent_off:
        return price, min(price, (price * promo.percent_off + 50) // 100)
    return price, min(price, promo.amount_off_cents or 0)


def _check_members_only(request: OrderIn, types: dict[int, TicketType], member: Member | None) -> None:
    if member is not None:
        return
    errors = {
        f"tickets.{index}.ticket_type": gettext(N_("This ticket is for members of the organisation only."))
        for index, item in enumerate(request.tickets)
        if types[item.ticket_type].members_only
    }
    if errors:
        raise Invalid(errors)


async def _lock(event: Event, type_ids: list[int]) -> dict[int, TicketType]:
    """First statements of the transaction: write the event row, then the types' rows (in id order),
    then read their capacities as they are now, under the lock.
    """
    await Event.filter(id=event.id).update(lock_version=F("lock_version") + 1)
    await TicketType.filter(id__in=sorted(type_ids)).update(lock_version=F("lock_version") + 1)
    return {t.id: t for t in await TicketType.filter(event_id=event.id).select_related("event")}


async def _waiting_offer(event: Event, token: str | None) -> WaitingListEntry | None:
    if not token:
        return None
    if len(token) > TOKEN_LENGTH:
        raise Invalid({"waiting_list_offer": gettext(N_("This offer has expired."))})
    offer = await WaitingListEntry.get_or_none(
        offer_token=token, event_id=event.id, status=WaitingStatus.OFFERED
    )
    if offer is None or offer.offer_expires_at is None or offer.offer_expires_at <= clock.now():
        raise Invalid({"waiting_list_offer": gettext(N_("This offer has expired."))})
    return offer


def _take_places(
    event: Event, types: dict[int, TicketType], wanted: Counter[int], used: Usage, *, queue_first: bool
) -> None:
    """Count the order's places into `used`, or raise `SoldOut` and leave `used` as it was."""
    trial = Usage(by_type=Counter(used.by_type), waiting=used.waiting)
    for type_id, count in sorted(wanted.items()):
        left = remaining(event, types[type_id], trial, queue_first=queue_first)
        if left is not None and left < count:
            raise SoldOut(details={"ticket_type": type_id}, name=types[type_id].name)
        trial.by_type[type_id] += count
    used.by_type = trial.by_type


async def _check_places(
    event: Event, types: dict[int, TicketType], wanted: Counter[int], offer: WaitingListEntry | None
) -> None:
    used = await usage(event.id, except_offer_id=offer.id if offer else None)
    _take_places(event, types, wanted, used, queue_first=offer is None)


async def _promo_uses(promo: PromoCode) -> int:
    return await Order.filter(live_order_filter(clock.now()), promo_code_id=promo.id).count()


async def _check_promo_uses(promo: PromoCode | None) -> None:
    if promo is None or promo.max_uses is None:
        return
    if await _promo_uses(promo) >= promo.max_uses:
        raise PromoCodeExhausted()


Compose = Callable[[Order], OutboxMessage | None]
"""The order's confirmation e-mail, if it gets one now, made from the order as it is (its code)."""


@dataclass(frozen=True)
class Placed:
    """A new order with what its answer needs: `fresh` when it was placed in a group, so that nothing of
    it exists but what is here (tickets with their ids, no invoice, refund, session or certificate)."""

    order: Order
    event: Event
    tickets: list[Ticket]
    fresh: bool


async def place_order(slug: str, data: OrderIn | object) -> Order:
    """Create an order and its tickets together, or nothing (see `place`)."""
    return (await place(slug, data)).order


async def place(slug: str, data: OrderIn | object) -> Placed:
    """Create an order and its tickets together, or nothing.

    A free order is paid at once; one with something to pay is pending and holds its places until
    `expires_at`. Everything that needs no lock (validation, prices, signing, the e-mail) is done before
    the transaction, which then holds the event's lock for a handful of statements only.
    """
    offer_of_event = await _offer(slug)
    event, types, questions = offer_of_event.event, offer_of_event.types, offer_of_event.questions
    request = read_order(data)
    promo = await find_promo(event, request.promo_code)
    unlocked = await promo_type_ids(promo)
    errors: dict[str, str] = {}
    answers = await _checked_answers(questions, request, errors)
    try:
        wanted = _check_types(request, types, unlocked, promo)
    except Invalid as error:
        raise Invalid({**error.details, **errors}) from None
    if errors:
        raise Invalid(errors)
    offer = await _waiting_offer(event, request.waiting_list_offer)
    member = await members.match(event.organisation_id, request.buyer.email, request.buyer.siret)
    _check_members_only(request, types, member)
    priced = [_prices(item, types[item.ticket_type], promo, unlocked, member) for item in request.tickets]
    if sum(price - discount for price, discount in priced) > 0:
        await require_seller(event.organisation_id)
        on_invoice = request.payment is not None and request.payment.method == "invoice"
        if not settings.stripe_secret_key and not on_invoice:
            raise PaymentsUnavailable()
    key = await secrets.event_key(event)
    order = _new_order(event, request, promo, priced)
    order.member_name = member.name if member else ""
    await transfers.choose_payment(order, event, request)
    tickets = _new_tickets(event, key, request, priced, answers, types)
    door_questions = any(question.show_at_door for question in questions)
    for ticket, item in zip(tickets, request.tickets, strict=True):
        ticket.door_consent = door_questions and bool(item.attendee.consents and item.attendee.consents.door)
    if order.status == OrderStatus.PENDING and order.payment_method != PaymentMethod.INVOICE:
        await limits.check_held_places(order.buyer_email, len(tickets))
    confirmed = order.status == OrderStatus.PAID or order.payment_method == PaymentMethod.INVOICE
    sender = await sender_of(event.organisation_id) if confirmed else None
    look = await brand(event.organisation_id) if confirmed else None

    def compose(order: Order) -> OutboxMessage | None:
        return confirmation(order, event, tickets, types, sender=sender, brand=look) if confirmed else None

    bookings = [item.sessions for item in request.tickets]
    on_invoice = order.payment_method == PaymentMethod.INVOICE
    if offer is None and not any(bookings) and not on_invoice:
        pending = _Pending(wanted, promo, order, tickets, compose, event, door_questions)
        return Placed(await _grouped(event, pending), event, tickets, fresh=True)
    placed = await _alone(event, wanted, offer, promo, order, tickets, compose, bookings)
    await record_consents(_consent_rows(placed, event, tickets, door_questions))
    return Placed(placed, event, tickets, fresh=False)


def _consent_rows(
    order: Order, event: Event, tickets: list[Ticket], door_questions: bool
) -> list[ConsentRecord]:
    rows = order_consent_rows(order, event)
    return rows + door_consent_rows(order, event, tickets) if door_questions else rows


async def _alone(
    event: Event,
    wanted: Counter[int],
    offer: WaitingListEntry | None,
    promo: PromoCode | None,
    order: Order,
    tickets: list[Ticket],
    compose: Compose,
    bookings: list[list[int]],
    *,
    over_capacity: bool = False,
    then: Callable[[Order], Awaitable[None]] | None = None,
) -> Order:
    """One order in a transaction of its own (a waiting-list offer, workshops to book, an order on
    invoice, whose invoice is numbered in that transaction, an organiser's order, or a retry)."""
    for attempt in range(3):
        try:
            async with _queue(event):
                return await _commit(
                    event, wanted, offer, promo, order, tickets, compose(order), bookings,
                    over_capacity=over_capacity, then=then,
                )  # fmt: skip
        except IntegrityError:  # an order code drawn twice (about 1 in 10^11): draw again
            if attempt == 2:
                raise
            _redraw(order, tickets)
    raise AssertionError("unreachable")


def _redraw(order: Order, tickets: list[Ticket]) -> None:
    """A new code for an order whose insert was rolled back, with the order and its tickets unsaved
    again so that they are inserted anew (its e-mail, which shows the code, is composed again)."""
    for instance in (order, *tickets):
        instance.pk = None
        instance._saved_in_db = False
    order.code = new_code()


_queues: dict[tuple[int, int], asyncio.Lock] = {}


def _queue(event: Event) -> asyncio.Lock:
    """Orders for one event queue here, in this process, before they queue for the database lock.

    Without it every waiting buyer would hold a pooled connection while blocked on the event's row,
    and the buyer holding the lock would wait behind them for the event loop: the lock's holding time,
    and so the whole event's throughput, would grow with the crowd.
    """
    key = (id(asyncio.get_running_loop()), event.id)
    if key not in _queues:
        _queues[key] = asyncio.Lock()
    return _queues[key]


@dataclass(eq=False)
class _Pending:
    """An order ready to be decided, waiting for its turn in the event's queue."""

    wanted: Counter[int]
    promo: PromoCode | None
    order: Order
    tickets: list[Ticket]
    compose: Compose
    event: Event
    door_questions: bool
    outcome: Order | Exception | None = None
    mail: OutboxMessage | None = field(init=False)

    def __post_init__(self) -> None:
        self.mail = self.compose(self.order)


_waiting: dict[tuple[int, int], list[_Pending]] = {}


async def _grouped(event: Event, pending: _Pending) -> Order:
    """Group commit: whoever gets the event's queue decides every order waiting behind it at once.

    Why: the event's lock is the one thing every order of an event passes through, and on a small
    machine its holder also waits its turn in the event loop between statements. Deciding the waiting
    orders together takes the lock, counts the places and the codes' uses once, then decides the orders
    one after the other in arrival order, as separate transactions would, and inserts the accepted
    ones: the lock is taken once per group instead of once per order. Orders that another process
    places meanwhile wait for the same row lock, so nothing changes across processes (DESIGN rule 4).
    """
    key = (id(asyncio.get_running_loop()), event.id)
    waiting = _waiting.setdefault(key, [])
    waiting.append(pending)
    async with _queue(event):
        if pending.outcome is None:
            group = list(waiting) if pending in waiting else [pending, *waiting]
            waiting.clear()
            # Shielded: a buyer who hangs up must not abandon the others' orders half decided.
            await asyncio.shield(_decide_group(event, group))
    if isinstance(pending.outcome, Exception):
        raise pending.outcome
    assert pending.outcome is not None
    return pending.outcome


async def _decide_group(event: Event, group: list[_Pending]) -> None:
    try:
        outcomes = await _commit_group(event, group)
    except IntegrityError:  # an order code drawn twice in the group: each order alone, with new codes
        for pending in group:
            _redraw(pending.order, pending.tickets)
            try:
                pending.outcome = await _commit(
                    event,
                    pending.wanted,
                    None,
                    pending.promo,
                    pending.order,
                    pending.tickets,
                    pending.compose(pending.order),
                    [],
                )
                await _read_ids(pending.tickets)
                await record_consents(
                    _consent_rows(pending.order, event, pending.tickets, pending.door_questions)
                )
            except (DomainError, IntegrityError) as error:
                pending.outcome = error
        return
    except Exception as error:  # the database failed: every order of the group gets the error
        for pending in group:
            pending.outcome = error
        return
    for pending, outcome in zip(group, outcomes, strict=True):
        pending.outcome = outcome


async def _commit_group(event: Event, group: list[_Pending]) -> list[Order | Exception]:
    outcomes: list[Order | Exception] = []
    async with in_transaction():
        type_ids = sorted({type_id for pending in group for type_id in pending.wanted})
        locked = await _lock(event, type_ids)
        current = locked[type_ids[0]].event
        if current.status != EventStatus.PUBLISHED:
            return [SalesClosed() for _ in group]
        used = await usage(event.id)
        promo_uses: dict[int, int] = {}
        accepted: list[_Pending] = []
        for pending in group:
            try:
                await _take(current, locked, pending, used, promo_uses)
            except DomainError as refused:
                outcomes.append(refused)
                continue
            outcomes.append(pending.order)
            accepted.append(pending)
        await _insert(accepted)
    return outcomes


async def _take(
    event: Event, types: dict[int, TicketType], pending: _Pending, used: Usage, promo_uses: dict[int, int]
) -> None:
    """One order's places and code use, counted into the group's figures, or its refusal."""
    promo = pending.promo
    limited = promo is not None and promo.max_uses is not None
    if limited and promo is not None and promo.id not in promo_uses:
        promo_uses[promo.id] = await _promo_uses(promo)
    trial = Usage(by_type=Counter(used.by_type), waiting=used.waiting)
    _take_places(event, types, pending.wanted, trial, queue_first=True)
    if limited and promo is not None:
        if promo_uses[promo.id] >= (promo.max_uses or 0):
            raise PromoCodeExhausted()
        promo_uses[promo.id] += 1
    used.by_type = trial.by_type


async def _insert(accepted: list[_Pending]) -> None:
    """The group's accepted orders, then their tickets, e-mails and consent rows, a statement each."""
    await _insert_orders([pending.order for pending in accepted])
    for pending in accepted:
        for ticket in pending.tickets:
            ticket.order = pending.order
    tickets = [ticket for pending in accepted for ticket in pending.tickets]
    if tickets:
        await Ticket.bulk_create(tickets)
        await _read_ids(tickets)
    mails = []
    for pending in accepted:
        if pending.mail is not None:
            pending.mail.attachments = confirmation_attachments(pending.order.id)
            mails.append(pending.mail)
    if mails:
        await OutboxMessage.bulk_create(mails)
    await record_consents(
        [
            row
            for pending in accepted
            for row in _consent_rows(pending.order, pending.event, pending.tickets, pending.door_questions)
        ]
    )


async def _insert_orders(placed: list[Order]) -> None:
    """The group's orders in one statement, then their ids by their unique codes (one query)."""
    if len(placed) == 1:
        await placed[0].save()
        return
    if placed:
        await Order.bulk_create(placed)
        ids = dict(await Order.filter(code__in=[order.code for order in placed]).values_list("code", "id"))
        for order in placed:
            order.id = ids[order.code]
            order._saved_in_db = True


async def _read_ids(tickets: list[Ticket]) -> None:
    """The ids of tickets inserted together (a bulk insert does not return them), by their unique secret."""
    order_ids = {ticket.order_id for ticket in tickets}
    ids = dict(await Ticket.filter(order_id__in=order_ids).values_list("secret", "id"))
    for ticket in tickets:
        ticket.id = ids[ticket.secret]


async def _commit(
    event: Event,
    wanted: Counter[int],
    offer: WaitingListEntry | None,
    promo: PromoCode | None,
    order: Order,
    tickets: list[Ticket],
    mail: OutboxMessage | None,
    bookings: list[list[int]],
    *,
    over_capacity: bool = False,
    then: Callable[[Order], Awaitable[None]] | None = None,
) -> Order:
    async with in_transaction():
        locked = await _lock(event, list(wanted))
        current = locked[next(iter(wanted))].event
        if current.status != EventStatus.PUBLISHED:
            raise SalesClosed()
        if not over_capacity:
            await _check_places(current, locked, wanted, offer)
        await _check_promo_uses(promo)
        await order.save()
        for ticket in tickets:
            ticket.order = order
        if any(booked for booked in bookings):
            for index, (ticket, session_ids) in enumerate(zip(tickets, bookings, strict=True)):
                await ticket.save()
                try:
                    await book_sessions(ticket, session_ids)
                except SessionNotIncluded as error:
                    raise SessionNotIncluded(error.session, f"tickets.{index}.sessions") from None
        else:
            await Ticket.bulk_create(tickets)
        if mail is not None:
            mail.attachments = confirmation_attachments(order.id)
            await mail.save()
        await transfers.invoice_at_once(order, mail)
        if offer is not None:
            offer.status = WaitingStatus.CONVERTED
            offer.order = order
            await offer.save(update_fields=["status", "order_id"])
        if then is not None:
            await then(order)
    return order


async def place_for_organiser(
    event: Event,
    request: OrderIn,
    *,
    complimentary: bool,
    over_capacity: bool = False,
    invoice_days: int | None = None,
    created_by_id: int | None = None,
    reason: str = "",
    then: Callable[[Order], Awaitable[None]] | None = None,
) -> Order:
    """An order the organiser makes (`manual.py`), through the same lock, count and insert as a
    buyer's (DESIGN rule 4), so an organiser's order never oversells either.

    What the organiser may do that a buyer may not: choose a hidden type, outside its sales window and
    above its per-order limit, and answer no question. A complimentary order costs nothing (each ticket
    at 0) and may go past a full type only when `over_capacity` says so; any other is paid on invoice
    (member prices apply). `then` runs inside the placing transaction (the audit row).
    """
    types = {t.id: t for t in await TicketType.filter(event_id=event.id)}
    unknown = {
        f"tickets.{index}.ticket_type": gettext(N_("This ticket type is not offered."))
        for index, item in enumerate(request.tickets)
        if item.ticket_type not in types
    }
    if unknown:
        raise Invalid(unknown)
    wanted = Counter(item.ticket_type for item in request.tickets)
    member = None
    if not complimentary:
        member = await members.match(event.organisation_id, request.buyer.email, request.buyer.siret)
    priced = [
        (0, 0) if complimentary else _prices(item, types[item.ticket_type], None, set(), member)
        for item in request.tickets
    ]
    order = _new_order(event, request, None, priced)
    order.member_name = member.name if member else ""
    order.consents = {}
    order.created_by_id, order.complimentary_reason = created_by_id, reason
    if complimentary:
        order.payment_method = PaymentMethod.NONE
    elif order.total_cents == 0:
        raise Invalid({"kind": gettext(N_("There is nothing to pay: make it a complimentary order."))})
    else:
        await require_seller(event.organisation_id)
        await transfers.choose_payment(order, event, request, days=invoice_days)
    key = await secrets.event_key(event)
    tickets = _new_tickets(event, key, request, priced, [{} for _ in request.tickets], types)
    sender = await sender_of(event.organisation_id)

    def compose(order: Order) -> OutboxMessage | None:
        return confirmation(order, event, tickets, types, sender=sender)

    return await _alone(
        event, wanted, None, None, order, tickets, compose, [], over_capacity=over_capacity, then=then
    )


def _new_order(
    event: Event, request: OrderIn, promo: PromoCode | None, priced: list[tuple[int, int]]
) -> Order:
    now = clock.now()
    subtotal = sum(price for price, _ in priced)
    discount = sum(discount for _, discount in priced)
    free = subtotal - discount == 0
    buyer = request.buyer
    return Order(
        event=event,
        code=new_code(),
        secret=random.token_urlsafe(24),
        status=OrderStatus.PAID if free else OrderStatus.PENDING,
        buyer_name=buyer.name,
        buyer_first_name=buyer.first_name,
        buyer_last_name=buyer.last_name,
        buyer_email=buyer.email,
        buyer_organisation=buyer.organisation,
        buyer_vat_id=buyer.vat_id,
        buyer_address=buyer.address,
        buyer_country=buyer.country.upper(),
        locale=request.locale if request.locale in ("fr", "en") else "fr",
        subtotal_cents=subtotal,
        discount_cents=discount,
        total_cents=subtotal - discount,
        currency=event.currency,
        promo_code=promo,
        consents=(request.consents.model_dump() if request.consents else {"privacy": True}),
        expires_at=None if free else now + timedelta(minutes=event.hold_minutes),
        paid_at=now if free else None,
    )


def _new_tickets(
    event: Event,
    key: EventKey,
    request: OrderIn,
    priced: list[tuple[int, int]],
    answers: list[dict[str, Any]],
    types: dict[int, TicketType],
) -> list[Ticket]:
    return [
        Ticket(
            event=event,
            ticket_type_id=item.ticket_type,
            secret=secrets.issue(key),
            attendee_name=item.attendee.name,
            attendee_first_name=item.attendee.first_name,
            attendee_last_name=item.attendee.last_name,
            attendee_email=item.attendee.email,
            attendee_organisation=item.attendee.organisation,
            attendee_job_title=item.attendee.job_title,
            answers=cleaned,
            price_cents=price,
            discount_cents=discount,
            vat_rate_bp=types[item.ticket_type].vat_rate_bp,
            agenda_token=random.token_urlsafe(24),
            news_consent=bool(item.attendee.consents and item.attendee.consents.marketing),
            news_consent_at=clock.now()
            if item.attendee.consents and item.attendee.consents.marketing
            else None,
        )
        for item, (price, discount), cleaned in zip(request.tickets, priced, answers, strict=True)
    ]
