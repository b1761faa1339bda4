"""Session rooms and once-a-day lists: the door rules that come from the programme and the calendar.

A check-in list tied to a programme session is that session's room. It admits the tickets booked in the
session, or every valid ticket when the session needs no booking (it has no capacity); a ticket without
the booking is `product`. It is open from `OPENS_BEFORE` the start to the end of the session, else
`invalid_time`. Entries in a room are the session's attendance, which certificates count.

With `once_per_day`, a badge enters once per calendar day in the event's time zone (an exit does not
re-open the door the same day; the next day does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from events.cache import TtlCache
from events.catalogue.models import Session
from events.checkin.models import CheckinList

OPENS_BEFORE = timedelta(minutes=30)
ROOM_CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Room:
    """What a scan needs to know of a list's session, read once with the list."""

    session_id: int
    opens_at: datetime
    ends_at: datetime
    booking: bool


def room_of(session: Session) -> Room:
    return Room(
        session_id=session.id,
        opens_at=session.starts_at - OPENS_BEFORE,
        ends_at=session.ends_at,
        booking=session.capacity is not None,
    )


_rooms: TtlCache[tuple[int, str, int], Room | None] = TtlCache(ROOM_CACHE_SECONDS)
"""Rooms as scans read them, per process, for a few seconds (like the lists): a scan in a room costs no
query more than one at the main entrance; a session moved in the programme is seen within seconds."""


async def room(checkin_list: CheckinList) -> Room | None:
    if checkin_list.session_id is None:
        return None
    key = (checkin_list.id, checkin_list.created_at.isoformat(), checkin_list.session_id)
    cached = _rooms.get(key)
    if cached is not None:
        return cached
    session = await Session.get_or_none(id=checkin_list.session_id)
    return _rooms.put(key, room_of(session) if session is not None else None)


def refusal(found: Room, is_booked: bool, now: datetime) -> str | None:
    """`product` for a ticket without the booking the session needs, `invalid_time` outside its hours."""
    if found.booking and not is_booked:
        return "product"
    if not found.opens_at <= now < found.ends_at:
        return "invalid_time"
    return None


def day_start(now: datetime, timezone: str) -> datetime:
    """Midnight of `now`'s calendar day in the event's zone: a once-a-day list re-opens after it."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone)
