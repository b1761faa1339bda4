"""Booking workshops from the order page, after registration: book a place, give it back."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form
from events.catalogue import sessions
from events.errors import NotFound
from events.ticketing import manage
from events.ticketing.forms import whole_numbers
from events.ticketing.models import Order, Ticket


async def _ticket(request: Request) -> tuple[Order, Ticket]:
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    ticket = await Ticket.get_or_none(id=request.path_params["ticket_id"], order_id=order.id)
    if ticket is None:
        raise NotFound()
    return order, ticket


def _back(request: Request, order: Order, notice: str) -> Response:
    target = request.url_for("order_page", code=order.code, secret=order.secret)
    return RedirectResponse(str(target.include_query_params(notice=notice)) + "#sessions", status_code=303)


async def book(request: Request) -> Response:
    form = await checked_form(request)
    order, ticket = await _ticket(request)
    wanted = whole_numbers(form.getlist("session"))
    await sessions.book_later(ticket, wanted)
    return _back(request, order, "booked")


async def cancel(request: Request) -> Response:
    await checked_form(request)
    order, ticket = await _ticket(request)
    await sessions.cancel_booking(ticket, request.path_params["session_id"])
    return _back(request, order, "unbooked")


routes = [
    Route(
        "/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}/sessions",
        book,
        methods=["POST"],
        name="order_book_sessions",
    ),
    Route(
        "/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}/sessions/{session_id:id}/cancel",
        cancel,
        methods=["POST"],
        name="order_cancel_session",
    ),
]
