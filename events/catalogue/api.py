"""The events part of the JSON API: the organiser's events and the public catalogue."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.abstracts import services as abstracts
from events.accounts.auth import api_organiser
from events.catalogue import offers, services, sessions
from events.catalogue.models import Event
from events.catalogue.offers_api import types_json
from events.catalogue.schemas import EventInput, EventList, EventOut, EventPatch, event_out
from events.validation import validate
from events.web.api import answer, documented, json_body
from settings import settings


def _out(event: Event) -> dict[str, object]:
    return event_out(event, settings.base_url)


def _organiser_out(event: Event) -> dict[str, object]:
    """The organiser also gets both languages of each text, to edit them."""
    return event_out(event, settings.base_url, organiser=True)


@documented("List the organisation's events (every status)", response=EventList)
async def list_events(request: Request) -> Response:
    user = await api_organiser(request)
    return answer({"events": [_organiser_out(e) for e in await services.organiser_events(user)]})


@documented("Create a draft event", body=EventInput, response=EventOut, status=201)
async def create_event(request: Request) -> Response:
    user = await api_organiser(request)
    event = await services.create_event(user, await json_body(request))
    return answer(_organiser_out(event), status_code=201)


@documented("One of the organisation's events", response=EventOut)
async def get_event(request: Request) -> Response:
    user = await api_organiser(request)
    return answer(_organiser_out(await services.organiser_event(user, request.path_params["slug"])))


@documented("Change some fields of an event", body=EventPatch, response=EventOut)
async def patch_event(request: Request) -> Response:
    user = await api_organiser(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    return answer(
        _organiser_out(
            await services.update_event(user, event, validate(EventPatch, await json_body(request)))
        )
    )


@documented("Publish a draft event", response=EventOut)
async def publish_event(request: Request) -> Response:
    user = await api_organiser(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    return answer(_organiser_out(await services.publish_event(user, event)))


@documented("Cancel an event", response=EventOut)
async def cancel_event(request: Request) -> Response:
    user = await api_organiser(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    return answer(_organiser_out(await services.cancel_event(user, event)))


@documented("Published events that have not ended, soonest first", response=EventList, auth=False)
async def public_events(request: Request) -> Response:
    return answer({"events": [_out(e) for e in await services.public_events()]})


@documented(
    "A published event, with its public ticket types and its programme", response=EventOut, auth=False
)
async def public_event(request: Request) -> Response:
    event = await services.public_event(request.path_params["slug"])
    types = await offers.ticket_types(event, include_hidden=False)
    return answer(
        {
            **_out(event),
            "ticket_types": await types_json(event, types),
            "sessions": await sessions.public_sessions_json(event),
            "call_for_abstracts": await abstracts.public_call_json(event),
        }
    )


routes = [
    Route("/events", list_events, methods=["GET"], name="api_events"),
    Route("/events", create_event, methods=["POST"], name="api_event_create"),
    Route("/events/{slug:slug}", get_event, methods=["GET"], name="api_event"),
    Route("/events/{slug:slug}", patch_event, methods=["PATCH"], name="api_event_patch"),
    Route("/events/{slug:slug}/publish", publish_event, methods=["POST"], name="api_event_publish"),
    Route("/events/{slug:slug}/cancel", cancel_event, methods=["POST"], name="api_event_cancel"),
    Route("/public/events", public_events, methods=["GET"], name="api_public_events"),
    Route("/public/events/{slug:slug}", public_event, methods=["GET"], name="api_public_event"),
]
