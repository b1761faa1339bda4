"""The attendee's own ticket page (`/tickets/{token}`), its badge image and PDF, and their news consent."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.branding import brand
from events.badges import qr
from events.badges import services as badges
from events.errors import TicketNotIssued
from events.mail import mailings
from events.ticketing import own_ticket
from events.ticketing.models import Ticket
from events.web import forms
from events.web.forms import FormState
from events.web.templating import render

PRIVATE = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}


async def _ticket_page(request: Request, ticket: Ticket, state: FormState) -> Response:
    context = {
        "ticket": ticket,
        "event": ticket.event,
        "issued": own_ticket.issued(ticket),
        "brand": await brand(ticket.event.organisation_id),
    }
    response = forms.show(request, "ticketing/ticket.html", context, state)
    response.headers.update(PRIVATE)
    return response


async def ticket_page(request: Request) -> Response:
    ticket = await own_ticket.ticket_by_token(request.path_params["token"])
    return await _ticket_page(request, ticket, FormState())


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


class NewsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    news: Literal["yes", "no"]


async def news_consent(request: Request) -> Response:
    token = request.path_params["token"]

    # The ticket is looked up after the cycle's CSRF check, when saving or showing the page again.
    async def save(values: NewsIn) -> tuple[str, bool]:
        ticket = await own_ticket.ticket_by_token(token)
        await own_ticket.set_news_consent(ticket, values.news == "yes")
        return ticket.agenda_token, values.news == "yes"

    async def page(state: FormState) -> Response:
        return await _ticket_page(request, await own_ticket.ticket_by_token(token), state)

    def done(result: tuple[str, bool]) -> URL:
        notice = "news_given" if result[1] else "news_withdrawn"
        return request.url_for("own_ticket", token=result[0]).include_query_params(notice=notice)

    return await forms.form_cycle(
        request,
        schema=NewsIn,
        read=lambda form: {"news": forms.text(form, "news")},
        save=save,
        page=page,
        done=done,
    )


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
    Route("/tickets/{token:token}", ticket_page, methods=["GET"], name="own_ticket"),
    Route("/tickets/{token:token}/badge.png", ticket_png, methods=["GET"], name="own_ticket_qr"),
    Route("/tickets/{token:token}/ticket.pdf", ticket_pdf, methods=["GET"], name="own_ticket_pdf"),
    forms.form_route("/tickets/{token:token}/news", news_consent, name="own_ticket_news"),
    Route(
        "/tickets/{token:token}/unsubscribe",
        unsubscribe_page,
        methods=["GET"],
        name="own_ticket_unsubscribe_page",
    ),
    Route("/tickets/{token:token}/unsubscribe", unsubscribe, methods=["POST"], name="own_ticket_unsubscribe"),
]
