"""Workshop booking: the rules of `book_sessions`, and never more bookings than places, on both databases."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from events import clock
from events.accounts.models import User
from events.catalogue.models import Event
from events.catalogue.sessions import (
    SessionCancelled,
    SessionFull,
    SessionOverlap,
    TicketCannotBook,
    UnknownSession,
    book_later,
    book_sessions,
    booked_counts,
    booked_session_ids,
    cancel_booking,
    cancel_session,
    public_sessions_json,
)
from events.errors import DomainError, NotFound
from events.ticketing.models import OrderStatus, SessionBooking, Ticket, TicketStatus
from tests.factories import make_event, make_organiser
from tests.ical.attendees import make_attendee, make_session, pending_attendee

ROOT = Path(__file__).resolve().parents[2]
Setting = tuple[User, Event]


@pytest.fixture
async def setting(app: object) -> Setting:
    user = await make_organiser()
    return user, await make_event(user, published=True)


async def test_attendee_books_a_workshop_and_booking_again_changes_nothing(setting: Setting) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=5)
    ticket = await make_attendee(event)
    first = await book_later(ticket, [workshop.id])
    again = await book_later(ticket, [workshop.id])
    assert [b.session_id for b in first] == [b.session_id for b in again] == [workshop.id]
    assert await SessionBooking.filter(ticket_id=ticket.id).count() == 1
    assert (await booked_session_ids([ticket.id])) == {ticket.id: [workshop.id]}


async def test_full_workshop_is_session_full(setting: Setting) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=1)
    await book_later(await make_attendee(event), [workshop.id])
    with pytest.raises(SessionFull) as raised:
        await book_later(await make_attendee(event), [workshop.id])
    assert raised.value.code == "session_full"
    assert raised.value.details == {"session": workshop.id}


async def test_sessions_at_the_same_time_are_session_overlap(setting: Setting) -> None:
    user, event = setting
    morning = await make_session(user, event, hour=10, minutes=90)
    clash = await make_session(user, event, hour=11, minutes=60)
    ticket = await make_attendee(event)
    with pytest.raises(SessionOverlap) as raised:
        await book_later(ticket, [morning.id, clash.id])
    assert raised.value.code == "session_overlap"
    assert raised.value.details == {"sessions": sorted([morning.id, clash.id])}
    assert await SessionBooking.filter(ticket_id=ticket.id).count() == 0


async def test_overlap_with_an_earlier_booking_is_refused(setting: Setting) -> None:
    user, event = setting
    morning = await make_session(user, event, hour=10, minutes=90)
    clash = await make_session(user, event, hour=11, minutes=60)
    ticket = await make_attendee(event)
    await book_later(ticket, [morning.id])
    with pytest.raises(SessionOverlap):
        await book_later(ticket, [clash.id])


async def test_back_to_back_sessions_do_not_overlap(setting: Setting) -> None:
    user, event = setting
    first = await make_session(user, event, hour=10, minutes=60)
    second = await make_session(user, event, hour=11, minutes=60)
    ticket = await make_attendee(event)
    assert len(await book_later(ticket, [second.id, first.id])) == 2


async def test_a_cancelled_session_cannot_be_booked(setting: Setting) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=5)
    await cancel_session(user, event, workshop)
    with pytest.raises(SessionCancelled):
        await book_later(await make_attendee(event), [workshop.id])


async def test_another_event_session_is_invalid(setting: Setting) -> None:
    user, event = setting
    other = await make_event(user, published=True)
    elsewhere = await make_session(user, other)
    with pytest.raises(UnknownSession) as raised:
        await book_later(await make_attendee(event), [elsewhere.id])
    assert (raised.value.status, raised.value.code) == (422, "invalid")
    assert "sessions" in raised.value.details
    with pytest.raises(UnknownSession):
        await book_later(await make_attendee(event), [999_999])


async def test_a_cancelled_ticket_or_a_lapsed_order_cannot_book(setting: Setting) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=5)
    cancelled = await make_attendee(event)
    await Ticket.filter(id=cancelled.id).update(status=TicketStatus.CANCELLED)
    lapsed = await make_attendee(
        event, status=OrderStatus.PENDING, expires_at=clock.now() - timedelta(minutes=1)
    )
    refunded = await make_attendee(event, status=OrderStatus.REFUNDED)
    for ticket in (cancelled, lapsed, refunded):
        with pytest.raises(TicketCannotBook):
            await book_later(ticket, [workshop.id])


async def test_bookings_of_lapsed_holds_free_their_places(setting: Setting) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=1)
    holder = await pending_attendee(event, minutes=15)
    await book_later(holder, [workshop.id])
    with pytest.raises(SessionFull):
        await book_later(await make_attendee(event), [workshop.id])
    with clock.frozen(clock.now() + timedelta(minutes=16)):
        assert await booked_counts([workshop.id]) == {}
        assert len(await book_later(await make_attendee(event), [workshop.id])) == 1


async def test_giving_back_a_place_lets_someone_else_book_it(setting: Setting) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=1)
    first = await make_attendee(event)
    await book_later(first, [workshop.id])
    await cancel_booking(first, workshop.id)
    assert len(await book_later(await make_attendee(event), [workshop.id])) == 1
    with pytest.raises(NotFound):
        await cancel_booking(first, workshop.id)


async def test_sessions_without_capacity_can_be_added_to_an_agenda(setting: Setting) -> None:
    user, event = setting
    keynote = await make_session(user, event, capacity=None)
    tickets = [await make_attendee(event) for _ in range(3)]
    for ticket in tickets:
        await book_later(ticket, [keynote.id])
    [shown] = await public_sessions_json(event)
    assert (shown["booked"], shown["available"], shown["capacity"]) == (0, None, None)


async def test_public_sessions_json_counts_places(setting: Setting) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=3)
    await book_later(await make_attendee(event), [workshop.id])
    [shown] = await public_sessions_json(event)
    assert (shown["id"], shown["booked"], shown["available"], shown["status"]) == (
        workshop.id,
        1,
        2,
        "scheduled",
    )
    assert shown["starts_at"].endswith(("+01:00", "+02:00"))


async def test_booking_inside_an_order_transaction_rolls_back_with_it(setting: Setting) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=5)
    clash = await make_session(user, event, capacity=5)
    ticket = await make_attendee(event)
    with pytest.raises(SessionOverlap):
        async with in_transaction():
            await Event.filter(id=event.id).update(lock_version=F("lock_version") + 1)
            await book_sessions(ticket, [workshop.id])
            await book_sessions(ticket, [clash.id])
    assert await SessionBooking.filter(ticket_id=ticket.id).count() == 0


# ------------------------------------------------------------------ concurrency

ATTENDEES, SEATS = 100, 20


async def _race(tickets: list[Ticket], session_id: int, inside_order: bool) -> Counter[str]:
    async def book(ticket: Ticket) -> str:
        try:
            if inside_order:
                async with in_transaction():
                    await Event.filter(id=ticket.event_id).update(lock_version=F("lock_version") + 1)
                    await book_sessions(ticket, [session_id])
            else:
                await book_later(ticket, [session_id])
        except DomainError as error:
            return error.code
        return "ok"

    return Counter(await asyncio.gather(*(book(t) for t in tickets)))


@pytest.mark.parametrize("inside_order", [False, True], ids=["book_later", "in_order_transaction"])
async def test_a_hundred_attendees_booking_a_twenty_seat_workshop_get_twenty_places(
    setting: Setting, inside_order: bool
) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=SEATS)
    tickets = [await make_attendee(event) for _ in range(ATTENDEES)]
    outcomes = await _race(tickets, workshop.id, inside_order)
    assert outcomes == {"ok": SEATS, "session_full": ATTENDEES - SEATS}
    assert await SessionBooking.filter(session_id=workshop.id).count() == SEATS


async def test_racing_for_two_workshops_in_opposite_orders_never_deadlocks(setting: Setting) -> None:
    user, event = setting
    a = await make_session(user, event, hour=10, capacity=10)
    b = await make_session(user, event, hour=14, capacity=10)
    tickets = [await make_attendee(event) for _ in range(40)]

    async def book(index: int, ticket: Ticket) -> str:
        ids = [a.id, b.id] if index % 2 else [b.id, a.id]
        try:
            async with in_transaction():
                await book_sessions(ticket, ids)
        except DomainError as error:
            return error.code
        return "ok"

    outcomes = Counter(await asyncio.gather(*(book(i, t) for i, t in enumerate(tickets))))
    assert outcomes == {"ok": 10, "session_full": 30}
    assert await booked_counts([a.id, b.id]) == {a.id: 10, b.id: 10}


_PROCESS_SCRIPT = """
import asyncio, json, sys, time
from collections import Counter
from tortoise import Tortoise
from settings import tortoise_config
from events.catalogue.sessions import book_later
from events.errors import DomainError
from events.ticketing.models import Ticket

