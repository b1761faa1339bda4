"""The waiting-list page: a visitor leaves a name and an e-mail address for a sold-out ticket type."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import client_ip
from events.catalogue.models import Event, TicketType
from events.errors import DomainError
from events.i18n import get_locale
from events.ticketing import orders, waitlist
from events.ticketing.waitlist import JoinIn
from events.web import forms
from events.web.forms import FormState
from events.web.templating import render


async def _page(request: Request, event: Event, ticket_type: TicketType, state: FormState) -> Response:
    context = {
        "event": event,
        "ticket_type": ticket_type,
        "values": state.values if isinstance(state.values, FormData) else FormData(),
        "errors": state.errors,
        "problem": state.problem,
        "joined": request.query_params.get("joined") == "1",
    }
    return render(request, "ticketing/_waitlist_join.html", context, status_code=state.status)


async def _event_and_type(request: Request) -> tuple[Event, TicketType]:
    event = await orders.event_on_sale(request.path_params["slug"])
    return event, await waitlist.waiting_type(event, request.path_params["type_id"])


async def waitlist_page(request: Request) -> Response:
    event, ticket_type = await _event_and_type(request)
    return await _page(request, event, ticket_type, FormState())


async def waitlist_join(request: Request) -> Response:
    event, ticket_type = await _event_and_type(request)
    return await forms.form_cycle(
        request,
        schema=JoinIn,
        read=lambda form: {"name": str(form.get("name", "")), "email": str(form.get("email", ""))},
        save=lambda values: waitlist.join(
            event, ticket_type, values, locale=get_locale(), client=client_ip(request)
        ),
        page=lambda state: _page(request, event, ticket_type, state),
        done=lambda _: request.url_for(
            "waitlist_join", slug=event.slug, type_id=ticket_type.id
        ).include_query_params(joined="1"),
        shown=lambda form: form,
        problems=(DomainError,),
    )


routes = [
    Route(
        "/events/{slug:slug}/waiting-list/{type_id:id}", waitlist_page, methods=["GET"], name="waitlist_join"
    ),
    forms.form_route(
        "/events/{slug:slug}/waiting-list/{type_id:id}", waitlist_join, name="waitlist_join_submit"
    ),
]
