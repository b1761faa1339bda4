"""Check-in lists, the redeem decision, live figures and the search by name at the door.

A scan is decided in this order, and the first rule that applies gives its status:

    invalid           the secret is not signed by this event's key (checked before any lookup), or no
                      ticket of this event has it (or the ticket id, for a search hit)
    cancelled         the ticket, or its order, is cancelled, refunded or expired
    unpaid            the order is still waiting for its payment
    product           the list does not admit this ticket type
    invalid_time      the list is not open now
    ok                entry: the badge was not inside (or the list allows several entries); exit: always
    already_redeemed  entry of a badge already inside a list that admits it once

Exactly one `ok` for a badge scanned at two doors at once: every entry first makes sure the badge's
`ListTicketState` row exists (insert, ignoring a conflict), then flips it with one conditional update,
`inside = true WHERE inside = false`. On PostgreSQL the second transaction waits for the first's row
lock and then re-reads the condition (Read Committed), so it changes nothing; on SQLite transactions are
serialised. The update's row count is the decision. The check-in row, the state row and the nonce's
stored answer commit together, so a scanner retrying with the same nonce gets the first answer back.

Invalid scans are counted per scanner: after `INVALID_LIMIT` in `INVALID_WINDOW` the next invalid one is
refused with `Throttled`, so the door cannot be used to guess secrets. A genuine badge (a valid signature)
is always answered: the signature, not the throttle, is what makes guessing hopeless.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from events import clock
from events.accounts import throttle
from events.accounts.models import User
from events.audit import services as audit
from events.catalogue.models import Event, TicketType
from events.checkin.models import Checkin, CheckinList, CheckinType, ListTicketState, ScanNonce
from events.checkin.schemas import CheckinListIn, ScanIn, list_out
from events.checkin.tokens import Scanner
from events.errors import N_, Invalid, NotFound
from events.i18n import gettext
from events.ticketing import secrets
from events.ticketing.models import EventKey, OrderStatus, Ticket, TicketStatus
from events.validation import validate


class ScanStatus(StrEnum):
    OK = "ok"
    ALREADY_REDEEMED = "already_redeemed"
    INVALID = "invalid"
    UNPAID = "unpaid"
    CANCELLED = "cancelled"
    PRODUCT = "product"
    INVALID_TIME = "invalid_time"


INVALID_SCOPE = "scan"
INVALID_LIMIT = 30
INVALID_WINDOW = timedelta(minutes=1)
NONCE_RETENTION = timedelta(days=7)
MAIN_LIST_NAME = N_("Main entrance")

_CLOSED_ORDERS = {OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.EXPIRED}
_public_keys: dict[tuple[int, str], str] = {}
"""Public keys by event (id and creation time: ids come back in a new database). A key never changes once
made, so every process may keep its own copy."""


# ---------------------------------------------------------------- lists


async def main_list(event: Event) -> CheckinList:
    """The event's main list (every ticket type), made on first use.

    Two first scans at once must not make two main lists: the creation writes the event's row first,
    which serialises it on both databases (the same lock as orders), then looks again.
    """
    found = await CheckinList.filter(event_id=event.id, is_main=True).order_by("id").first()
    if found is not None:
        return found
    async with in_transaction():
        await Event.filter(id=event.id).update(lock_version=F("lock_version") + 1)
        found = await CheckinList.filter(event_id=event.id, is_main=True).order_by("id").first()
        if found is None:
            with_name = gettext(MAIN_LIST_NAME)
            found = await CheckinList.create(event_id=event.id, name=with_name, is_main=True)
    return found


async def checkin_lists(event: Event) -> list[CheckinList]:
    await main_list(event)
    return await CheckinList.filter(event_id=event.id).order_by("-is_main", "id")


async def checkin_list(event: Event, list_id: int | None) -> CheckinList:
    """The list asked for (None: the main list); another event's list does not exist here."""
    if list_id is None:
        return await main_list(event)
    found = await CheckinList.get_or_none(id=list_id, event_id=event.id)
    if found is None:
        raise NotFound()
    return found


async def list_type_ids(checkin_list: CheckinList) -> list[int]:
    if checkin_list.all_ticket_types:
        return []
    return [t.id for t in await checkin_list.ticket_types.all()]


async def lists_json(event: Event) -> list[dict[str, Any]]:
    return [list_out(found, await list_type_ids(found)) for found in await checkin_lists(event)]


