"""The attendees part of the JSON API: the searchable list and the export files (organiser)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser
from events.catalogue.services import organiser_event
from events.ticketing import roster
from events.ticketing.downloads import FORMATS, QUERIES, export_response
from events.ticketing.query_schemas import AttendeesQuery
from events.web.api import answer, documented, query_model

Endpoint = Callable[[Request], Awaitable[Response]]


@documented(
    "An event's attendees (?q=, ?ticket_type=, ?status=, ?checked_in=, ?question= with ?answer=, "
    "?sort=, ?limit=, ?cursor=)",
    query=AttendeesQuery,
)
async def list_attendees(request: Request) -> Response:
    user = await api_organiser(request)
    query = query_model(request, AttendeesQuery)
    event = await organiser_event(user, request.path_params["slug"])
    wanted = await roster.filters(event, query.roster_params())
    found = await roster.page(event, wanted, query.limit, query.cursor)
    return answer({"attendees": found.rows, "next_cursor": found.next_cursor, "total": found.total})


def _export(kind: str, fmt: str) -> Endpoint:
    @documented(
        f"Export the event's {kind} as {fmt.upper()} (?columns=, ?delimiter=semicolon, the list's filters)",
        media=FORMATS[fmt].split(";")[0],
        query=QUERIES[kind],
    )
    async def export_file(request: Request) -> Response:
        user = await api_organiser(request)
        query = query_model(request, QUERIES[kind])
        event = await organiser_event(user, request.path_params["slug"])
        return await export_response(event, kind, fmt, query)

    return export_file


routes = [
    Route("/events/{slug:slug}/attendees", list_attendees, methods=["GET"], name="api_attendees"),
    *(
        Route(
            f"/events/{{slug:slug}}/exports/{kind}.{fmt}",
            _export(kind, fmt),
            methods=["GET"],
            name=f"api_export_{kind}_{fmt}",
        )
        for kind in ("attendees", "orders")
        for fmt in ("csv", "xlsx")
    ),
]
