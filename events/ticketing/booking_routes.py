"""Booking workshops from the order page, after registration: book a place, give it back."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from events.catalogue import sessions
from events.errors import NotFound
from events.ticketing import lifecycle
from events.ticketing.models import Order, Ticket
from events.web import forms


async def _ticket(request: Request) -> tuple[Order, Ticket]:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    ticket = await Ticket.get_or_none(id=request.path_params["ticket_id"], order_id=order.id)
    if ticket is None:
        raise NotFound()
    return order, ticket


def _back(request: Request, order: Order, notice: str) -> str:
    target = request.url_for("order_page", code=order.code, secret=order.secret)
    return str(target.include_query_params(notice=notice)) + "#sessions"


class Chosen(BaseModel):
    """The workshops ticked; anything not a number names no session and is left out."""

    sessions: list[int]


def _chosen(form: FormData) -> dict[str, object]:
    return {
        "sessions": [int(str(v)) for v in form.getlist("session") if str(v).isdigit() and len(str(v)) < 10]
    }


async def book(request: Request) -> Response:
    """A session refused (another event's, or not included with this ticket) is said beside the
    ticket's workshop boxes, on the order page shown again."""
    from events.ticketing.routes import show_order_page  # the order page's module lists these routes

    order, ticket = await _ticket(request)
    return await forms.form_cycle(
        request,
        schema=Chosen,
        read=_chosen,
        save=lambda chosen: sessions.book_later(ticket, chosen.sessions),
        page=lambda state: show_order_page(request, order, state),
        shown=lambda form: {"ticket": ticket.id},
        done=lambda _: _back(request, order, "booked"),
    )


async def cancel(request: Request) -> Response:
    order, ticket = await _ticket(request)
    return await forms.button_cycle(
        request,
        save=lambda: sessions.cancel_booking(ticket, request.path_params["session_id"]),
        done=lambda _: _back(request, order, "unbooked"),
    )


_TICKET = "/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}"

routes = [
    forms.form_route(f"{_TICKET}/sessions", book, name="order_book_sessions"),
    forms.form_route(f"{_TICKET}/sessions/{{session_id:id}}/cancel", cancel, name="order_cancel_session"),
]
