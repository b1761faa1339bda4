"""The public programme of an event: its sessions by day and by room (the organiser's is in the dashboard)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from events.catalogue import services, sessions
from events.catalogue.models import Event, Session
from events.i18n import format_locale
from events.web.pagecache import public_pages
from events.web.templating import render

_FORM_FIELDS = ("title", "starts_at", "ends_at", "room", "speakers", "description", "capacity")


@dataclass
class Room:
    name: str
    sessions: list[tuple[Session, int]] = field(default_factory=list)


@dataclass
class Day:
    day: date
    first: Session
    rooms: dict[str, Room] = field(default_factory=dict)


def programme_days(event: Event, rows: list[tuple[Session, int]]) -> list[Day]:
    """Sessions by local day, then by room (rooms in the order they first appear), in time order."""
    zone = ZoneInfo(event.timezone)
    days: dict[date, Day] = {}
    for session, booked in rows:
        local_day = session.starts_at.astimezone(zone).date()
        day = days.setdefault(local_day, Day(local_day, session))
        day.rooms.setdefault(session.room, Room(session.room)).sessions.append((session, booked))
    return list(days.values())


async def programme(request: Request) -> Response:
    slug = request.path_params["slug"]

    async def build() -> str:
        event = await services.public_event(slug)
        rows = await sessions.sessions_with_counts(event)
        context = {"event": event, "days": programme_days(event, rows)}
        return bytes(render(request, "catalogue/programme.html", context).body).decode()

    html = await public_pages.get((str(request.base_url), "programme", slug, format_locale()), build)
    return HTMLResponse(html)


routes = [
    Route("/events/{slug:slug}/programme", programme, methods=["GET"], name="event_programme"),
]
