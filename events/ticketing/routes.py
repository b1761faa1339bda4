"""The attendee's pages: registration (works without JavaScript) and the order page."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form, client_ip
from events.catalogue import offers, sessions
from events.catalogue.models import Event, Session, SessionStatus
from events.errors import DomainError, Invalid
from events.i18n import get_locale, gettext
from events.payments import refunds
from events.payments import services as payments
from events.ticketing import (
    attendee_routes,
    attendees,
    booking_routes,
    limits,
    manage,
    orders,
    waitlist,
    waitlist_routes,
)
from events.ticketing.availability import availability, on_sale
from events.ticketing.forms import chosen_quantities, form_errors, order_data
from events.ticketing.models import Order, SessionBooking, Ticket
from events.web.templating import render


async def _workshops(event: Event) -> list[tuple[Session, int]]:
    """Sessions that must be booked (they have a capacity), with the places left in each."""
    return [
        (session, max(0, (session.capacity or 0) - booked))
        for session, booked in await sessions.sessions_with_counts(event)
        if session.capacity is not None and session.status == SessionStatus.SCHEDULED
    ]


async def _register_page(
    request: Request,
    event: Event,
    quantities: dict[int, int],
    *,
    values: FormData | None = None,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    values = values or FormData()
    code = str(values.get("promo_code") or request.query_params.get("code") or "")
    types = await orders.offered_types(event, code)
    left = await availability(event, types)
    by_id = {t.id: t for t in types}
    slots = [by_id[type_id] for type_id, n in quantities.items() if type_id in by_id for _ in range(n)]
    context = {
        "event": event,
        "types": types,
        "left": left,
        "on_sale": {t.id: on_sale(t) for t in types},
        "quantities": quantities,
        "slots": slots,
        "questions": await offers.questions(event),
        "workshops": await _workshops(event),
        "values": values,
        "errors": errors or {},
        "problem": problem,
        "code": code,
        "offer": request.query_params.get("offer") or values.get("offer") or "",
    }
    context["offer_entry"] = await waitlist.live_offer(event, str(context["offer"]))
    return render(request, "ticketing/register.html", context, status_code=status_code)


async def register_page(request: Request) -> Response:
    event = await orders.event_on_sale(request.path_params["slug"])
    type_ids = [t.id for t in await offers.ticket_types(event)]
    return await _register_page(request, event, chosen_quantities(request.query_params, type_ids))


async def register(request: Request) -> Response:
    form = await checked_form(request)
    event = await orders.event_on_sale(request.path_params["slug"])
    data = order_data(form, await offers.questions(event), get_locale())
    quantities: dict[int, int] = {}
    for ticket in data["tickets"]:
        quantities[ticket["ticket_type"]] = quantities.get(ticket["ticket_type"], 0) + 1
    try:
        async with limits.order_rate(client_ip(request)):
            order = await orders.place_order(event.slug, data)
    except Invalid as error:
        return await _register_page(
            request, event, quantities, values=form, errors=form_errors(error.details), status_code=422
        )
    except DomainError as error:
        message = gettext(error.message, **error.params)
        return await _register_page(
            request, event, quantities, values=form, problem=message, status_code=error.status
        )
    target = request.url_for("order_page", code=order.code, secret=order.secret)
    return RedirectResponse(target, status_code=303)


async def _order_context(order: Order) -> dict[str, Any]:
    event = await Event.get(id=order.event_id)
    tickets = await Ticket.filter(order_id=order.id).order_by("id").prefetch_related("ticket_type")
    booked: dict[int, list[Session]] = {}
    for booking in await SessionBooking.filter(ticket__order_id=order.id).prefetch_related("session"):
        booked.setdefault(booking.ticket_id, []).append(booking.session)
    for mine in booked.values():
        mine.sort(key=lambda session: (session.starts_at, session.id))
    return {
        "order": order,
        "event": event,
        "tickets": tickets,
        "booked": booked,
        "workshops": await _workshops(event),
        **attendees.page_context(order, event),
    }


async def order_page(request: Request) -> Response:
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    order = await payments.reconcile_on_return(order)  # a lost webhook loses no sale
    context = await _order_context(order)
    context["payment"] = await payments.payment_view(order)
    context["notice"] = request.query_params.get("notice")
    return render(request, "ticketing/order.html", context)


async def cancel_order(request: Request) -> Response:
    await checked_form(request)
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    await refunds.cancel_by_attendee(order)
    target = request.url_for("order_page", code=order.code, secret=order.secret)
    return RedirectResponse(str(target.include_query_params(notice="cancelled")), status_code=303)


async def resend_confirmation(request: Request) -> Response:
    await checked_form(request)
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    await manage.resend_confirmation(order)
    target = request.url_for("order_page", code=order.code, secret=order.secret)
    return RedirectResponse(str(target.include_query_params(notice="resent")), status_code=303)


routes = [
    Route("/events/{slug:slug}/register", register_page, methods=["GET"], name="register"),
    Route("/events/{slug:slug}/register", register, methods=["POST"], name="register_submit"),
    Route("/orders/{code:code}/{secret:secret}", order_page, methods=["GET"], name="order_page"),
    Route("/orders/{code:code}/{secret:secret}/cancel", cancel_order, methods=["POST"], name="order_cancel"),
    Route(
        "/orders/{code:code}/{secret:secret}/resend",
        resend_confirmation,
        methods=["POST"],
        name="order_resend",
    ),
    *booking_routes.routes,
    *waitlist_routes.routes,
    *attendee_routes.routes,
]
