"""The organiser's check-in page: lists (who may enter where and when), door links, door staff, figures.

The door itself (the scanner for a phone or a laptop) is not an organiser page: it lives in `checkin/`.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, Field
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.badges import qr
from events.catalogue import offers
from events.catalogue.models import Event, Session
from events.checkin import services, tokens
from events.checkin.api import scanner_url
from events.checkin.schemas import ID_MAX, CheckinListIn, DoorTokenIn, DoorUserIn
from events.dashboard.context import organiser_and_event
from events.web import forms
from events.web.forms import FormState

FLASH_LINK = "door_link"
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
RowId = Annotated[int, Field(ge=1, le=ID_MAX)]


class ChosenToken(BaseModel):
    token_id: RowId


class ChosenUser(BaseModel):
    user_id: RowId


def _qr_data_uri(text: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr.png(text, box_size=6)).decode()


async def _dashboard(request: Request, user: User, event: Event, state: FormState) -> Response:
    link = request.session.pop(FLASH_LINK, None)
    lists = await services.checkin_lists(event)
    context = {
        "user": user,
        "event": event,
        "current": "checkin",
        "lists": lists,
        "list_types": {found.id: await services.list_type_ids(found) for found in lists},
        "types": await offers.ticket_types(event),
        "figures": await services.stats(event),
        "sessions": {session.id: session for session in await Session.filter(event_id=event.id)},
        "door_tokens": await tokens.door_tokens(event),
        "door_users": await tokens.door_users(user),
        "new_link": link if isinstance(link, str) else None,
        "new_link_qr": _qr_data_uri(link) if isinstance(link, str) else None,
    }
    response = forms.show(request, "dashboard/checkin.html", context, state)
    response.headers.update(NO_STORE)
    return response


def _renamed(state: FormState, names: Mapping[str, str]) -> FormState:
    """The errors of a service's fields under the names the page gives them (`name` -> `token_name`)."""
    errors = {names.get(field, field): message for field, message in state.errors.items()}
    return FormState(state.values, errors, state.problem, state.status)


async def checkin_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _dashboard(request, user, event, FormState())


def _list_form(form: FormData) -> dict[str, object]:
    data = forms.fields(form, ("name", "valid_from", "valid_until", "session"))
    data["name"] = data["name"] or ""
    data["ticket_types"] = form.getlist("ticket_types")
    data["allow_multiple_entries"] = forms.checked(form, "allow_multiple_entries")
    data["once_per_day"] = forms.checked(form, "once_per_day")
    return data


def _back(request: Request, event: Event, anchor: str = "") -> str:
    return f"{request.url_for('dashboard_checkin', slug=event.slug)}{anchor}"


async def create_list(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=CheckinListIn,
        read=_list_form,
        save=lambda values: services.create_list(user, event, values),
        page=lambda state: _dashboard(request, user, event, state),
        done=lambda _: _back(request, event),
    )


async def create_door_token(request: Request) -> Response:
    user, event = await organiser_and_event(request)

    async def save(values: DoorTokenIn) -> None:
        _created, token = await tokens.create_door_token(user, event, values)
        request.session[FLASH_LINK] = scanner_url(event.slug, token)

    return await forms.form_cycle(
        request,
        schema=DoorTokenIn,
        read=lambda form: {"name": str(form.get("token_name", ""))},
        save=save,
        page=lambda state: _dashboard(request, user, event, _renamed(state, {"name": "token_name"})),
        done=lambda _: _back(request, event),
    )


async def revoke_door_token(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=ChosenToken,
        read=lambda form: {"token_id": forms.text(form, "token_id")},
        save=lambda chosen: tokens.revoke_door_token(user, event, chosen.token_id),
        page=lambda state: _dashboard(request, user, event, state),
        done=lambda _: _back(request, event),
    )


_STAFF_FIELDS = ("email", "name", "password")


async def create_door_user(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    staff = {name: f"staff_{name}" for name in _STAFF_FIELDS}
    return await forms.form_cycle(
        request,
        schema=DoorUserIn,
        read=lambda form: {name: str(form.get(f"staff_{name}", "")) for name in _STAFF_FIELDS},
        save=lambda values: tokens.create_door_user(user, values),
        page=lambda state: _dashboard(request, user, event, _renamed(state, staff)),
        done=lambda _: _back(request, event, "#staff-heading"),
        shown=lambda form: {name: str(form.get(name, "")) for name in ("staff_email", "staff_name")},
    )


async def deactivate_door_user(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=ChosenUser,
        read=lambda form: {"user_id": forms.text(form, "user_id")},
        save=lambda chosen: tokens.deactivate_door_user(user, chosen.user_id),
        page=lambda state: _dashboard(request, user, event, state),
        done=lambda _: _back(request, event, "#staff-heading"),
    )


_CHECKIN = "/dashboard/events/{slug:slug}/checkin"

routes = [
    Route(_CHECKIN, checkin_page, methods=["GET"], name="dashboard_checkin"),
    forms.form_route(f"{_CHECKIN}/lists", create_list, name="dashboard_checkin_list_create"),
    forms.form_route(f"{_CHECKIN}/door-links", create_door_token, name="dashboard_door_token_create"),
    forms.form_route(f"{_CHECKIN}/door-links/revoke", revoke_door_token, name="dashboard_door_token_revoke"),
    forms.form_route(f"{_CHECKIN}/door-staff", create_door_user, name="dashboard_door_user_create"),
    forms.form_route(
        f"{_CHECKIN}/door-staff/deactivate", deactivate_door_user, name="dashboard_door_user_deactivate"
    ),
]
