"""Next year's edition in the JSON API: duplicate an event as a draft (organiser)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser
from events.catalogue.duplicate import DuplicateIn, duplicate
from events.catalogue.schemas import EventOut, event_out
from events.web.api import answer, documented, json_body
from settings import settings


@documented(
    "Duplicate an event as a draft, every date moved by the same days",
    body=DuplicateIn,
    response=EventOut,
    status=201,
)
async def duplicate_event(request: Request) -> Response:
    user = await api_organiser(request)
    copy = await duplicate(user, request.path_params["slug"], await json_body(request))
    return answer(event_out(copy, settings.base_url), status_code=201)


routes = [
    Route("/events/{slug:slug}/duplicate", duplicate_event, methods=["POST"], name="api_event_duplicate")
]
