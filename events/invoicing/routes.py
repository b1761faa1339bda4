"""Invoice and credit note downloads (buyer and organiser), and the organisation's legal details page."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import organiser
from events.accounts.models import Organisation, Role, User
from events.catalogue.services import organiser_event
from events.errors import Forbidden
from events.i18n import gettext
from events.invoicing import documents, seller
from events.invoicing.models import Invoice
from events.ticketing import manage
from events.validation import blank_to_none
from events.web import forms
from events.web.forms import FormState


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


async def _owner(request: Request) -> tuple[User, Organisation]:
    user = await organiser(request)
    if user.role != Role.OWNER:
        raise Forbidden()
    return user, await Organisation.get(id=user.organisation_id)


def _settings_form(form: FormData) -> dict[str, object]:
    values = blank_to_none(
        {name: forms.text(form, name) for name in seller.FIELDS if name != "vat_on_debits"}
    )
    return {**values, "vat_on_debits": forms.checked(form, "vat_on_debits")}


async def _settings_page(request: Request, user: User, state: FormState) -> Response:
    organisation = await Organisation.get(id=user.organisation_id)
    missing = [gettext(seller.LABELS[name]) for name in seller.missing(organisation)]
    context = {"user": user, "missing": missing, "saved": request.query_params.get("notice") == "saved"}
    return forms.show(request, "dashboard/settings.html", context, state)


async def settings_page(request: Request) -> Response:
    user, organisation = await _owner(request)
    return await _settings_page(request, user, FormState(seller.values_of(organisation)))


async def update_settings(request: Request) -> Response:
    user, _organisation = await _owner(request)
    return await forms.form_cycle(
        request,
        schema=seller.LegalDetails,
        read=_settings_form,
        save=lambda values: seller.update_legal_details(user, values.model_dump()),
        page=lambda state: _settings_page(request, user, state),
        done=lambda _: request.url_for("dashboard_settings"),
        notice="saved",
    )


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
    forms.form_route("/dashboard/settings", update_settings, name="dashboard_settings_update"),
]
