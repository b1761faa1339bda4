"""The buyer's page for correcting one attendee's details, reached from the order page."""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.catalogue.models import Event
from events.errors import NotFound
from events.ticketing import attendees, lifecycle
from events.ticketing.attendees import AttendeeForm
from events.ticketing.forms import form_errors
from events.ticketing.models import Order, Ticket
from events.web import forms
from events.web.forms import FormState
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


async def _page(request: Request, order: Order, ticket: Ticket, state: FormState | None = None) -> Response:
    event = await Event.get(id=order.event_id)
    context = {
        "order": order,
        "event": event,
        "ticket": ticket,
        "questions": await attendees.questions(event),
        "values": state.values if state else _current_values(ticket),
        "errors": form_errors({_field(key): message for key, message in state.errors.items()})
        if state
        else {},
        "editable": attendees.can_edit_ticket(order, event, ticket),
        "deadline": attendees.edit_deadline(event),
    }
    return render(
        request, "ticketing/_attendees_edit.html", context, status_code=state.status if state else 200
    )


async def _order_ticket(request: Request) -> tuple[Order, Ticket]:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
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
    order, ticket = await _order_ticket(request)
    event = await Event.get(id=order.event_id)
    questions = await attendees.questions(event)
    return await forms.form_cycle(
        request,
        schema=AttendeeForm,
        read=lambda form: attendees.read_form(form, questions),
        save=lambda changes: attendees.update_attendee(order, ticket.id, changes.model_dump()),
        page=lambda state: _page(request, order, ticket, state),
        done=lambda _: request.url_for("order_page", code=order.code, secret=order.secret),
        notice="attendee_saved",
        shown=lambda form: form,
    )


routes = [
    Route(
        "/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}/attendee",
        attendee_page,
        methods=["GET"],
        name="attendee_edit",
    ),
    forms.form_route(
        "/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}/attendee",
        attendee_update,
        name="attendee_update",
    ),
]
