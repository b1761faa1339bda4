"""Door pages: the scanner (for a phone or a laptop with a handheld scanner) and the organiser's check-in
page (lists, door links, live figures)."""

from __future__ import annotations

import base64
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form, organiser, session_user
from events.accounts.models import User
from events.badges import qr
from events.catalogue import offers
from events.catalogue.models import Event, EventStatus
from events.catalogue.services import organiser_event
from events.checkin import services, tokens
from events.checkin.api import scanner_url
from events.errors import N_, Invalid, Unauthenticated
from events.i18n import gettext
from events.validation import blank_to_none
from events.web.templating import render

FLASH_LINK = "door_link"
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def _signed_in(request: Request) -> User:
    user = await session_user(request)
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


# ---------------------------------------------------------------- organiser


def _qr_data_uri(text: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr.png(text, box_size=6)).decode()


async def _dashboard(
    request: Request,
    user: User,
    event: Event,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    link = request.session.pop(FLASH_LINK, None)
    lists = await services.checkin_lists(event)
    context = {
        "user": user,
        "event": event,
        "lists": lists,
        "list_types": {found.id: await services.list_type_ids(found) for found in lists},
        "types": await offers.ticket_types(event),
        "figures": await services.stats(event),
        "door_tokens": await tokens.door_tokens(event),
        "door_users": await tokens.door_users(user),
        "new_link": link if isinstance(link, str) else None,
        "new_link_qr": _qr_data_uri(link) if isinstance(link, str) else None,
        "values": values or {},
        "errors": errors or {},
    }
    response = render(request, "dashboard/checkin.html", context, status_code=status_code)
    response.headers.update(NO_STORE)
    return response


async def checkin_page(request: Request) -> Response:
    user = await organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    return await _dashboard(request, user, event)


def _list_form(form: Any) -> dict[str, Any]:
    data = blank_to_none({name: form.get(name, "") for name in ("name", "valid_from", "valid_until")})
    data["name"] = data["name"] or ""
    data["ticket_types"] = form.getlist("ticket_types")
    data["allow_multiple_entries"] = form.get("allow_multiple_entries") == "on"
    return data


def _chosen_id(form: Any, name: str) -> int:
    """The row a button names (its hidden field): a number that fits the column, else `Invalid`."""
    raw = str(form.get(name, ""))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise Invalid({name: gettext(N_("Choose one of the offered values."))})
    return int(raw)


async def create_list(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    event = await organiser_event(user, request.path_params["slug"])
    data = _list_form(form)
    try:
        await services.create_list(user, event, data)
    except Invalid as error:
        return await _dashboard(request, user, event, values=data, errors=error.details, status_code=422)
    return RedirectResponse(str(request.url_for("dashboard_checkin", slug=event.slug)), status_code=303)


async def create_door_token(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    event = await organiser_event(user, request.path_params["slug"])
    data = {"name": str(form.get("token_name", ""))}
    try:
        _created, token = await tokens.create_door_token(user, event, data)
    except Invalid as error:
        errors = {"token_name": next(iter(error.details.values()))}
        return await _dashboard(request, user, event, values=data, errors=errors, status_code=422)
    request.session[FLASH_LINK] = scanner_url(event.slug, token)
    return RedirectResponse(str(request.url_for("dashboard_checkin", slug=event.slug)), status_code=303)


async def revoke_door_token(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    event = await organiser_event(user, request.path_params["slug"])
    await tokens.revoke_door_token(user, event, _chosen_id(form, "token_id"))
    return RedirectResponse(str(request.url_for("dashboard_checkin", slug=event.slug)), status_code=303)


async def create_door_user(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    event = await organiser_event(user, request.path_params["slug"])
    data = {name: str(form.get(f"staff_{name}", "")) for name in ("email", "name", "password")}
    try:
        await tokens.create_door_user(user, data)
    except Invalid as error:
        values = {"staff_email": data["email"], "staff_name": data["name"]}
        errors = {f"staff_{field}": message for field, message in error.details.items()}
        return await _dashboard(request, user, event, values=values, errors=errors, status_code=422)
    target = request.url_for("dashboard_checkin", slug=event.slug)
    return RedirectResponse(f"{target}#staff-heading", status_code=303)


async def deactivate_door_user(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    event = await organiser_event(user, request.path_params["slug"])
    await tokens.deactivate_door_user(user, _chosen_id(form, "user_id"))
    target = request.url_for("dashboard_checkin", slug=event.slug)
    return RedirectResponse(f"{target}#staff-heading", status_code=303)


routes = [
    Route("/scan", scanner_index, methods=["GET"], name="scanner_index"),
    Route("/scan/{slug:slug}", scanner_page, methods=["GET"], name="scanner"),
    Route("/dashboard/events/{slug:slug}/checkin", checkin_page, methods=["GET"], name="dashboard_checkin"),
    Route(
        "/dashboard/events/{slug:slug}/checkin/lists",
        create_list,
        methods=["POST"],
        name="dashboard_checkin_list_create",
    ),
    Route(
        "/dashboard/events/{slug:slug}/checkin/door-links",
        create_door_token,
        methods=["POST"],
        name="dashboard_door_token_create",
    ),
    Route(
        "/dashboard/events/{slug:slug}/checkin/door-links/revoke",
        revoke_door_token,
        methods=["POST"],
        name="dashboard_door_token_revoke",
    ),
    Route(
        "/dashboard/events/{slug:slug}/checkin/door-staff",
        create_door_user,
        methods=["POST"],
        name="dashboard_door_user_create",
    ),
    Route(
        "/dashboard/events/{slug:slug}/checkin/door-staff/deactivate",
        deactivate_door_user,
        methods=["POST"],
        name="dashboard_door_user_deactivate",
    ),
]
