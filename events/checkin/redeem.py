"""The scan: one badge at one door, decided once.

A scan is decided in this order, and the first rule that applies gives its status:

    invalid           the secret is not signed by this event's key (checked before any lookup), or no
                      ticket of this event has it (or the ticket id, for a search hit)
    cancelled         the ticket, or its order, is cancelled, refunded or expired
    unpaid            the order is still waiting for its payment
    product           the list does not admit this ticket type (or, a session's room, this ticket has not
                      booked the session that needs it: `rooms.py`)
    invalid_time      the list is not open now (a room: from 30 minutes before its session to its end)
    ok                entry: the badge was not inside (or the list allows several entries; or, once per
                      day, it has not come in yet today in the event's time zone); exit: always
    already_redeemed  entry of a badge already inside a list that admits it once

Exactly one `ok` for a badge scanned at two doors at once: an entry is one upsert of the badge's
`ListTicketState` row, `INSERT … ON CONFLICT DO UPDATE SET inside = true … WHERE inside = false
RETURNING id`. On PostgreSQL the second transaction waits for the first's row lock, then re-reads the
condition, so it changes nothing and returns no row; on SQLite transactions are serialised. Whether a row
came back is the decision. The check-in row, the state and the nonce's stored answer commit together, so a
scanner retrying with the same nonce gets the first answer back (its insert meets the first one's row).

Invalid scans are counted per scanner: after `INVALID_LIMIT` in `INVALID_WINDOW` the next invalid one is
refused with `Throttled`, so the door cannot be used to guess secrets. A genuine badge (a valid signature)
is always answered: the signature, not the throttle, is what makes guessing hopeless.

This is the hottest path of the door (hundreds of scans a minute at 8:30): the badge is read with one
join, the scan written with one transaction of three statements, in plain SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from events import clock
from events.accounts import throttle
from events.catalogue.models import Event
from events.checkin import rooms
from events.checkin.models import CheckinList, CheckinType, ListTicketState, ScanNonce
from events.checkin.schemas import ScanIn
from events.checkin.services import scan_list, standing
from events.checkin.tokens import Scanner
from events.ticketing import secrets
from events.ticketing.models import EventKey
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

_public_keys: dict[tuple[int, str], str] = {}
"""Public keys by event (id and creation time: ids come back in a new database). A key never changes once
made, so every process may keep its own copy."""


@dataclass(frozen=True)
class Badge:
    """What a scan needs to know of a ticket, read in one query."""

    id: int
    status: str
    attendee_name: str
    organisation: str
    ticket_type_id: int
    ticket_type: str
    badge_colour: str
    order_status: str
    order_code: str


_BADGE = (
    "SELECT t.id, t.status AS ticket_status, t.attendee_name, t.attendee_organisation, t.ticket_type_id, "
    "tt.name AS type_name, tt.badge_colour, o.status AS order_status, o.code AS order_code "
    'FROM ticket t JOIN "order" o ON o.id = t.order_id JOIN ticket_type tt ON tt.id = t.ticket_type_id '
    "WHERE t.event_id = ? AND t.{column} = ?"
)
_ENTER = (
    "INSERT INTO list_ticket_state "
    "(checkin_list_id, ticket_id, inside, entries, first_entry_at, last_change_at) "
    "VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (checkin_list_id, ticket_id) DO UPDATE "
    "SET inside = ?, entries = list_ticket_state.entries + 1, last_change_at = ? "
    "WHERE (NOT ? AND (list_ticket_state.inside = ? OR ?)) OR (? AND list_ticket_state.last_change_at < ?) "
    "RETURNING id"
)
_EXIT = (
    "UPDATE list_ticket_state SET inside = ?, last_change_at = ? WHERE checkin_list_id = ? AND ticket_id = ?"
)
_INSIDE_SINCE = "SELECT last_change_at FROM list_ticket_state WHERE checkin_list_id = ? AND ticket_id = ?"
_CHECKIN = "INSERT INTO checkin (ticket_id, checkin_list_id, type, created_at, device) VALUES (?, ?, ?, ?, ?)"
_NONCE = "INSERT INTO scan_nonce (event_id, nonce, response, created_at) VALUES (?, ?, ?, ?)"


def _sql(connection: BaseDBAsyncClient, text: str) -> str:
    """`?` placeholders as the connection's driver wants them (`$1, $2…` for asyncpg)."""
    if connection.capabilities.dialect != "postgres":
        return text
    parts = text.split("?")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], start=1)) + parts[-1]


