"""The programme part of the JSON API: an organiser's sessions of one event."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser
from events.catalogue import services, sessions
from events.catalogue.models import Event, Session
from events.catalogue.session_schemas import SessionInput, SessionList, SessionOut, SessionPatch
from events.validation import validate
from events.web.api import answer, documented, json_body


async def _session(event: Event, request: Request) -> Session:
    """The session named in the path."""
    return await sessions.event_session(event, request.path_params["id"])


@documented("The programme of one of the organisation's events", response=SessionList)
async def list_sessions(request: Request) -> Response:
    user = await api_organiser(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    return answer({"sessions": await sessions.sessions_json(event)})


@documented("Add a session to the programme", body=SessionInput, response=SessionOut, status=201)
async def create_session(request: Request) -> Response:
    user = await api_organiser(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    session = await sessions.create_session(user, event, await json_body(request))
    return answer(sessions.session_json(event, session, 0), status_code=201)


@documented("One session of the programme", response=SessionOut)
async def get_session(request: Request) -> Response:
    user = await api_organiser(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    session = await _session(event, request)
    booked = (await sessions.booked_counts([session.id])).get(session.id, 0)
    return answer(sessions.session_json(event, session, booked))


@documented(
    "Change some fields of a session (status cancelled cancels it)", body=SessionPatch, response=SessionOut
)
async def patch_session(request: Request) -> Response:
    user = await api_organiser(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    session = await _session(event, request)
    session = await sessions.update_session(
        user, event, session, validate(SessionPatch, await json_body(request))
    )
    booked = (await sessions.booked_counts([session.id])).get(session.id, 0)
    return answer(sessions.session_json(event, session, booked))


routes = [
    Route("/events/{slug:slug}/sessions", list_sessions, methods=["GET"], name="api_sessions"),
    Route("/events/{slug:slug}/sessions", create_session, methods=["POST"], name="api_session_create"),
    Route("/events/{slug:slug}/sessions/{id:id}", get_session, methods=["GET"], name="api_session"),
    Route("/events/{slug:slug}/sessions/{id:id}", patch_session, methods=["PATCH"], name="api_session_patch"),
]
