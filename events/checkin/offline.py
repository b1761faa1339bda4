"""The offline pack: what a door needs to go on admitting people when the network is gone.

A scanner verifies a badge's signature with the event's public key, hashes the secret it read and looks
the hash up in the pack. The pack names tickets only by `secrets.pack_key` (SHA-256), so a copy left on
a lost phone holds no secret that would open the door; it never holds an e-mail address, and the
attendee's name and organisation only when the organiser turned `offline_names` on (a door without names
still tells valid from cancelled, it just cannot greet). With names come the "show at the door" answers of
the attendees who agreed to them (`door_answers.py`). API.md "The door, offline, and attendance".
"""

from __future__ import annotations

from collections import defaultdict
from typing import NotRequired, TypedDict

from events import clock
from events.catalogue.models import Event, Session, TicketType
from events.checkin import door_answers, rooms, services
from events.checkin.models import ListTicketState
from events.ticketing import secrets
from events.ticketing.models import SessionBooking, Ticket


class PackList(TypedDict):
    """A check-in list as the pack describes it: which badges it admits, and when."""

    id: int
    name: str
    is_main: bool
    ticket_types: list[int]
    session: int | None
    allow_multiple_entries: bool
    once_per_day: bool
    valid_from: str | None
    valid_until: str | None


class PackTicket(TypedDict):
    """A ticket in the pack, named by the hash of its secret; names and answers only with `offline_names`."""

    ticket_id: int
    ticket_type: int
    status: str
    sessions: list[int]
    inside: list[int]
    short_code: str
    name: NotRequired[str]
    organisation: NotRequired[str]
    door_answers: NotRequired[list[door_answers.DoorAnswer]]


class PackSession(TypedDict):
    """A room's rules: when its door opens and closes, and whether it needs a booking."""

    title: str
    opens_at: str
    ends_at: str
    booking: bool


async def _lists(event: Event) -> list[PackList]:
    found = await services.checkin_lists(event)
    return [
        {
            "id": checkin_list.id,
            "name": services.list_name(checkin_list),
            "is_main": checkin_list.is_main,
            "ticket_types": sorted(await services.list_type_ids(checkin_list)),
            "session": checkin_list.session_id,
            "allow_multiple_entries": checkin_list.allow_multiple_entries,
            "once_per_day": checkin_list.once_per_day,
            "valid_from": checkin_list.valid_from.isoformat() if checkin_list.valid_from else None,
            "valid_until": checkin_list.valid_until.isoformat() if checkin_list.valid_until else None,
        }
        for checkin_list in found
    ]


async def _bookings(event: Event) -> dict[int, list[int]]:
    rows = await SessionBooking.filter(ticket__event_id=event.id).values_list("ticket_id", "session_id")
    booked: dict[int, list[int]] = defaultdict(list)
    for ticket_id, session_id in rows:
        booked[int(ticket_id)].append(int(session_id))
    return booked


async def _inside(event: Event) -> dict[int, list[int]]:
    """The lists each badge is inside now: a door that goes offline refuses a second entry it did not see."""
    rows = await ListTicketState.filter(checkin_list__event_id=event.id, inside=True).values_list(
        "ticket_id", "checkin_list_id"
    )
    inside: dict[int, list[int]] = defaultdict(list)
    for ticket_id, list_id in rows:
        inside[int(ticket_id)].append(int(list_id))
    return inside


async def _tickets(event: Event) -> dict[str, PackTicket]:
    """Every ticket of the event by the hash of its secret, with its standing at any door."""
    rows = await Ticket.filter(event_id=event.id).values_list(
        "id", "secret", "status", "ticket_type_id", "order__status", "attendee_name", "attendee_organisation"
    )
    booked = await _bookings(event)
    inside = await _inside(event)
    asked = event.offline_names and bool(await door_answers.questions(event))
    shown = await door_answers.by_ticket(event) if asked else {}
    tickets: dict[str, PackTicket] = {}
    for ticket_id, secret, status, type_id, order_status, name, organisation in rows:
        entry: PackTicket = {
            "ticket_id": ticket_id,
            "ticket_type": type_id,
            "status": services.standing(str(status), str(order_status)),
            "sessions": sorted(booked.get(int(ticket_id), [])),
            "inside": sorted(inside.get(int(ticket_id), [])),
            "short_code": secrets.short_code(str(secret)),
        }
        if event.offline_names:
            entry["name"] = name
            entry["organisation"] = organisation
            if asked:
                entry["door_answers"] = shown.get(int(ticket_id), [])
        tickets[secrets.pack_key(str(secret))] = entry
    return tickets


async def _sessions(event: Event) -> dict[str, PackSession]:
    """The rooms' rules: when each session's door opens and closes, and whether it needs a booking."""
    found = await Session.filter(event_id=event.id)
    sessions: dict[str, PackSession] = {}
    for session in found:
        room = rooms.room_of(session)
        sessions[str(session.id)] = {
            "title": session.i18n.title,
            "opens_at": room.opens_at.isoformat(),
            "ends_at": room.ends_at.isoformat(),
            "booking": room.booking,
        }
    return sessions


async def _types(event: Event) -> dict[str, dict[str, str]]:
    """Ticket type names and colours, so that an offline answer says "Pass congrès" and not a number."""
    found = await TicketType.filter(event_id=event.id).values_list("id", "name", "badge_colour")
    return {str(type_id): {"name": name, "badge_colour": colour} for type_id, name, colour in found}


async def pack(event: Event) -> dict[str, object]:
    """The pack of API.md: public key, lists, tickets by secret hash, and when it was made."""
    generated_at = clock.now()
    key = await secrets.event_key(event)
    return {
        "event": event.slug,
        "event_id": event.id,
        "public_key": key.public_key,
        "offline_names": event.offline_names,
        "lists": await _lists(event),
        "ticket_types": await _types(event),
        "sessions": await _sessions(event),
        "tickets": await _tickets(event),
        "generated_at": generated_at.isoformat(),
    }