async def _rows(connection: BaseDBAsyncClient, text: str, values: list[Any]) -> list[dict[str, Any]]:
    return await connection.execute_query_dict(_sql(connection, text), values)


async def _execute(connection: BaseDBAsyncClient, text: str, values: list[Any]) -> None:
    await connection.execute_query(_sql(connection, text), values)


async def _public_key(event: Event) -> str | None:
    cache_key = (event.id, event.created_at.isoformat())
    key = _public_keys.get(cache_key)
    if key is None:
        found = await EventKey.get_or_none(event_id=event.id)
        if found is None:
            return None
        key = _public_keys[cache_key] = found.public_key
    return key


async def _genuine(event: Event, scan: ScanIn) -> bool:
    """A secret signed by this event's key, checked before the database is asked (a ticket id, from a
    search by name, needs no signature: it comes from signed-in staff)."""
    if scan.secret is None:
        return True
    if secrets.event_id_of(scan.secret) != event.id:
        return False
    key = await _public_key(event)
    return key is not None and secrets.verify(scan.secret, key)


async def _find(connection: BaseDBAsyncClient, event: Event, scan: ScanIn) -> Badge | None:
    if scan.secret is not None:
        query, values = _BADGE.format(column="secret"), [event.id, scan.secret]
    else:
        query, values = _BADGE.format(column="id"), [event.id, scan.ticket]
    rows = await _rows(connection, query, values)
    if not rows:
        return None
    row = rows[0]
    return Badge(
        id=int(row["id"]),
        status=str(row["ticket_status"]),
        attendee_name=str(row["attendee_name"]),
        organisation=str(row["attendee_organisation"]),
        ticket_type_id=int(row["ticket_type_id"]),
        ticket_type=str(row["type_name"]),
        badge_colour=str(row["badge_colour"]),
        order_status=str(row["order_status"]),
        order_code=str(row["order_code"]),
    )


def _refusal(badge: Badge, door: _Door, booked: bool, now: datetime) -> ScanStatus | None:
    checkin_list = door.checkin_list
    paid_for = standing(badge.status, badge.order_status)
    if paid_for != "valid":
        return ScanStatus(paid_for)
    if not checkin_list.all_ticket_types and badge.ticket_type_id not in door.admitted:
        return ScanStatus.PRODUCT
    in_room = rooms.refusal(door.room, booked, now) if door.room is not None else None
    if in_room is not None:
        return ScanStatus(in_room)
    if (checkin_list.valid_from and now < checkin_list.valid_from) or (
        checkin_list.valid_until and now >= checkin_list.valid_until
    ):
        return ScanStatus.INVALID_TIME
    return None


