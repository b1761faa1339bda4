"""Programme pages: the public programme of an event, and the organiser's pages to build it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form
from events.accounts.models import User
from events.catalogue import services, sessions
from events.catalogue.models import Event, Session
from events.catalogue.session_schemas import session_values
from events.dashboard.context import organiser_event
from events.errors import Invalid
from events.i18n import get_locale
from events.validation import blank_to_none
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


# ------------------------------------------------------------------ public


async def programme(request: Request) -> Response:
    slug = request.path_params["slug"]

    async def build() -> str:
        event = await services.public_event(slug)
        rows = await sessions.sessions_with_counts(event)
        context = {"event": event, "days": programme_days(event, rows)}
        return bytes(render(request, "catalogue/programme.html", context).body).decode()

    html = await public_pages.get((str(request.base_url), "programme", slug, get_locale()), build)
    return HTMLResponse(html)


# ------------------------------------------------------------------ organiser


def _session_form(form: Any) -> dict[str, Any]:
    return blank_to_none({name: form.get(name, "") for name in _FORM_FIELDS})


async def _programme_page(
    request: Request,
    user: User,
    event: Event,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "user": user,
        "event": event,
        "rows": await sessions.sessions_with_counts(event),
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "dashboard/programme.html", context, status_code=422 if errors else 200)


async def organiser_programme(request: Request) -> Response:
    user, event = await organiser_event(request)
    return await _programme_page(request, user, event)


async def create_session(request: Request) -> Response:
    user, event = await organiser_event(request)
    data = _session_form(await checked_form(request))
    try:
        await sessions.create_session(user, event, data)
    except Invalid as error:
        return await _programme_page(request, user, event, data, error.details)
    return RedirectResponse(request.url_for("dashboard_programme", slug=event.slug), status_code=303)


async def _event_session(request: Request) -> tuple[User, Event, Session]:
    user, event = await organiser_event(request)
    return user, event, await sessions.event_session(event, request.path_params["id"])


def _session_page(
    request: Request,
    user: User,
    event: Event,
    session: Session,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {"user": user, "event": event, "session": session, "values": values, "errors": errors or {}}
    return render(request, "dashboard/programme_session.html", context, status_code=422 if errors else 200)


async def session_page(request: Request) -> Response:
    user, event, session = await _event_session(request)
    return _session_page(request, user, event, session, session_values(session))


async def update_session(request: Request) -> Response:
    user, event, session = await _event_session(request)
    data = _session_form(await checked_form(request))
    try:
        await sessions.update_session(user, event, session, data)
    except Invalid as error:
        return _session_page(request, user, event, session, data, error.details)
    return RedirectResponse(request.url_for("dashboard_programme", slug=event.slug), status_code=303)


async def cancel_session(request: Request) -> Response:
    user, event, session = await _event_session(request)
    await checked_form(request)
    await sessions.cancel_session(user, event, session)
    return RedirectResponse(request.url_for("dashboard_programme", slug=event.slug), status_code=303)


async def restore_session(request: Request) -> Response:
    user, event, session = await _event_session(request)
    await checked_form(request)
    await sessions.restore_session(user, event, session)
    return RedirectResponse(request.url_for("dashboard_programme", slug=event.slug), status_code=303)


routes = [
    Route("/events/{slug:slug}/programme", programme, methods=["GET"], name="event_programme"),
]

dashboard_routes = [
    Route(
        "/dashboard/events/{slug:slug}/programme",
        organiser_programme,
        methods=["GET"],
        name="dashboard_programme",
    ),
    Route(
        "/dashboard/events/{slug:slug}/programme",
        create_session,
        methods=["POST"],
        name="dashboard_session_create",
    ),
    Route(
        "/dashboard/events/{slug:slug}/programme/{id:id}",
        session_page,
        methods=["GET"],
        name="dashboard_session",
    ),
    Route(
        "/dashboard/events/{slug:slug}/programme/{id:id}",
        update_session,
        methods=["POST"],
        name="dashboard_session_update",
    ),
    Route(
        "/dashboard/events/{slug:slug}/programme/{id:id}/cancel",
        cancel_session,
        methods=["POST"],
        name="dashboard_session_cancel",
    ),
    Route(
        "/dashboard/events/{slug:slug}/programme/{id:id}/restore",
        restore_session,
        methods=["POST"],
        name="dashboard_session_restore",
    ),
]
