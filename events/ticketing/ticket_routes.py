"""The attendee's own ticket page (`/tickets/{token}`), its badge image and PDF, and their news consent."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form
from events.badges import qr
from events.badges import services as badges
from events.errors import TicketNotIssued
from events.mail import mailings
from events.ticketing import own_ticket
from events.ticketing.models import Ticket
from events.web.templating import render

PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


async def ticket_page(request: Request) -> Response:
    ticket = await own_ticket.ticket_by_token(request.path_params["token"])
    context = {
        "ticket": ticket,
        "event": ticket.event,
        "issued": own_ticket.issued(ticket),
        "notice": request.query_params.get("notice"),
    }
    response = render(request, "ticketing/ticket.html", context)
    response.headers.update(PRIVATE)
    return response


async def _issued_ticket(request: Request) -> Ticket:
    ticket = await own_ticket.ticket_by_token(request.path_params["token"])
    if not own_ticket.issued(ticket):
        raise TicketNotIssued()
    return ticket


async def ticket_png(request: Request) -> Response:
    ticket = await _issued_ticket(request)
    return Response(qr.png(ticket.secret), media_type="image/png", headers=PRIVATE)


async def ticket_pdf(request: Request) -> Response:
    ticket = await _issued_ticket(request)
    content = await badges.tickets_pdf(ticket.order, [ticket])
    headers = {**PRIVATE, "Content-Disposition": f'inline; filename="ticket-{ticket.id}.pdf"'}
    return Response(content, media_type="application/pdf", headers=headers)


async def news_consent(request: Request) -> Response:
    ticket = await own_ticket.ticket_by_token(request.path_params["token"])
    form = await checked_form(request)
    given = form.get("news") == "yes"
    await own_ticket.set_news_consent(ticket, given)
    target = request.url_for("own_ticket", token=ticket.agenda_token)
    notice = "news_given" if given else "news_withdrawn"
    return RedirectResponse(str(target.include_query_params(notice=notice)), status_code=303)


async def unsubscribe(request: Request) -> Response:
    """The one-click withdrawal of a mailing's `List-Unsubscribe` (RFC 8058): a POST by the mail client,
    which carries no CSRF token, and can only ever withdraw this ticket's news consent."""
    ticket = await own_ticket.ticket_by_token(request.path_params["token"])
    await mailings.unsubscribe(ticket)
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded") and (
        (await request.form()).get("List-Unsubscribe") == "One-Click"
    ):
        return Response(status_code=204)
    target = request.url_for("own_ticket", token=ticket.agenda_token)
    return RedirectResponse(str(target.include_query_params(notice="news_withdrawn")), status_code=303)


async def unsubscribe_page(request: Request) -> Response:
    """The link in the message's footer: a page with one button, so a link preview withdraws nothing."""
    ticket = await own_ticket.ticket_by_token(request.path_params["token"])
    response = render(request, "ticketing/unsubscribe.html", {"ticket": ticket, "event": ticket.event})
    response.headers.update(PRIVATE)
    return response


routes = [
    Route("/tickets/{token}", ticket_page, methods=["GET"], name="own_ticket"),
    Route("/tickets/{token}/badge.png", ticket_png, methods=["GET"], name="own_ticket_qr"),
    Route("/tickets/{token}/ticket.pdf", ticket_pdf, methods=["GET"], name="own_ticket_pdf"),
    Route("/tickets/{token}/news", news_consent, methods=["POST"], name="own_ticket_news"),
    Route(
        "/tickets/{token}/unsubscribe", unsubscribe_page, methods=["GET"], name="own_ticket_unsubscribe_page"
    ),
    Route("/tickets/{token}/unsubscribe", unsubscribe, methods=["POST"], name="own_ticket_unsubscribe"),
]
