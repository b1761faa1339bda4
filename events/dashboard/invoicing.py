"""The organiser's copy of an order's invoices and credit notes (the buyer's is in `invoicing/routes.py`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.dashboard.context import organiser_and_event
from events.invoicing import documents
from events.invoicing.routes import pdf_response
from events.ticketing import lifecycle


async def organiser_document(request: Request) -> Response:
    _user, event = await organiser_and_event(request)
    order = await lifecycle.organiser_order(event, request.path_params["code"])
    document = await documents.for_order(order, request.path_params["number"])
    return pdf_response(document, await documents.render(document))


routes = [
    Route(
        "/dashboard/events/{slug:slug}/orders/{code:code}/documents/{number:number}.pdf",
        organiser_document,
        methods=["GET"],
        name="dashboard_order_document",
    ),
]
