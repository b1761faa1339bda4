"""The waiting-list page: a visitor leaves a name and an e-mail address for a sold-out ticket type."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form, client_ip
from events.catalogue.models import Event, TicketType
from events.errors import DomainError, Invalid
from events.i18n import get_locale, gettext
from events.ticketing import orders, waitlist
from events.web.templating import render


async def _page(
    request: Request,
    event: Event,
    ticket_type: TicketType,
    values: FormData | None = None,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "event": event,
        "ticket_type": ticket_type,
        "values": values or FormData(),
        "errors": errors or {},
        "problem": problem,
        "joined": request.query_params.get("joined") == "1",
    }
    return render(request, "ticketing/_waitlist_join.html", context, status_code=status_code)


async def _event_and_type(request: Request) -> tuple[Event, TicketType]:
    event = await orders.event_on_sale(request.path_params["slug"])
    return event, await waitlist.waiting_type(event, request.path_params["type_id"])


async def waitlist_page(request: Request) -> Response:
    event, ticket_type = await _event_and_type(request)
    return await _page(request, event, ticket_type)


async def waitlist_join(request: Request) -> Response:
    form = await checked_form(request)
    event, ticket_type = await _event_and_type(request)
    data = {"name": str(form.get("name", "")), "email": str(form.get("email", ""))}
    try:
        await waitlist.join(event, ticket_type, data, locale=get_locale(), client=client_ip(request))
    except Invalid as error:
        return await _page(request, event, ticket_type, form, error.details, status_code=422)
    except DomainError as error:
        message = gettext(error.message, **error.params)
        return await _page(request, event, ticket_type, form, problem=message, status_code=error.status)
    target = request.url_for("waitlist_join", slug=event.slug, type_id=ticket_type.id)
    return RedirectResponse(str(target.include_query_params(joined="1")), status_code=303)


routes = [
    Route(
        "/events/{slug:slug}/waiting-list/{type_id:id}", waitlist_page, methods=["GET"], name="waitlist_join"
    ),
    Route(
        "/events/{slug:slug}/waiting-list/{type_id:id}",
        waitlist_join,
        methods=["POST"],
        name="waitlist_join_submit",
    ),
]
