"""Tickets for the buyer (QR images, ticket PDFs) and badge printing for the organiser."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form, organiser
from events.badges import qr, services
from events.badges.pdf import Layout
from events.catalogue import offers
from events.catalogue.offer_schemas import TicketTypePatch
from events.catalogue.services import organiser_event
from events.dashboard.stats import sold_by_type
from events.errors import N_, Invalid
from events.i18n import gettext
from events.ticketing import manage
from events.validation import validate
from events.web.templating import render

PRIVATE = {"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"}


def _pdf(content: bytes, filename: str, *, download: bool = False) -> Response:
    disposition = "attachment" if download else "inline"
    headers = {**PRIVATE, "Content-Disposition": f'{disposition}; filename="{filename}"'}
    return Response(content, media_type="application/pdf", headers=headers)


async def ticket_png(request: Request) -> Response:
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    ticket = await services.issued_ticket(order, request.path_params["ticket_id"])
    return Response(qr.png(ticket.secret), media_type="image/png", headers=PRIVATE)


async def ticket_svg(request: Request) -> Response:
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    ticket = await services.issued_ticket(order, request.path_params["ticket_id"])
    return Response(qr.svg(ticket.secret), media_type="image/svg+xml", headers=PRIVATE)


async def ticket_pdf(request: Request) -> Response:
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    ticket = await services.issued_ticket(order, request.path_params["ticket_id"])
    return _pdf(await services.tickets_pdf(order, [ticket]), f"ticket-{order.code}-{ticket.id}.pdf")


async def order_pdf(request: Request) -> Response:
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    tickets = await services.issued_tickets(order)
    return _pdf(await services.tickets_pdf(order, tickets), f"tickets-{order.code}.pdf")


# ---------------------------------------------------------------- organiser


async def badges_page(request: Request) -> Response:
    user = await organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    types = await offers.ticket_types(event)
    counts = await sold_by_type(event)
    context = {
        "user": user,
        "event": event,
        "types": types,
        "counts": counts,
        "total": counts.total(),
        "notice": request.query_params.get("notice"),
    }
    return render(request, "dashboard/badges.html", context)


def _choice(request: Request) -> tuple[Layout, list[int], str]:
    """The badge set asked for in the query string, or `Invalid` with a message per field."""
    errors: dict[str, str] = {}
    try:
        layout = Layout(request.query_params.get("format") or Layout.A6X4)
    except ValueError:
        errors["format"] = gettext(N_("Choose one of the offered values."))
        layout = Layout.A6X4
    type_ids: list[int] = []
    for value in request.query_params.getlist("ticket_type"):
        if not (value.isascii() and value.isdigit()) or len(value) > 9:
            errors["ticket_type"] = gettext(N_("Choose ticket types of this event."))
            break
        type_ids.append(int(value))
    if errors:
        raise Invalid(errors)
    return layout, type_ids, request.query_params.get("q", "")[:200]


async def badges_download(request: Request) -> Response:
    user = await organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    layout, type_ids, text = _choice(request)
    known = {t.id for t in await offers.ticket_types(event)}
    if not set(type_ids) <= known:
        raise Invalid({"ticket_type": gettext(N_("Choose ticket types of this event."))})
    tickets = await services.badge_tickets(event, type_ids, text)
    content = await services.badges_pdf(event, tickets, layout)
    return _pdf(content, f"badges-{event.slug}-{layout}.pdf", download=True)


async def badge_colours(request: Request) -> Response:
    """Each ticket type's colour band; only the changed ones are saved (and audited)."""
    user = await organiser(request)
    form = await checked_form(request)
    event = await organiser_event(user, request.path_params["slug"])
    for ticket_type in await offers.ticket_types(event):
        wanted = str(form.get(f"colour-{ticket_type.id}", ticket_type.badge_colour)).lower()
        if wanted != ticket_type.badge_colour.lower():
            await offers.update_ticket_type(
                user, ticket_type, validate(TicketTypePatch, {"badge_colour": wanted})
            )
    target = request.url_for("dashboard_badges", slug=event.slug).include_query_params(notice="colours")
    return RedirectResponse(str(target), status_code=303)


routes = [
    Route(
        "/orders/{code:code}/{secret:secret}/tickets.pdf",
        order_pdf,
        methods=["GET"],
        name="order_tickets_pdf",
    ),
    Route("/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}.png", ticket_png, name="ticket_qr"),
    Route("/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}.svg", ticket_svg, name="ticket_qr_svg"),
    Route("/orders/{code:code}/{secret:secret}/tickets/{ticket_id:id}.pdf", ticket_pdf, name="ticket_pdf"),
    Route("/dashboard/events/{slug:slug}/badges", badges_page, methods=["GET"], name="dashboard_badges"),
    Route(
        "/dashboard/events/{slug:slug}/badges.pdf",
        badges_download,
        methods=["GET"],
        name="dashboard_badges_pdf",
    ),
    Route(
        "/dashboard/events/{slug:slug}/badges/colours",
        badge_colours,
        methods=["POST"],
        name="dashboard_badge_colours",
    ),
]
