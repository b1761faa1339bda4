"""The organiser's pages: their events, creating and editing one, publishing and cancelling."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form, organiser
from events.catalogue import services
from events.catalogue.models import Event
from events.catalogue.schemas import event_values
from events.errors import Invalid
from events.validation import blank_to_none
from events.web.templating import render

_FORM_FIELDS = (
    "title", "slug", "description", "venue", "address", "city", "country",
    "timezone", "starts_at", "ends_at", "capacity", "currency",
)  # fmt: skip


def _event_form(form: Any) -> dict[str, Any]:
    return blank_to_none({name: form.get(name, "") for name in _FORM_FIELDS})


async def index(request: Request) -> Response:
    user = await organiser(request)
    events = await services.organiser_events(user)
    return render(request, "dashboard/index.html", {"user": user, "events": events})


async def new_event(request: Request) -> Response:
    user = await organiser(request)
    values = {"timezone": "Europe/Paris", "currency": "EUR", "country": "FR"}
    return render(request, "dashboard/event_form.html", {"user": user, "values": values})


async def create_event(request: Request) -> Response:
    user = await organiser(request)
    data = _event_form(await checked_form(request))
    try:
        event = await services.create_event(user, data)
    except Invalid as error:
        context = {"user": user, "values": data, "errors": error.details}
        return render(request, "dashboard/event_form.html", context, status_code=422)
    return RedirectResponse(request.url_for("dashboard_event", slug=event.slug), status_code=303)


def _event_page(
    request: Request, user: Any, event: Event, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    context = {"user": user, "event": event, "values": values, "errors": errors}
    return render(request, "dashboard/event.html", context, status_code=422 if errors else 200)


async def event_page(request: Request) -> Response:
    user = await organiser(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    return _event_page(request, user, event, event_values(event), {})


async def update_event(request: Request) -> Response:
    user = await organiser(request)
    data = _event_form(await checked_form(request))
    event = await services.organiser_event(user, request.path_params["slug"])
    try:
        event = await services.update_event(user, event, data)
    except Invalid as error:
        return _event_page(request, user, event, data, error.details)
    return RedirectResponse(request.url_for("dashboard_event", slug=event.slug), status_code=303)


async def publish_event(request: Request) -> Response:
    user = await organiser(request)
    await checked_form(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    await services.publish_event(user, event)
    return RedirectResponse(request.url_for("dashboard_event", slug=event.slug), status_code=303)


async def cancel_event(request: Request) -> Response:
    user = await organiser(request)
    await checked_form(request)
    event = await services.organiser_event(user, request.path_params["slug"])
    await services.cancel_event(user, event)
    return RedirectResponse(request.url_for("dashboard_event", slug=event.slug), status_code=303)


routes = [
    Route("/dashboard", index, name="dashboard"),
    Route("/dashboard/events/new", new_event, methods=["GET"], name="dashboard_event_new"),
    Route("/dashboard/events", create_event, methods=["POST"], name="dashboard_event_create"),
    Route("/dashboard/events/{slug}", event_page, methods=["GET"], name="dashboard_event"),
    Route("/dashboard/events/{slug}", update_event, methods=["POST"], name="dashboard_event_update"),
    Route(
        "/dashboard/events/{slug}/publish",
        publish_event,
        methods=["POST"],
        name="dashboard_event_publish",
    ),
    Route(
        "/dashboard/events/{slug}/cancel",
        cancel_event,
        methods=["POST"],
        name="dashboard_event_cancel",
    ),
]
