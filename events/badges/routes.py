"""Tickets for the buyer: QR images and ticket PDFs (badge printing for the organiser is in the dashboard)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.badges import qr, services
from events.ticketing import lifecycle

PRIVATE = {"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"}


def pdf_response(content: bytes, filename: str, *, download: bool = False) -> Response:
    disposition = "attachment" if download else "inline"
    headers = {**PRIVATE, "Content-Disposition": f'{disposition}; filename="{filename}"'}
    return Response(content, media_type="application/pdf", headers=headers)


async def ticket_png(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    ticket = await services.issued_ticket(order, request.path_params["ticket_id"])
    return Response(qr.png(ticket.secret), media_type="image/png", headers=PRIVATE)


async def ticket_svg(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    ticket = await services.issued_ticket(order, request.path_params["ticket_id"])
    return Response(qr.svg(ticket.secret), media_type="image/svg+xml", headers=PRIVATE)


async def ticket_pdf(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    ticket = await services.issued_ticket(order, request.path_params["ticket_id"])
    return pdf_response(await services.tickets_pdf(order, [ticket]), f"ticket-{order.code}-{ticket.id}.pdf")


async def order_pdf(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    tickets = await services.issued_tickets(order)
    return pdf_response(await services.tickets_pdf(order, tickets), f"tickets-{order.code}.pdf")


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
]
