"""The buyer's page for correcting one attendee's details, reached from the order page."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form
from events.catalogue.models import Event
from events.errors import Invalid, NotFound
from events.ticketing import attendees, manage
from events.ticketing.models import Order, Ticket
from events.web.templating import render


def _current_values(ticket: Ticket) -> FormData:
    """The stored details as the form's fields, so the page opens filled in."""
    prefix = attendees.FORM_PREFIX
    pairs: list[tuple[str, str | UploadFile]] = [
        (prefix + name, str(getattr(ticket, f"attendee_{name}"))) for name in attendees.ATTENDEE_FIELDS
    ]
    for key, answer in ticket.answers.items():
        for value in answer if isinstance(answer, list) else [answer]:
            pairs.append((f"{prefix}q-{key}", "on" if value is True else str(value)))
    return FormData(pairs)


async def _page(
    request: Request,
    order: Order,
    ticket: Ticket,
    values: FormData | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    event = await Event.get(id=order.event_id)
    context = {
        "order": order,
        "event": event,
        "ticket": ticket,
        "questions": await attendees.questions(event),
        "values": values if values is not None else _current_values(ticket),
        "errors": errors or {},
        "editable": attendees.can_edit_ticket(order, event, ticket),
        "deadline": attendees.edit_deadline(event),
    }
    return render(request, "ticketing/_attendees_edit.html", context, status_code=status_code)


async def _order_ticket(request: Request) -> tuple[Order, Ticket]:
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    ticket = await Ticket.get_or_none(id=request.path_params["ticket_id"], order_id=order.id)
    if ticket is None:
        raise NotFound()
    await ticket.fetch_related("ticket_type")
    return order, ticket


async def attendee_page(request: Request) -> Response:
    order, ticket = await _order_ticket(request)
    return await _page(request, order, ticket)


def _field(error_key: str) -> str:
    """`attendee.name` -> `ticket-0-name`; `answers.7` -> `ticket-0-q-7`: the form's field names."""
    group, _dot, name = error_key.partition(".")
    return attendees.FORM_PREFIX + (f"q-{name}" if group == "answers" else name)


async def attendee_update(request: Request) -> Response:
    form = await checked_form(request)
    order, ticket = await _order_ticket(request)
    event = await Event.get(id=order.event_id)
    data = attendees.read_form(form, await attendees.questions(event))
    try:
        await attendees.update_attendee(order, ticket.id, data)
    except Invalid as error:
        errors = {_field(key): message for key, message in error.details.items()}
        return await _page(request, order, ticket, form, errors, status_code=422)
    target = request.url_for("order_page", code=order.code, secret=order.secret)
    return RedirectResponse(str(target.include_query_params(notice="attendee_saved")), status_code=303)


routes = [
    Route(
        "/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}/attendee",
        attendee_page,
        methods=["GET"],
        name="attendee_edit",
    ),
    Route(
        "/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}/attendee",
        attendee_update,
        methods=["POST"],
        name="attendee_update",
    ),
]