async def create_list(user: User, event: Event, data: object) -> CheckinList:
    """A list limited to some ticket types (none named: every type), with its own entry rule and hours."""
    values = validate(CheckinListIn, data).localised(event.timezone)
    wanted = set(values.ticket_types)
    types = await TicketType.filter(event_id=event.id, id__in=wanted)
    if len(types) != len(wanted):
        raise Invalid({"ticket_types": gettext(N_("Choose ticket types of this event."))})
    await main_list(event)
    async with in_transaction():
        created = await CheckinList.create(
            event_id=event.id,
            name=values.name,
            all_ticket_types=not wanted,
            allow_multiple_entries=values.allow_multiple_entries,
            valid_from=values.valid_from,
            valid_until=values.valid_until,
        )
        if types:
            await created.ticket_types.add(*types)
        await audit.record(
            user, event.organisation_id, "checkin_list.created", "checkin_list", created.id,
            after={**list_out(created, sorted(wanted)), "event": event.slug},
        )  # fmt: skip
    return created


# ---------------------------------------------------------------- redeem


async def _public_key(event: Event) -> str | None:
    cache_key = (event.id, event.created_at.isoformat())
    key = _public_keys.get(cache_key)
    if key is None:
        found = await EventKey.get_or_none(event_id=event.id)
        if found is None:
            return None
        key = _public_keys[cache_key] = found.public_key
    return key


async def _find(event: Event, scan: ScanIn) -> Ticket | None:
    """The scanned ticket, or None. A secret's signature is checked before the database is asked."""
    query = Ticket.filter(event_id=event.id)
    if scan.secret is not None:
        if secrets.event_id_of(scan.secret) != event.id:
            return None
        key = await _public_key(event)
        if key is None or not secrets.verify(scan.secret, key):
            return None
        query = query.filter(secret=scan.secret)
    else:
        query = query.filter(id=scan.ticket)
    return await query.select_related("order", "ticket_type").first()


async def _refusal(ticket: Ticket, checkin_list: CheckinList, now: datetime) -> ScanStatus | None:
    if ticket.status == TicketStatus.CANCELLED or ticket.order.status in _CLOSED_ORDERS:
        return ScanStatus.CANCELLED
    if ticket.order.status == OrderStatus.PENDING:
        return ScanStatus.UNPAID
    if not checkin_list.all_ticket_types and ticket.ticket_type_id not in await list_type_ids(checkin_list):
        return ScanStatus.PRODUCT
    if (checkin_list.valid_from and now < checkin_list.valid_from) or (
        checkin_list.valid_until and now >= checkin_list.valid_until
    ):
        return ScanStatus.INVALID_TIME
    return None


