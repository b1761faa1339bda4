"""Session rooms and once-a-day lists: who a session's room admits and when, and one entry per calendar day
in the event's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from events import clock
from events.catalogue import sessions as programme
from events.catalogue.models import Session
from events.checkin import redeem as scans
from events.checkin import services
from events.checkin.models import CheckinList
from events.checkin.tokens import Scanner
from events.ticketing.models import Ticket
from tests.checkin.conftest import Door
from tests.factories import api_token, bearer, csrf_from, login, make_event

PARIS = ZoneInfo("Europe/Paris")


async def _session(door: Door, capacity: int | None = None) -> Session:
    start = door.event.starts_at + timedelta(hours=2)
    data = {
        "title": "Atelier organoïdes",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
    }
    if capacity is not None:
        data["capacity"] = capacity
    return await programme.create_session(door.user, door.event, data)


async def _room(door: Door, session: Session, **extra: object) -> CheckinList:
    return await services.create_list(
        door.user, door.event, {"name": "Salle 2", "session": session.id, **extra}
    )


async def _scan(
    door: Door, ticket: Ticket, checkin_list: CheckinList, at: datetime, kind: str = "entry"
) -> str:
    scanner = Scanner(event=door.event, device="test", key="test")
    with clock.frozen(at):
        answer = await scans.redeem(scanner, {"secret": ticket.secret, "list": checkin_list.id, "type": kind})
    return str(answer.status)


async def test_room_of_a_session_needing_a_booking_admits_only_those_booked(door: Door) -> None:
    session = await _session(door, capacity=20)
    room = await _room(door, session)
    booked, walk_in = await door.ticket(), await door.ticket()
    await programme.book_sessions(booked, [session.id])

    assert await _scan(door, booked, room, session.starts_at) == "ok"
    assert await _scan(door, walk_in, room, session.starts_at) == "product"


async def test_room_of_a_session_without_booking_admits_every_valid_ticket(door: Door) -> None:
    session = await _session(door)
    room = await _room(door, session)
    assert await _scan(door, await door.ticket(), room, session.starts_at) == "ok"


async def test_room_opens_thirty_minutes_before_its_session_and_closes_at_its_end(door: Door) -> None:
    session = await _session(door)
    room = await _room(door, session)
    too_early, early, late = await door.ticket(), await door.ticket(), await door.ticket()

    assert await _scan(door, too_early, room, session.starts_at - timedelta(minutes=31)) == "invalid_time"
    assert await _scan(door, early, room, session.starts_at - timedelta(minutes=30)) == "ok"
    assert await _scan(door, late, room, session.ends_at) == "invalid_time"


async def test_once_per_day_list_admits_a_badge_once_per_calendar_day_in_the_event_zone(door: Door) -> None:
    daily = await services.create_list(door.user, door.event, {"name": "Vestiaire", "once_per_day": True})
    ticket = await door.ticket()
    evening = datetime(2031, 3, 4, 23, 30, tzinfo=PARIS)  # 22:30 UTC

    assert await _scan(door, ticket, daily, evening) == "ok"
    assert await _scan(door, ticket, daily, evening + timedelta(minutes=5), "exit") == "ok"
    assert await _scan(door, ticket, daily, evening + timedelta(minutes=10)) == "already_redeemed"
    # 00:10 in Paris is the next day there, though still the same day in UTC
    assert await _scan(door, ticket, daily, evening + timedelta(minutes=40)) == "ok"


async def test_list_cannot_name_another_events_session(client: httpx.AsyncClient, door: Door) -> None:
    other = await make_event(door.user, published=True)
    start = other.starts_at.isoformat()
    times = {"starts_at": start, "ends_at": other.ends_at.isoformat()}
    foreign = await programme.create_session(door.user, other, {"title": "Ailleurs", **times})
    token = await api_token(client, door.user.email)

    answer = await client.post(
        f"/api/v1/events/{door.event.slug}/checkin-lists", json={"name": "Salle", "session": foreign.id},
        headers=bearer(token),
    )  # fmt: skip

    assert answer.status_code == 422
    assert "session" in answer.json()["error"]["details"]


async def test_offline_pack_carries_the_rooms_rules(client: httpx.AsyncClient, door: Door) -> None:
    session = await _session(door, capacity=20)
    room = await _room(door, session)
    ticket = await door.ticket()
    await programme.book_sessions(ticket, [session.id])

    pack = (await client.get(f"{door.url}/offline", headers=door.headers)).json()

    assert [entry["session"] for entry in pack["lists"] if entry["id"] == room.id] == [session.id]
    rules = pack["sessions"][str(session.id)]
    assert rules["booking"] is True
    assert datetime.fromisoformat(rules["opens_at"]) == session.starts_at - timedelta(minutes=30)
    assert [entry["sessions"] for entry in pack["tickets"].values()] == [[session.id]]


async def test_offline_scan_in_a_room_is_decided_at_its_own_time(
    client: httpx.AsyncClient, door: Door
) -> None:
    session = await _session(door)
    room = await _room(door, session)
    ticket = await door.ticket()
    scans_sent = [
        {
            "secret": ticket.secret,
            "list": room.id,
            "nonce": "early",
            "scanned_at": (session.starts_at - timedelta(hours=1)).isoformat(),
        },
        {
            "secret": ticket.secret,
            "list": room.id,
            "nonce": "on-time",
            "scanned_at": session.starts_at.isoformat(),
        },
    ]
    with clock.frozen(session.ends_at + timedelta(hours=1)):
        answer = await client.post(f"{door.url}/batch", json={"scans": scans_sent}, headers=door.headers)

    assert [r["status"] for r in answer.json()["results"]] == ["invalid_time", "ok"]


async def test_organiser_opens_a_session_room_from_the_page_and_sees_its_attendance(
    client: httpx.AsyncClient, door: Door
) -> None:
    session = await _session(door, capacity=20)
    booked = await door.ticket()
    await programme.book_sessions(booked, [session.id])
    page = f"/dashboard/events/{door.event.slug}/checkin"
    await login(client, door.user.email)
    form = {
        "csrf_token": await csrf_from(client, page),
        "name": "Salle 2",
        "session": str(session.id),
        "once_per_day": "on",
    }

    made = await client.post(f"{page}/lists", data=form)

    assert made.status_code == 303
    room = await CheckinList.get(name="Salle 2")
    assert (room.session_id, room.once_per_day) == (session.id, True)
    assert await _scan(door, booked, room, session.starts_at) == "ok"
    stats = (await client.get(f"{door.url}/stats", headers=door.headers)).json()["lists"]
    assert [(row["checked_in"], row["expected"]) for row in stats if row["session"] == session.id] == [(1, 1)]
    shown = await client.get(page, params={"lang": "en"})
    assert "Atelier organoïdes" in shown.text
