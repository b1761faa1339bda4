"""The attendee's pages: registration (works without JavaScript) and the order page."""

from __future__ import annotations

from collections import Counter

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import client_ip
from events.accounts.branding import brand
from events.accounts.models import Organisation
from events.catalogue import offers, sessions
from events.catalogue.models import Event, Session, SessionStatus
from events.certificates.models import Certificate
from events.errors import DomainError
from events.i18n import get_locale
from events.partnering.models import PartneringSetup
from events.partnering.tokens import space_url
from events.payments import refunds
from events.payments import services as payments
from events.ticketing import (
    attendee_routes,
    attendees,
    booking_routes,
    lifecycle,
    limits,
    orders,
    waitlist,
    waitlist_routes,
)
from events.ticketing.availability import availability, on_sale
from events.ticketing.forms import chosen_quantities, form_errors, order_data
from events.ticketing.models import Order, SessionBooking, Ticket, TicketStatus
from events.ticketing.order_schemas import OrderIn
from events.validation import Confirmed
from events.web import forms
from events.web.forms import FormState
from events.web.templating import render


async def _workshops(event: Event) -> list[tuple[Session, int]]:
    """Sessions that must be booked (they have a capacity), with the places left in each."""
    return [
        (session, max(0, (session.capacity or 0) - booked))
        for session, booked in await sessions.sessions_with_counts(event)
        if session.capacity is not None and session.status == SessionStatus.SCHEDULED
    ]


def _workshops_for(
    workshops: list[tuple[Session, int]], type_ids: set[int]
) -> dict[int, list[tuple[Session, int]]]:
    """For each ticket type, the workshops a ticket of that type may book (`sessions.open_to`)."""
    return {
        type_id: [(s, places) for s, places in workshops if sessions.open_to(s, type_id)]
        for type_id in type_ids
    }


async def _register_page(
    request: Request, event: Event, quantities: dict[int, int], state: FormState
) -> Response:
    values = state.values if isinstance(state.values, FormData) else FormData()
    errors = form_errors(dict(state.errors))
    code = str(values.get("promo_code") or request.query_params.get("code") or "")
    types = await orders.offered_types(event, code)
    typed = await orders.typed_code(event, code)
    left = await availability(event, types)
    by_id = {t.id: t for t in types}
    slots = [by_id[type_id] for type_id, n in quantities.items() if type_id in by_id for _ in range(n)]
    workshops = await _workshops(event)
    context = {
        "event": event,
        "types": types,
        "left": left,
        "on_sale": {t.id: on_sale(t) for t in types},
        "quantities": quantities,
        "slots": slots,
        "questions": await offers.questions(event),
        "workshops": _workshops_for(workshops, {t.id for t in slots}),
        "values": values,
        "errors": errors,
        "problem": state.problem,
        "code": code,
        "promo": typed.promo,
        "code_error": typed.error,
        "offer": request.query_params.get("offer") or values.get("offer") or "",
    }
    context["offer_entry"] = await waitlist.live_offer(event, str(context["offer"]))
    organisation = await Organisation.get(id=event.organisation_id)
    context["notice_url"] = request.url_for("privacy_notice", slug=organisation.slug)
    return render(request, "ticketing/register.html", context, status_code=state.status)


async def register_page(request: Request) -> Response:
    event = await orders.event_on_sale(request.path_params["slug"])
    type_ids = [t.id for t in await offers.ticket_types(event)]
    quantities = chosen_quantities(request.query_params, type_ids)
    return await _register_page(request, event, quantities, FormState())


async def register(request: Request) -> Response:
    event = await orders.event_on_sale(request.path_params["slug"])
    questions = await offers.questions(event)
    locale = get_locale()

    def quantities(form: FormData) -> dict[int, int]:
        return dict(
            Counter(ticket["ticket_type"] for ticket in order_data(form, questions, locale)["tickets"])
        )

    async def page(state: FormState) -> Response:
        form = state.values if isinstance(state.values, FormData) else FormData()
        return await _register_page(request, event, quantities(form), state)

    async def place(wanted: OrderIn) -> Order:
        async with limits.order_rate(client_ip(request)):
            return await orders.place_order(event.slug, wanted)

    return await forms.form_cycle(
        request,
        schema=orders.read_order,
        read=lambda form: order_data(form, questions, locale),
        save=place,
        page=page,
        done=lambda order: request.url_for("order_page", code=order.code, secret=order.secret),
        shown=lambda form: form,
        problems=(DomainError,),
    )


async def partnering_links(event: Event, tickets: list[Ticket]) -> dict[int, str]:
    """Each valid ticket's partnering space, when the event has partnering on."""
    if not await PartneringSetup.filter(event_id=event.id, enabled=True).exists():
        return {}
    return {t.id: space_url(t) for t in tickets if t.status == TicketStatus.VALID}


async def _order_context(order: Order) -> dict[str, object]:
    event = await Event.get(id=order.event_id)
    tickets = await Ticket.filter(order_id=order.id).order_by("id").prefetch_related("ticket_type")
    booked: dict[int, list[Session]] = {}
    for booking in await SessionBooking.filter(ticket__order_id=order.id).prefetch_related("session"):
        booked.setdefault(booking.ticket_id, []).append(booking.session)
    for mine in booked.values():
        mine.sort(key=lambda session: (session.starts_at, session.id))
    certified = await Certificate.filter(ticket_id__in=[t.id for t in tickets]).values_list(
        "ticket_id", "code"
    )
    return {
        "order": order,
        "event": event,
        "brand": await brand(event.organisation_id),
        "tickets": tickets,
        "certificates": {int(ticket_id): str(code) for ticket_id, code in certified},
        "booked": booked,
        "workshops": _workshops_for(await _workshops(event), {t.ticket_type_id for t in tickets}),
        "partnering_links": await partnering_links(event, tickets),
        **attendees.page_context(order, event),
    }


async def show_order_page(request: Request, order: Order, state: FormState) -> Response:
    context = await _order_context(order)
    context["payment"] = await payments.payment_view(order)
    return forms.show(request, "ticketing/order.html", context, state)


async def order_page(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    order = await payments.reconcile_on_return(order)  # a lost webhook loses no sale
    return await show_order_page(request, order, FormState())


async def cancel_order(request: Request) -> Response:
    """Self-cancel acts only with its confirmation box ticked; unticked, the page says so beside it."""
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])

    async def save(_confirmed: Confirmed) -> Order:
        return await refunds.cancel_by_attendee(order)

    return await forms.form_cycle(
        request,
        schema=Confirmed,
        read=lambda form: {"confirm": forms.checked(form, "confirm")},
        save=save,
        page=lambda state: show_order_page(request, order, state),
        done=lambda _: request.url_for("order_page", code=order.code, secret=order.secret),
        notice="cancelled",
    )


async def resend_confirmation(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    return await forms.button_cycle(
        request,
        save=lambda: lifecycle.resend_confirmation(order),
        done=lambda _: request.url_for("order_page", code=order.code, secret=order.secret),
        notice="resent",
    )


routes = [
    Route("/events/{slug:slug}/register", register_page, methods=["GET"], name="register"),
    forms.form_route("/events/{slug:slug}/register", register, name="register_submit"),
    Route("/orders/{code:code}/{secret:secret}", order_page, methods=["GET"], name="order_page"),
    forms.form_route("/orders/{code:code}/{secret:secret}/cancel", cancel_order, name="order_cancel"),
    forms.form_route("/orders/{code:code}/{secret:secret}/resend", resend_confirmation, name="order_resend"),
    *booking_routes.routes,
    *waitlist_routes.routes,
    *attendee_routes.routes,
]