def _answer(
    status: ScanStatus,
    scan: ScanIn,
    checkin_list: CheckinList,
    ticket: Ticket | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    shown = None
    if ticket is not None:
        shown = {
            "id": ticket.id,
            "attendee_name": ticket.attendee_name,
            "organisation": ticket.attendee_organisation,
            "ticket_type": ticket.ticket_type.name,
            "ticket_type_id": ticket.ticket_type_id,
            "badge_colour": ticket.ticket_type.badge_colour,
            "order": ticket.order.code,
        }
    return {
        "status": str(status),
        "ticket": shown,
        "checked_in_at": at.isoformat() if at else None,
        "type": scan.type,
        "list": checkin_list.id,
    }


async def _remembered(event: Event, nonce: str | None) -> dict[str, Any] | None:
    if nonce is None:
        return None
    stored = await ScanNonce.get_or_none(event_id=event.id, nonce=nonce)
    return stored.response if stored else None


async def _remember(event: Event, nonce: str | None, answer: dict[str, Any]) -> None:
    """Keep the answer for a retry; in the caller's transaction, so it commits with the check-in."""
    if nonce is not None:
        await ScanNonce.create(event_id=event.id, nonce=nonce, response=answer, created_at=clock.now())


async def _decided(event: Event, nonce: str | None, answer: dict[str, Any]) -> dict[str, Any]:
    """A scan that changes nothing: remember its answer, unless a retry with its nonce was quicker."""
    try:
        await _remember(event, nonce, answer)
    except IntegrityError:
        return await _remembered(event, nonce) or answer
    return answer


async def _enter(checkin_list: CheckinList, ticket: Ticket, now: datetime) -> datetime | None:
    """Admit the badge once (or again, where allowed); None when it was already inside."""
    await ListTicketState.bulk_create(
        [ListTicketState(checkin_list_id=checkin_list.id, ticket_id=ticket.id, first_entry_at=now)],
        ignore_conflicts=True,
    )
    state = ListTicketState.filter(checkin_list_id=checkin_list.id, ticket_id=ticket.id)
    if not checkin_list.allow_multiple_entries:
        state = state.filter(inside=False)
    if await state.update(inside=True, entries=F("entries") + 1, last_change_at=now):
        return None
    inside = await ListTicketState.get(checkin_list_id=checkin_list.id, ticket_id=ticket.id)
    return inside.last_change_at or inside.first_entry_at or now


async def _admit(
    event: Event, checkin_list: CheckinList, ticket: Ticket, scan: ScanIn, scanner: Scanner
) -> dict[str, Any]:
    now = clock.now()
    try:
        async with in_transaction():
            if scan.type == CheckinType.EXIT.value:
                await ListTicketState.filter(checkin_list_id=checkin_list.id, ticket_id=ticket.id).update(
                    inside=False, last_change_at=now
                )
                earlier = None
            else:
                earlier = await _enter(checkin_list, ticket, now)
            if earlier is None:
                answer = _answer(ScanStatus.OK, scan, checkin_list, ticket, now)
                await Checkin.create(
                    ticket_id=ticket.id,
                    checkin_list_id=checkin_list.id,
                    type=scan.type,
                    created_at=now,
                    device=scanner.device[:120],
                )
            else:
                answer = _answer(ScanStatus.ALREADY_REDEEMED, scan, checkin_list, ticket, earlier)
            await _remember(event, scan.nonce, answer)
    except IntegrityError:
        first = await _remembered(event, scan.nonce)
        if first is None:
            raise
        return first
    return answer


async def redeem(scanner: Scanner, data: object) -> dict[str, Any]:
    """Decide one scan at `scanner.event`'s door: the answer of API.md (status, ticket, checked_in_at)."""
    scan = validate(ScanIn, data)
    event = scanner.event
    first = await _remembered(event, scan.nonce)
    if first is not None:
        return first
    door_list = await checkin_list(event, scan.checkin_list)
    ticket = await _find(event, scan)
    if ticket is None:
        await throttle.check(INVALID_SCOPE, scanner.key, INVALID_LIMIT, INVALID_WINDOW)
        await throttle.hit(INVALID_SCOPE, scanner.key)
        return await _decided(event, scan.nonce, _answer(ScanStatus.INVALID, scan, door_list))
    refused = await _refusal(ticket, door_list, clock.now())
    if refused is not None:
        return await _decided(event, scan.nonce, _answer(refused, scan, door_list, ticket))
    return await _admit(event, door_list, ticket, scan, scanner)


# ---------------------------------------------------------------- figures and search


async def _expected(event: Event, checkin_list: CheckinList) -> int:
    tickets = Ticket.filter(event_id=event.id, status=TicketStatus.VALID, order__status=OrderStatus.PAID)
    type_ids = await list_type_ids(checkin_list)
    if not checkin_list.all_ticket_types:
        tickets = tickets.filter(ticket_type_id__in=type_ids or [0])
    return await tickets.count()


async def stats(event: Event) -> list[dict[str, Any]]:
    """Per list: badges that came in at least once, badges inside now, and badges expected."""
    figures = []
    for found in await checkin_lists(event):
        states = ListTicketState.filter(checkin_list_id=found.id)
        figures.append(
            {
                "id": found.id,
                "name": found.name,
                "checked_in": await states.filter(entries__gt=0).count(),
                "inside": await states.filter(inside=True).count(),
                "expected": await _expected(event, found),
            }
        )
    return figures


def _summary(ticket: Ticket) -> str:
    if ticket.status == TicketStatus.CANCELLED or ticket.order.status in _CLOSED_ORDERS:
        return str(ScanStatus.CANCELLED)
    if ticket.order.status == OrderStatus.PENDING:
        return str(ScanStatus.UNPAID)
    return "valid"


async def search(
    event: Event, text: str, list_id: int | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """Attendees whose name, organisation or order code matches, for a badge left at home."""
    term = text.strip()
    if len(term) < 2 or any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in term):
        return []
    door_list = await checkin_list(event, list_id)
    found = (
        await Ticket.filter(event_id=event.id)
        .filter(
            Q(attendee_name__icontains=term)
            | Q(attendee_organisation__icontains=term)
            | Q(order__code=term.upper()[:12])
        )
        .select_related("order", "ticket_type")
        .order_by("attendee_name", "id")
        .limit(limit)
    )
    states = ListTicketState.filter(
        checkin_list_id=door_list.id, ticket_id__in=[t.id for t in found], inside=True
    )
    inside = {state.ticket_id for state in await states}
    return [
        {
            "id": ticket.id,
            "attendee_name": ticket.attendee_name,
            "organisation": ticket.attendee_organisation,
            "ticket_type": ticket.ticket_type.name,
            "order": ticket.order.code,
            "status": _summary(ticket),
            "inside": ticket.id in inside,
        }
        for ticket in found
    ]


async def purge_nonces() -> int:
    """Stored answers outlive any retry by far after a week."""
    return await ScanNonce.filter(created_at__lt=clock.now() - NONCE_RETENTION).delete()
