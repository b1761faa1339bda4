"""The organiser's programme: the sessions with their bookings, adding, changing, cancelling one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.catalogue import offers, sessions
from events.catalogue.models import Event, Session
from events.catalogue.session_schemas import SessionPatch, session_values
from events.dashboard.context import organiser_and_event
from events.web import forms
from events.web.forms import FormState

SessionChange = Callable[[User, Event, Session], Awaitable[Session]]
_FORM_FIELDS = (
    "title",
    "title_en",
    "starts_at",
    "ends_at",
    "room",
    "speakers",
    "description",
    "description_en",
    "capacity",
)


def _session_form(form: FormData) -> dict[str, object]:
    """The typed fields; no ticket type ticked means every type (the boxes always say which)."""
    return {**forms.fields(form, _FORM_FIELDS), "ticket_types": forms.ids(form, "ticket_types")}


def _shown(form: FormData) -> dict[str, object]:
    return forms.posted(form, groups=["ticket_types"])


async def _programme_page(request: Request, user: User, event: Event, state: FormState) -> Response:
    context = {
        "user": user,
        "event": event,
        "current": "programme",
        "rows": await sessions.sessions_with_counts(event),
        "types": await offers.ticket_types(event),
    }
    return forms.show(request, "dashboard/programme.html", context, state)


async def organiser_programme(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _programme_page(request, user, event, FormState())


async def create_session(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=lambda data: sessions.validate_session(event, data),
        read=_session_form,
        save=lambda values: sessions.create_session(user, event, values),
        page=lambda state: _programme_page(request, user, event, state),
        shown=_shown,
        done=lambda _: request.url_for("dashboard_programme", slug=event.slug),
    )


async def _event_session(request: Request) -> tuple[User, Event, Session]:
    user, event = await organiser_and_event(request)
    return user, event, await sessions.event_session(event, request.path_params["id"])


async def _session_page(
    request: Request, user: User, event: Event, session: Session, state: FormState
) -> Response:
    context = {"user": user, "event": event, "session": session, "types": await offers.ticket_types(event)}
    return forms.show(request, "dashboard/programme_session.html", context, state)


async def session_page(request: Request) -> Response:
    user, event, session = await _event_session(request)
    return await _session_page(request, user, event, session, FormState(session_values(session)))


async def update_session(request: Request) -> Response:
    user, event, session = await _event_session(request)
    return await forms.form_cycle(
        request,
        schema=SessionPatch,
        read=_session_form,
        save=lambda patch: sessions.update_session(user, event, session, patch),
        page=lambda state: _session_page(request, user, event, session, state),
        shown=_shown,
        done=lambda _: request.url_for("dashboard_programme", slug=event.slug),
    )


async def _change_status(request: Request, change: SessionChange) -> Response:
    """Cancel or restore a session: a button, and back to the programme."""
    user, event, session = await _event_session(request)
    return await forms.button_cycle(
        request,
        save=lambda: change(user, event, session),
        done=lambda _: request.url_for("dashboard_programme", slug=event.slug),
    )


async def cancel_session(request: Request) -> Response:
    return await _change_status(request, sessions.cancel_session)


async def restore_session(request: Request) -> Response:
    return await _change_status(request, sessions.restore_session)


_SESSION = "/dashboard/events/{slug:slug}/programme/{id:id}"

routes = [
    Route(
        "/dashboard/events/{slug:slug}/programme",
        organiser_programme,
        methods=["GET"],
        name="dashboard_programme",
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/programme", create_session, name="dashboard_session_create"
    ),
    Route(_SESSION, session_page, methods=["GET"], name="dashboard_session"),
    forms.form_route(_SESSION, update_session, name="dashboard_session_update"),
    forms.form_route(f"{_SESSION}/cancel", cancel_session, name="dashboard_session_cancel"),
    forms.form_route(f"{_SESSION}/restore", restore_session, name="dashboard_session_restore"),
]
