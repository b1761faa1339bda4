"""The waiting list: visitors wait for a sold-out ticket type, and freed places are offered in turn.

An entry's life (the states are declared on `WaitingListEntry`):

    waiting ──a place frees up──▶ offered ──registers with the offer──▶ converted
                                     └──offer_expires_at passes──▶ lapsed (the place goes to the next one)

An offer holds its place: availability counts live offers, so the public keeps seeing "sold out" while
the person offered decides. Offers are made by a worker job under the event's lock, the same lock that
orders take first (DESIGN rule 4), so two workers, or a worker and a buyer, never hand out one place twice.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator
from tortoise.expressions import F
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from events import clock
from events.accounts import throttle
from events.accounts.services import normalise_email
from events.catalogue.models import Event, EventStatus, TicketType
from events.errors import N_, AlreadyWaiting, NotFound, PlacesAvailable, SalesClosed
from events.mail import services as mail
from events.ticketing import notices
from events.ticketing.availability import on_sale, remaining, usage
from events.ticketing.models import WaitingListEntry, WaitingStatus
from events.validation import EMAIL_PATTERN, validate
from events.web import links

ACTIVE = (WaitingStatus.WAITING, WaitingStatus.OFFERED)
OFFER_TOKEN_LENGTH = 43
JOIN_LIMIT = 20
JOIN_WINDOW = timedelta(hours=1)


class JoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=1, max_length=254)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not EMAIL_PATTERN.match(normalise_email(value)):
            raise ValueError(N_("Enter a valid e-mail address."))
        return normalise_email(value)


async def _lock(event_id: int, type_id: int) -> None:
    """First statements of the transaction, as in `orders.place_order`: the event row, then the type's."""
    await Event.filter(id=event_id).update(lock_version=F("lock_version") + 1)
    await TicketType.filter(id=type_id).update(lock_version=F("lock_version") + 1)


async def waiting_type(event: Event, type_id: int) -> TicketType:
    """A public ticket type of this event, the only kind a visitor may wait for."""
    found = await TicketType.get_or_none(id=type_id, event_id=event.id, hidden=False)
    if found is None:
        raise NotFound()
    return found


async def join(
    event: Event, ticket_type: TicketType, data: object, *, locale: str, client: str
) -> WaitingListEntry:
    """Put a visitor on the list of a sold-out type; one active entry per e-mail address and type.

    `client` (the caller's address) bounds how many entries one machine may add, since each may
    later send an e-mail.
    """
    values = validate(JoinIn, data)
    if not on_sale(ticket_type):
        raise SalesClosed()
    await throttle.check("waitlist", client, JOIN_LIMIT, JOIN_WINDOW)
    async with in_transaction():
        await _lock(event.id, ticket_type.id)
        event = await Event.get(id=event.id)
        ticket_type = await TicketType.get(id=ticket_type.id)
        left = remaining(event, ticket_type, await usage(event.id))
        if left is None or left > 0:
            raise PlacesAvailable()
        if await WaitingListEntry.filter(
            ticket_type_id=ticket_type.id, email=values.email, status__in=ACTIVE
        ).exists():
            raise AlreadyWaiting()
        await throttle.hit("waitlist", client)
        entry = await WaitingListEntry.create(
            event_id=event.id,
            ticket_type_id=ticket_type.id,
            name=values.name,
            email=values.email,
            locale=locale if locale in ("fr", "en") else "fr",
        )
        await notices.waitlist_joined(entry, event, ticket_type)
        return entry


def offer_url(event: Event, entry: WaitingListEntry) -> str:
    """The registration page with the offered ticket chosen and the offer carried into the form."""
    query = {f"type-{entry.ticket_type_id}": 1, "offer": entry.offer_token}
    return links.absolute("register", query=query, slug=event.slug)


async def live_offer(event: Event, token: str | None) -> WaitingListEntry | None:
    """The offer behind a link, while it still holds its place (a token longer than any is no offer)."""
    if not token or len(token) > OFFER_TOKEN_LENGTH:
        return None
    return (
        await WaitingListEntry.filter(
            offer_token=token,
            event_id=event.id,
            status=WaitingStatus.OFFERED,
            offer_expires_at__gt=clock.now(),
        )
        .prefetch_related("ticket_type")
        .first()
    )


async def lapse_offers() -> int:
    """Offers past their time give their place back (the next cycle offers it to the next person)."""
    return await WaitingListEntry.filter(
        status=WaitingStatus.OFFERED, offer_expires_at__lte=clock.now()
    ).update(status=WaitingStatus.LAPSED)


async def _offer(event: Event, ticket_type: TicketType, entry: WaitingListEntry) -> None:
    now = clock.now()
    entry.status = WaitingStatus.OFFERED
    entry.offer_token = secrets.token_urlsafe(24)
    entry.offered_at = now
    entry.offer_expires_at = now + timedelta(hours=event.waiting_list_offer_hours)
    await entry.save(update_fields=["status", "offer_token", "offered_at", "offer_expires_at"])
    await mail.enqueue_template(
        "mail/waitlist_offer",
        to=entry.email,
        locale=entry.locale,
        context={
            "entry": entry,
            "event": event,
            "ticket_type": ticket_type,
            "offer_url": offer_url(event, entry),
        },
        kind="waitlist_offer",
        dedupe_key=f"waitlist-offer:{entry.id}",
    )


async def _offer_places_of(type_id: int) -> int:
    """Offer each free place of one type to the next person waiting, inside the event's lock."""
    ticket_type = await TicketType.get(id=type_id)
    if not on_sale(ticket_type):
        return 0
    async with in_transaction():
        await _lock(ticket_type.event_id, type_id)
        event = await Event.get(id=ticket_type.event_id)
        ticket_type = await TicketType.get(id=type_id)
        left = remaining(event, ticket_type, await usage(event.id), queue_first=False)
        waiting = WaitingListEntry.filter(ticket_type_id=type_id, status=WaitingStatus.WAITING)
        if left is not None:
            if left <= 0:
                return 0
            waiting = waiting.limit(left)
        entries = await waiting.order_by("created_at", "id")
        for entry in entries:
            await _offer(event, ticket_type, entry)
    return len(entries)


async def offer_places() -> int:
    """The worker job: lapse old offers, then offer the free places; the number of offers made."""
    await lapse_offers()
    rows = (
        await WaitingListEntry.filter(
            status=WaitingStatus.WAITING,
            event__status=EventStatus.PUBLISHED,
            event__ends_at__gt=clock.now(),
        )
        .order_by("ticket_type_id")
        .distinct()
        .values("ticket_type_id")
    )
    offered = 0
    for type_id in sorted({int(row["ticket_type_id"]) for row in rows}):
        offered += await _offer_places_of(type_id)
    return offered


async def waiting_counts(event: Event) -> dict[int, int]:
    """How many people wait (or hold an offer) per ticket type, for the organiser."""
    rows = (
        await WaitingListEntry.filter(event_id=event.id, status__in=ACTIVE)
        .order_by("ticket_type_id")
        .annotate(n=Count("id"))
        .group_by("ticket_type_id")
        .values_list("ticket_type_id", "n")
    )
    return {int(type_id): int(n) for type_id, n in rows}
