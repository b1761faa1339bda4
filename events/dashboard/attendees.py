"""The organiser's attendees: the searchable, filterable list with its export buttons, and a person's page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.catalogue import offers
from events.catalogue.models import TicketType
from events.checkin.models import Checkin
from events.dashboard.context import organiser_and_event as organiser_event
from events.errors import NotFound
from events.mail import mailings
from events.ticketing import roster
from events.ticketing.downloads import QUERIES, export_response
from events.ticketing.models import SessionBooking, Ticket, TicketStatus
from events.web.api import query_model
from events.web.templating import render

PAGE_SIZE = 50
Endpoint = Callable[[Request], Awaitable[Response]]
_FILTERS = roster.FILTER_NAMES


def _shown(row: roster.Attendee) -> dict[str, object]:
    entered = row["checked_in_at"]
    return {**row, "checked_in_at": datetime.fromisoformat(entered) if entered else None}


async def attendees_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    query = request.query_params
    chosen = {key: (query.get(key) or "").strip()[: roster.SEARCH_LENGTH] for key in _FILTERS}
    questions = await offers.questions(event)
    context: dict[str, object] = {
        "questions": questions,
        "answer_options": sorted({key for q in questions for key in roster.option_keys(q)}),
    }
    wanted, context["errors"] = await roster.page_filters(event, dict(chosen))
    found = await roster.page(event, wanted, PAGE_SIZE, query.get("cursor"))
    context |= {
        "user": user,
        "event": event,
        "current": "attendees",
        "attendees": [_shown(row) for row in found.rows],
        "total": found.total,
        "next_cursor": found.next_cursor,
        "chosen": chosen,
        "ticket_types": await TicketType.filter(event_id=event.id).order_by("position", "id"),
        "statuses": list(TicketStatus),
        "sorts": list(roster.SORTS),
        "filters": {key: value for key, value in chosen.items() if value},
    }
    return render(request, "dashboard/attendees.html", context)


async def attendee_page(request: Request) -> Response:
    user, event = await organiser_event(request)
    ticket = await Ticket.get_or_none(
        id=request.path_params["ticket_id"], event_id=event.id
    ).prefetch_related("order", "ticket_type")
    if ticket is None:
        raise NotFound()
    context = {
        "user": user,
        "event": event,
        "current": "attendees",
        "ticket": ticket,
        "order": ticket.order,
        "questions": {str(q.id): q for q in await offers.questions(event)},
        "bookings": await SessionBooking.filter(ticket_id=ticket.id).prefetch_related("session"),
        "messages": await mailings.messages_to(event, ticket.attendee_email or ticket.order.buyer_email),
        "checkins": await Checkin.filter(ticket_id=ticket.id)
        .order_by("created_at")
        .prefetch_related("checkin_list"),
    }
    return render(request, "dashboard/attendee.html", context)


def _export(kind: str, fmt: str) -> Endpoint:
    async def export_file(request: Request) -> Response:
        _user, event = await organiser_event(request)
        query = query_model(request, QUERIES[kind])
        return await export_response(event, kind, fmt, query)

    return export_file


routes = [
    Route(
        "/dashboard/events/{slug:slug}/attendees", attendees_page, methods=["GET"], name="dashboard_attendees"
    ),
    Route(
        "/dashboard/events/{slug:slug}/attendees/{ticket_id:id}",
        attendee_page,
        methods=["GET"],
        name="dashboard_attendee",
    ),
    *(
        Route(
            f"/dashboard/events/{{slug:slug}}/exports/{kind}.{fmt}",
            _export(kind, fmt),
            methods=["GET"],
            name=f"dashboard_export_{kind}_{fmt}",
        )
        for kind in ("attendees", "orders")
        for fmt in ("csv", "xlsx")
    ),
]
