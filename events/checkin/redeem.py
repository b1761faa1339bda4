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

A scan is decided at `now`, or at the time it was made when a door sends it later (`batch.py`); times are
written in UTC (SQLite keeps them as text, one offset keeps them in order).

Exactly one `ok` for a badge scanned at two doors at once: an entry is one upsert of the badge's
`ListTicketState` row, `INSERT … ON CONFLICT DO UPDATE SET inside = true … WHERE inside = false
RETURNING id`. On PostgreSQL the second statement waits for the first's row lock, then re-reads the
condition, so it changes nothing and returns no row; on SQLite transactions are serialised. Whether a row
came back is the decision. The check-in row, the state and the nonce's stored answer are written
together, so a scanner retrying with the same nonce gets the first answer back (its insert meets the first
one's row, and the whole write is undone).

This is the hottest path of the door (thousands of scans a minute at 8:30). On PostgreSQL an entry at an
open list without a room is one statement (`_PG_READ_ENTER`): it reads the badge with its state on this
list and any answer already given to the nonce, and writes the entry (upsert, check-in row and the nonce's
answer, atomic as one statement) when the badge is worth one; entries queued at one list behind a
statement in flight go together in the next (`_PG_READ_ENTER_MANY`, `together.py`). Any other scan is two
round trips: that read (`_BADGE`), then the write. SQLite has no data-modifying CTE: there the same
statements run in one transaction. A forged secret costs no query at all: the signature is checked first.

Invalid scans are counted per scanner: after `INVALID_LIMIT` in `INVALID_WINDOW` the next invalid one is
refused with `Throttled`, so the door cannot be used to guess secrets. They are counted in this process and
written once a second (`throttle.Bucket`), so a flood of forged badges is not a flood of writes. A genuine
badge (a valid signature) is always answered: the signature, not the throttle, is what makes guessing
hopeless.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from events import clock
from events.accounts import throttle
from events.catalogue.models import Event
from events.checkin import rooms
from events.checkin.models import (
    CheckinList,
    CheckinType,
    ListTicketState,
    ScanNonce,
    ScanTicketWire,
    ScanWire,
)
from events.checkin.schemas import ScanIn
from events.checkin.services import scan_list, standing
from events.checkin.together import Together
from events.checkin.tokens import Scanner
from events.ticketing import secrets
from events.ticketing.models import EventKey, OrderStatus, TicketStatus
from events.validation import validate

logger = logging.getLogger(__name__)


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

_invalid_scans = throttle.Bucket(INVALID_SCOPE)

_public_keys: dict[tuple[int, str], str] = {}
"""Public keys by event (id and creation time: ids come back in a new database). A key never changes once
made, so every process may keep its own copy."""

_invalid_nonces: dict[tuple[int, str, str], ScanResult] = {}
"""Nonces of recent invalid scans, per process: a retry gets the same answer and is not counted twice.
An invalid answer depends on nothing stored, so it needs no row (a retry reaching another process is
counted once more there, which can only throttle sooner)."""
_INVALID_NONCES_KEPT = 10_000


@dataclass(frozen=True)
class ScanTicket:
    """The badge as the door shows it."""

    id: int
    attendee_name: str
    organisation: str
    ticket_type: str
    ticket_type_id: int
    badge_colour: str
    order: str

    def wire(self) -> ScanTicketWire:
        return {
            "id": self.id,
            "attendee_name": self.attendee_name,
            "organisation": self.organisation,
            "ticket_type": self.ticket_type,
            "ticket_type_id": self.ticket_type_id,
            "badge_colour": self.badge_colour,
            "order": self.order,
        }


@dataclass(frozen=True)
class ScanResult:
    """The answer to one scan; `wire()` is API.md's JSON (and what a nonce keeps for a retry)."""

    status: ScanStatus
    ticket: ScanTicket | None
    checked_in_at: datetime | None
    type: str
    list_id: int

    def wire(self) -> ScanWire:
        return {
            "status": str(self.status),
            "ticket": None if self.ticket is None else self.ticket.wire(),
            "checked_in_at": self.checked_in_at.isoformat() if self.checked_in_at else None,
            "type": self.type,
            "list": self.list_id,
        }

    @classmethod
    def from_wire(cls, data: ScanWire) -> ScanResult:
        ticket, at = data["ticket"], data["checked_in_at"]
        return cls(
            status=ScanStatus(data["status"]),
            ticket=ScanTicket(**ticket) if ticket is not None else None,
            checked_in_at=datetime.fromisoformat(at) if at else None,
            type=str(data["type"]),
            list_id=int(data["list"]),
        )


@dataclass(frozen=True)
class Badge:
    """What a scan needs to know of a ticket, read in one query with its state on the scan's list."""

    shown: ScanTicket
    status: str
    order_status: str
    inside: bool
    inside_since: datetime | None
    remembered: ScanResult | None
    """The answer already given to this scan's nonce, if any."""
    booked: bool
    """Whether the ticket booked the session of the list's room (false when the list is no room)."""


_BADGE = (
    "SELECT t.id, t.status AS ticket_status, t.attendee_name, t.attendee_organisation, t.ticket_type_id, "
    "tt.name AS type_name, tt.badge_colour, o.status AS order_status, o.code AS order_code, "
    "s.inside, s.last_change_at, n.response AS remembered, b.id AS booking "
    'FROM ticket t JOIN "order" o ON o.id = t.order_id JOIN ticket_type tt ON tt.id = t.ticket_type_id '
    "LEFT JOIN list_ticket_state s ON s.checkin_list_id = ? AND s.ticket_id = t.id "
    "LEFT JOIN scan_nonce n ON n.event_id = t.event_id AND n.nonce = ? "
    "LEFT JOIN session_booking b ON b.ticket_id = t.id AND b.session_id = ? "
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

# PostgreSQL: the entry as one statement. The check-in row and the nonce's answer are inserted from the
# upsert's returned row, so they exist exactly when the badge was admitted.
_PG_ENTER = (
    "WITH admitted AS (" + _ENTER + "), "  # noqa: S608 — this module's constant statements only
    "entry AS (INSERT INTO checkin (ticket_id, checkin_list_id, type, created_at, device) "
    "SELECT ?::int, ?::int, ?::text, ?::timestamptz, ?::text FROM admitted RETURNING 1)"
    "{nonce} SELECT count(*) AS admitted FROM admitted"
)
_PG_ENTER_NONCE = (
    ", remembered AS (INSERT INTO scan_nonce (event_id, nonce, response, created_at) "
    "SELECT ?::int, ?::text, ?::jsonb, ?::timestamptz FROM admitted RETURNING 1)"
)
_PG_EXIT = "WITH moved AS (" + _EXIT + " RETURNING 1) " + _CHECKIN
_PG_EXIT_NONCE = (
    "WITH moved AS (" + _EXIT + " RETURNING 1), entry AS (" + _CHECKIN + " RETURNING 1) " + _NONCE
)


# The upsert of an entry from the `badge` row(s) read in the same statement: only a badge worth an entry
# here, whose nonce has no answer yet (`{order}`: the rows' order, for a batch).
_ADMIT = (
    "admitted AS (INSERT INTO list_ticket_state "
    "(checkin_list_id, ticket_id, inside, entries, first_entry_at, last_change_at) "
    "SELECT ?::int, badge.id, true, 1, ?::timestamptz, ?::timestamptz FROM badge "
    "WHERE badge.remembered IS NULL AND badge.ticket_status = ANY(?::text[]) "
    "AND badge.order_status = ANY(?::text[]) AND (?::bool OR badge.ticket_type_id = ANY(?::int[])) "
    "{order}ON CONFLICT (checkin_list_id, ticket_id) DO UPDATE "
    "SET inside = true, entries = list_ticket_state.entries + 1, last_change_at = ?::timestamptz "
    "WHERE (NOT ?::bool AND (list_ticket_state.inside = false OR ?::bool)) "
    "OR (?::bool AND list_ticket_state.last_change_at < ?::timestamptz) "
    "RETURNING ticket_id), "
)
# The nonce's `ok` answer for a badge row, as `ScanResult.wire()` writes it.
_OK_ANSWER = (
    "jsonb_build_object('status', 'ok', 'ticket', jsonb_build_object("
    "'id', badge.id, 'attendee_name', badge.attendee_name, 'organisation', badge.attendee_organisation, "
    "'ticket_type', badge.type_name, 'ticket_type_id', badge.ticket_type_id, "
    "'badge_colour', badge.badge_colour, 'order', badge.order_code), "
    "'checked_in_at', ?::text, 'type', 'entry', 'list', ?::int)"
)

# PostgreSQL, an entry at an ordinary list (no room) while it is open: the read and the write in one
# statement. The badge is read as `_BADGE` reads it; the upsert is `_ENTER`'s, tried only when the badge
# is worth an entry here and its nonce has no answer yet; the check-in row and the nonce's `ok` (built
# as `ScanResult.wire()` builds it) follow from the upsert's row. The badge comes back with whether it
# was admitted: when not, the scan is decided from it as `_decide` decides any scan.
_PG_READ_ENTER = (
    "WITH badge AS ("  # noqa: S608 — this module's constant statements only
    + _BADGE
    + "), "
    + _ADMIT.replace("{order}", "")
    + "entry AS (INSERT INTO checkin (ticket_id, checkin_list_id, type, created_at, device) "
    "SELECT ticket_id, ?::int, 'entry', ?::timestamptz, ?::text FROM admitted RETURNING 1)"
    "{nonce} SELECT badge.*, (SELECT count(*) FROM admitted) AS admitted FROM badge"
)
_PG_READ_ENTER_NONCE = (
    ", remembered AS (INSERT INTO scan_nonce (event_id, nonce, response, created_at) "
    "SELECT ?::int, ?::text, " + _OK_ANSWER + ", ?::timestamptz "
    "FROM admitted, badge RETURNING 1)"
)
# The same for badges queued behind one another at one list (`together.py`): one row of `input` per scan,
# distinct badges and nonces (the batch's rule), the upsert in ticket id order so that two processes'
# batches lock the badges they share in the same order.
_PG_READ_ENTER_MANY = (
    "WITH input AS ("  # noqa: S608 — this module's constant statements only
    "SELECT * FROM unnest(?::text[], ?::text[], ?::text[]) AS i(secret, nonce, device)), "
    "badge AS (SELECT t.id, t.status AS ticket_status, t.attendee_name, t.attendee_organisation, "
    "t.ticket_type_id, tt.name AS type_name, tt.badge_colour, o.status AS order_status, "
    "o.code AS order_code, s.inside, s.last_change_at, n.response AS remembered, NULL::int AS booking, "
    "i.secret AS scanned, i.nonce AS scan_nonce, i.device FROM input i "
    # Each row by its own index (LIMIT 1 keeps each lookup a lookup): joined, the planner may scan every
    # ticket of the event, or every state and nonce, for a handful of badges.
    "JOIN LATERAL (SELECT * FROM ticket WHERE event_id = ?::int AND secret = i.secret LIMIT 1) t ON true "
    'JOIN LATERAL (SELECT status, code FROM "order" WHERE id = t.order_id LIMIT 1) o ON true '
    "JOIN LATERAL (SELECT name, badge_colour FROM ticket_type WHERE id = t.ticket_type_id LIMIT 1) tt "
    "ON true "
    "LEFT JOIN LATERAL (SELECT inside, last_change_at FROM list_ticket_state "
    "WHERE checkin_list_id = ?::int AND ticket_id = t.id LIMIT 1) s ON true "
    "LEFT JOIN LATERAL (SELECT response FROM scan_nonce WHERE event_id = t.event_id AND nonce = i.nonce "
    "LIMIT 1) n ON true), "
    + _ADMIT.replace("{order}", "ORDER BY badge.id ")
    + "entry AS (INSERT INTO checkin (ticket_id, checkin_list_id, type, created_at, device) "
    "SELECT badge.id, ?::int, 'entry', ?::timestamptz, badge.device "
    "FROM admitted JOIN badge ON badge.id = admitted.ticket_id RETURNING 1), "
    "remembered AS (INSERT INTO scan_nonce (event_id, nonce, response, created_at) "
    "SELECT ?::int, badge.scan_nonce, " + _OK_ANSWER + ", ?::timestamptz "
    "FROM admitted JOIN badge ON badge.id = admitted.ticket_id WHERE badge.scan_nonce IS NOT NULL "
    "RETURNING 1) "
    "SELECT badge.*, badge.id IN (SELECT ticket_id FROM admitted) AS admitted FROM badge"
)
_VALID_TICKETS = [str(status) for status in TicketStatus if standing(status, OrderStatus.PAID) == "valid"]
_PAID_ORDERS = [str(status) for status in OrderStatus if standing(TicketStatus.VALID, status) == "valid"]


def _postgres(connection: BaseDBAsyncClient) -> bool:
    return connection.capabilities.dialect == "postgres"


def _sql(connection: BaseDBAsyncClient, text: str) -> str:
    """`?` placeholders as the connection's driver wants them (`$1, $2…` for asyncpg)."""
    if not _postgres(connection):
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


def _moment(value: object) -> datetime | None:
    """A timestamp read back in plain SQL (SQLite gives text) as an aware datetime."""
    parsed = ListTicketState._meta.fields_map["last_change_at"].to_python_value(value)
    return parsed if isinstance(parsed, datetime) else None


def _stored(value: object) -> ScanResult | None:
    """A nonce's stored answer, read back in plain SQL (text or already decoded)."""
    if value is None:
        return None
    decoded = json.loads(value) if isinstance(value, str | bytes) else value
    # What the nonce keeps was written by `ScanResult.wire()`.
    return ScanResult.from_wire(cast(ScanWire, decoded)) if isinstance(decoded, dict) else None


def _badge_values(door: _Door, scan: ScanIn) -> tuple[str, list[Any]]:
    column, value = ("secret", scan.secret) if scan.secret is not None else ("id", scan.ticket)
    room = door.room.session_id if door.room is not None else None
    return column, [door.checkin_list.id, scan.nonce, room, door.scanner.event.id, value]


async def _find(connection: BaseDBAsyncClient, door: _Door, scan: ScanIn) -> Badge | None:
    column, values = _badge_values(door, scan)
    rows = await _rows(connection, _BADGE.format(column=column), values)
    return _badge(rows[0]) if rows else None


def _badge(row: dict[str, Any]) -> Badge:
    shown = ScanTicket(
        id=int(row["id"]),
        attendee_name=str(row["attendee_name"]),
        organisation=str(row["attendee_organisation"]),
        ticket_type=str(row["type_name"]),
        ticket_type_id=int(row["ticket_type_id"]),
        badge_colour=str(row["badge_colour"]),
        order=str(row["order_code"]),
    )
    return Badge(
        shown=shown,
        status=str(row["ticket_status"]),
        order_status=str(row["order_status"]),
        inside=bool(row["inside"]),
        inside_since=_moment(row["last_change_at"]),
        remembered=_stored(row["remembered"]),
        booked=row["booking"] is not None,
    )


def _refusal(badge: Badge, door: _Door, now: datetime) -> ScanStatus | None:
    checkin_list = door.checkin_list
    paid_for = standing(badge.status, badge.order_status)
    if paid_for != "valid":
        return ScanStatus(paid_for)
    if not checkin_list.all_ticket_types and badge.shown.ticket_type_id not in door.admitted:
        return ScanStatus.PRODUCT
    in_room = rooms.refusal(door.room, badge.booked, now) if door.room is not None else None
    if in_room is not None:
        return ScanStatus(in_room)
    if (checkin_list.valid_from and now < checkin_list.valid_from) or (
        checkin_list.valid_until and now >= checkin_list.valid_until
    ):
        return ScanStatus.INVALID_TIME
    return None


@dataclass(frozen=True)
class _Door:
    scanner: Scanner
    checkin_list: CheckinList
    admitted: frozenset[int]
    room: rooms.Room | None = None

    def day_start(self, now: datetime) -> datetime:
        """Midnight today in the event's zone, in UTC: a once-a-day list opens again after it."""
        return rooms.day_start(now, self.scanner.event.timezone).astimezone(UTC)

    def answer(
        self, status: ScanStatus, scan: ScanIn, badge: Badge | None = None, at: datetime | None = None
    ) -> ScanResult:
        shown = badge.shown if badge is not None else None
        return ScanResult(status, shown, at, scan.type, self.checkin_list.id)


async def _remembered(event: Event, nonce: str | None) -> ScanResult | None:
    if nonce is None:
        return None
    stored = await ScanNonce.get_or_none(event_id=event.id, nonce=nonce)
    return ScanResult.from_wire(stored.response) if stored else None


def _nonce_values(door: _Door, scan: ScanIn, answer: ScanResult, now: datetime) -> list[object]:
    return [door.scanner.event.id, scan.nonce, json.dumps(answer.wire()), now]


async def _decided(
    connection: BaseDBAsyncClient, door: _Door, scan: ScanIn, answer: ScanResult
) -> ScanResult:
    """A scan that changes nothing: its answer is kept for the nonce's retry (one insert)."""
    if scan.nonce is not None:
        await _execute(connection, _NONCE, _nonce_values(door, scan, answer, clock.now()))
    return answer


async def _exit(
    connection: BaseDBAsyncClient, door: _Door, scan: ScanIn, badge: Badge, now: datetime
) -> ScanResult:
    answer = door.answer(ScanStatus.OK, scan, badge, now)
    moved = [False, now, door.checkin_list.id, badge.shown.id]
    entry = [badge.shown.id, door.checkin_list.id, scan.type, now, door.scanner.device[:120]]
    nonce = _nonce_values(door, scan, answer, now) if scan.nonce is not None else []
    if _postgres(connection):
        await _execute(connection, _PG_EXIT_NONCE if nonce else _PG_EXIT, [*moved, *entry, *nonce])
        return answer
    async with in_transaction() as transaction:
        await _execute(transaction, _EXIT, moved)
        await _execute(transaction, _CHECKIN, entry)
        if nonce:
            await _execute(transaction, _NONCE, nonce)
    return answer


async def _admit(
    connection: BaseDBAsyncClient, door: _Door, scan: ScanIn, badge: Badge, now: datetime
) -> bool:
    """Write the entry, its check-in row and the nonce's `ok` together, if the badge may come in."""
    checkin_list = door.checkin_list
    enter = [
        checkin_list.id,
        badge.shown.id,
        True,
        now,
        now,
        True,
        now,
        checkin_list.once_per_day,
        False,
        checkin_list.allow_multiple_entries,
        checkin_list.once_per_day,
        door.day_start(now),
    ]
    entry = [badge.shown.id, checkin_list.id, scan.type, now, door.scanner.device[:120]]
    ok = door.answer(ScanStatus.OK, scan, badge, now)
    nonce = _nonce_values(door, scan, ok, now) if scan.nonce is not None else []
    if _postgres(connection):
        text = _PG_ENTER.replace("{nonce}", _PG_ENTER_NONCE if nonce else "")
        rows = await _rows(connection, text, [*enter, *entry, *nonce])
        return bool(rows and rows[0]["admitted"])
    async with in_transaction() as transaction:
        if not await _rows(transaction, _ENTER, enter):
            return False
        await _execute(transaction, _CHECKIN, entry)
        if nonce:
            await _execute(transaction, _NONCE, nonce)
    return True


def _again(door: _Door, badge: Badge, now: datetime) -> bool:
    """Whether this entry is one too many: inside already, or (once a day) already seen today."""
    checkin_list = door.checkin_list
    if checkin_list.once_per_day:
        return badge.inside_since is not None and badge.inside_since >= door.day_start(now)
    return badge.inside and not checkin_list.allow_multiple_entries


async def _enter(
    connection: BaseDBAsyncClient, door: _Door, scan: ScanIn, badge: Badge, now: datetime
) -> ScanResult:
    if _again(door, badge, now):
        answer = door.answer(ScanStatus.ALREADY_REDEEMED, scan, badge, badge.inside_since or now)
        return await _decided(connection, door, scan, answer)
    if await _admit(connection, door, scan, badge, now):
        return door.answer(ScanStatus.OK, scan, badge, now)
    # Another door admitted this badge between our read and our write: ask since when.
    inside = await _rows(connection, _INSIDE_SINCE, [door.checkin_list.id, badge.shown.id])
    since = _moment(inside[0]["last_change_at"]) if inside else None
    answer = door.answer(ScanStatus.ALREADY_REDEEMED, scan, badge, since or now)
    return await _decided(connection, door, scan, answer)


def _in_one_statement(connection: BaseDBAsyncClient, door: _Door, scan: ScanIn, now: datetime) -> bool:
    """An entry that `_read_and_enter` can decide: PostgreSQL, no room, the list open now."""
    checkin_list = door.checkin_list
    open_now = not (checkin_list.valid_from and now < checkin_list.valid_from) and not (
        checkin_list.valid_until and now >= checkin_list.valid_until
    )
    return scan.type == CheckinType.ENTRY.value and door.room is None and open_now and _postgres(connection)


def _admit_values(door: _Door, now: datetime) -> list[object]:
    """The values of `_ADMIT`'s placeholders, in order."""
    checkin_list = door.checkin_list
    return [checkin_list.id, now, now, _VALID_TICKETS, _PAID_ORDERS, checkin_list.all_ticket_types,
            sorted(door.admitted), now, checkin_list.once_per_day, checkin_list.allow_multiple_entries,
            checkin_list.once_per_day, door.day_start(now)]  # fmt: skip


async def _read_and_enter(
    connection: BaseDBAsyncClient, door: _Door, scan: ScanIn, now: datetime
) -> tuple[Badge | None, bool]:
    """The badge, and whether this one statement admitted it (`_PG_READ_ENTER`)."""
    checkin_list = door.checkin_list
    column, values = _badge_values(door, scan)
    admit = _admit_values(door, now)
    entry = [checkin_list.id, now, door.scanner.device[:120]]
    nonce = [door.scanner.event.id, scan.nonce, now.isoformat(), checkin_list.id, now] if scan.nonce else []
    text = _PG_READ_ENTER.replace("{nonce}", _PG_READ_ENTER_NONCE if nonce else "")
    rows = await _rows(connection, text.format(column=column), [*values, *admit, *entry, *nonce])
    if not rows:
        return None, False
    return _badge(rows[0]), bool(rows[0]["admitted"])


_Entered = tuple[Badge | None, bool, datetime]
"""The badge (None: no ticket has this secret), whether it was admitted, and when it was decided."""


def _fits(batch: list[tuple[_Door, ScanIn]], item: tuple[_Door, ScanIn]) -> bool:
    """Another badge, with another nonce (or none), than every scan of the batch."""
    _door, scan = item
    return all(
        scan.secret != other.secret and (scan.nonce is None or scan.nonce != other.nonce)
        for _, other in batch
    )


async def _enter_many(items: list[tuple[_Door, ScanIn]]) -> list[_Entered | BaseException]:
    """Entries queued at one list, in one statement; alone, or when that statement fails, one by one."""
    connection = connections.get("default")
    now = clock.now().astimezone(UTC)
    if len(items) > 1:
        try:
            return await _read_and_enter_many(connection, items, now)
        except Exception as error:  # decided one by one below, each with its own error if any
            logger.info("entries decided one by one: %s", type(error).__name__)
    results: list[_Entered | BaseException] = []
    for door, scan in items:
        try:
            results.append((*await _read_and_enter(connection, door, scan, now), now))
        except Exception as error:  # this scan's caller gets it
            results.append(error)
    return results


async def _read_and_enter_many(
    connection: BaseDBAsyncClient, items: list[tuple[_Door, ScanIn]], now: datetime
) -> list[_Entered | BaseException]:
    door = items[0][0]
    checkin_list = door.checkin_list
    scans = [scan for _, scan in items]
    values = [[scan.secret for scan in scans], [scan.nonce for scan in scans],
              [each.scanner.device[:120] for each, _ in items], door.scanner.event.id, checkin_list.id,
              *_admit_values(door, now), checkin_list.id, now,
              door.scanner.event.id, now.isoformat(), checkin_list.id, now]  # fmt: skip
    rows = {row["scanned"]: row for row in await _rows(connection, _PG_READ_ENTER_MANY, values)}
    found = [rows.get(scan.secret) for scan in scans]
    return [(_badge(row), bool(row["admitted"]), now) if row else (None, False, now) for row in found]


_together: Together[tuple[_Door, ScanIn], _Entered] = Together(_enter_many, _fits)


async def _decide(
    connection: BaseDBAsyncClient, door: _Door, scan: ScanIn, badge: Badge, now: datetime
) -> ScanResult:
    refused = _refusal(badge, door, now)
    if refused is not None:
        return await _decided(connection, door, scan, door.answer(refused, scan, badge))
    if scan.type == CheckinType.EXIT.value:
        return await _exit(connection, door, scan, badge, now)
    return await _enter(connection, door, scan, badge, now)


async def _invalid(door: _Door, scan: ScanIn) -> ScanResult:
    """Counted against the scanner in this process (no query but once a second), never stored."""
    event = door.scanner.event
    seen = (event.id, event.created_at.isoformat(), scan.nonce) if scan.nonce is not None else None
    if seen is not None and seen in _invalid_nonces:
        return _invalid_nonces[seen]
    key = f"{door.scanner.key}@{event.id}:{event.created_at.isoformat()}"
    await _invalid_scans.hit(key, INVALID_LIMIT, INVALID_WINDOW)
    answer = door.answer(ScanStatus.INVALID, scan)
    if seen is not None:
        if len(_invalid_nonces) >= _INVALID_NONCES_KEPT:
            _invalid_nonces.clear()
        _invalid_nonces[seen] = answer
    return answer


async def redeem(scanner: Scanner, data: object, at: datetime | None = None) -> ScanResult:
    """Decide one scan at `scanner.event`'s door (status, ticket, checked_in_at: API.md via `wire()`).

    `at` is when the badge was scanned, for a scan made offline and sent later (now when left out)."""
    scan = validate(ScanIn, data)
    checkin_list, admitted = await scan_list(scanner.event, scan.checkin_list)
    door = _Door(scanner, checkin_list, admitted, await rooms.room(checkin_list))
    if not await _genuine(scanner.event, scan):
        return await _invalid(door, scan)
    connection = connections.get("default")
    now = (at or clock.now()).astimezone(UTC)
    try:
        if _in_one_statement(connection, door, scan, now):
            if at is None and scan.secret is not None:  # a live scan: with those queued at this list
                key = (scanner.event.id, checkin_list.id)
                badge, entered, now = await _together.call(key, (door, scan))
            else:
                badge, entered = await _read_and_enter(connection, door, scan, now)
            if entered and badge is not None:
                return door.answer(ScanStatus.OK, scan, badge, now)
        else:
            badge = await _find(connection, door, scan)
        if badge is None:
            return await _invalid(door, scan)
        if badge.remembered is not None:
            return badge.remembered
        return await _decide(connection, door, scan, badge, now)
    except IntegrityError:  # a retry with the same nonce was quicker: its answer is the answer
        first = await _remembered(scanner.event, scan.nonce)
        if first is None:
            raise
        return first
