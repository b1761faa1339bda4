"""Invoice and credit note downloads (buyer and organiser), and the organisation's legal details page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import checked_form, organiser
from events.accounts.models import Organisation, Role
from events.catalogue.services import organiser_event
from events.errors import Forbidden, Invalid
from events.invoicing import documents, seller
from events.invoicing.models import Invoice
from events.ticketing import manage
from events.validation import blank_to_none
from events.web.templating import render


def _pdf(document: Invoice, content: bytes) -> Response:
    headers = {
        "Content-Disposition": f'inline; filename="{document.number}.pdf"',
        "Cache-Control": "private, no-store",
    }
    return Response(content, media_type="application/pdf", headers=headers)


async def buyer_invoice(request: Request) -> Response:
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    document = await documents.for_order(order)
    return _pdf(document, await documents.render(document))


async def buyer_document(request: Request) -> Response:
    order = await manage.buyer_order(request.path_params["code"], request.path_params["secret"])
    document = await documents.for_order(order, request.path_params["number"])
    return _pdf(document, await documents.render(document))


async def organiser_document(request: Request) -> Response:
    user = await organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    order = await manage.organiser_order(event, request.path_params["code"])
    document = await documents.for_order(order, request.path_params["number"])
    return _pdf(document, await documents.render(document))


async def _owner(request: Request) -> tuple[object, Organisation]:
    user = await organiser(request)
    if user.role != Role.OWNER:
        raise Forbidden()
    return user, await Organisation.get(id=user.organisation_id)


async def settings_page(request: Request) -> Response:
    user, organisation = await _owner(request)
    context = {
        "user": user,
        "values": seller.values_of(organisation),
        "errors": {},
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "dashboard/settings.html", context)


async def update_settings(request: Request) -> Response:
    user = await organiser(request)
    form = await checked_form(request)
    data = blank_to_none({name: form.get(name, "") for name in seller.FIELDS})
    try:
        await seller.update_legal_details(user, data)
    except Invalid as error:
        context = {"user": user, "values": data, "errors": error.details, "saved": False}
        return render(request, "dashboard/settings.html", context, status_code=422)
    target = request.url_for("dashboard_settings").include_query_params(saved="1")
    return RedirectResponse(str(target), status_code=303)


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
    Route(
        "/dashboard/events/{slug:slug}/orders/{code:code}/documents/{number:number}.pdf",
        organiser_document,
        methods=["GET"],
        name="dashboard_order_document",
    ),
    Route("/dashboard/settings", settings_page, methods=["GET"], name="dashboard_settings"),
    Route("/dashboard/settings", update_settings, methods=["POST"], name="dashboard_settings_update"),
]
