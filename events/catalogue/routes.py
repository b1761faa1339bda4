"""Public pages: the list of upcoming events and each event's page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.catalogue import services
from events.web.templating import render


async def home(request: Request) -> Response:
    return render(request, "catalogue/home.html", {"events": await services.public_events()})


async def event_detail(request: Request) -> Response:
    event = await services.public_event(request.path_params["slug"])
    return render(request, "catalogue/event.html", {"event": event})


routes = [
    Route("/", home, name="home"),
    Route("/events/{slug}", event_detail, name="event_detail"),
]
