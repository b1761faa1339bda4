"""The public programme of an event: its sessions by day and by room (the organiser's is in the dashboard)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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
class Cell:
    """A session in the grid: it spans the time rows from its start to its end, in its room's column."""

    session: Session
    booked: int
    room: str
    rowspan: int


@dataclass
class Row:
    """One time band of a day: from `starts` to the next time at which a session starts or ends."""

    starts: datetime
    cells: list[Cell | None] = field(default_factory=list)


@dataclass
class Day:
    """A day of the programme as a time grid: rooms are columns (a room with overlapping sessions takes
    several), rows are time bands, and a session's cell spans its rows. Cells hidden under a taller one are
    left out of their row, as HTML's rowspan wants; an empty band of a room is `None`."""

    day: date
    first: Session
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def _lanes(sessions: list[tuple[Session, int]]) -> tuple[list[str], list[tuple[int, Session, int]]]:
    """Each session's column: a room's sessions share its column unless they overlap in time."""
    columns: list[str] = []
    ends: list[datetime] = []
    placed: list[tuple[int, Session, int]] = []
    for session, booked in sorted(sessions, key=lambda pair: (pair[0].starts_at, pair[0].id)):
        free = [i for i, room in enumerate(columns) if room == session.room and ends[i] <= session.starts_at]
        if free:
            column = free[0]
        else:
            same = [i for i, room in enumerate(columns) if room == session.room]
            column = same[-1] + 1 if same else len(columns)
            columns.insert(column, session.room)
            ends.insert(column, session.starts_at)
            placed = [(c + 1 if c >= column else c, s, b) for c, s, b in placed]
        ends[column] = max(ends[column], session.ends_at)
        placed.append((column, session, booked))
    return columns, placed


def _grid(day: Day, sessions: list[tuple[Session, int]]) -> None:
    day.columns, placed = _lanes(sessions)
    times = sorted({s.starts_at for _c, s, _b in placed} | {s.ends_at for _c, s, _b in placed})
    bands = times[:-1] or times
    index = {moment: i for i, moment in enumerate(times)}
    starting: dict[tuple[int, int], Cell] = {}
    covered: set[tuple[int, int]] = set()
    for column, session, booked in placed:
        top, bottom = index[session.starts_at], max(index[session.ends_at], index[session.starts_at] + 1)
        starting[(top, column)] = Cell(session, booked, session.room, bottom - top)
        covered.update((row, column) for row in range(top + 1, bottom))
    for row, moment in enumerate(bands):
        cells = [
            starting.get((row, column)) for column in range(len(day.columns)) if (row, column) not in covered
        ]
        day.rows.append(Row(moment, cells))


def programme_days(event: Event, rows: list[tuple[Session, int]]) -> list[Day]:
    """Sessions by local day, each day laid out as a grid of rooms and times."""
    zone = ZoneInfo(event.timezone)
    by_day: dict[date, list[tuple[Session, int]]] = {}
    for session, booked in rows:
        by_day.setdefault(session.starts_at.astimezone(zone).date(), []).append((session, booked))
    days = []
    for local_day, of_day in sorted(by_day.items()):
        day = Day(local_day, min(of_day, key=lambda pair: pair[0].starts_at)[0])
        _grid(day, of_day)
        days.append(day)
    return days


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
