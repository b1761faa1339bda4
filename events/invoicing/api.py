"""The organisation's settings in the JSON API: the seller printed on invoices and its bank details."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import api_organiser
from events.accounts.models import Organisation, Role
from events.catalogue.services import organiser_event
from events.errors import Forbidden
from events.invoicing import seller, transfers
from events.invoicing.seller import LegalDetails
from events.invoicing.transfers import TransferIn
from events.ticketing import lifecycle
from events.ticketing.order_schemas import OrderOut
from events.web.api import answer, documented, json_body


class LegalDetailsOut(LegalDetails):
    """The settings as stored, with the fields a paid sale still needs (`missing`, empty when complete)."""

    missing: list[str] = Field(default_factory=list)


async def _settings_json(organisation: Organisation) -> dict[str, object]:
    return {**await seller.settings_of(organisation), "missing": seller.missing(organisation)}


@documented("The organisation's legal and bank details (owner)", response=LegalDetailsOut)
async def settings_show(request: Request) -> Response:
    user = await api_organiser(request)
    if user.role != Role.OWNER:
        raise Forbidden()
    return answer(await _settings_json(await Organisation.get(id=user.organisation_id)))


@documented(
    "Change the organisation's legal and bank details (owner)", body=LegalDetails, response=LegalDetailsOut
)
async def settings_update(request: Request) -> Response:
    user = await api_organiser(request)
    organisation = await seller.update_legal_details(user, await json_body(request))
    return answer(await _settings_json(organisation))


@documented("Record a bank transfer received for an order on invoice", body=TransferIn, response=OrderOut)
async def record_transfer(request: Request) -> Response:
    user = await api_organiser(request)
    event = await organiser_event(user, request.path_params["slug"])
    order = await lifecycle.organiser_order(event, request.path_params["code"])
    return answer(
        await lifecycle.order_json(await transfers.record_transfer(user, order, await json_body(request)))
    )


routes = [
    Route(
        "/events/{slug:slug}/orders/{code:code}/payments",
        record_transfer,
        methods=["POST"],
        name="api_order_transfer",
    ),
    Route("/organisation/settings", settings_show, methods=["GET"], name="api_organisation_settings"),
    Route(
        "/organisation/settings", settings_update, methods=["PATCH"], name="api_organisation_settings_update"
    ),
]
