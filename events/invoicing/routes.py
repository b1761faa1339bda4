"""The buyer's invoice and credit note downloads (the organiser's copies are in the dashboard)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.invoicing import documents
from events.invoicing.models import Invoice
from events.ticketing import lifecycle


def pdf_response(document: Invoice, content: bytes) -> Response:
    """A document inline, never cached: it names a person and what they paid."""
    headers = {
        "Content-Disposition": f'inline; filename="{document.number}.pdf"',
        "Cache-Control": "private, no-store",
    }
    return Response(content, media_type="application/pdf", headers=headers)


async def buyer_invoice(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    document = await documents.for_order(order)
    return pdf_response(document, await documents.render(document))


async def buyer_document(request: Request) -> Response:
    order = await lifecycle.buyer_order(request.path_params["code"], request.path_params["secret"])
    document = await documents.for_order(order, request.path_params["number"])
    return pdf_response(document, await documents.render(document))


routes = [
    Route(
        "/orders/{code:code}/{secret:secret}/invoice.pdf",
        buyer_invoice,
        methods=["GET"],
        name="order_invoice",
    ),
    Route(
        "/orders/{code:code}/{secret:secret}/documents/{number:number}.pdf",
        buyer_document,
        methods=["GET"],
        name="order_document",
    ),
]
