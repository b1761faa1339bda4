"""The organiser's badges: printing them (one PDF, filtered by ticket type or name) and their colours."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.models import User
from events.badges import services
from events.badges.pdf import Layout
from events.badges.routes import pdf_response
from events.catalogue import offers
from events.catalogue.models import Event
from events.catalogue.offer_schemas import BadgeColours
from events.dashboard.context import organiser_and_event
from events.errors import N_, Invalid
from events.i18n import gettext
from events.ticketing.figures import sold_by_type
from events.web import forms
from events.web.forms import FormState

COLOUR_FIELD = "colour-"


async def _page(request: Request, user: User, event: Event, state: FormState) -> Response:
    counts = await sold_by_type(event)
    context = {
        "user": user,
        "event": event,
        "current": "badges",
        "types": await offers.ticket_types(event),
        "counts": counts,
        "total": counts.total(),
    }
    return forms.show(request, "dashboard/badges.html", context, state)


async def badges_page(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await _page(request, user, event, FormState())


def _choice(request: Request) -> tuple[Layout, list[int], str, str]:
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
    order = request.query_params.get("order") or services.BADGE_ORDERS[0]
    if order not in services.BADGE_ORDERS:
        errors["order"] = gettext(N_("Choose one of the offered values."))
    if errors:
        raise Invalid(errors)
    return layout, type_ids, request.query_params.get("q", "")[:200], order


async def badges_download(request: Request) -> Response:
    _user, event = await organiser_and_event(request)
    layout, type_ids, text, order = _choice(request)
    known = {t.id for t in await offers.ticket_types(event)}
    if not set(type_ids) <= known:
        raise Invalid({"ticket_type": gettext(N_("Choose ticket types of this event."))})
    tickets = await services.badge_tickets(event, type_ids, text, order)
    content = await services.badges_pdf(event, tickets, layout)
    return pdf_response(content, f"badges-{event.slug}-{layout}.pdf", download=True)


def _colours(form: FormData) -> dict[str, object]:
    """`colour-<ticket type id>` fields by id; a field naming no id is not one of them."""
    colours = {
        key.removeprefix(COLOUR_FIELD): str(form.get(key, ""))
        for key in form
        if key.startswith(COLOUR_FIELD) and key.removeprefix(COLOUR_FIELD).isdigit()
    }
    return {"colours": colours}


async def badge_colours(request: Request) -> Response:
    user, event = await organiser_and_event(request)
    return await forms.form_cycle(
        request,
        schema=BadgeColours,
        read=_colours,
        save=lambda chosen: offers.set_badge_colours(user, event, chosen.colours),
        page=lambda state: _page(request, user, event, state),
        done=lambda _: request.url_for("dashboard_badges", slug=event.slug),
        notice="colours",
    )


routes = [
    Route("/dashboard/events/{slug:slug}/badges", badges_page, methods=["GET"], name="dashboard_badges"),
    Route(
        "/dashboard/events/{slug:slug}/badges.pdf",
        badges_download,
        methods=["GET"],
        name="dashboard_badges_pdf",
    ),
    forms.form_route(
        "/dashboard/events/{slug:slug}/badges/colours", badge_colours, name="dashboard_badge_colours"
    ),
]
