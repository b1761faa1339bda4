"""Door pages: the scanner, for a phone or a laptop with a handheld scanner (the organiser's check-in
page is in the dashboard)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import login_session_user
from events.accounts.models import User
from events.catalogue.models import Event, EventStatus
from events.checkin import services, tokens
from events.errors import Unauthenticated
from events.web.templating import render

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def _signed_in(request: Request) -> User:
    user = await login_session_user(request)
    if user is None:
        raise Unauthenticated()
    return user


async def scanner_index(request: Request) -> Response:
    """The events whose door a signed-in person (door staff included) may open."""
    user = await _signed_in(request)
    found = await Event.filter(organisation_id=user.organisation_id).exclude(status=EventStatus.DRAFT)
    return render(request, "checkin/index.html", {"user": user, "events": found})


async def scanner_page(request: Request) -> Response:
    slug = request.path_params["slug"]
    token = request.query_params.get("token")
    if token:
        door = await tokens.door_event(token, slug)
    else:
        door = await tokens.user_scanner(await _signed_in(request), slug)
    context = {
        "event": door.event,
        "lists": await services.checkin_lists(door.event),
        "door_token": token or "",
        "device": door.device,
    }
    response = render(request, "checkin/scanner.html", context)
    response.headers.update(NO_STORE)
    return response


routes = [
    Route("/scan", scanner_index, methods=["GET"], name="scanner_index"),
    Route("/scan/{slug:slug}", scanner_page, methods=["GET"], name="scanner"),
]