async def main(url, session_id, ids, start_at):
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    tickets = await Ticket.filter(id__in=ids)
    await asyncio.sleep(max(0.0, start_at - time.time()))

    async def book(ticket):
        try:
            await book_later(ticket, [session_id])
        except DomainError as error:
            return error.code
        return "ok"

    outcomes = Counter(await asyncio.gather(*(book(t) for t in tickets)))
    await Tortoise.close_connections()
    print(json.dumps(outcomes))

asyncio.run(main(sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), float(sys.argv[4])))
"""


@pytest.mark.postgres_only
async def test_four_processes_booking_a_twenty_seat_workshop_get_twenty_places(
    setting: Setting, database_url: str
) -> None:
    user, event = setting
    workshop = await make_session(user, event, capacity=SEATS)
    tickets = [await make_attendee(event) for _ in range(ATTENDEES)]
    url = database_url.split("?")[0] + "?minsize=1&maxsize=5"
    start_at = time.time() + 4
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _PROCESS_SCRIPT,
            url,
            str(workshop.id),
            json.dumps([t.id for t in tickets[part::4]]),
            str(start_at),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for part in range(4)
    ]
    outcomes: Counter[str] = Counter()
    for process in processes:
        out, err = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode == 0, err.decode()
        outcomes.update(json.loads(out))
    assert outcomes == {"ok": SEATS, "session_full": ATTENDEES - SEATS}
    assert await SessionBooking.filter(session_id=workshop.id).count() == SEATS