def _answer(
    status: ScanStatus,
    scan: ScanIn,
    checkin_list: CheckinList,
    badge: Badge | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    shown = None
    if badge is not None:
        shown = {
            "id": badge.id,
            "attendee_name": badge.attendee_name,
            "organisation": badge.organisation,
            "ticket_type": badge.ticket_type,
            "ticket_type_id": badge.ticket_type_id,
            "badge_colour": badge.badge_colour,
            "order": badge.order_code,
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


async def _remember(
    connection: BaseDBAsyncClient, event: Event, nonce: str | None, answer: dict[str, Any]
) -> None:
    """Keep the answer for a retry, in the caller's transaction so that it commits with the check-in."""
    if nonce is not None:
        await _execute(connection, _NONCE, [event.id, nonce, json.dumps(answer), clock.now()])


async def _decided(event: Event, nonce: str | None, answer: dict[str, Any]) -> dict[str, Any]:
    """A scan that changes nothing: remember its answer, unless a retry with its nonce was quicker."""
    try:
        await _remember(connections.get("default"), event, nonce, answer)
    except IntegrityError:
        return await _remembered(event, nonce) or answer
    return answer


def _moment(value: object, fallback: datetime) -> datetime:
    """A timestamp read back in plain SQL (SQLite gives text) as an aware datetime."""
    parsed = ListTicketState._meta.fields_map["last_change_at"].to_python_value(value)
    return parsed if isinstance(parsed, datetime) else fallback


async def _enter(
    connection: BaseDBAsyncClient, checkin_list: CheckinList, badge: Badge, now: datetime, timezone: str
) -> datetime | None:
    """Admit the badge once (or again, where allowed); None when admitted, else since when it is inside."""
    once = checkin_list.once_per_day
    day_start = rooms.day_start(now, timezone).astimezone(UTC)
    values = [checkin_list.id, badge.id, True, now, now, True, now]
    values += [once, False, checkin_list.allow_multiple_entries, once, day_start]
    admitted = await _rows(connection, _ENTER, values)
    if admitted:
        return None
    inside = await _rows(connection, _INSIDE_SINCE, [checkin_list.id, badge.id])
    return _moment(inside[0]["last_change_at"] if inside else None, now)


@dataclass(frozen=True)
class _Door:
    scanner: Scanner
    checkin_list: CheckinList
    admitted: frozenset[int]
    room: rooms.Room | None = None


async def _decide(
    connection: BaseDBAsyncClient, door: _Door, scan: ScanIn, at: datetime | None
) -> dict[str, Any] | None:
    """Inside one transaction: read the badge, decide, write; None when this event has no such badge."""
    event, checkin_list = door.scanner.event, door.checkin_list
    badge = await _find(connection, event, scan)
    if badge is None:
        return None
    now = (at or clock.now()).astimezone(UTC)  # stored as text on SQLite: one offset keeps them ordered
    room = door.room
    booked = await rooms.booked(badge.id, room.session_id) if room is not None and room.booking else True
    refused = _refusal(badge, door, booked, now)
    if refused is not None:
        answer = _answer(refused, scan, checkin_list, badge)
    else:
        if scan.type == CheckinType.EXIT.value:
            await _execute(connection, _EXIT, [False, now, checkin_list.id, badge.id])
            earlier = None
        else:
            earlier = await _enter(connection, checkin_list, badge, now, event.timezone)
        if earlier is None:
            answer = _answer(ScanStatus.OK, scan, checkin_list, badge, now)
            values = [badge.id, checkin_list.id, scan.type, now, door.scanner.device[:120]]
            await _execute(connection, _CHECKIN, values)
        else:
            answer = _answer(ScanStatus.ALREADY_REDEEMED, scan, checkin_list, badge, earlier)
    await _remember(connection, event, scan.nonce, answer)
    return answer


async def _invalid(door: _Door, scan: ScanIn) -> dict[str, Any]:
    event = door.scanner.event
    first = await _remembered(event, scan.nonce)
    if first is not None:
        return first
    await throttle.check(INVALID_SCOPE, door.scanner.key, INVALID_LIMIT, INVALID_WINDOW)
    await throttle.hit(INVALID_SCOPE, door.scanner.key)
    return await _decided(event, scan.nonce, _answer(ScanStatus.INVALID, scan, door.checkin_list))


async def redeem(scanner: Scanner, data: object, at: datetime | None = None) -> dict[str, Any]:
    """Decide one scan at `scanner.event`'s door: the answer of API.md (status, ticket, checked_in_at).

    `at` is when the badge was scanned, for a scan made offline and sent later (now when left out)."""
    scan = validate(ScanIn, data)
    checkin_list, admitted = await scan_list(scanner.event, scan.checkin_list)
    door = _Door(scanner, checkin_list, admitted, await rooms.room(checkin_list))
    if not await _genuine(scanner.event, scan):
        return await _invalid(door, scan)
    try:
        async with in_transaction() as connection:
            answer = await _decide(connection, door, scan, at)
    except IntegrityError:  # a retry with the same nonce was quicker: its answer is the answer
        first = await _remembered(scanner.event, scan.nonce)
        if first is None:
            raise
        return first
    return answer if answer is not None else await _invalid(door, scan)
